package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/reports"
)

// signableRun writes a run directory with a report, its page and a bundle.
func signableRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rep := reports.Report{RunID: "cli-test", Verdict: "PASS"}
	if err := reports.WriteJSON(filepath.Join(dir, "report.json"), rep); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := reports.WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.WriteEvidence(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

var fingerprintRE = regexp.MustCompile(`signed by (sha256:[0-9a-f]{64}) \(([a-z0-9-]+)\)`)

func TestReportSignAndVerify(t *testing.T) {
	ctx := context.Background()
	keys := t.TempDir()
	// An SM2 key as the documented command makes it.
	code, sm2Key, stderr := clitest.Run(ctx, rootCommand(), nil, "sm2", "keygen", "--pem")
	if code != 0 {
		t.Fatalf("sm2 keygen: %d %s", code, stderr)
	}
	_, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(edPriv)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		alg string
		pem []byte
	}{
		{"sm2-sm3", []byte(sm2Key)},
		{"ed25519", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			keyFile := filepath.Join(keys, tt.alg+".pem")
			if err := os.WriteFile(keyFile, tt.pem, 0o600); err != nil {
				t.Fatal(err)
			}
			run := signableRun(t)
			code, out, stderr := clitest.Run(ctx, rootCommand(), nil, "report", "verify", run)
			if code != 0 || !strings.Contains(out, "not signed") {
				t.Fatalf("verify before signing: exit %d\n%s%s", code, out, stderr)
			}
			code, out, stderr = clitest.Run(ctx, rootCommand(), nil, "report", "sign", "--key", keyFile, "--name", "QA lab "+tt.alg, run)
			m := fingerprintRE.FindStringSubmatch(out)
			if code != 0 || m == nil || m[2] != tt.alg {
				t.Fatalf("sign: exit %d\n%s%s", code, out, stderr)
			}
			fp := m[1]
			if strings.Contains(out+stderr, string(tt.pem[40:80])) {
				t.Error("sign printed part of the private key")
			}
			code, out, stderr = clitest.Run(ctx, rootCommand(), nil, "report", "verify", filepath.Join(run, "evidence.tar.gz"))
			if m := fingerprintRE.FindStringSubmatch(out); code != 0 || m == nil || m[1] != fp || !strings.Contains(out, `names themselves "QA lab `+tt.alg+`"`) {
				t.Fatalf("verify after signing: exit %d, want the signer %s\n%s%s", code, fp, out, stderr)
			}
			page, _ := os.ReadFile(filepath.Join(run, "index.html"))
			if !bytes.Contains(page, []byte(fp)) {
				t.Error("index.html does not name the signer")
			}
			if code, _, _ := clitest.Run(ctx, rootCommand(), nil, "report", "verify", "--signer", fp, run); code != 0 {
				t.Errorf("verify --signer with the signer's fingerprint: exit %d", code)
			}
			other := "sha256:" + strings.Repeat("0", 64)
			if code, _, stderr := clitest.Run(ctx, rootCommand(), nil, "report", "verify", "--signer", other, run); code != 1 || !strings.Contains(stderr, "not by --signer") {
				t.Errorf("verify --signer with another fingerprint: exit %d %s, want 1", code, stderr)
			}
		})
	}
}

func TestReportSignErrors(t *testing.T) {
	ctx := context.Background()
	run := signableRun(t)
	secret := strings.Repeat("5a", 32) // a key pasted where its file name belongs
	bad := filepath.Join(t.TempDir(), "rsa.pem")
	if err := os.WriteFile(bad, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no key", []string{"report", "sign", run}, 2, "--key is required"},
		{"key value instead of a file", []string{"report", "sign", "--key", secret, run}, 2, "cannot read the key file"},
		{"not a key", []string{"report", "sign", "--key", bad, run}, 2, "neither an Ed25519"},
		{"no bundle", []string{"report", "sign", "--key", bad}, 2, "name one run"},
		{"unsigned with --signer", []string{"report", "verify", "--signer", "sha256:00", run}, 1, "is not signed"},
		{"missing bundle", []string{"report", "verify", filepath.Join(run, "nope.tar.gz")}, 1, "nope.tar.gz"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := clitest.Run(ctx, rootCommand(), nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if strings.Contains(out+stderr, secret) {
				t.Errorf("the --key value was echoed: %s", stderr)
			}
		})
	}
}
