package sm2

import (
	"encoding/hex"
	"testing"
)

func TestExplore(t *testing.T) {
	pub, err := ParsePublicKey([]byte("03D4BF6F9D18FE636245FBDEE131518108406B5ADA2EC486685C543419AA36E8A9"))
	if err != nil {
		t.Fatal(err)
	}
	t.Log(pub.Hex(false))
	raw, _ := hex.DecodeString("DE5463D8E00ABC64BC5C67E92578C8D43E0813935F57B30F2E9E183EA55F362BA8D5A259B2B035F432B4F489E7EE1A3EDF5ED0BC7FCCF4B56BFF008796D36117")
	var sig Signature
	copy(sig[:], raw)
	t.Log(sig.R().Cmp(pub.k.Params().N) < 0, sig.S().Cmp(pub.k.Params().N) < 0)
}
