// Package deploy holds the Kubernetes manifests and the Dockerfile's
// contract for distributed load runs (README.md here); its tests decode
// the manifests strictly into the API types, in a package of their own so
// that nothing else (the load package's fuzz builds among it) compiles the
// Kubernetes API.
package deploy
