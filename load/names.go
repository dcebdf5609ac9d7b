package load

import (
	"fmt"
	"strconv"
	"strings"
)

// Name is the attack name written into every Result: the scenario, the step
// of a multi-step flow (empty for the flow or single request itself) and the
// shard. vegeta's plot needs a distinct attack name per shard and step, and
// merging needs to strip the shard back off, so the format is fixed:
//
//	scenario[/step][@i/N]
type Name struct {
	Scenario string
	Step     string
	Shard    Shard
}

// String formats the name as written into results.
func (n Name) String() string {
	s := n.Scenario
	if n.Step != "" {
		s += "/" + n.Step
	}
	if n.Shard.Count > 1 {
		s += "@" + n.Shard.String()
	}
	return s
}

// Group is the name without its shard: the key results of all shards are
// merged under.
func (n Name) Group() string {
	n.Shard = Shard{}
	return n.String()
}

// ParseName reads an attack name written by String. Names written by other
// tools (plain vegeta attacks) parse as a scenario with no step.
func ParseName(s string) Name {
	var n Name
	if s == "" {
		s = Unnamed
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if sh, err := ParseShard(s[i+1:]); err == nil {
			if sh.Count > 1 { // 0/1 is an unsharded run: the zero value, as String writes it
				n.Shard = sh
			}
			s = s[:i]
		}
	}
	n.Scenario, n.Step, _ = strings.Cut(s, "/")
	return n
}

// Unnamed is the group of results written without an attack name
// ("vegeta attack" without -name).
const Unnamed = "(unnamed)"

// Shard is one slice of a distributed run: index Index (0-based) of Count.
// The zero value (and 0/1) is an unsharded run.
type Shard struct {
	Index int
	Count int
}

// ParseShard reads "i/N" with 0 <= i < N.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/N, e.g. 0/4", s)
	}
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %q: want i/N with 0 <= i < N", s)
	}
	if n > MaxShards {
		return Shard{}, fmt.Errorf("shard %q: at most %d shards", s, MaxShards)
	}
	return Shard{Index: i, Count: n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, max(s.Count, 1)) }

// Sharded reports whether this is one slice of several.
func (s Shard) Sharded() bool { return s.Count > 1 }

// MaxShards bounds N so that every shard's order numbers stay inside its own
// range of IDStride values and the formatted numbers keep their width.
const MaxShards = 99
