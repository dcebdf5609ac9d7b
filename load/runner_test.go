package load

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load/flow"
)

// echoScenario is a trivial HTTP scenario against a loopback handler: the
// handler answers "ok <id>" except for ids divisible by failEvery, which get
// a business failure in a 200 reply, the way payment platforms answer.
func echoScenario(url string, failEvery uint64, delay time.Duration) *Scenario {
	return &Scenario{
		Name: "echo", Summary: "loopback echo",
		Setup: func(ctx context.Context, env *Env) (*Workload, error) {
			return &Workload{HTTP: &HTTPWork{
				Next: func(id uint64) (vegeta.Target, error) {
					return vegeta.Target{Method: "POST", URL: url, Body: []byte(strconv.FormatUint(id, 10))}, nil
				},
				Classify: func(r *vegeta.Result) error {
					if strings.HasPrefix(string(r.Body), "fail") {
						return Fail("6100", string(r.Body))
					}
					return nil
				},
				Check: func(r *vegeta.Result) error {
					if !strings.HasPrefix(string(r.Body), "ok ") {
						return fmt.Errorf("reply %q lacks the id", r.Body)
					}
					return nil
				},
			}}, nil
		},
	}
}

func echoServer(t *testing.T, failEvery uint64, delay time.Duration) (*httptest.Server, *sync.Map) {
	t.Helper()
	seen := &sync.Map{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [32]byte
		n, _ := r.Body.Read(b[:])
		id, _ := strconv.ParseUint(string(b[:n]), 10, 64)
		if _, dup := seen.LoadOrStore(id, true); dup {
			http.Error(w, "duplicate id", http.StatusConflict)
			return
		}
		time.Sleep(delay)
		if failEvery > 0 && id%failEvery == 0 {
			fmt.Fprintf(w, "fail %d", id)
			return
		}
		fmt.Fprintf(w, "ok %d", id)
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func readAll(t *testing.T, path string) []vegeta.Result {
	t.Helper()
	var out []vegeta.Result
	if _, trunc, err := ReadResults(path, func(r *vegeta.Result) error { out = append(out, *r); return nil }); err != nil || trunc {
		t.Fatalf("ReadResults(%s): truncated=%v err=%v", path, trunc, err)
	}
	return out
}

func TestRunHTTP(t *testing.T) {
	srv, seen := echoServer(t, 10, 0)
	out := filepath.Join(t.TempDir(), "echo.bin")
	rep, err := Run(context.Background(), echoScenario(srv.URL, 10, 0), Plan{
		Rate: 200, Duration: time.Second, KeepAlive: true, Target: srv.URL, Output: out,
		Flags: Thresholds{MinSuccess: 0.95},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.ScenarioStats()
	// ~200 asked; the bound is 1.05×rate×duration+10 = 220. The low end
	// allows for a shared machine's stalls.
	if s == nil || s.Requests < 150 || s.Requests > 220 {
		t.Fatalf("requests = %+v, want ~200", s)
	}
	// Every tenth id is a business failure: about 90% success, named.
	if r := s.SuccessRatio(); r < 0.85 || r > 0.95 {
		t.Errorf("success ratio %.3f, want ~0.9 (business failures must count as failures)", r)
	}
	var sawBreach bool
	for _, b := range rep.Breaches {
		sawBreach = sawBreach || (b.Group == "echo" && b.Threshold == "success")
	}
	if !sawBreach || !rep.Failed() {
		t.Errorf("success threshold 95%% not reported as breached: %+v", rep.Breaches)
	}
	if rep.Checked == 0 || rep.CheckFailed != 0 {
		t.Errorf("field checks: %d checked, %d failed", rep.Checked, rep.CheckFailed)
	}
	if !strings.HasPrefix(rep.Ledger, "not checked") {
		t.Errorf("ledger = %q for an external target", rep.Ledger)
	}
	res := readAll(t, out)
	if uint64(len(res)) != s.Requests || rep.Written != s.Requests {
		t.Fatalf("file has %d results, report %d, written %d", len(res), s.Requests, rep.Written)
	}
	n := 0
	seen.Range(func(any, any) bool { n++; return true })
	if n != len(res) {
		t.Errorf("server saw %d distinct ids, file has %d results", n, len(res))
	}
	checkSeq(t, res)
	for _, r := range res {
		if r.Attack != "echo" {
			t.Fatalf("attack %q", r.Attack)
		}
		if strings.HasPrefix(r.Error, "code 6100") != (len(r.Body) > 0) {
			t.Fatalf("failed results keep their body, successes none: %+v", r)
		}
	}
	if m, ok, err := ReadMeta(out); err != nil || !ok || m.Rate != 200 || m.Scenario != "echo" {
		t.Errorf("meta = %+v %v %v", m, ok, err)
	}
	vegetaCLI(t, out)
}

// checkSeq asserts what vegeta plot needs: per attack name, Seq runs
// 0..n-1 with no gap and in timestamp order.
func checkSeq(t *testing.T, res []vegeta.Result) {
	t.Helper()
	by := map[string]map[uint64]time.Time{}
	for _, r := range res {
		if by[r.Attack] == nil {
			by[r.Attack] = map[uint64]time.Time{}
		}
		if _, dup := by[r.Attack][r.Seq]; dup {
			t.Fatalf("%s: seq %d twice", r.Attack, r.Seq)
		}
		by[r.Attack][r.Seq] = r.Timestamp
	}
	for name, seqs := range by {
		for i := uint64(0); i < uint64(len(seqs)); i++ {
			ts, ok := seqs[i]
			if !ok {
				t.Fatalf("%s: seq %d missing of %d", name, i, len(seqs))
			}
			if i > 0 && ts.Before(seqs[i-1]) {
				t.Fatalf("%s: seq %d earlier than seq %d", name, i, i-1)
			}
		}
	}
}

// vegetaBinary returns the vegeta CLI: $VEGETA when set, else the one go.mod
// pins as a tool (go build github.com/tsenart/vegeta/v12), built once per
// test binary. A build failure fails the test: compatibility with the vegeta
// commands is a promise of issue 7, not an optional extra.
func vegetaBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("VEGETA"); bin != "" {
		return bin
	}
	vegetaBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "paycert-vegeta-")
		if err != nil {
			vegetaBuild.err = err
			return
		}
		vegetaBuild.bin = filepath.Join(dir, "vegeta")
		out, err := exec.Command("go", "build", "-o", vegetaBuild.bin, "github.com/tsenart/vegeta/v12").CombinedOutput()
		if err != nil {
			vegetaBuild.err = fmt.Errorf("go build vegeta: %v\n%s", err, out)
		}
	})
	if vegetaBuild.err != nil {
		t.Fatal(vegetaBuild.err)
	}
	return vegetaBuild.bin
}

