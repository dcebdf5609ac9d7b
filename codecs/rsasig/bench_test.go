package rsasig_test

import (
	"bytes"
	"testing"

	"paycert/codecs/rsasig"
)

// A TR3 notice is about 700 bytes of GBK XML.
var benchMsg = bytes.Repeat([]byte("<amount>10</amount>"), 37)

func BenchmarkRSASHA1(b *testing.B) {
	k := newKey(b)
	sig, err := rsasig.Sign(nil, k, benchMsg)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sign", func(b *testing.B) {
		for b.Loop() {
			if _, err := rsasig.Sign(nil, k, benchMsg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if err := rsasig.Verify(&k.PublicKey, benchMsg, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}
