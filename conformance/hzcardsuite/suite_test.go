package hzcardsuite

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"paycert/conformance"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
)

// clockEnv carries, from TestTimeOfDay to the TestSuite it re-executes,
// the instant the embedded centre's clock starts at.
const clockEnv = "PAYCERT_HZCARD_TEST_CLOCK"

// TestSuite runs the Huzhou suite against the embedded simulator, or the
// endpoint in PAYCERT_TARGET_HZCARD.
func TestSuite(t *testing.T) {
	s := Suite()
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
