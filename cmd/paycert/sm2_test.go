package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
)

// sm2TestRoot is a root with only the sm2 tree, so these tests do not
// depend on how the lead wires rootCommand.
func sm2TestRoot() *cli.Command {
	return &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{sm2Command()}}
}

func runSM2(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return clitest.Run(context.Background(), sm2TestRoot(), []byte(stdin), args...)
}

// keygenHex runs keygen and returns the private and compressed public hex.
func keygenHex(t *testing.T) (priv, pub, pubUncompressed string) {
	t.Helper()
	code, out, errOut := runSM2(t, "", "sm2", "keygen")
	if code != 0 {
		t.Fatalf("keygen exit %d: %s", code, errOut)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			t.Fatalf("keygen line %q", line)
		}
		fields[f[0]] = f[1]
	}
	priv, pub, pubUncompressed = fields["private"], fields["public"], fields["public-uncompressed"]
	if len(priv) != 64 || len(pub) != 66 || len(pubUncompressed) != 130 {
		t.Fatalf("keygen output %q", out)
	}
	return priv, pub, pubUncompressed
}

func TestSM2CLIRoundTrip(t *testing.T) {
	priv, pub, pubUnc := keygenHex(t)
	msg := `{"txncode":"charge","cardno":"2253123456781234","sign":""}`
	tests := []struct {
		name    string
		signArg []string
		pub     string
	}{
		{"r||s, compressed key", nil, pub},
		{"DER, uncompressed key", []string{"--der"}, pubUnc},
		{"custom id", []string{"--id", "merchant-0001"}, pub},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"sm2", "sign", "--key", priv}, tt.signArg...)
			code, out, errOut := runSM2(t, msg, append(args, "-")...)
			if code != 0 {
				t.Fatalf("sign exit %d: %s", code, errOut)
			}
			sig := strings.TrimSpace(out)
			if tt.signArg == nil && len(sig) != 128 {
				t.Fatalf("r||s signature %q is not 128 hex digits", sig)
			}
			if tt.signArg != nil && tt.signArg[0] == "--der" && !strings.HasPrefix(sig, "30") {
				t.Fatalf("DER signature %q", sig)
			}
			var idArgs []string
			if tt.signArg != nil && tt.signArg[0] == "--id" {
				idArgs = tt.signArg
			}
			verify := append([]string{"sm2", "verify", "--pub", tt.pub, "--sig", sig}, idArgs...)
			code, out, errOut = runSM2(t, msg, verify...)
			if code != 0 || strings.TrimSpace(out) != "signature OK" {
				t.Fatalf("verify exit %d, out %q, err %q", code, out, errOut)
			}
			// One changed digit in the message: exit 1 and the verdict on stderr.
			tampered := strings.Replace(msg, "1234", "1235", 1)
			code, out, errOut = runSM2(t, tampered, verify...)
			if code != 1 || out != "" || !strings.Contains(errOut, "signature does NOT verify") {
				t.Fatalf("tampered: exit %d, out %q, err %q", code, out, errOut)
			}
		})
	}
}

