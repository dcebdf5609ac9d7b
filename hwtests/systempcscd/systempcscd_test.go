package systempcscd

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/pcscd"
	"paycert/platforms/pcsc/reader"
	"paycert/platforms/pcsc/vpcd"
)

// TestSuiteAgainstSystemPcscd: with pcscd running as a service and the
// readers named, `go test -count=1 -v ./platforms/pcsc/...` and the
// README's `go test -count=1 -v ./hwtests/ -ginkgo.v` pass, treat the
// readers as a lab's (the virtual-lab-only specs skip, saying why), and
// print every spec with its APDU trace.
func TestSuiteAgainstSystemPcscd(t *testing.T) {
	if os.Getenv("PAYCERT_READER") != "" {
		t.Skip("PAYCERT_READER names a lab reader: this test starts a pcscd of its own, and the lab's system pcscd is tested directly")
	}
	bin, err := pcscd.Path()
	if err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no Go toolchain at %s to run the suite with", goBin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	lock, err := pcscd.Lock(ctx) // no other test package's pcscd meanwhile
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if pcscd.Serving() {
		t.Skip("a pcscd already serves this machine: run the suite against it with PAYCERT_READER")
	}
	startServicePcscd(t, bin)

	cards := []struct {
		pan     string
		balance uint32
	}{{"2253000000000311", 3000}, {"2253000000000312", 5000}}
	for i, c := range cards {
		b := vpcd.New(cpucard.MustNew(cpucard.Profile{PAN: c.pan, Balance: c.balance}), lab.VirtualAddr(i))
		if err := b.Insert(15 * time.Second); err != nil {
			t.Fatal(err)
		}
		defer b.Remove()
	}
	pc, err := reader.Establish()
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Release()
	var names [2]string
	for i := range names {
		if names[i], err = lab.WaitVirtualReader(ctx, pc, i); err != nil {
			t.Fatal(err)
		}
	}

	root := moduleRoot
	env := append(os.Environ(), "PAYCERT_READER="+names[0], "PAYCERT_READER2="+names[1])
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Dir, cmd.Env = root, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		t.Logf("PAYCERT_READER=%q PAYCERT_READER2=%q go %s:\n%s", names[0], names[1], strings.Join(args, " "), out.String())
		if err != nil {
			t.Fatalf("go %s against the system pcscd: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}

	out := run("test", "-count=1", "-v", "./platforms/pcsc/...")
	for _, want := range []string{"--- PASS: TestBusyReaderBoundsConnect", "--- PASS: TestNewSessionStartsUnselected",
		"--- SKIP: TestReaderExchangesAPDUs", "tear and removal skipped: they need the virtual reader", "--- SKIP: TestHungTransmitIsBounded"} {
		if !strings.Contains(out, want) {
			t.Errorf("the reader tests on named readers: output lacks %q", want)
		}
	}

	out = run("test", "-count=1", "-v", "./hwtests/", "-ginkgo.v", "-ginkgo.no-color")
	for _, want := range []string{
		"testing real readers: " + names[0] + ", " + names[1],
		"selects the PPSE and the purse application",
		"> SELECT", "> GET BALANCE", "> CREDIT FOR LOAD", // the APDU trace of each spec
		"reports a reader another PC/SC client holds in a transaction as busy within the wait",
		"needs the virtual lab: the card must be pulled or torn by command at an exact point",
		"serves two readers at once",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the spec-by-spec run: output lacks %q", want)
		}
	}
	m := regexp.MustCompile(`Ran (\d+) of (\d+) Specs .*\n.*SUCCESS! -- (\d+) Passed \| 0 Failed \| 0 Pending \| (\d+) Skipped`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("the spec-by-spec run has no Ginkgo summary with 0 failed")
	}
	if passed, _ := strconv.Atoi(m[3]); passed < 10 {
		t.Errorf("only %s specs passed on the named readers", m[3])
	}
	t.Logf("on the system pcscd: ran %s of %s specs, %s passed, %s skipped", m[1], m[2], m[3], m[4])
}

// startServicePcscd runs pcscd the way its init script does: as a daemon
// that forks away from its starter and records its pid in
// /run/pcscd/pcscd.pid. It is stopped (SIGTERM) when the test ends.
func startServicePcscd(t *testing.T, bin string) {
	t.Helper()
	os.Remove(pcscd.Socket) // a stale socket of a killed run stops pcscd from starting
	if out, err := exec.Command(bin).CombinedOutput(); err != nil {
		t.Fatalf("start pcscd as a daemon: %v\n%s", err, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for !pcscd.Serving() {
		if time.Now().After(deadline) {
			t.Fatal("the pcscd daemon did not serve " + pcscd.Socket + " within 15s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, err := os.ReadFile("/run/pcscd/pcscd.pid")
	pid, perr := strconv.Atoi(strings.Trim(string(b), " \n\x00"))
	if err != nil || perr != nil {
		t.Fatalf("the pcscd daemon wrote no pid file: %v %v", err, perr)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if syscall.Kill(pid, 0) == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("pcscd (pid %d) ignored SIGTERM", pid)
		}
	})
}

// moduleRoot is the module's directory: go test runs a test in its
// package's, two levels below.
const moduleRoot = "../.."
