package sm2

import (
	"hash"

	"github.com/emmansun/gmsm/sm3"
)

// SM3 returns the SM3 digest (GB/T 32905) of b.
func SM3(b []byte) [32]byte { return sm3.Sum(b) }

// NewSM3 returns a streaming SM3 hash.Hash, for digests over data that is
// not in one slice (a request body, a file).
func NewSM3() hash.Hash { return sm3.New() }