// vegetaBuild caches the CLI built for this test binary.
var vegetaBuild struct {
	once sync.Once
	bin  string
	err  error
}

// vegetaCLI runs "vegeta report" and "vegeta plot" on results files.
func vegetaCLI(t *testing.T, files ...string) {
	t.Helper()
	bin := vegetaBinary(t)
	rep, err := exec.Command(bin, append([]string{"report", "-type=json"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("vegeta report: %v\n%s", err, rep)
	}
	if !strings.Contains(string(rep), `"requests"`) {
		t.Fatalf("vegeta report output: %s", rep)
	}
	plot, err := exec.Command(bin, append([]string{"plot"}, files...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(plot), "<html") {
		t.Fatalf("vegeta plot: %v\n%.300s", err, plot)
	}
}

func TestRunRefusesNonLoopbackAndUnbounded(t *testing.T) {
	sc := echoScenario("http://127.0.0.1:1/", 0, 0)
	for _, tc := range []struct {
		name string
		plan Plan
		want string
	}{
		{"remote", Plan{Rate: 1, Duration: time.Second, Target: "http://10.0.0.1:8080/"}, "--allow-remote"},
		{"no host", Plan{Rate: 1, Duration: time.Second, Target: "http://:80/", AllowRemote: true}, "no host"},
		{"remote name", Plan{Rate: 1, Duration: time.Second, Target: "https://pay.example.com/"}, "loopback"},
		{"no rate", Plan{Duration: time.Second, Target: "http://127.0.0.1:9/"}, "rate"},
		{"forever", Plan{Rate: 1, Target: "http://127.0.0.1:9/"}, "duration"},
		{"too long", Plan{Rate: 1, Duration: 2 * MaxDuration, Target: "http://127.0.0.1:9/"}, "duration"},
		{"far start", Plan{Rate: 1, Duration: time.Second, Target: "http://[::1]:9/", StartAt: time.Now().Add(time.Hour)}, "start-at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), sc, tc.plan)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one about %q", err, tc.want)
			}
		})
	}
	if _, err := Run(context.Background(), &Scenario{Name: "x", Unavailable: "platform not landed"}, Plan{Rate: 1, Duration: time.Second}); err == nil || !strings.Contains(err.Error(), "not available yet") {
		t.Fatalf("unavailable scenario ran: %v", err)
	}
}

