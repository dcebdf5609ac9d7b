package cpucard

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// The lab's way of naming issuer keys and test cards in a config, read
// the same by the certification suite and the load scenarios.

// ParseMasterKeys reads "MLK,MPK,MTK,MAMK": four 16-byte keys in hex. Its
// errors name the key, never its value.
func ParseMasterKeys(s string) (*MasterKeys, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("want MLK,MPK,MTK,MAMK (4 keys of 16 bytes in hex), got %d parts", len(parts))
	}
	var ks [4][]byte
	for i, p := range parts {
		b, err := hex.DecodeString(strings.TrimSpace(p))
		if err != nil || len(b) != 16 {
			return nil, fmt.Errorf("key %d is not 16 bytes of hex", i+1)
		}
		ks[i] = b
	}
	return &MasterKeys{MLK: ks[0], MPK: ks[1], MTK: ks[2], MAMK: ks[3]}, nil
}

// CardRange is the card numbers First..First+N-1: numbers of 16-20
// digits that differ only in their last 8.
type CardRange struct {
	First string
	N     int
}

// At returns the i-th number of the range (0 <= i < N).
func (r CardRange) At(i int) string {
	head, tail := r.First[:len(r.First)-8], r.First[len(r.First)-8:]
	v, _ := strconv.Atoi(tail) // checked by ParseCardRanges
	return fmt.Sprintf("%s%08d", head, v+i)
}

// ParseCardRanges reads "first-last[,first-last]" (a single number is a
// range of one); each number must be a card number Diversifier accepts.
func ParseCardRanges(s string) ([]CardRange, error) {
	var out []CardRange
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		first, last, ok := strings.Cut(part, "-")
		if !ok {
			last = first
		}
		if _, err := Diversifier(first); err != nil {
			return nil, err
		}
		if len(last) != len(first) || first[:len(first)-8] != last[:len(last)-8] {
			return nil, fmt.Errorf("%q: first and last differ before their last 8 digits", part)
		}
		a, err1 := strconv.Atoi(first[len(first)-8:])
		b, err2 := strconv.Atoi(last[len(last)-8:])
		if err1 != nil || err2 != nil || b < a {
			return nil, fmt.Errorf("%q: not a range of card numbers", part)
		}
		out = append(out, CardRange{First: first, N: b - a + 1})
	}
	return out, nil
}

// NthCard returns the i-th number across ranges, false past the end.
func NthCard(rs []CardRange, i int) (string, bool) {
	for _, r := range rs {
		if i < r.N {
			return r.At(i), true
		}
		i -= r.N
	}
	return "", false
}
