package load

import (
	"strings"
	"testing"
)

// FuzzParseName: attack names come from any results file (paycert's or
// another tool's); parsing never panics, and a name paycert writes reads
// back as itself.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"", "ipos-verify", "hzcard-charge/confirm@2/4", "a@b", "@0/1", "x/y/z@1/2", "@", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := ParseName(s)
		if n.Shard.Count > 1 && (n.Shard.Index < 0 || n.Shard.Index >= n.Shard.Count) {
			t.Fatalf("%q: shard %v out of range", s, n.Shard)
		}
		if n.Scenario == "" || strings.Contains(n.Scenario, "/") {
			return // not a name paycert writes
		}
		if strings.ContainsAny(n.Step, "@") || strings.Contains(n.Scenario, "@") {
			return
		}
		if back := ParseName(n.String()); back != n {
			t.Fatalf("%q: %+v reads back as %+v", s, n, back)
		}
	})
}

// FuzzParseShard: --shard is typed by people; only 0 <= i < N <= MaxShards passes.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", "4/4", "-1/2", "1/0", "a/b", "99/100", "0/99", " 1/2", "1/2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			return
		}
		if sh.Index < 0 || sh.Index >= sh.Count || sh.Count > MaxShards {
			t.Fatalf("%q accepted as %+v", s, sh)
		}
		if back, err := ParseShard(sh.String()); err != nil || back != sh {
			t.Fatalf("%q: %+v reads back as %+v (%v)", s, sh, back, err)
		}
	})
}
