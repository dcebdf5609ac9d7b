package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/reports"
)

// certifyRun runs "paycert certify" as a child (one Ginkgo run per
// process) and reads the report it wrote.
func certifyRun(t *testing.T, args ...string) (int, string, reports.Report, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	code, out := runPaycert(t, append([]string{"certify", "--out", dir, "--mutation", ""}, args...)...)
	rep, err := reports.ReadReport(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("certify %v: exit %d, no report: %v\n%s", args, code, err, out)
	}
	return code, out, rep, dir
}

// serveIPos serves the iPos reference simulator as a "real" endpoint: a
// target the suite reaches over HTTP, where the specs needing vouchers the
// config does not name are skipped for their params.
func serveIPos(t *testing.T) string {
	t.Helper()
	s, err := ipossim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv.URL + "/iposplatform/trans"
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "paycert.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Verdict and exit status for a complete, a partial, a skipped-params and a
// waived run: PASS 0, INCOMPLETE 3, FAIL 1, and "N of M specs ran" in the
// console and the report.
func TestCertifyVerdicts(t *testing.T) {
	waiver := writeConfig(t, "waivers:\n  - spec: \"code:0325\"\n    reason: vendor ticket 42\n    expires: 2099-12-31\n")
	for _, c := range []struct {
		name    string
		args    []string
		code    int
		verdict string
		check   func(t *testing.T, r reports.Report)
	}{
		{"complete", []string{"kakatong", "--quiet"}, 0, reports.VerdictPass, func(t *testing.T, r reports.Report) {
			if k := r.Completeness; k.Skipped != 0 || k.NotSelected != 0 || k.Ran == 0 || k.Ran+k.NotApplicable != k.Specs {
				t.Errorf("completeness %+v", k)
			}
		}},
		{"partial: a label filter", []string{"ipos", "--quiet", "--label-filter", "code:0325"}, 3, reports.VerdictIncomplete, func(t *testing.T, r reports.Report) {
			if k := r.Completeness; k.Ran != 1 || k.NotSelected == 0 || len(k.Partial) != 1 || !strings.Contains(k.Partial[0], "--label-filter 'code:0325'") {
				t.Errorf("completeness %+v", k)
			}
			if v := r.Coverage; v.Passed != 1 || v.NotRun == 0 {
				t.Errorf("coverage %+v: only 0325 ran", v)
			}
		}},
		{"partial: a focus", []string{"ipos", "--quiet", "--focus", "0325"}, 3, reports.VerdictIncomplete, nil},
		{"skipped for missing params", []string{"ipos", "--quiet", "--target", "ipos=" + serveIPos(t)}, 3, reports.VerdictIncomplete, func(t *testing.T, r reports.Report) {
			if k := r.Completeness; k.Skipped == 0 || r.Counts.Failed != 0 || k.NotApplicable == 0 {
				t.Errorf("completeness %+v, counts %+v", k, r.Counts)
			}
			if v := r.Coverage; v.Skipped == 0 || v.Passed+v.Skipped+v.NotProvokable+v.Failed+v.NotRun != v.Codes {
				t.Errorf("coverage %+v: codes whose specs were skipped are not covered", v)
			}
		}},
		{"failed", []string{"ipos", "--quiet", "--fault", "wrong-code-balance-short"}, 1, reports.VerdictFail, nil},
		{"waived failure", []string{"ipos", "--quiet", "--fault", "wrong-code-balance-short", "--config", waiver}, 0, reports.VerdictPass, func(t *testing.T, r reports.Report) {
			if r.Counts.Waived == 0 || r.Counts.Failed != 0 {
				t.Errorf("counts %+v: the failure should be waived", r.Counts)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, rep, _ := certifyRun(t, c.args...)
			if code != c.code || rep.Verdict != c.verdict {
				t.Fatalf("exit %d verdict %s, want %d %s\n%s", code, rep.Verdict, c.code, c.verdict, out)
			}
			want := reports.RanLine(rep)
			if !strings.Contains(out, "verdict: "+want) || !strings.Contains(want, " specs ran") {
				t.Errorf("console lacks %q:\n%s", want, out)
			}
			if c.check != nil {
				c.check(t, rep)
			}
			// Against a target, the params it lacks are named before the run
			// and the skips they cause are counted per reason after it.
			if c.verdict == reports.VerdictIncomplete && slices.Contains(c.args, "--target") {
				for _, w := range []string{"documented params not given", "voucher_amount", "SKIPPED ipos: "} {
					if !strings.Contains(out, w) {
						t.Errorf("console lacks %q:\n%s", w, out)
					}
				}
			}
		})
	}
}

// --rerun-failed RUN reports the combination: RUN's results with the
// re-run specs' in their place. A failure that persists keeps FAIL; fixed
// (the simulator without its fault), the combination is PASS.
func TestCertifyRerunCombines(t *testing.T) {
	code, out, first, dir := certifyRun(t, "ipos", "--quiet", "--fault", "wrong-code-balance-short")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	prev := filepath.Join(dir, "report.json")
	code, out, again, _ := certifyRun(t, "--quiet", "--fault", "wrong-code-balance-short", "--rerun-failed", prev)
	if code != 1 || again.Verdict != reports.VerdictFail {
		t.Fatalf("the same fault again: exit %d %s\n%s", code, again.Verdict, out)
	}
	code, out, fixed, _ := certifyRun(t, "--quiet", "--rerun-failed", prev)
	if code != 0 || fixed.Verdict != reports.VerdictPass {
		t.Fatalf("fixed: exit %d %s\n%s", code, fixed.Verdict, out)
	}
	if len(fixed.CombinedFrom) != 2 || fixed.CombinedFrom[0] != first.RunID || !strings.Contains(out, "combined result of run "+first.RunID) {
		t.Errorf("the report must say it is a combination: %v\n%s", fixed.CombinedFrom, out)
	}
	if fixed.Completeness.Specs != first.Completeness.Specs || fixed.Completeness.Ran != first.Completeness.Ran {
		t.Errorf("combined completeness %+v, the first run's %+v", fixed.Completeness, first.Completeness)
	}
	rerun := 0
	for _, s := range fixed.Platforms[0].Specs {
		if s.Run == fixed.RunID {
			rerun++
		}
	}
	if rerun != first.Counts.Failed {
		t.Errorf("%d results from the re-run, want the %d that failed", rerun, first.Counts.Failed)
	}

	if code, out := runPaycert(t, "certify", "--rerun-failed", prev, "--target", "ipos=http://127.0.0.1:1/x"); code != 2 ||
		!strings.Contains(out, "give the same --config/--target") {
		t.Errorf("a rerun against another target must be refused (exit 2), got %d\n%s", code, out)
	}
}

// Every validation problem is one line, exit 2, before anything runs: no
// run directory is written. A target that does not answer is one line,
// exit 1, and no run directory either.
func TestCertifyValidatesBeforeTheFirstSpec(t *testing.T) {
	pfx := filepath.Join(t.TempDir(), "merchant.pfx")
	os.WriteFile(pfx, []byte("not a pfx"), 0o600)
	for _, c := range []struct {
		name   string
		args   []string
		config string
		code   int
		want   []string
	}{
		{"unknown platform argument", []string{"iposs"}, "", 2, []string{`unknown platform "iposs" (known: bill99, hzcard, ipos, kakatong); did you mean ipos?`}},
		{"unknown platform in the config", nil, "targets:\n  alipay:\n    url: http://x.example\n", 2, []string{`targets.alipay: unknown platform "alipay" (known: bill99, hzcard, ipos, kakatong)`}},
		{"unknown param", []string{"ipos"}, "targets:\n  ipos:\n    url: http://x.example\n    params: {isspdi: 1}\n", 2, []string{"targets.ipos.params.isspdi: not a param of this platform", "did you mean isspid?"}},
		{"YAML type", []string{"ipos"}, "targets:\n  ipos:\n    url: [a]\n", 2, []string{"paycert.yaml:3: targets.ipos.url must be a single value, not a list"}},
		{"misspelt key", []string{"ipos"}, "targts:\n  ipos: {}\n", 2, []string{`unknown key "targts"`}},
		{"empty file", []string{"ipos"}, "\n", 2, []string{"paycert.yaml is empty"}},
		{"URL without scheme", []string{"ipos"}, "targets:\n  ipos:\n    url: notaurl\n", 2, []string{`targets.ipos.url: "notaurl": want an http:// or https:// URL`}},
		{"ftp URL flag", []string{"ipos", "--target", "ipos=ftp://x/y"}, "", 2, []string{`--target ipos: "ftp://x/y": want an http:// or https:// URL`}},
		{"URL without host", []string{"ipos", "--target", "ipos=http://"}, "", 2, []string{`--target ipos: "http://" has no host`}},
		{"bad pfx", []string{"bill99"}, "targets:\n  bill99:\n    url: https://x.example\n    params: {merchant_pfx: " + pfx + "}\n", 2, []string{"targets.bill99.params.merchant_pfx:", "is not a PKCS #12 (.pfx) file"}},
		{"missing pfx", []string{"bill99"}, "targets:\n  bill99:\n    url: https://x.example\n    params: {merchant_pfx: /nonexistent/m.pfx}\n", 2, []string{`"/nonexistent/m.pfx" does not exist`}},
		{"bad focus", []string{"ipos", "--focus", "(["}, "", 2, []string{`--focus "([" is not a regular expression`}},
		{"bad label filter", []string{"ipos", "--label-filter", "code:("}, "", 2, []string{`--label-filter "code:(": missing set operation`}},
		{"waiver without reason", []string{"ipos"}, "waivers:\n  - spec: code:0325\n    expires: 2099-01-01\n", 2, []string{`waiver 1 ("code:0325"): no reason`}},
		{"waiver expired", []string{"ipos"}, "waivers:\n  - spec: code:0325\n    reason: r\n    expires: 2020-01-01\n", 2, []string{"expired on 2020-01-01"}},
		{"waiver bad expiry", []string{"ipos"}, "waivers:\n  - spec: code:0325\n    reason: r\n    expires: soon\n", 2, []string{`expires "soon" is not a date`}},
		{"waiver matching no spec", []string{"ipos"}, "waivers:\n  - spec: no such spec anywhere\n    reason: r\n    expires: 2099-01-01\n", 2, []string{`waiver 1 ("no such spec anywhere"): matches no spec of any platform`}},
		{"refused", []string{"ipos", "--target", "ipos=http://127.0.0.1:1/x"}, "", 1, []string{"ipos target http://127.0.0.1:1/x does not answer: connection refused by 127.0.0.1:1"}},
		{"DNS", []string{"ipos", "--target", "ipos=http://nosuchhost.invalid/x"}, "", 1, []string{"host nosuchhost.invalid not found (DNS)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			args := append([]string{"certify", "--out", dir, "--mutation", ""}, c.args...)
			if c.config != "" {
				args = append(args, "--config", writeConfig(t, c.config))
			}
			code, out := runPaycert(t, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, bad := range []string{"panic", "goroutine", "conformance.", "!!", "specs to run"} {
				if strings.Contains(out, bad) {
					t.Errorf("output shows %q:\n%s", bad, out)
				}
			}
			if n := strings.Count(strings.TrimSpace(out), "\n") + 1; n > len(c.want)+2 {
				t.Errorf("%d lines for %d problems:\n%s", n, len(c.want), out)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("a run that never started left %s behind", dir)
			}
		})
	}
}

// The console: one header line, one line per spec without Ginkgo's dots or
// a failure count on every line, the summary and the verdict.
func TestCertifyConsole(t *testing.T) {
	code, out, rep, _ := certifyRun(t, "ipos", "--label-filter", "code:0325 || code:0000")
	if code != 3 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "paycert certify "+rep.RunID+": ipos: embedded simulator — 2 specs to run") {
		t.Errorf("header %q", lines[0])
	}
	if strings.Contains(lines[1], "paycert") || !strings.HasPrefix(lines[1], "[1/2] ok   ") {
		t.Errorf("more than one header line, or no progress line: %q", lines[1])
	}
	for _, bad := range []string{"•", "failures so far", "SUCCESS!", "Ran 2 of", "[" + "1796"} {
		if strings.Contains(out, bad) {
			t.Errorf("console shows %q:\n%s", bad, out)
		}
	}
}
