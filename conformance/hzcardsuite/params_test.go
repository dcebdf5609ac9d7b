package hzcardsuite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/conformance"
	"paycert/platforms/hzcard"
)

// The SM2 keys are checked before the first spec; the private key's value
// never appears in the message.
func TestTargetDocChecksKeys(t *testing.T) {
	doc := TargetDoc()
	if errs := conformance.CheckParams("p", doc, map[string]string{"inst_key": hzcard.TestInstKeyHex, "centre_pub": hzcard.TestCentrePubHex}); len(errs) > 0 {
		t.Fatalf("the fixture keys refused: %v", errs)
	}
	errs := conformance.CheckParams("p", doc, map[string]string{"inst_key": "/secure/joininst-sm2.pem", "centre_pub": "03D4BF6F..."})
	if len(errs) != 2 || !strings.Contains(errs[1].Error(), "p.inst_key: neither an SM2 key") || !strings.Contains(errs[0].Error(), "p.centre_pub: neither an SM2 key") {
		t.Fatalf("errors %v", errs)
	}
	if strings.Contains(errs[1].Error(), "joininst") {
		t.Fatalf("the secret value is shown: %v", errs[1])
	}
	// A lab keeps its keys in files: the path of one is as good as the key.
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "inst.key"), filepath.Join(dir, "centre.pub")
	if err := os.WriteFile(priv, []byte(hzcard.TestInstKeyHex+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, []byte(hzcard.TestCentrePubHex), 0o600); err != nil {
		t.Fatal(err)
	}
	if errs := conformance.CheckParams("p", doc, map[string]string{"inst_key": priv, "centre_pub": pub}); len(errs) > 0 {
		t.Fatalf("key files refused: %v", errs)
	}
	if err := os.WriteFile(priv, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if errs := conformance.CheckParams("p", doc, map[string]string{"inst_key": priv}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "the file does not hold an SM2 key") {
		t.Fatalf("a file without a key: %v", errs)
	}
}
