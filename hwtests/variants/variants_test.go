package variants

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"paycert/platforms/pcsc/pcscd"
)

// The variant: every setting other than its default.
var variant = []string{
	"PAYCERT_CIPHER=sm4",
	"PAYCERT_KEY_INDEX=03",
	"PAYCERT_AID=A000000632010106",
	"PAYCERT_TERMINAL=112233445566",
	"PAYCERT_TZ=UTC-03:30",
}

// TestSuiteOnACardVariant: with the variant settings, the virtual lab's
// cards are personalised SM4 / key index 03 / AID A000000632010106, the
// terminal selects that AID and the key holder and the embedded centre
// load and spend with key index 03 under SM4, from terminal 112233445566,
// dating the card's log in UTC-03:30 (a spec checks the log against the
// clock in that zone); every spec passes. The APDU trace shows the
// variant reached the card: the SELECT's AID, INITIALIZE's key index and
// terminal, and the card's algId 04 in its INITIALIZE replies.
func TestSuiteOnACardVariant(t *testing.T) {
	if os.Getenv("PAYCERT_READER") != "" {
		t.Skip("PAYCERT_READER names a lab reader: its card has the variant it was personalised with; run ./hwtests/ with the settings that match it")
	}
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no Go toolchain at %s to run the suite with", goBin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := os.Environ()
	for _, kv := range env { // a variant set in the caller's environment would be overridden anyway; say so
		for _, v := range variant {
			if name, _, _ := strings.Cut(v, "="); strings.HasPrefix(kv, name+"=") {
				t.Logf("%s from the environment is replaced by %s", kv, v)
			}
		}
	}
	env = append(env, variant...)
	cmd := exec.CommandContext(ctx, goBin, "test", "-count=1", "-v", "./hwtests/", "-ginkgo.v", "-ginkgo.no-color")
	cmd.Dir, cmd.Env = moduleRoot, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s go test -count=1 -v ./hwtests/ -ginkgo.v (%s):\n%s", strings.Join(variant, " "), time.Since(start).Round(time.Second), out.String())
	if err != nil {
		t.Fatalf("the suite on the variant: %v", err)
	}
	o := out.String()
	for _, want := range []string{
		"card variant: cipher sm4, key index 03, AID A000000632010106, terminal 112233445566, zone UTC-03:30",
		"testing the virtual lab",
		"> SELECT                       00A4040008A000000632010106", // the terminal selects the variant AID
		"card> 00A4040008A000000632010106",                          // so does the centre's load list
		"> INITIALIZE FOR LOAD          805000020B03",               // the key holder's key index
		"> INITIALIZE FOR PURCHASE      805001020B03",               // in purchases too
		"112233445566", // the terminal id
		"writes the terminal's id and the date and time in the configured zone", // checked against the clock in UTC-03:30
		"--- PASS: TestHardware",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("the suite's output lacks %q", want)
		}
	}
	// The card's INITIALIZE FOR LOAD reply: balance(4) online counter(2)
	// key version(1) algId(1) random(4) MAC1(4). algId 04 is SM4: the card
	// really was personalised with the cipher, not just told its name.
	algs := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(o))
	afterInit := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if afterInit && strings.HasPrefix(line, "< ") {
			if f := strings.Fields(line); len(f) > 1 {
				if b, err := hex.DecodeString(f[1]); err == nil && len(b) == 18 {
					algs[hex.EncodeToString(b[7:8])]++
				}
			}
		}
		afterInit = strings.HasPrefix(line, "> INITIALIZE FOR LOAD")
	}
	if algs["04"] == 0 || len(algs) != 1 {
		t.Errorf("algId in the card's INITIALIZE FOR LOAD replies: %v, want only 04 (SM4)", algs)
	}
	m := regexp.MustCompile(`Ran (\d+) of (\d+) Specs .*\n.*SUCCESS! -- (\d+) Passed \| 0 Failed \| 0 Pending \| (\d+) Skipped`).FindStringSubmatch(o)
	if m == nil {
		t.Fatal("no Ginkgo summary with 0 failed")
	}
	if ran, _ := strconv.Atoi(m[1]); m[1] != m[2] || ran < 15 || m[4] != "0" {
		t.Errorf("ran %s of %s specs, %s skipped: the virtual lab runs every spec", m[1], m[2], m[4])
	}
}

// moduleRoot is the module's directory: go test runs a test in its
// package's, two levels below.
const moduleRoot = "../.."
