package sm2

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"sync"
	"testing"

	gmsm "github.com/emmansun/gmsm/sm2"
	tjsm2 "github.com/tjfoc/gmsm/sm2"
)

// TestPrecomputedNonceSignatures: signatures made with precomputed nonces are
// accepted by gmsm, tjfoc and the precomputed verifier, and each nonce is
// used exactly once.
func TestPrecomputedNonceSignatures(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const count = 40
	if err := k.PrecomputeNonces(nil, count); err != nil {
		t.Fatal(err)
	}
	if left, used := k.Nonces(); left != count || used != 0 {
		t.Fatalf("Nonces() = %d left, %d used; want %d, 0", left, used, count)
	}
	tp := tjPublic(k.Public())
	gp := k.Public().ECDSA()
	seenR := map[[32]byte]bool{}
	for i := range count + 3 { // three past the pool: the online fallback
		msg := testMessages[i%2] // repeated messages: r must still differ
		uid := testUIDs[i%len(testUIDs)]
		sig, err := Sign(rand.Reader, k, uid, msg)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Digest(k.Public(), uid, msg)
		if err != nil {
			t.Fatal(err)
		}
		if !gmsm.VerifyASN1(gp, e[:], sig.DER()) {
			t.Fatalf("signature %d: gmsm rejects it", i)
		}
		// tjfoc as oracle on a random signature only: it is wrong when
		// s·G = ±t·P (TestVerifyDoublingAndInfinity), probability ~2⁻²⁵⁶.
		if !tjsm2.Sm2Verify(tp, msg, uidOrDefault(uid), sig.R(), sig.S()) {
			t.Fatalf("signature %d: tjfoc rejects it", i)
		}
		if seenR[[32]byte(sig[:32])] {
			t.Fatalf("signature %d repeats an r: a nonce was used twice", i)
		}
		seenR[[32]byte(sig[:32])] = true
	}
	if left, used := k.Nonces(); left != 0 || used != count {
		t.Fatalf("after %d signatures: %d left, %d used; want 0, %d", count+3, left, used, count)
	}
}

func uidOrDefault(uid []byte) []byte {
	if len(uid) == 0 {
		return []byte(DefaultUID)
	}
	return uid
}

// TestSignOnlineFormula computes the signature for a chosen k with math/big
// in the standard's own form, s = (1 + d)⁻¹·(k − r·d) mod n, and compares.
func TestSignOnlineFormula(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec := gmsm.P256()
	n := ec.Params().N
	d := k.GMSM().D
	for _, kv := range []*big.Int{big.NewInt(1), big.NewInt(0x1234567), new(big.Int).Sub(n, big.NewInt(1)),
		new(big.Int).Rsh(n, 1), new(big.Int).Lsh(big.NewInt(1), 255)} {
		kb := bytes32(kv)
		// A reader that first offers n (rejected) and then k.
		nb := bytes32(n)
		if err := k.PrecomputeNonces(bytes.NewReader(append(nb[:], kb[:]...)), 1); err != nil {
			t.Fatal(err)
		}
		e := SM3([]byte("message " + kv.String()))
		sig, err := SignDigest(nil, k, e[:])
		if err != nil {
			t.Fatal(err)
		}
		x1, _ := ec.ScalarBaseMult(kb[:])
		r := new(big.Int).Add(new(big.Int).SetBytes(e[:]), x1)
		r.Mod(r, n)
		inv := new(big.Int).ModInverse(new(big.Int).Add(d, big.NewInt(1)), n)
		s := new(big.Int).Sub(kv, new(big.Int).Mul(r, d))
		s.Mul(s, inv).Mod(s, n)
		if sig.R().Cmp(r) != 0 || sig.S().Cmp(s) != 0 {
			t.Fatalf("k = %x: signature (%x, %x), the standard's formula gives (%x, %x)", kv, sig.R(), sig.S(), r, s)
		}
	}
	if left, _ := k.Nonces(); left != 0 {
		t.Fatalf("%d nonces left over", left)
	}
}

// TestPrecomputeNoncesConcurrent signs from several goroutines while more
// nonces are added (meaningful under -race): every signature verifies and
// no r repeats for the same message.
func TestPrecomputeNoncesConcurrent(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.PrecomputeNonces(nil, 50); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[Signature]bool{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g == 0 {
				if err := k.PrecomputeNonces(nil, 50); err != nil {
					t.Error(err)
				}
			}
			for range 30 {
				sig, err := Sign(nil, k, nil, testMessages[0])
				if err != nil || !Verify(k.Public(), nil, testMessages[0], sig) {
					t.Errorf("concurrent signature %x: %v / does not verify", sig, err)
					return
				}
				mu.Lock()
				if seen[sig] {
					t.Errorf("signature %x made twice", sig)
				}
				seen[sig] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestPrecomputeNoncesErrors(t *testing.T) {
	var nilKey *PrivateKey
	if err := nilKey.PrecomputeNonces(nil, 1); err == nil {
		t.Error("nil key: no error")
	}
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.PrecomputeNonces(bytes.NewReader([]byte{1, 2, 3}), 1); err == nil {
		t.Error("short randomness: no error")
	}
	if left, _ := k.Nonces(); left != 0 {
		t.Errorf("a failed call left %d nonces", left)
	}
}
