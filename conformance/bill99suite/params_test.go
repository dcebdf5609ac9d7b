package bill99suite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/codecs/testpki"
	"paycert/conformance"
)

// A .pfx param that is missing, in the wrong format or does not open with
// merchant_pfx_password is refused before the first spec, one line each,
// and the password never appears in the message.
func TestTargetDocChecksCertificateFiles(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	ca, err := testpki.NewCA("test CA", now)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(testpki.LeafOptions{CommonName: "merchant", Client: true, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), RSABits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := leaf.PFX("s3cretpw")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("merchant.pfx", pfx)
	pem := write("ca.pem", ca.CertPEM())
	mgw := write("mgw.cer", leaf.CertPEM()) // any RSA certificate
	text := write("notes.txt", []byte("not a certificate"))
	doc := TargetDoc()
	for _, c := range []struct {
		name   string
		params map[string]string
		want   string // "" = accepted
	}{
		{"good pfx and CA", map[string]string{"merchant_pfx": good, "merchant_pfx_password": "s3cretpw", "server_ca": pem, "platform_cert": mgw}, ""},
		{"missing pfx", map[string]string{"merchant_pfx": filepath.Join(dir, "none.pfx")}, "merchant_pfx: \"" + filepath.Join(dir, "none.pfx") + "\" does not exist"},
		{"wrong password", map[string]string{"merchant_pfx": good, "merchant_pfx_password": "wrongpw"}, "does not open with merchant_pfx_password (wrong password)"},
		{"not a pfx", map[string]string{"merchant_pfx": text, "merchant_pfx_password": "s3cretpw"}, "is not a PKCS #12 (.pfx) file"},
		{"CA file not a certificate", map[string]string{"server_ca": text}, "server_ca: \"" + text + "\" holds no certificate"},
		{"platform cert not a certificate", map[string]string{"platform_cert": text}, "holds no RSA certificate or public key"},
		{"mgw_key missing, path not shown", map[string]string{"mgw_key": filepath.Join(dir, "secret-name.pem")}, "mgw_key: the file it names does not exist"},
		{"bad TR3 URL", map[string]string{"tr3_url": "tr3.example/x"}, "want an http:// or https:// URL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := conformance.CheckParams("p", doc, c.params)
			if c.want == "" {
				if len(errs) > 0 {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.want) {
				t.Fatalf("errors %v, want one with %q", errs, c.want)
			}
			if strings.Contains(errs[0].Error(), "s3cretpw") || strings.Contains(errs[0].Error(), "wrongpw") || strings.Contains(errs[0].Error(), "secret-name") {
				t.Fatalf("the error shows a secret: %v", errs[0])
			}
		})
	}
}
