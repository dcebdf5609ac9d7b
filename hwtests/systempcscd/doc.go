// Package systempcscd shows the hardware suite working the way a lab runs
// it: against a pcscd that paycert did not start (the system service) and
// readers named with PAYCERT_READER/PAYCERT_READER2. Its test starts pcscd
// as a daemon, as an init system would, puts software cards into the two
// vpcd readers it serves, and runs the reader tests and the README's
// spec-by-spec command against them, as a separate `go test`.
package systempcscd
