// Package soak holds the memory soak of issue 19 item 7: a steady
// ipos-verify run against the iPos simulator served as another process,
// the resident memory of both processes sampled every 10 s. It is a
// measurement of minutes, not part of make test:
//
//	PAYCERT_SOAK=1 go test ./load/soak -run Soak -v -timeout 30m
//
// PAYCERT_SOAK_RATE (default 400/s) and PAYCERT_SOAK_DURATION (default
// 10m) change the run. The test fails when either process's VmRSS grew by
// 10 % or more between the end of the first minute and the end of the run.
//
// The generator is capped at PAYCERT_SOAK_MAX_WORKERS workers (default
// 64; 0 is vegeta's open model). The open model starts a worker, and with
// it a kept-alive connection in both processes, for every request a host
// stall holds up: on a shared 2-core machine a one-second stall at 400/s
// leaves hundreds of idle connections (~20 kB each, both sides) for the
// rest of the run, and the RSS measures the host's worst stall instead of
// what the simulator keeps per request. Each sample also shows RssAnon and
// the open file descriptors (the connections), so a step in RSS can be put
// down to one or the other.
package soak

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"paycert/platforms/sim/simproc"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	sampleEvery = 10 * time.Second
	settle      = time.Minute // growth is judged from the sample at the end of the first minute
	maxGrowth   = 0.10
)

func TestSoakIPosVerify(t *testing.T) {
	if os.Getenv("PAYCERT_SOAK") == "" {
		t.Skip("a 10-minute measurement: set PAYCERT_SOAK=1 to run it")
	}
	rate := envOr("PAYCERT_SOAK_RATE", "400")
	maxWorkers := envOr("PAYCERT_SOAK_MAX_WORKERS", "64")
	dur, err := time.ParseDuration(envOr("PAYCERT_SOAK_DURATION", "10m"))
	if err != nil || dur <= settle {
		t.Fatalf("PAYCERT_SOAK_DURATION %q: want a duration over %s", os.Getenv("PAYCERT_SOAK_DURATION"), settle)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "paycert")
	build := exec.Command("go", "build", "-o", bin, "paycert/cmd/paycert")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), dur+5*time.Minute)
	defer cancel()

	cfg := filepath.Join(dir, "sim.yaml")
	simProc, err := simproc.Start(exec.CommandContext(ctx, bin, "sim", "ipos", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--write-config", cfg), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer simProc.Stop()
	// The written load_voucher (ipossim.CertVoucherLoad, 100 000 000 fen)
	// pays for the whole run at 1 fen a verification.

	var loadOut bytes.Buffer
	loadCmd := exec.CommandContext(ctx, bin, "load", "ipos-verify", "--config", cfg, "--rate", rate, "--duration", dur.String(),
		"--output", filepath.Join(dir, "soak.bin"), "--max-workers", maxWorkers)
	loadCmd.Stdout, loadCmd.Stderr = &loadOut, &loadOut
	start := time.Now()
	if err := loadCmd.Start(); err != nil {
		t.Fatalf("start the load: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- loadCmd.Wait() }()

	var gen, sim []sample
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	var loadErr error
loop:
	for {
		select {
		case loadErr = <-done:
			break loop
		case <-tick.C:
			at := time.Since(start).Round(time.Second)
			g, gerr := readProc(loadCmd.Process.Pid)
			s, serr := readProc(simProc.Pid())
			if gerr != nil || serr != nil {
				continue // the generator may just have exited
			}
			gen, sim = append(gen, sample{at, g.rss}), append(sim, sample{at, s.rss})
			t.Logf("t=%-6s generator %6d kB (anon %6d, %4d fds)   simulator %6d kB (anon %6d, %4d fds)",
				at, g.rss, g.anon, g.fds, s.rss, s.anon, s.fds)
		}
	}
	t.Logf("paycert load:\n%s", loadOut.String())
	if loadErr != nil {
		t.Errorf("paycert load: %v", loadErr)
	}
	for _, p := range []struct {
		name string
		s    []sample
	}{{"generator (paycert load)", gen}, {"simulator (paycert sim ipos)", sim}} {
		r, err := judge(p.s)
		if err != nil {
			t.Errorf("%s: %v", p.name, err)
			continue
		}
		t.Logf("%s: %s", p.name, r)
		if r.growth >= maxGrowth {
			t.Errorf("%s grew %.1f%% after the first minute (flat is < %.0f%%)", p.name, 100*r.growth, 100*maxGrowth)
		}
	}
}

type sample struct {
	at  time.Duration
	rss int64 // kB
}

type result struct {
	first, last, peak int64
	growth            float64 // (last - first) / first
}

func (r result) String() string {
	return fmt.Sprintf("RSS at 1 min %d kB, at the end %d kB, peak after 1 min %d kB: growth %+.1f%%",
		r.first, r.last, r.peak, 100*r.growth)
}

// judge compares the last sample with the first one at or after settle.
func judge(s []sample) (result, error) {
	var r result
	i := 0
	for i < len(s) && s[i].at < settle {
		i++
	}
	if len(s)-i < 2 {
		return r, fmt.Errorf("%d samples after the first minute, want at least 2", len(s)-i)
	}
	r.first, r.last = s[i].rss, s[len(s)-1].rss
	for _, x := range s[i:] {
		r.peak = max(r.peak, x.rss)
	}
	r.growth = float64(r.last-r.first) / float64(r.first)
	return r, nil
}

type procStat struct {
	rss, anon int64 // VmRSS, RssAnon in kB
	fds       int   // open file descriptors: mostly connections
}

// readProc reads VmRSS and RssAnon from /proc/pid/status and counts
// /proc/pid/fd.
func readProc(pid int) (procStat, error) {
	var p procStat
	dir := "/proc/" + strconv.Itoa(pid)
	f, err := os.Open(dir + "/status")
	if err != nil {
		return p, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	found := false
	for sc.Scan() {
		for _, field := range []struct {
			name string
			dst  *int64
		}{{"VmRSS:", &p.rss}, {"RssAnon:", &p.anon}} {
			if v, ok := strings.CutPrefix(sc.Text(), field.name); ok {
				n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err != nil {
					return p, fmt.Errorf("%s/status: %s %w", dir, field.name, err)
				}
				*field.dst = n
				found = found || field.name == "VmRSS:"
			}
		}
	}
	if !found {
		return p, fmt.Errorf("no VmRSS in %s/status", dir)
	}
	fds, err := os.ReadDir(dir + "/fd")
	if err != nil {
		return p, err
	}
	p.fds = len(fds)
	return p, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
