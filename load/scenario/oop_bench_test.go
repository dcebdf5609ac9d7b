package scenario

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"paycert/platforms/sim/simproc"
	"strconv"
	"sync"
	"testing"
	"time"

	"paycert/conformance"
	"paycert/load"
)

// oopScenario is a network scenario measured against its simulator in
// another process. maxRequests bounds every run of it, in process too, so
// both sides run the same plan: what the simulator's fixture can pay for
// (0: the runner's bound).
type oopScenario struct {
	name, platform string
	sc             func() *load.Scenario
	maxRequests    uint64
	note           string
}

func oopScenarios() []oopScenario {
	return []oopScenario{
		{"ipos-verify", "ipos", IPosVerify, 0,
			"out of process the fixture's load_voucher at 1 fen a verification (100 000 000 fen), in process 16 seeded vouchers at 1 yuan"},
		{"kakatong-consume", "kakatong", KakatongConsume, 3_000,
			"out of process the fixture's 8 cards (their balances pay for ~3 500 purchases at growing amounts: every run of both sides is bounded to 3 000), in process 64 seeded cards"},
		{"kakatong-soap-consume", "kakatong", KakatongSOAPConsume, 3_000, "as kakatong-consume"},
		{"bill99-purchase", "bill99", Bill99Purchase, 0,
			"out of process the fixture's one bound card (customer_id/pay_token), in process 32 seeded bindings; 32 kept-alive mutual-TLS connections both sides"},
		{"hzcard-charge", "hzcard", HZCardCharge, 20_000,
			"flows; out of process 256 fresh cards of the centre's lab batch read before each run, in process 256 seeded cards; every run of both sides is bounded to 20 000 flows"},
	}
}

// oopRounds is how many (in process, out of process) capacity pairs each
// scenario gets: PAYCERT_BENCH_OOP_ROUNDS, default 2 (ABBA), which keeps the
// five scenarios to about two and a half minutes.
func oopRounds() int {
	if v, err := strconv.Atoi(os.Getenv("PAYCERT_BENCH_OOP_ROUNDS")); err == nil && v > 0 {
		return v
	}
	return 2
}

// oopBench starts simulators as "paycert sim" processes off loopback.
type oopBench struct {
	bin  string     // the paycert binary
	addr netip.Addr // the machine's first non-loopback IPv4
	dir  string
	n    int
	mu   sync.Mutex
}

// newOOPBench finds the address and the binary (PAYCERT_BIN, as "make
// bench-load" passes it, else built now); nil and the reason when the
// out-of-process rows cannot be measured here.
func newOOPBench(b *testing.B) (*oopBench, string) {
	addr, err := simproc.FirstNonLoopbackIPv4()
	if err != nil {
		return nil, err.Error() + ": the simulator cannot be reached off loopback"
	}
	dir, err := os.MkdirTemp("", "paycert-bench-oop-")
	if err != nil {
		b.Fatal(err)
	}
	bin := os.Getenv("PAYCERT_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "paycert")
		if out, err := exec.Command("go", "build", "-o", bin, "paycert/cmd/paycert").CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Sprintf("building paycert for the simulator processes: %v: %s", err, out)
		}
	}
	return &oopBench{bin: bin, addr: addr, dir: dir}, ""
}

func (o *oopBench) close() { os.RemoveAll(o.dir) }

// serve starts "paycert sim platform" on the bench's address with its admin
// endpoint on loopback, and points p at it with only what --write-config
// wrote (URL, params, admin), as "paycert load --config" does. stop
// interrupts the process as Ctrl-C would.
func (o *oopBench) serve(b *testing.B, platform string, p *load.Plan) (stop func()) {
	b.Helper()
	o.mu.Lock()
	o.n++
	cfg := filepath.Join(o.dir, fmt.Sprintf("%s-%d.yaml", platform, o.n))
	o.mu.Unlock()
	cmd := exec.Command(o.bin, "sim", platform, "--listen", o.addr.String()+":0", "--allow-remote", "--admin", "127.0.0.1:0",
		"--write-config", cfg, "--pki-dir", filepath.Join(o.dir, "pki-"+platform))
	proc, err := simproc.Start(cmd, cfg)
	if err != nil {
		b.Fatalf("paycert sim %s: %v", platform, err)
	}
	stop = proc.Stop
	c, err := conformance.LoadConfig(cfg)
	if err != nil {
		stop()
		b.Fatal(err)
	}
	t := c.Targets[platform]
	p.Target, p.Params, p.Admin, p.AllowRemote = t.URL, t.Params, t.Admin, true
	return stop
}

// benchRun runs one measurement and fails the benchmark unless every
// request succeeded, the ledger was right and no field check failed.
func benchRun(b *testing.B, sc *load.Scenario, p load.Plan) *load.Stats {
	b.Helper()
	rep, err := load.Run(b.Context(), sc, p)
	if err != nil {
		b.Fatalf("%s against %q: %v", sc.Name, p.Target, err)
	}
	s := rep.ScenarioStats()
	if rep.LedgerErr != nil || rep.CheckFailed > 0 || s.Successes != s.Requests {
		b.Fatalf("%s against %q: ledger %s; checks failed %d %v; %d of %d requests failed: %v", sc.Name, p.Target, rep.Ledger,
			rep.CheckFailed, rep.CheckErrors, s.Requests-s.Successes, s.Requests, s.Errors)
	}
	if rep.Ledger != "ok" {
		b.Fatalf("%s against %q: ledger %q: every measurement's ledger is checked (out of process through the admin endpoint)", sc.Name, p.Target, rep.Ledger)
	}
	return s
}

// ratioOf is a/b, 0 when b is.
func ratioOf(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
