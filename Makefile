# paycert — one Makefile for builds, tests, certification and benchmarks.
# `make test` is what CI runs (.ci/run); keep it well under 15 minutes.

GO        ?= go
BIN       := bin/paycert
PKGS      := ./...
FUZZTIME  ?= 3s
BENCHTIME ?= 1s
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: all build test unit mutate certify bench bench-load soak fuzz fuzz-short lint hwtests image clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/paycert

# Unit tests, the four conformance suites against the embedded simulators, the
# hardware suite through the virtual reader, a short fuzz run of every fuzz
# target, and the mutation run (every simulator fault must be killed).
test: lint build unit fuzz-short mutate
	@echo "make test: all passed"

unit:
	$(GO) test -count=1 -timeout 12m $(PKGS)
	# codecs/sm2 again without its assembly: the Go field product every
	# non-amd64 build (and -tags purego) uses.
	$(GO) test -count=1 -tags purego ./codecs/sm2

mutate: build
	./$(BIN) mutate all --out reports/out/mutation

# The main job: every platform against its embedded simulator; reports under
# reports/out/<run-id>/ (junit.xml, ginkgo.json, report.json, index.html,
# evidence.tar.gz).
certify: build
	./$(BIN) certify

bench:
	@mkdir -p reports/out/bench
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./codecs/... ./platforms/ipos/ | tee reports/out/bench/latest.txt

# Every load figure of load/README.md, in process and (PAYCERT_BIN: the binary
# just built) against each simulator served by "paycert sim" in another
# process on the machine's first non-loopback IPv4 address.
bench-load: build
	@mkdir -p reports/out/bench
	PAYCERT_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 20m ./load/... | tee reports/out/bench/load-latest.txt

# Ten minutes of ipos-verify against "paycert sim ipos" in another process,
# both processes' RSS sampled every 10 s; fails on 10% growth after the first
# minute (load/README.md, Memory).
soak:
	PAYCERT_SOAK=1 $(GO) test -count=1 -v -timeout 25m -run Soak ./load/soak

# Every fuzz target for FUZZTIME (override: make fuzz FUZZTIME=1m).
fuzz:
	@$(MAKE) --no-print-directory fuzz-short FUZZTIME=$(or $(FUZZ_LONG),30s)

fuzz-short:
	FUZZTIME=$(FUZZTIME) bash .ci/fuzz

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

hwtests:
	$(GO) test -count=1 -v ./hwtests/... ./platforms/pcsc/... ./platforms/cpucard/terminal/

# The container image load/deploy's manifests run (${IMAGE}); needs docker.
IMAGE ?= paycert:$(VERSION)
image:
	@docker info >/dev/null 2>&1 || { echo "make image: no docker daemon here (docker info fails); build where one runs"; exit 1; }
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t $(IMAGE) .

clean:
	rm -rf bin reports/out
