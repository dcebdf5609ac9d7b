package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

func loadRoot() *cli.Command {
	return &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{
		loadCommand(),
		{Name: "report", Usage: "report <command>", Subs: []*cli.Command{reportLoadCommand()}},
	}}
}

func runLoadCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return clitest.Run(context.Background(), loadRoot(), nil, args...)
}

func TestLoadCommand(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "sign.bin")
	// A gateway that answers the survey (balance, stream) but refuses every
	// purchase: the run starts, and every request of it fails.
	kk, err := kakatongsim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("TRADETYPE") == kakatong.TypeConsume {
			http.Error(w, "purchases are down", http.StatusServiceUnavailable)
			return
		}
		kk.ServeHTTP(w, r)
	}))
	defer refusing.Close()
	down := filepath.Join(dir, "down.yaml")
	if err := os.WriteFile(down, []byte("targets:\n  kakatong:\n    url: "+refusing.URL+"\n    params:\n      cards: \"1680115500000126,1680115500000127\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		contains []string
		stderr   string // a part of the error a failing row must give
	}{
		{"list", []string{"load", "list"}, 0, []string{"sm2-sign", "ipos-verify", "hzcard-charge", "STATUS"}, ""},
		{"help", []string{"load", "--help"}, 0, []string{"Examples:", "Exit status"}, ""},
		{"scenario help", []string{"load", "sm2-sign", "--help"}, 0, []string{"One latency measures", "--shard", "--p99", "Examples:"}, ""},
		{"run", []string{"load", "sm2-sign", "--rate", "50", "--duration", "1s", "--output", bin, "--quiet", "--rate-ratio", "0.5"}, 0, []string{"sm2-sign/sign", "ledger: not applicable"}, ""},
		// Every purchase is refused: the default success threshold (99%)
		// makes that a breach, not a pass.
		{"all failed", []string{"load", "kakatong-consume", "--config", down, "--rate", "50", "--duration", "1s", "--output", "none", "--quiet"}, 99, []string{"SLO breached: kakatong-consume success = 0%", "verdict: SLO BREACHED (exit 99)"}, "slo breached"},
		{"success off", []string{"load", "kakatong-consume", "--config", down, "--rate", "50", "--duration", "1s", "--output", "none", "--quiet", "--success", "0", "--rate-ratio", "0.5"}, 0, []string{"verdict: PASS"}, ""},
		{"bad ratio", []string{"load", "sm2-sign", "--success", "99"}, 2, nil, "want a ratio between 0 and 1"},
		{"breach", []string{"load", "sm2-sign", "--rate", "50", "--duration", "500ms", "--output", "none", "--quiet", "--p50", "1ns"}, 99, []string{"SLO breached: sm2-sign p50"}, ""},
		{"remote target", []string{"load", "ipos-verify", "--target", "http://192.0.2.1/", "--duration", "1s"}, 2, nil, "is not a loopback address"},
		{"bad shard", []string{"load", "sm2-sign", "--shard", "4/4"}, 2, nil, "4/4"},
		{"too long", []string{"load", "sm2-sign", "--duration", "2h"}, 2, nil, "duration 2h0m0s: want 0 < duration"},
		{"zero rate", []string{"load", "sm2-sign", "--rate", "0"}, 2, nil, "rate 0: want 0 < rate"},
		{"merge", []string{"load", "merge", bin, "--success", "1", "--rate-ratio", "0.5"}, 0, []string{"merged", "sm2-sign/sign"}, ""},
		{"merge breach", []string{"load", "merge", bin, "--rate", "1000"}, 99, []string{"SLO breached: sm2-sign rate"}, ""},
		{"merge nothing", []string{"load", "merge"}, 2, nil, ""},
		{"report", []string{"report", "load", bin, "--output", filepath.Join(dir, "r.html")}, 0, []string{"wrote"}, ""},
		{"report nothing", []string{"report", "load"}, 2, nil, ""},
		{"merge output", []string{"load", "merge", bin, "--rate-ratio", "0.5", "--output", filepath.Join(dir, "merged.bin")}, 0, []string{"merged"}, ""},
		{"report merged", []string{"report", "load", filepath.Join(dir, "merged.bin"), "--output", filepath.Join(dir, "m.html")}, 0, []string{"wrote"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runLoadCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			if !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errs)
			}
			for _, c := range tc.contains {
				if !strings.Contains(out, c) {
					t.Errorf("output lacks %q:\n%s", c, out)
				}
			}
		})
	}
	html, err := os.ReadFile(filepath.Join(dir, "r.html"))
	if err != nil || !bytes.Contains(html, []byte("<svg")) {
		t.Fatalf("report: %v %.200s", err, html)
	}
	// The run's own page and the merged file's page carry the verdict the
	// run and merge came to (the merged file has a meta of its own).
	for _, page := range []string{"r.html", "m.html"} {
		html, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil || !bytes.Contains(html, []byte(`<div id="verdict" class="verdict pass">PASS`)) || !bytes.Contains(html, []byte(version)) {
			t.Errorf("%s: no PASS verdict or no version: %v %.600s", page, err, html)
		}
	}
}
