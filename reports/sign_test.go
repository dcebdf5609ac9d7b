package reports

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/codecs/sm2"
)

// ed25519PEM returns a PKCS#8 Ed25519 key as openssl genpkey writes it, and
// the fingerprint of its public half computed independently of sign.go.
func ed25519PEM(t *testing.T) ([]byte, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(spki)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), "sha256:" + hex.EncodeToString(h[:])
}

// sm2PEM returns what "paycert sm2 keygen --pem" prints: PKCS#8 private and
// PKIX public blocks in one file.
func sm2PEM(t *testing.T) ([]byte, string) {
	t.Helper()
	k, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := k.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := k.Public().MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(pub)
	h := sha256.Sum256(b.Bytes)
	return append(priv, pub...), "sha256:" + hex.EncodeToString(h[:])
}

// runDir writes a run directory as certify leaves it (report.json,
// index.html, junit.xml, evidence.tar.gz) and returns the bundle's path.
func runDir(t *testing.T) string {
	t.Helper()
	gr, in := fixture(t)
	rep := Build(gr, in)
	dir := t.TempDir()
	if err := WriteJSON(filepath.Join(dir, "report.json"), rep); err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"index.html": page.Bytes(), "junit.xml": []byte("<testsuites/>")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path, err := WriteEvidence(dir)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSignedPackageVerifiesAndNamesTheSigner(t *testing.T) {
	for _, tt := range []struct {
		alg  string
		key  func(*testing.T) ([]byte, string)
		name string
	}{
		{AlgEd25519, ed25519PEM, "ACME payments QA lab"},
		{AlgSM2, sm2PEM, ""},
	} {
		t.Run(tt.alg, func(t *testing.T) {
			keyPEM, wantFP := tt.key(t)
			s, err := ParseSigningKey(keyPEM)
			if err != nil {
				t.Fatal(err)
			}
			s.Name = tt.name
			if s.Algorithm() != tt.alg || s.Fingerprint() != wantFP {
				t.Fatalf("signer %s %s, want %s %s", s.Algorithm(), s.Fingerprint(), tt.alg, wantFP)
			}
			path := runDir(t)
			if v, err := VerifyPackage(path); err != nil || v.Signature != nil {
				t.Fatalf("before signing: %+v, %v; want an unsigned bundle that verifies", v, err)
			}
			when := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
			if _, err := SignEvidence(path, s, when); err != nil {
				t.Fatal(err)
			}
			v, err := VerifyPackage(path)
			if err != nil {
				t.Fatal(err)
			}
			if v.Signature == nil || v.Signature.Fingerprint != wantFP || v.Signature.Algorithm != tt.alg || !v.Signature.Signed.Equal(when) || v.Signature.Name != tt.name {
				t.Fatalf("verified signature %+v, want %s by %s at %s", v.Signature, tt.alg, wantFP, when)
			}
			if v.Files != 3 {
				t.Errorf("%d files verified, want 3", v.Files)
			}
			// The HTML in the bundle and in the run directory names the signer.
			files, _, _, err := readBundle(path)
			if err != nil {
				t.Fatal(err)
			}
			onDisk, _ := os.ReadFile(filepath.Join(filepath.Dir(path), "index.html"))
			inBundle := files[indexOf(files, "index.html")].Data
			for where, page := range map[string][]byte{"bundle": inBundle, "run directory": onDisk} {
				if !bytes.Contains(page, []byte("with key <code>"+wantFP)) || bytes.Contains(page, []byte("Not signed")) {
					t.Errorf("index.html in the %s does not name the signer's key", where)
				}
				if tt.name != "" && !bytes.Contains(page, []byte("Signed by <b>"+tt.name+"</b>")) {
					t.Errorf("index.html in the %s does not name the signer %q", where, tt.name)
				}
			}
			rep, err := ReadReport(filepath.Join(filepath.Dir(path), "report.json"))
			if err != nil || rep.Signature == nil || rep.Signature.Fingerprint != wantFP {
				t.Errorf("report.json in the run directory: %+v, %v", rep.Signature, err)
			}
		})
	}
}

func TestTamperedSignedPackageFails(t *testing.T) {
	keyA, _ := ed25519PEM(t)
	keyB, _ := sm2PEM(t)
	a, err := ParseSigningKey(keyA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseSigningKey(keyB)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		tamper func(t *testing.T, files []bundleFile, sig []byte) ([]bundleFile, []byte)
		want   string
	}{
		{"file changed, manifest recomputed", func(t *testing.T, files []bundleFile, sig []byte) ([]bundleFile, []byte) {
			i := indexOf(files, "junit.xml")
			files[i].Data = []byte(`<testsuites failures="0"/>`)
			return files, sig
		}, "does not match the manifest"},
		{"file added", func(t *testing.T, files []bundleFile, sig []byte) ([]bundleFile, []byte) {
			return append(files, bundleFile{Name: "extra.txt", Data: []byte("x")}), sig
		}, "does not match the manifest"},
		{"re-signed by another key, report names the first", func(t *testing.T, files []bundleFile, _ []byte) ([]bundleFile, []byte) {
			sig, err := b.encodeSignature(manifestOf(files), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return files, sig
		}, "does not name the key that signed"},
		{"signature garbled", func(t *testing.T, files []bundleFile, sig []byte) ([]bundleFile, []byte) {
			return files, bytes.Replace(sig, []byte("PAYCERT SIGNATURE"), []byte("PAYCERT SIGNATUR"), 2)
		}, "no PAYCERT SIGNATURE block"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := runDir(t)
			if _, err := SignEvidence(path, a, time.Now()); err != nil {
				t.Fatal(err)
			}
			files, _, sig, err := readBundle(path)
			if err != nil {
				t.Fatal(err)
			}
			files, sig = tt.tamper(t, files, sig)
			if err := writeBundle(path, files, sig); err != nil {
				t.Fatal(err)
			}
			_, err = VerifyPackage(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("verify: %v, want an error saying %q", err, tt.want)
			}
			if _, err := VerifyEvidence(path); err == nil {
				t.Fatal("VerifyEvidence accepted what VerifyPackage refused")
			}
		})
	}
}

func TestSignRefusesATamperedBundle(t *testing.T) {
	path := runDir(t)
	files, _, _, err := readBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	// Rewrite the bundle with a manifest that does not match: append to a
	// file after the manifest was computed.
	var buf bytes.Buffer
	buf.Write(manifestOf(files))
	files[indexOf(files, "junit.xml")].Data = []byte("<changed/>")
	if err := writeBundleWithManifest(path, files, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	key, _ := ed25519PEM(t)
	s, err := ParseSigningKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SignEvidence(path, s, time.Now()); err == nil || !strings.Contains(err.Error(), "junit.xml does not match") {
		t.Fatalf("sign of a tampered bundle: %v, want a refusal naming junit.xml", err)
	}
}

func TestParseSigningKeyRejectsOtherKeysWithoutQuotingThem(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	ecPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	secretHex := strings.Repeat("a1", 32) // an SM2 scalar given where a PEM file belongs
	for _, tt := range []struct {
		name string
		in   []byte
		want string
	}{
		{"ECDSA P-256", ecPEM, "ECDSA key; want Ed25519 or SM2"},
		{"bare hex scalar", []byte(secretHex), "not PEM"},
		{"empty", nil, "not PEM"},
		{"public key only", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}}), "neither"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSigningKey(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			body := string(tt.in)
			if b, _ := pem.Decode(tt.in); b != nil {
				body = hex.EncodeToString(b.Bytes)
			}
			if len(body) > 8 && (strings.Contains(err.Error(), body[:8]) || strings.Contains(err.Error(), secretHex[:8])) {
				t.Errorf("error quotes the key: %v", err)
			}
		})
	}
}

// writeBundleWithManifest writes a bundle whose manifest is given, not
// computed: the shape of a bundle edited after it was written.
func writeBundleWithManifest(path string, files []bundleFile, manifest []byte) error {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range append(files, bundleFile{Name: ManifestName, Data: manifest}) {
		if err := addFile(tw, f.Name, f.Data, time.Now()); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
