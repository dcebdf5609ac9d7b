package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"paycert/platforms/sim"
)

// TestStrictMockRecordsGeneratedOutOfProcess: every generated negative sent
// to "paycert sim <p> --strict" served as another process is recorded
// there — one violation per case, read through the admin endpoint
// a user has — and the hand-written happy paths record nothing. In process
// each suite checks exactly one violation naming the field per case; this
// is the same promise kept by the binary a user runs.
func TestStrictMockRecordsGeneratedOutOfProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a simulator process per platform")
	}
	ranRe := regexp.MustCompile(`(\d+) of \d+ specs ran`)
	for _, tc := range []struct {
		platform string
		filter   string // the generated cases that reach the simulator
	}{
		{"ipos", "generated"},
		{"kakatong", "generated"},
		{"bill99", "generated && !interface:tr3_notice"}, // the TR3 cases go to the merchant, not the platform
		{"hzcard", "generated"},
	} {
		t.Run(tc.platform, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, tc.platform+".yaml")
			stop := startSim(t, tc.platform, cfg, dir, "--strict", "--admin", "127.0.0.1:0")
			defer stop()
			admin := adminOf(t, cfg)
			audit := func() sim.AuditReport {
				r, err := sim.FetchAudit(context.Background(), admin, nil)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			// The happy paths: flows are left out, as they send a bad
			// request on purpose (a pos_seq reused for another voucher).
			happy := "/^interface:/ && !negative && !/^code:/ && !sim-only && !errata && !flow"
			_, out := runPaycert(t, "certify", tc.platform, "--config", cfg, "--label-filter", happy, "--out", filepath.Join(dir, "happy"), "--quiet", "--mutation", "")
			if m := ranRe.FindStringSubmatch(out); m == nil || m[1] == "0" {
				t.Fatalf("no happy path ran\n%s", out)
			}
			if r := audit(); r.Violations != 0 {
				t.Fatalf("the happy paths made the strict mock record %d violations, first: %s\n%s", r.Violations, r.FirstViolation, out)
			}
			code, out := runPaycert(t, "certify", tc.platform, "--config", cfg, "--label-filter", tc.filter, "--out", filepath.Join(dir, "gen"), "--quiet", "--mutation", "")
			m := ranRe.FindStringSubmatch(out)
			if code != 3 || m == nil { // INCOMPLETE: a filtered run is partial by definition, and nothing failed
				t.Fatalf("certify --label-filter %q: exit %d, want 3 (partial, no failure)\n%s", tc.filter, code, out)
			}
			ran, _ := strconv.Atoi(m[1])
			got := audit().Violations
			t.Logf("%d generated cases ran; the strict mock recorded %d violations", ran, got)
			if ran < 200 || got != ran {
				t.Errorf("%d generated cases ran, %d violations recorded: every case must be recorded", ran, got)
			}
		})
	}
}

// adminOf reads the admin endpoint "paycert sim --write-config" wrote.
func adminOf(t *testing.T, cfg string) string {
	t.Helper()
	for _, l := range strings.Split(readFile(t, cfg), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && k == "admin" {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	t.Fatalf("%s names no admin endpoint", cfg)
	return ""
}
