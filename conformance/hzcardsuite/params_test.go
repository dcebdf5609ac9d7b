package hzcardsuite

import (
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
	if len(errs) != 2 || !strings.Contains(errs[1].Error(), "p.inst_key: not an SM2 private key") || !strings.Contains(errs[0].Error(), "p.centre_pub: not an SM2 public key") {
		t.Fatalf("errors %v", errs)
	}
	if strings.Contains(errs[1].Error(), "joininst") {
		t.Fatalf("the secret value is shown: %v", errs[1])
	}
}
