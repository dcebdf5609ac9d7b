package kakatongsuite

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"paycert/codecs/gbk"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// serveSim starts a simulator in profile on loopback for a foreign client.
func serveSim(t *testing.T, profile string) (*kakatongsim.Simulator, string) {
	t.Helper()
	s, err := kakatongsim.New(sim.Options{Clock: sim.NewManualClock(epoch), Strict: true, Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return s, srv.URL
}

// needPHP skips when php-cli or one of its extensions is missing (.ci/run
// installs php-cli, php-soap and php-xml).
func needPHP(t *testing.T, exts ...string) string {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed: the seed's sample PHP needs it (apt-get install php-cli php-soap php-xml)")
	}
	out, err := exec.Command(php, "-m").Output()
	if err != nil {
		t.Fatalf("php -m: %v", err)
	}
	for _, x := range exts {
		if !strings.Contains(strings.ToLower(string(out)), strings.ToLower(x)) {
			t.Skipf("php has no %s extension: apt-get install php-soap php-xml", x)
		}
	}
	return php
}

func runPHP(t *testing.T, php, script string, env ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, php, "-d", "display_errors=stderr", filepath.Join("testdata", "php", script))
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("php %s: %v\n%s", script, err, stderr.String())
	}
	return out
}

// TestSeedPHPSOAPSample runs seed 000's SOAP sample as printed (only URL
// and ids changed): PHP's SoapClient in WSDL mode, SOAP 1.2, GB2312,
// positional arguments, is_array($res) and $res['PayInForm']; a wrong
// licence key must come back as a bare number ("授权码错误").
func TestSeedPHPSOAPSample(t *testing.T) {
	php := needPHP(t, "soap")
	s, url := serveSim(t, "")
	bal, _, err := s.CardBalance("1680115500000127")
	if err != nil {
		t.Fatal(err)
	}
	// The sample's key has a leading space, as printed.
	out := runPHP(t, php, "soap_sample.php", "KK_BASE="+url, "KK_LICKEY= "+kakatongsim.LicenceKey)
	// SoapClient's encoding GB2312 hands the script GB2312 strings.
	got, err := gbk.DecodeString(out)
	if err != nil {
		t.Fatalf("output is not GB2312: %q", out)
	}
	if want := "储值查询" + strconv.FormatInt(bal, 10); got != want {
		t.Errorf("the seed's SOAP sample printed %q, want %q (TradeName and Integral of the balance query)", got, want)
	}
	out = runPHP(t, php, "soap_sample.php", "KK_BASE="+url, "KK_LICKEY=NoSuchLicenceKey0000")
	if got := string(out); got != "授权码错误" {
		t.Errorf("with a wrong licence key the sample printed %q, want 授权码错误 (a bare number, not an array)", got)
	}
	for _, v := range s.Violations() {
		if v.Rule != "plain-password" { // the sample sends the plain password, E-KAKATONG-PLAIN-PWD
			t.Errorf("the seed's client broke a rule of the gateway: %+v", v)
		}
	}
}

// TestSeedPHPRESTSample runs seed 000's REST sample (URL and ids changed,
// and what PHP cannot parse as printed: E-KAKATONG-PHP-SAMPLE). It reads
// $xml->PayInResult, the fields at the root of <TradeResult>: it prints
// them against "paycert sim kakatong --profile root" and nothing against
// the default <Record> reading, the seed's contradiction
// (E-KAKATONG-RECORD-WRAPPER).
func TestSeedPHPRESTSample(t *testing.T) {
	php := needPHP(t, "SimpleXML")
	s, url := serveSim(t, kakatongsim.ProfileRoot)
	bal, _, err := s.CardBalance("1680115500000128")
	if err != nil {
		t.Fatal(err)
	}
	out := runPHP(t, php, "rest_sample.php", "KK_BASE="+url)
	if want := "交易成功！" + strconv.FormatInt(bal-100, 10); string(out) != want {
		t.Errorf("the seed's REST sample printed %q against the root profile, want %q", out, want)
	}
	_, url = serveSim(t, kakatongsim.ProfileRecord)
	if out := runPHP(t, php, "rest_sample.php", "KK_BASE="+url); len(out) != 0 {
		t.Errorf("against the <Record> reading $xml->PayInResult must be empty, the sample printed %q", out)
	}
}

// TestWSDLWithZeep has python3-zeep, another foreign toolkit, load the
// WSDL and call every operation.
func TestWSDLWithZeep(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err == nil && exec.Command(py, "-c", "import zeep").Run() != nil {
		py, err = "/usr/bin/python3", exec.Command("/usr/bin/python3", "-c", "import zeep").Run()
	}
	if err != nil {
		t.Skip("python3-zeep is not installed (apt-get install python3-zeep)")
	}
	s, url := serveSim(t, "")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, filepath.Join("testdata", "zeep", "check.py"), url+"/s/sp.php?wsdl", kakatongsim.CardFirst, kakatongsim.CardActiveNew)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("zeep could not call every operation: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "ok   "); n != 10 {
		t.Fatalf("zeep ran %d checks, want 10:\n%s", n, out)
	}
	if err := s.Audit(); err != nil {
		t.Error(err)
	}
	t.Logf("zeep:\n%s", out)
}
