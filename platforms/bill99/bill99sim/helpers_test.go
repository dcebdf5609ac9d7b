package bill99sim_test

import (
	"testing"

	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
)

func mustPFX(t *testing.T, l *testpki.Leaf) *rsasig.PFX {
	t.Helper()
	b, err := l.PFX("pw")
	if err != nil {
		t.Fatal(err)
	}
	p, err := rsasig.ParsePFX(b, "pw")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
