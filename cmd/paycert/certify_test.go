package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"paycert/reports"
)

// The certify tests run the paycert binary itself: Ginkgo allows one suite
// run per process, so each run is a child. TestMain turns the test binary
// into paycert when PAYCERT_AS_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("PAYCERT_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func runPaycert(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PAYCERT_AS_MAIN=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String()
}

func TestCertifyPassingRunWritesEveryArtefact(t *testing.T) {
	dir := t.TempDir()
	code, out := runPaycert(t, "certify", "kakatong", "--out", dir, "--quiet", "--mutation", "")
	if code != 0 {
		t.Fatalf("certify kakatong against its simulator: exit %d\n%s", code, out)
	}
	for _, f := range []string{"junit.xml", "ginkgo.json", "report.json", "index.html", "evidence.tar.gz"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s missing or empty: %v", f, err)
		}
	}
	if n, err := reports.VerifyEvidence(filepath.Join(dir, "evidence.tar.gz")); err != nil || n < 4 {
		t.Errorf("evidence: %d files, %v", n, err)
	}
	rep, err := reports.ReadReport(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != "PASS" || len(rep.Platforms) != 1 || rep.Platforms[0].Counts.Passed == 0 {
		t.Fatalf("report: verdict %s, platforms %d", rep.Verdict, len(rep.Platforms))
	}
	if !strings.Contains(out, "verdict: PASS — ") {
		t.Errorf("summary lacks the verdict line:\n%s", out)
	}
}

// A deliberately broken simulator must give exit 1 and a report that points
// at the failing spec with the exact bytes; --rerun-failed then runs only
// those specs.
func TestCertifyFailingRunPointsAtSpecAndBytes(t *testing.T) {
	dir := t.TempDir()
	code, out := runPaycert(t, "certify", "ipos", "--fault", "wrong-code-balance-short", "--out", dir, "--quiet", "--mutation", "")
	if code != 1 {
		t.Fatalf("a run against a faulty simulator must exit 1, got %d\n%s", code, out)
	}
	rep, err := reports.ReadReport(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var failed []reports.Spec
	for _, s := range rep.Platforms[0].Specs {
		if s.Status == reports.Failed {
			failed = append(failed, s)
		}
	}
	if rep.Verdict != "FAIL" || len(failed) == 0 {
		t.Fatalf("verdict %s with %d failed specs", rep.Verdict, len(failed))
	}
	var withBytes *reports.Spec
	for i := range failed {
		if strings.Contains(strings.Join(failed[i].Codes, ","), "0325") && len(failed[i].Exchanges) > 0 {
			withBytes = &failed[i]
		}
	}
	if withBytes == nil {
		t.Fatalf("no failed spec labelled code:0325 carries its exchanges: %+v", failed)
	}
	if !bytes.Contains(withBytes.Exchanges[len(withBytes.Exchanges)-1].Reply, []byte("9990")) {
		t.Errorf("the transcript should show the faulty reply's 9990")
	}
	page, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if !bytes.Contains(page, []byte("Failures")) || !bytes.Contains(page, []byte(withBytes.ID)) {
		t.Errorf("index.html does not list the failing spec first")
	}

	dir2 := t.TempDir()
	code, out = runPaycert(t, "certify", "ipos", "--fault", "wrong-code-balance-short", "--out", dir2, "--quiet",
		"--mutation", "", "--rerun-failed", filepath.Join(dir, "report.json"))
	if code != 1 {
		t.Fatalf("re-running the failed specs against the same fault must fail again, exit %d\n%s", code, out)
	}
	rep2, err := reports.ReadReport(filepath.Join(dir2, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The report combines both runs; the results this run produced are
	// marked with its run id.
	ran := 0
	for _, s := range rep2.Platforms[0].Specs {
		if s.Run == rep2.RunID {
			ran++
		}
	}
	if ran != len(failed) {
		t.Errorf("--rerun-failed ran %d specs, want exactly the %d that failed", ran, len(failed))
	}
}

func TestCertifyUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"certify", "nosuchplatform"},
		{"certify", "ipos", "--target", "ipos"},
		{"certify", "ipos", "--target", "hzcard=http://127.0.0.1:1"},
	} {
		if code, out := runPaycert(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", args, code, out)
		}
	}
}

func TestRedactArgsHidesSecrets(t *testing.T) {
	got := strings.Join(redactArgs([]string{"ipos", "--key", "s3cret", "--mgw-key=abc", "--out", "dir"}), " ")
	if strings.Contains(got, "s3cret") || strings.Contains(got, "abc") || !strings.Contains(got, "--out dir") {
		t.Fatalf("redacted: %s", got)
	}
}