func TestSM2CLIPEMFiles(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runSM2(t, "", "sm2", "keygen", "--pem")
	if code != 0 || !strings.Contains(out, "BEGIN PRIVATE KEY") || !strings.Contains(out, "BEGIN PUBLIC KEY") {
		t.Fatalf("keygen --pem exit %d: %q %s", code, out, errOut)
	}
	keyFile := filepath.Join(dir, "key.pem")
	msgFile := filepath.Join(dir, "msg.bin")
	if err := os.WriteFile(keyFile, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(msgFile, []byte("binary\x00message\xff"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, sig, errOut := runSM2(t, "", "sm2", "sign", msgFile, "--key", keyFile)
	if code != 0 {
		t.Fatalf("sign with PEM file: exit %d: %s", code, errOut)
	}
	code, out, errOut = runSM2(t, "", "sm2", "verify", "--pub", keyFile, "--sig", strings.TrimSpace(sig), msgFile)
	if code != 0 || out != "signature OK\n" {
		t.Fatalf("verify with PEM file: exit %d %q %s", code, out, errOut)
	}
}

func TestSM2CLIErrors(t *testing.T) {
	priv, pub, _ := keygenHex(t)
	sig128 := strings.Repeat("11", 64)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"sign without key", []string{"sm2", "sign"}, 2, "--key is required"},
		{"sign bad hex key", []string{"sm2", "sign", "--key", "12345"}, 2, "odd number of hex digits"},
		{"sign missing key file", []string{"sm2", "sign", "--key", "/nonexistent/key.pem"}, 2, "neither hex nor the path of an existing file"},
		{"sign two files", []string{"sm2", "sign", "--key", priv, "a", "b"}, 2, "at most one FILE"},
		{"sign missing input", []string{"sm2", "sign", "--key", priv, "/nonexistent/msg"}, 1, "no such file"},
		{"verify without sig", []string{"sm2", "verify", "--pub", pub}, 2, "--pub and --sig are required"},
		{"verify bad sig", []string{"sm2", "verify", "--pub", pub, "--sig", "abcd"}, 2, "want 64"},
		{"verify off-curve key", []string{"sm2", "verify", "--pub", "04" + strings.Repeat("11", 64), "--sig", sig128}, 2, "not on the SM2 curve"},
		{"verify wrong signature", []string{"sm2", "verify", "--pub", pub, "--sig", sig128}, 1, "signature does NOT verify"},
		{"domain bad profile", []string{"sm2", "domain", "--profile", "nope"}, 2, "unknown profile"},
		{"domain not JSON", []string{"sm2", "domain"}, 1, "not valid JSON"},
		{"keygen extra arg", []string{"sm2", "keygen", "x"}, 2, "no arguments"},
		{"unknown flag", []string{"sm2", "sm3", "--nope"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runSM2(t, "not json", tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestSM2CLISM3AndDomain(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"sm3 abc", "abc", []string{"sm2", "sm3"}, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n"},
		{"sm3 stdin dash", strings.Repeat("abcd", 16), []string{"sm2", "sm3", "-"}, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732\n"},
		{"domain default", `{"b":1, "sign":"XYZ"}`, []string{"sm2", "domain"}, `{"b":1, "sign":""}`},
		{"domain removed", `{"b":1, "sign":"XYZ"}`, []string{"sm2", "domain", "--profile", "sign-removed"}, `{"b":1}`},
		{"domain sorted", `{"b":1, "a":{"d":2,"c":3}, "sign":"XYZ"}`, []string{"sm2", "domain", "--profile=sorted-sign-empty"}, `{"a":{"c":3,"d":2},"b":1,"sign":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runSM2(t, tt.stdin, tt.args...)
			if code != 0 || out != tt.want {
				t.Errorf("exit %d, out %q, err %q; want %q", code, out, errOut, tt.want)
			}
		})
	}
}

// TestSM2CLIDomainSignVerify is the documented pipeline: sign the domain of
// a message, splice nothing, and verify a received message whose sign member
// carries the signature by recomputing its domain.
func TestSM2CLIDomainSignVerify(t *testing.T) {
	priv, pub, _ := keygenHex(t)
	built := `{"txncode":"charge","data":{"cardno":"2253123456781234"},"sign":""}`
	_, domain, _ := runSM2(t, built, "sm2", "domain")
	code, sig, errOut := runSM2(t, domain, "sm2", "sign", "--key", priv)
	if code != 0 {
		t.Fatalf("sign: %s", errOut)
	}
	sig = strings.TrimSpace(sig)
	received := strings.Replace(built, `"sign":""`, `"sign":"`+sig+`"`, 1)
	_, domain2, _ := runSM2(t, received, "sm2", "domain")
	if code, out, errOut := runSM2(t, domain2, "sm2", "verify", "--pub", pub, "--sig", sig); code != 0 {
		t.Fatalf("verify received message: exit %d %q %s", code, out, errOut)
	}
}

func TestSM2CLIHelp(t *testing.T) {
	for _, sub := range []string{"keygen", "sign", "verify", "sm3", "domain"} {
		code, out, _ := runSM2(t, "", "sm2", sub, "--help")
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "Usage: paycert sm2 "+sub) {
			t.Errorf("%s --help: exit %d, %q", sub, code, out)
		}
	}
	code, out, _ := runSM2(t, "", "sm2", "--help")
	if code != 0 || !strings.Contains(out, "domain") || !strings.Contains(out, "Examples:") {
		t.Errorf("sm2 --help: exit %d %q", code, out)
	}
}