func TestRunInterruptedKeepsResults(t *testing.T) {
	srv, _ := echoServer(t, 0, 0)
	out := filepath.Join(t.TempDir(), "echo.bin")
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := Run(ctx, echoScenario(srv.URL, 0, 0), Plan{Rate: 100, Duration: 30 * time.Second, KeepAlive: true, Target: srv.URL, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second || !rep.Interrupted {
		t.Fatalf("interrupt not honoured: %s, interrupted=%v", time.Since(start), rep.Interrupted)
	}
	res := readAll(t, out)
	if len(res) < 20 || uint64(len(res)) != rep.Written {
		t.Fatalf("interrupted run kept %d results (report says %d)", len(res), rep.Written)
	}
}

func TestRunCapHitReported(t *testing.T) {
	srv, _ := echoServer(t, 0, 40*time.Millisecond)
	rep, err := Run(context.Background(), echoScenario(srv.URL, 0, 0), Plan{
		Rate: 100, Duration: 700 * time.Millisecond, KeepAlive: true, Target: srv.URL, Workers: 1, MaxWorkers: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if rep.LateHits == 0 || !strings.Contains(b.String(), "MaxWorkers cap 1 was hit") {
		t.Fatalf("a 1-worker run against a 40ms handler at 100/s must report the cap:\n%s", b.String())
	}
	var rateBreach bool
	for _, br := range rep.Breaches {
		rateBreach = rateBreach || br.Threshold == "rate"
	}
	if !rateBreach {
		t.Errorf("achieved rate ~25/s of 100/s asked not breached: %+v", rep.Breaches)
	}
}

func TestRunFlow(t *testing.T) {
	steps := []string{"create", "request", "confirm"}
	var mu sync.Mutex
	done := map[uint64]bool{}
	sc := &Scenario{
		Name: "flowy", Steps: steps,
		Setup: func(ctx context.Context, env *Env) (*Workload, error) {
			return &Workload{
				Flow: &FlowWork{Do: func(ctx context.Context, id uint64, it *flow.Iteration) {
					it.Step("create", func(context.Context) flow.Outcome { return flow.Outcome{Code: 200} })
					it.Step("request", func(context.Context) flow.Outcome {
						if id%5 == 0 {
							return flow.Outcome{Code: 200, Err: Fail("3001", "card refused"), Body: []byte("refused")}
						}
						return flow.Outcome{Code: 200}
					})
					if it.Step("confirm", func(context.Context) flow.Outcome { return flow.Outcome{Code: 200} }) {
						mu.Lock()
						done[id] = true
						mu.Unlock()
					}
				}},
				Audit: func(s *Stats) error {
					mu.Lock()
					defer mu.Unlock()
					if uint64(len(done)) != s.Successes {
						return fmt.Errorf("%d flows confirmed, %d accepted", len(done), s.Successes)
					}
					return nil
				},
			}, nil
		},
	}
	out := filepath.Join(t.TempDir(), "flow.bin")
	slo := &SLO{Scenarios: map[string]ScenarioSLO{"flowy": {Steps: map[string]Thresholds{"request": {MinSuccess: 0.99}}}}}
	// The rate check is loosened and the default success threshold (the
	// flows fail as often as the step) turned off: this test is about the
	// step threshold, on a shared machine.
	rep, err := Run(context.Background(), sc, Plan{Rate: 100, Duration: time.Second, Output: out, SLO: slo, Flags: Thresholds{MinRateRatio: 0.5, MinSuccess: Off}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.LedgerErr != nil || rep.Ledger != "ok" {
		t.Fatalf("ledger: %s", rep.Ledger)
	}
	got := map[string]*Stats{}
	for _, s := range rep.Stats {
		got[s.Group] = s
	}
	f, c, r := got["flowy"], got["flowy/create"], got["flowy/request"]
	if f == nil || c == nil || r == nil || got["flowy/confirm"] == nil {
		t.Fatalf("groups: %v", rep.Stats)
	}
	if c.Requests != f.Requests || r.Requests != f.Requests || got["flowy/confirm"].Requests != r.Successes {
		t.Errorf("step counts: flow %d create %d request %d (ok %d) confirm %d", f.Requests, c.Requests, r.Requests, r.Successes, got["flowy/confirm"].Requests)
	}
	if f.Successes != r.Successes {
		t.Errorf("flow successes %d != request successes %d", f.Successes, r.Successes)
	}
	if len(rep.Breaches) != 1 || rep.Breaches[0].Group != "flowy/request" || rep.Breaches[0].Threshold != "success" {
		t.Errorf("breaches = %v, want the request step's success", rep.Breaches)
	}
	res := readAll(t, out)
	checkSeq(t, res)
	for _, x := range res {
		if x.Attack == "flowy" && x.Error != "" && !strings.HasPrefix(x.Error, "request: code 3001") {
			t.Fatalf("flow error %q does not name its step", x.Error)
		}
	}
	vegetaCLI(t, out)
}

func TestReadResultsTruncated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.bin")
	s, err := CreateSink(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := s.Write(&vegeta.Result{Attack: "a", Seq: uint64(i), Code: 200, Timestamp: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)-7], 0o644); err != nil {
		t.Fatal(err)
	}
	n, trunc, err := ReadResults(path, func(*vegeta.Result) error { return nil })
	if err != nil || !trunc || n != 49 {
		t.Fatalf("cut file: n=%d truncated=%v err=%v, want 49 whole results", n, trunc, err)
	}
	if _, _, err := ReadResults(filepath.Join(t.TempDir(), "none"), nil); err == nil || errors.Is(err, nil) {
		t.Fatal("missing file accepted")
	}
}

// TestRunBoundedMemory: a target answering 1 MiB bodies costs the runner
// at most DefaultMaxBody per request in flight and nothing per stored
// result (successful results keep no body or headers).
func TestRunBoundedMemory(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Noise", strings.Repeat("h", 1000))
		fmt.Fprintf(w, "ok %s", big)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "big.bin")
	if _, err := Run(context.Background(), echoScenario(srv.URL, 0, 0), Plan{Rate: 50, Duration: 500 * time.Millisecond, KeepAlive: true, Target: srv.URL, Output: out}); err != nil {
		t.Fatal(err)
	}
	res := readAll(t, out)
	for _, r := range res {
		if r.BytesIn != DefaultMaxBody || len(r.Body) != 0 || r.Headers != nil {
			t.Fatalf("result kept %d body bytes, %d headers; read %d bytes (cap %d)", len(r.Body), len(r.Headers), r.BytesIn, DefaultMaxBody)
		}
	}
	if fi, _ := os.Stat(out); fi.Size() > int64(len(res))*400 {
		t.Fatalf("results file %d bytes for %d results: bodies leaked into it", fi.Size(), len(res))
	}
}

// TestReadsVegetaAttackFiles: files written by the vegeta CLI itself are
// read by merge and report.
func TestReadsVegetaAttackFiles(t *testing.T) {
	bin := vegetaBinary(t)
	srv, _ := echoServer(t, 0, 0)
	cmd := exec.Command(bin, "attack", "-rate", "50", "-duration", "1s", "-name", "cli")
	cmd.Stdin = strings.NewReader("POST " + srv.URL + "\n@/dev/null\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vegeta attack: %v", err)
	}
	path := filepath.Join(t.TempDir(), "cli.bin")
	os.WriteFile(path, out, 0o644)
	rep, err := Merge([]string{path}, nil, nil, Thresholds{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Stats) != 1 || rep.Stats[0].Group != "cli" || rep.Stats[0].Requests != 50 {
		t.Fatalf("vegeta attack file: %+v", rep.Stats[0])
	}
}

// TestRunSigningErrorStops: a request that cannot be built (a bad key, a
// field the codec refuses) stops the run and is reported, not sent.
func TestRunSigningErrorStops(t *testing.T) {
	srv, _ := echoServer(t, 0, 0)
	sc := &Scenario{Name: "badkey", Setup: func(context.Context, *Env) (*Workload, error) {
		return &Workload{HTTP: &HTTPWork{Next: func(id uint64) (vegeta.Target, error) {
			if id > 5 {
				return vegeta.Target{}, errors.New("sm2: private key out of range")
			}
			return vegeta.Target{Method: "GET", URL: srv.URL}, nil
		}}}, nil
	}}
	start := time.Now()
	_, err := Run(context.Background(), sc, Plan{Rate: 100, Duration: 10 * time.Second, Target: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "private key out of range") || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}
