package sm2

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/emmansun/gmsm/sm2/sm2ec"
)

// An SM2 signature (GB/T 32918.2 §6.1) costs one fixed-base scalar
// multiplication k·G, which does not depend on the message, and a few
// products modulo n, which do. PrecomputeNonces does the first part ahead of
// time — the classic offline/online split of ElGamal-type signatures — so a
// load generator can make fresh nonces before a timed run and spend only
// microseconds per signature during it. The signatures are ordinary SM2
// signatures (each nonce is used once and then wiped); only when the work is
// done changes.

// nonce is one precomputed (k, x1 = x(k·G)), both plain integers (k < n,
// x1 < p).
type nonce struct{ k, x1 elem }

// noncePool is a private key's stack of unused nonces, and the key's
// (1 + d)⁻¹ that every signature made here needs.
type noncePool struct {
	mu     sync.Mutex
	stack  []nonce
	online uint64

	dOnce sync.Once
	dInv1 elem // (1 + d)⁻¹ mod n in Montgomery form, made on first use
}

// keyInv returns (1 + d)⁻¹ mod n in Montgomery form for k's d, computing it
// on first use (one inversion modulo n).
func (k *PrivateKey) keyInv(c *curve) *elem {
	p := k.nonces
	p.dOnce.Do(func() {
		d := c.n.toMont(bytes32(k.k.D))
		var d1 elem
		c.n.add(&d1, &d, &c.n.one)
		c.n.inv(&p.dInv1, &d1) // d ≠ n−1 for a valid SM2 key, so 1 + d is invertible
	})
	return &p.dInv1
}

// PrecomputeNonces makes count signing nonces for k ahead of time, on all
// CPUs, adding to any left from an earlier call. Each later Sign or
// SignDigest by k takes one (a few microseconds instead of a full signature)
// until none are left, then signs as before. Each nonce holds 64 bytes of
// secret state until used. rand nil means crypto/rand; any other reader is
// read from one goroutine.
func (k *PrivateKey) PrecomputeNonces(random io.Reader, count int) error {
	if k == nil || k.nonces == nil {
		return errors.New("sm2: precompute nonces: nil private key")
	}
	if count <= 0 {
		return nil
	}
	workers := runtime.GOMAXPROCS(0)
	if random != nil {
		workers = 1
	} else {
		random = rand.Reader
	}
	c := sm2Curve()
	made := make([][]nonce, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		n := count / workers
		if w < count%workers {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			made[w], errs[w] = c.makeNonces(random, n)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sm2: precompute nonces: %w", err)
	}
	p := k.nonces
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range made {
		p.stack = append(p.stack, m...)
	}
	return nil
}

// makeNonces draws n nonces k uniformly from [1, n−1] and computes k·G with
// gmsm's constant-time fixed-base multiplication.
func (c *curve) makeNonces(random io.Reader, n int) ([]nonce, error) {
	out := make([]nonce, 0, n)
	for len(out) < n {
		nc, err := c.makeNonce(random)
		if err != nil {
			return nil, err
		}
		out = append(out, nc)
	}
	return out, nil
}

// makeNonce draws one nonce k uniformly from [1, n−1] and computes k·G with
// gmsm's constant-time fixed-base multiplication, whose answer must lie on
// the curve: on amd64 it returns a wrong point, off the curve, for rare k
// (F-GMSM-BASEMULT, about one k in 10⁶; a signature with it verifies
// nowhere). Such a k is dropped and another drawn — dropping a tiny set of
// values leaves k uniform for every practical purpose. The check is a few
// field products (~1 µs) against ~15 µs for the multiplication.
func (c *curve) makeNonce(random io.Reader) (nonce, error) {
	var buf [32]byte
	defer clear(buf[:]) // k: the returned nonce holds the only copy
	ec := sm2ec.P256()
	for {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return nonce{}, fmt.Errorf("reading randomness: %w", err)
		}
		k := limbs(buf)
		// Rejection sampling: n > 2²⁵⁵, so at most half the draws miss (in
		// fact about 2⁻³²).
		if k.isZero() || !k.less(&c.n.m) {
			continue
		}
		x, y := ec.ScalarBaseMult(buf[:])
		xb, yb := bytes32(x), bytes32(y)
		if !c.onCurve(xb, yb) {
			continue
		}
		return nonce{k: k, x1: limbs(xb)}, nil
	}
}

// Nonces reports how many precomputed nonces k has left, and how many
// signatures were made with one so far.
func (k *PrivateKey) Nonces() (left int, used uint64) {
	if k == nil || k.nonces == nil {
		return 0, 0
	}
	k.nonces.mu.Lock()
	defer k.nonces.mu.Unlock()
	return len(k.nonces.stack), k.nonces.online
}

// pop takes one nonce, or reports that none is left.
func (p *noncePool) pop() (nonce, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.stack) == 0 {
		return nonce{}, false
	}
	last := len(p.stack) - 1
	nc := p.stack[last]
	p.stack[last] = nonce{} // wipe: a nonce is never used twice
	p.stack = p.stack[:last]
	p.online++
	return nc, true
}

// signDigest32 signs a 32-byte digest with one of k's precomputed nonces
// while it has any, else with a nonce made now from random: either way
// signOnline finishes it, so every signature of a 32-byte digest is made by
// this package around gmsm's k·G, with makeNonce's check on that point.
// (Without a pool this costs what gmsm's own Sign does: BenchmarkSM2Sign.)
func (k *PrivateKey) signDigest32(random io.Reader, e *[32]byte) (Signature, error) {
	c := sm2Curve()
	for {
		nc, ok := k.nonces.pop()
		if !ok {
			var err error
			if nc, err = c.makeNonce(random); err != nil {
				return Signature{}, fmt.Errorf("sm2: sign: %w", err)
			}
		}
		sig, ok := c.signOnline(&nc, k.keyInv(c), e)
		nc = nonce{}
		if ok {
			return sig, nil
		}
	}
}

// signOnline finishes a signature of digest e (32 bytes) with a precomputed
// nonce (§6.1 A5-A7): r = (e + x1) mod n; s = (1 + d)⁻¹·(k + r) − r mod n,
// which equals (1 + d)⁻¹·(k − r·d). ok is false in the cases where the
// standard draws another k (r = 0, r + k = n, s = 0), each of probability
// about 2⁻²⁵⁶. Constant-time in k and d apart from those tests, each of
// which reveals only that its rare case happened (see isZero).
func (c *curve) signOnline(nc *nonce, dInv1 *elem, e *[32]byte) (sig Signature, ok bool) {
	n := c.n
	ev, x1 := limbs(*e), nc.x1
	n.reduceOnce(&ev, ev[0], ev[1], ev[2], ev[3], 0) // e < 2²⁵⁶ < 2n
	n.reduceOnce(&x1, x1[0], x1[1], x1[2], x1[3], 0) // x1 < p < 2n
	var r, kr, s elem
	n.add(&r, &ev, &x1)
	n.add(&kr, &nc.k, &r)
	if r.isZero() || kr.isZero() {
		return sig, false
	}
	n.mul(&s, dInv1, &kr) // Montgomery form × plain = plain
	n.sub(&s, &s, &r)
	if s.isZero() {
		return sig, false
	}
	rb, sb := r.bytes(), s.bytes()
	copy(sig[:32], rb[:])
	copy(sig[32:], sb[:])
	return sig, true
}
