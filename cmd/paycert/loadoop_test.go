package main

import (
	"os"
	"path/filepath"
	"paycert/platforms/sim/simproc"
	"strings"
	"testing"
)

// TestLoadOutOfProcess loads each network scenario from outside, as a
// user loads their implementation: the simulator runs as another process
// listening on the machine's first non-loopback IPv4 address ("paycert sim
// <p> --listen ADDR:0 --allow-remote --admin 127.0.0.1:0 --write-config"),
// and "paycert load --config" reaches it with only what it published, the
// sampled field checks on, its ledger checked through the admin endpoint
// (which stays on loopback). Twice in a row against one process: a second
// run must not trip the duplicate rules the first run's trades set up
// (Kakatong), nor take the cards the first one charged (Huzhou).
func TestLoadOutOfProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator process and loads it twice per scenario")
	}
	addr, err := simproc.FirstNonLoopbackIPv4()
	if err != nil {
		t.Skipf("%v (net.Interfaces lists none up): the out-of-process load needs one to leave loopback", err)
	}
	t.Logf("simulators listen on %s", addr)
	for _, tc := range []struct {
		platform, scenario string
		admits             string // what --write-config's header must say the simulator took the address for
	}{
		{"ipos", "ipos-verify", "admit callers from " + addr.String()},
		{"kakatong", "kakatong-consume", ""},
		{"kakatong", "kakatong-soap-consume", ""},
		{"bill99", "bill99-purchase", "covers " + addr.String()},
		{"hzcard", "hzcard-charge", ""},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, tc.platform+".yaml")
			stop := startSim(t, tc.platform, cfg, dir, "--listen", addr.String()+":0", "--allow-remote", "--admin", "127.0.0.1:0")
			defer stop()
			written := readFile(t, cfg)
			if !strings.Contains(written, "url: http") || !strings.Contains(written, "://"+addr.String()+":") { // https for bill99
				t.Fatalf("--write-config does not name the simulator at %s:\n%s", addr, written)
			}
			if !strings.Contains(written, "admin: http://127.0.0.1:") {
				t.Fatalf("--write-config names no loopback admin endpoint:\n%s", written)
			}
			if tc.admits != "" && !strings.Contains(written, tc.admits) {
				t.Errorf("--write-config's header does not say the simulator %s:\n%s", tc.admits, written)
			}
			for run := 1; run <= 2; run++ {
				code, out := runPaycert(t, "load", tc.scenario, "--config", cfg, "--rate", "20", "--duration", "1s", "--output", "none", "--quiet")
				for _, want := range []string{", target http", "://" + addr.String() + ":", "ledger: ok", "field checks: ", "verdict: PASS"} {
					if !strings.Contains(out, want) {
						t.Errorf("run %d: output lacks %q", run, want)
					}
				}
				if code != 0 || strings.Contains(out, "field checks: 0 replies") {
					t.Fatalf("run %d: exit %d\n%s", run, code, out)
				}
			}
		})
	}
}

// TestLoadRefusesAnUnfitTarget: a kakatong target without cards is refused
// before anything is sent, in one line.
func TestLoadRefusesAnUnfitTarget(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kakatong.yaml")
	stop := startSim(t, "kakatong", cfg, dir)
	defer stop()
	noCards := filepath.Join(dir, "nocards.yaml")
	b := readFile(t, cfg)
	var kept []string
	for _, l := range strings.Split(b, "\n") {
		if !strings.Contains(l, "cards:") || strings.Contains(l, "_cards:") {
			kept = append(kept, l)
		}
	}
	writeFile(t, noCards, strings.Join(kept, "\n"))
	code, out := runPaycert(t, "load", "kakatong-consume", "--config", noCards, "--rate", "5", "--duration", "1s", "--output", "none", "--quiet")
	if code != 1 || !strings.Contains(out, "needs params.cards") || strings.Contains(out, "requests") {
		t.Fatalf("exit %d: want 1 and one line naming params.cards, nothing sent\n%s", code, out)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
