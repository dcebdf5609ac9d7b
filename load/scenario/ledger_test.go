package scenario

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"paycert/load"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// TestShardMergeIPos is the distributed path against a real platform: two
// shards of ipos-verify run at once against one iPos simulator served on
// loopback (as a remote target would be), their files are merged, and the
// simulator's own ledger must show exactly the merged accepted count: the
// shards' pos_seq ranges are disjoint, or the simulator would refuse repeats.
func TestShardMergeIPos(t *testing.T) {
	s, err := ipossim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sc := IPosVerify()
	dir := t.TempDir()
	const shards = 2
	start := time.Now().Add(200 * time.Millisecond)
	files := make([]string, shards)
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for i := range shards {
		files[i] = filepath.Join(dir, fmt.Sprintf("s%d.bin", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = load.Run(context.Background(), sc, load.Plan{Rate: 60, Duration: time.Second, KeepAlive: true,
				Target: srv.URL, Params: map[string]string{"load_voucher": ipossim.VoucherAmount},
				Shard: load.Shard{Index: i, Count: shards}, StartAt: start, Output: files[i]})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	m, err := load.Merge(files, nil, nil, load.Thresholds{MinSuccess: 1, MinRateRatio: 0.5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Failed() {
		var b strings.Builder
		m.WriteText(&b)
		t.Fatalf("merged run failed:\n%s", b.String())
	}
	st := m.Stats[0]
	if tot := s.Totals(); uint64(tot.Verifications) != st.Successes || st.Shards != shards {
		t.Fatalf("simulator counted %d verifications, merged results %d accepted from %d shards", tot.Verifications, st.Successes, st.Shards)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(load.MetaPath(files[0])); err != nil {
		t.Fatal(err)
	}
}

// TestHZCardSampledSignatureCheckCanFail: the hzcard-charge client leaves
// the centre's reply signature to the sampled field checks, so those checks
// must catch a centre that signs wrongly (or not at all), and the run must
// fail on it.
func TestHZCardSampledSignatureCheckCanFail(t *testing.T) {
	for _, fault := range []string{"reply-signed-wrong-key", "reply-unsigned"} {
		t.Run(fault, func(t *testing.T) {
			sc := HZCardCharge()
			sc.Setup = hzcardSetup(sim.Options{Faults: []string{fault}})
			rep, err := load.Run(context.Background(), sc, load.Plan{Rate: 40, Duration: time.Second, KeepAlive: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Checked == 0 || rep.CheckFailed == 0 {
				t.Fatalf("centre with fault %s: %d replies checked, %d failed; the sampled checks must fail", fault,
					rep.Checked, rep.CheckFailed)
			}
			t.Logf("%d of %d sampled replies failed, e.g. %s", rep.CheckFailed, rep.Checked, rep.CheckErrors[0])
		})
	}
}

// TestHZCardBadSignatureIsDiagnosed: when the centre refuses request
// signatures (here: it verifies under the wrong key), every such reply is a
// failed check that says what the client's own verification of the bytes it
// sent concludes, and carries those bytes.
func TestHZCardBadSignatureIsDiagnosed(t *testing.T) {
	sc := HZCardCharge()
	sc.Setup = hzcardSetup(sim.Options{Faults: []string{"verify-wrong-key"}})
	rep, err := load.Run(context.Background(), sc, load.Plan{Rate: 20, Duration: time.Second, KeepAlive: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.CheckFailed == 0 || len(rep.CheckErrors) == 0 {
		t.Fatalf("centre refusing every signature: %d checks failed; want each refusal diagnosed", rep.CheckFailed)
	}
	for _, e := range rep.CheckErrors {
		if strings.Contains(e, "rejected the request signature") {
			if !strings.Contains(e, "the client's own verification accepts it") || !strings.Contains(e, `"joininstid"`) {
				t.Fatalf("diagnosis without the client's verdict or the request: %s", e)
			}
			return
		}
	}
	t.Fatalf("no check failure names the refused signature: %v", rep.CheckErrors)
}

// TestCountMatches: a simulator's count is right between the accepted
// requests and those plus the unanswered ones (status 0), and exactly the
// accepted ones when every request was answered.
func TestCountMatches(t *testing.T) {
	acc := &load.Stats{Requests: 15, Successes: 10, Codes: map[string]int{"200": 12, "0": 3}} // 2 business failures
	for _, tc := range []struct {
		n  int64
		ok bool
	}{{9, false}, {10, true}, {12, true}, {13, true}, {14, false}} {
		if err := countMatches(tc.n, acc, "verifications"); (err == nil) != tc.ok {
			t.Errorf("n=%d: %v, want ok=%v", tc.n, err, tc.ok)
		}
	}
	answered := &load.Stats{Requests: 10, Successes: 10, Codes: map[string]int{"200": 10}}
	if countMatches(10, answered, "x") != nil || countMatches(11, answered, "x") == nil {
		t.Error("with every request answered the count must equal the accepted ones")
	}
}

// TestIPosRemoteLedger: the out-of-process check fails on each broken
// counter (a verify not counted, money taken twice, a voucher not debited).
func TestIPosRemoteLedger(t *testing.T) {
	acc := &load.Stats{Successes: 5, Codes: map[string]int{}}
	good := map[string]int64{"verifications": 5, "verified_fen": 5, "undone_fen": 0, "voucher:v:remain": -5, "voucher:v:verifications": 5}
	if errs := iposLedger(good, acc, []string{"v"}, 1); len(errs) != 0 {
		t.Fatalf("a consistent ledger failed: %v", errs)
	}
	for key, bad := range map[string]int64{"verifications": 4, "verified_fen": 10, "voucher:v:remain": -4, "voucher:v:verifications": 6} {
		d := map[string]int64{}
		for k, v := range good {
			d[k] = v
		}
		d[key] = bad
		if errs := iposLedger(d, acc, []string{"v"}, 1); len(errs) == 0 {
			t.Errorf("%s = %d passed the ledger check", key, bad)
		}
	}
}
