package hzcardsuite

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"gopkg.in/yaml.v3"

	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/sim"
)

// clockEnv carries, from TestTimeOfDay to the TestSuite it re-executes,
// the instant the embedded centre's clock starts at; configEnv, from
// TestReaderLab, a paycert.yaml whose hzcard target (URL and params) the
// suite runs against.
const (
	clockEnv  = "PAYCERT_HZCARD_TEST_CLOCK"
	configEnv = "PAYCERT_HZCARD_TEST_CONFIG"
)

// TestSuite runs the Huzhou suite against the embedded simulator, or the
// endpoint in PAYCERT_TARGET_HZCARD.
func TestSuite(t *testing.T) {
	s := Suite()
	if p := os.Getenv(configEnv); p != "" {
		cfg, err := conformance.LoadConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Register(cfg.Resolve(platform)))
		gomega.RegisterFailHandler(ginkgo.Fail)
		ginkgo.RunSpecs(t, "paycert hzcard against "+cfg.Resolve(platform).URL)
		return
	}
	if v := os.Getenv(clockEnv); v != "" {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t.Fatalf("%s=%q: %v", clockEnv, v, err)
		}
		s = suiteAt(at)
	}
	conformance.RunTest(t, s)
}

// TestTimeOfDay runs the whole suite against the embedded centre with its
// clock at midnight, noon and a minute to midnight in Asia/Shanghai (the
// wire's zone): no spec may depend on the time of day. Ginkgo runs one
// suite per process, so each instant is a child "go test" process.
func TestTimeOfDay(t *testing.T) {
	if testing.Short() || os.Getenv(clockEnv) != "" {
		t.Skip("re-runs the suite three times")
	}
	zone := hzcard.Zone()
	ran := regexp.MustCompile(`Ran (\d+) of (\d+) Specs`)
	for _, at := range []time.Time{
		time.Date(2026, 5, 2, 0, 0, 0, 0, zone),
		time.Date(2026, 5, 2, 12, 0, 0, 0, zone),
		time.Date(2026, 5, 2, 23, 59, 0, 0, zone),
	} {
		t.Run(at.Format("15:04"), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestSuite$", "-test.v")
			cmd.Env = append(os.Environ(), clockEnv+"="+at.Format(time.RFC3339))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the suite with the centre's clock at %s: %v\n%s", at, err, out)
			}
			m := ran.FindSubmatch(out)
			if m == nil || string(m[1]) == "0" {
				t.Fatalf("no spec ran at %s:\n%s", at, out)
			}
			t.Logf("%s: ran %s of %s specs, all passed", at.Format("2006-01-02 15:04 MST"), m[1], m[2])
		})
	}
}

// TestWhen checks the date check the specs apply to what the centre puts
// on the wire, at the instants a run may straddle: exact against the
// embedded centre, within the skew of our clock against a target (so a
// reply dated 23:59:59 read at 00:00:05 passes), never a day off.
func TestWhen(t *testing.T) {
	zone := hzcard.Zone()
	at := func(d, h, m, s int) time.Time { return time.Date(2026, 5, d, h, m, s, 0, zone) }
	tests := []struct {
		name     string
		now      time.Time
		embedded bool
		date     string
		clock    string
		ok       bool
	}{
		{"embedded midnight", at(2, 0, 0, 0), true, "20260502", "000000", true},
		{"embedded noon", at(2, 12, 0, 0), true, "20260502", "120000", true},
		{"embedded 23:59", at(2, 23, 59, 0), true, "20260502", "235900", true},
		{"embedded a second off", at(2, 23, 59, 0), true, "20260502", "235901", false},
		{"embedded date of yesterday", at(2, 0, 0, 0), true, "20260501", "", false},
		{"embedded date in UTC", at(2, 7, 0, 0), true, "20260501", "230000", false},
		{"target straddling midnight", at(3, 0, 0, 5), false, "20260502", "235959", true},
		{"target date straddling midnight", at(3, 0, 0, 5), false, "20260502", "", true},
		{"target noon", at(2, 12, 0, 0), false, "20260502", "120412", true},
		{"target a day off", at(2, 12, 0, 0), false, "20260501", "120000", false},
		{"target in UTC", at(2, 12, 0, 0), false, "20260502", "040000", false},
		{"target date of yesterday at noon", at(2, 12, 0, 0), false, "20260501", "", false},
		{"target malformed", at(2, 12, 0, 0), false, "2026052", "120000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{zone: zone}
			e.cfg.Now = func() time.Time { return tt.now }
			if tt.embedded {
				e.sim = newTestSim(t)
			}
			err := e.when(tt.date, tt.clock)
			if (err == nil) != tt.ok {
				t.Fatalf("when(%s, %s) at %s: %v, want ok=%v", tt.date, tt.clock, tt.now, err, tt.ok)
			}
		})
	}
}

// TestRunIDIndependentOfClock: payment order numbers carry a random run id,
// so two runs against one endpoint never collide, whatever the time.
func TestRunIDIndependentOfClock(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := runID()
		if len(id) != 8 || seen[id] {
			t.Fatalf("run id %q: want 8 hex digits, fresh each time", id)
		}
		seen[id] = true
	}
}

func newTestSim(t *testing.T) *hzcardsim.Simulator {
	t.Helper()
	s, err := hzcardsim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestReaderLab is the lab case (param reader) in the virtual lab: the
// reference centre serves on loopback, a card of its lab batch sits in a
// vpcd reader behind pcscd (started here, as root, under its lock), and
// the reader specs run in a child process against the centre by URL with
// the params paycert sim hzcard --write-config writes plus reader. The
// card is reached only through PC/SC, as a real card would be; afterwards
// the card and the centre's ledger must agree on every fen.
func TestReaderLab(t *testing.T) {
	if testing.Short() || os.Getenv(configEnv) != "" {
		t.Skip("starts pcscd and a virtual reader")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := newTestSim(t)
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const no = "2253200000002000" // the batch's last card: fresh in this centre
	card, err := cpucard.New(cpucard.Profile{PAN: no})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lab.StartVirtual(ctx, []*cpucard.Card{card}, nil)
	if err != nil {
		t.Fatalf("virtual lab (pcscd and vsmartcard-vpcd, as root): %v", err)
	}
	defer l.Close()
	target, err := SimTarget(s, srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	target.Params["reader"] = l.Slots[0].Reader
	b, err := yaml.Marshal(conformance.Config{Targets: map[string]conformance.Target{platform: target}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := t.TempDir() + "/hzcard.yaml"
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run", "^TestSuite$", "-test.v", "-ginkgo.focus", "behind a reader")
	cmd.Env = append(os.Environ(), configEnv+"="+cfg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the reader specs against a card in %q: %v\n%s", l.Slots[0].Reader, err, out)
	}
	m := regexp.MustCompile(`Ran (\d+) of`).FindSubmatch(out)
	if m == nil || string(m[1]) != "3" {
		t.Fatalf("want the 3 reader specs run:\n%s", out)
	}
	// 3 × minsvamt (1000) loaded, each once, whatever was lost on the way.
	if got := card.Snapshot().Balance; got != 3000 {
		t.Errorf("the card in the reader holds %d fen, want 3000", got)
	}
	if got, _ := s.CardBalance(no); got != 3000 {
		t.Errorf("the centre books %d fen on card %s, want 3000", got, no)
	}
	if err := s.Audit(); err != nil {
		t.Error(err)
	}
}
