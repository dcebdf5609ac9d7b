package load

import "sync/atomic"

// IDStride is the size of each shard's range of request ids: shard i numbers
// its requests i*IDStride+1, i*IDStride+2, ... so shards never reuse an order
// number, pos_seq or externalRefNumber even against the same target. A run
// is bounded far below this many requests.
const IDStride = 1_000_000_000

// IDs hands out unique request ids for one shard. Safe for concurrent use
// (the background signers all draw from it).
type IDs struct {
	base uint64
	n    atomic.Uint64
}

// NewIDs returns the id source for a shard.
func NewIDs(s Shard) *IDs { return &IDs{base: uint64(s.Index) * IDStride} }

// Next returns the next id: never zero, never repeated within the shard,
// never inside another shard's range.
func (g *IDs) Next() uint64 { return g.base + g.n.Add(1) }

// Issued is how many ids were handed out.
func (g *IDs) Issued() uint64 { return g.n.Load() }
