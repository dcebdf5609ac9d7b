# The paycert image the Kubernetes manifests name (load/deploy, ${IMAGE}):
# `make image IMAGE=registry.example/paycert:v1` builds it where docker
# exists. Two stages: the Go toolchain with the PC/SC headers builds the
# binary; the runtime stage is a slim Debian with only the shared libraries
# the binary links (ldd: libpcsclite.so.1 from libpcsclite1, and libc) and
# CA certificates for https targets. Same Debian release as the development
# machines, so the glibc the binary was linked against is the one it runs on.
# load/deploy_test.go checks that every library the binary links is installed
# here.

FROM golang:1.26-bookworm AS build
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends libpcsclite-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN go build -trimpath -ldflags "-X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/paycert ./cmd/paycert

FROM debian:bookworm-slim
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends libpcsclite1 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/paycert /usr/local/bin/paycert
# Not root: a load generator needs no privilege. /results is where the
# manifests mount the results volume.
USER 65532:65532
WORKDIR /results
ENTRYPOINT ["paycert"]
CMD ["--help"]
