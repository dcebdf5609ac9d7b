package sm2

import (
	"bytes"
	"math/big"
	"testing"
)

// The parsers face keys and signatures pasted by engineers and sent by
// peers: they must return an error, never panic, and whatever they accept
// must re-encode to an equivalent value.

// fuzzKeyHex is the private key of the GM/T 0003 sample (any fixed key does).
const fuzzKeyHex = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"

func FuzzParsePublicKey(f *testing.F) {
	f.Add([]byte("03D4BF6F9D18FE636245FBDEE131518108406B5ADA2EC486685C543419AA36E8A9"))
	f.Add([]byte("04d4bf6f9d18fe636245fbdee131518108406b5ada2ec486685c543419aa36e8a990612ac79b79ad4a790e7e49cd6f73c355a8aabe738edc95c1d1d35b961ded81"))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte("0x02"))
	if k, err := ParsePrivateKey([]byte(fuzzKeyHex)); err == nil {
		p, _ := k.Public().MarshalPEM()
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePublicKey(b)
		if err != nil {
			return
		}
		again, err := ParsePublicKey([]byte(k.Hex(true)))
		if err != nil || !again.Equal(k) {
			t.Fatalf("accepted %q but its compressed form %s does not round-trip: %v", b, k.Hex(true), err)
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	f.Add([]byte(fuzzKeyHex))
	if k, err := ParsePrivateKey([]byte(fuzzKeyHex)); err == nil {
		p, _ := k.MarshalPEM()
		f.Add(p)
		if s, err := sec1PEM(k); err == nil {
			f.Add([]byte(s))
		}
	}
	f.Add([]byte("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePrivateKey(b)
		if err != nil {
			return
		}
		again, err := ParsePrivateKey([]byte(k.Hex()))
		if err != nil || again.Hex() != k.Hex() || !again.Public().Equal(k.Public()) {
			t.Fatalf("accepted %q but it does not round-trip: %v", b, err)
		}
	})
}

func FuzzParseSignature(f *testing.F) {
	f.Add([]byte("DE5463D8E00ABC64BC5C67E92578C8D43E0813935F57B30F2E9E183EA55F362BA8D5A259B2B035F432B4F489E7EE1A3EDF5ED0BC7FCCF4B56BFF008796D36117"))
	f.Add([]byte("3006020101020101"))
	f.Add([]byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01})
	f.Add(bytes.Repeat([]byte{0x30}, 64))
	f.Add(append([]byte{0x30}, bytes.Repeat([]byte{0xa5}, 63)...)) // raw r‖s that begins like DER
	f.Fuzz(func(t *testing.T, b []byte) {
		sig, err := ParseSignature(b)
		if err != nil {
			return
		}
		encs := [][]byte{sig.DER(), []byte(sig.Hex())}
		// Raw bytes that are all hex digits read as text, and raw bytes that
		// are themselves well-formed DER read as DER, by design.
		if _, derErr := parseDER(sig.Raw()); !allHexOrSpace(sig.Raw()) && derErr != nil {
			encs = append(encs, sig.Raw())
		}
		for _, enc := range encs {
			if again, err := ParseSignature(enc); err != nil || again != sig {
				t.Fatalf("accepted %x as %x, but re-encoding %x parses as %x, %v", b, sig, enc, again, err)
			}
		}
	})
}

// FuzzVerify feeds arbitrary signatures and messages to Verify under a fixed
// key: it must only ever say no (a forgery from fuzzing would be news).
func FuzzVerify(f *testing.F) {
	k, err := ParsePrivateKey([]byte(fuzzKeyHex))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("msg"), []byte("uid"), make([]byte, 64))
	f.Fuzz(func(t *testing.T, msg, uid, sigBytes []byte) {
		var sig Signature
		copy(sig[:], sigBytes)
		if Verify(k.Public(), uid, msg, sig) {
			t.Fatalf("random signature %x verifies over %q", sig, msg)
		}
	})
}

// FuzzVerifyPrecomputed: the hand-written precomputed path must give gmsm's
// verdict on any digest and signature, including ones built to verify
// (the fuzzer mutates s and t; r and e are derived so that roughly half the
// inputs are valid and the rest are near misses).
func FuzzVerifyPrecomputed(f *testing.F) {
	k, err := ParsePrivateKey([]byte(fuzzKeyHex))
	if err != nil {
		f.Fatal(err)
	}
	slow := *k.Public()
	slow.fast = new(fastVerify)
	fast := *k.Public()
	fast.fast = new(fastVerify)
	fast.Precompute()
	f.Add(make([]byte, 32), make([]byte, 64), false)
	f.Add(bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xff}, 64), true)
	f.Fuzz(func(t *testing.T, e, sigBytes []byte, construct bool) {
		var sig Signature
		copy(sig[:], sigBytes)
		if construct {
			e = constructDigest(&slow, &sig)
		}
		if got, want := VerifyDigest(&fast, e, sig), VerifyDigest(&slow, e, sig); got != want {
			t.Fatalf("digest %x signature %x: precomputed %v, gmsm %v", e, sig, got, want)
		}
	})
}

// constructDigest turns sig's bytes into (r, s) with r = t − s for t taken
// from sig's r half, and returns the digest e that makes it verify under k
// (nil when s or r is 0 mod n), so the fuzzer reaches accepting inputs.
func constructDigest(k *PublicKey, sig *Signature) []byte {
	ec := k.k.Curve
	n := ec.Params().N
	s := new(big.Int).SetBytes(sig[32:])
	s.Mod(s, n)
	t := new(big.Int).SetBytes(sig[:32])
	t.Mod(t, n)
	r := new(big.Int).Sub(t, s)
	r.Mod(r, n)
	if s.Sign() == 0 || r.Sign() == 0 || t.Sign() == 0 {
		return nil
	}
	x1, y1 := ec.ScalarBaseMult(s.Bytes())
	x2, y2 := ec.ScalarMult(k.k.X, k.k.Y, t.Bytes())
	x, _ := ec.Add(x1, y1, x2, y2)
	e := new(big.Int).Sub(r, x)
	e.Mod(e, n)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	out := make([]byte, 32)
	return e.FillBytes(out)
}
