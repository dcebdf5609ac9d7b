package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// NumberRule is paycert's one rule for numbers on the command line, for
// help texts to quote: amounts, balances, counters, sequence numbers,
// offsets and lengths are decimal, or hex with a 0x prefix; a leading zero
// is refused. Fields copied from an APDU (SFI, transaction type, key index,
// terminal id, MACs, keys, AIDs) are hex without a prefix, and their help
// says so.
const NumberRule = `Numbers (amounts in fen, balances, counters, sequence numbers, offsets,
lengths) are decimal, or hex with 0x (0x1000 = 4096); a number with a
leading zero (00001000) is refused, since an APDU field copied as hex and a
decimal read the same way would give another value. APDU fields (SFI, type,
key index, terminal id, MACs, keys, AIDs) are hex without 0x: their help
says "hex".`

// ParseNumber reads s by NumberRule as an unsigned number of at most bits
// bits; flagName (without dashes) names it in the error, a usage error.
// strconv's base 0 is not used: it reads "010" as octal 8 and "0b1" as
// binary, both silent traps at a terminal.
func ParseNumber(flagName, s string, bits int) (uint64, error) {
	v, err := parseNumber(s, bits)
	if err != nil {
		return 0, Usagef("--%s %q: %v", flagName, s, err)
	}
	return v, nil
}

func parseNumber(s string, bits int) (uint64, error) {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return 0, fmt.Errorf("want a number (decimal, or hex with 0x)")
	case strings.HasPrefix(t, "0x") || strings.HasPrefix(t, "0X"):
		v, err := strconv.ParseUint(t[2:], 16, bits)
		if err != nil || strings.ContainsAny(t[2:], "+-_") {
			return 0, fmt.Errorf("not %d-bit hex after 0x", bits)
		}
		return v, nil
	case len(t) > 1 && t[0] == '0':
		return 0, fmt.Errorf("a leading zero is ambiguous: write %s for decimal, or 0x%s if it is hex copied from an APDU",
			strings.TrimLeft(t, "0"), t)
	}
	v, err := strconv.ParseUint(t, 10, bits)
	if err != nil || strings.ContainsAny(t, "+-_") {
		if strings.Trim(t, "0123456789") == "" {
			return 0, fmt.Errorf("out of range (at most %d bits)", bits)
		}
		return 0, fmt.Errorf("want a whole number, decimal or 0x hex (amounts are in fen: 20.00 yuan is 2000)")
	}
	return v, nil
}

// Number is a flag.Value holding a number read by NumberRule.
type Number struct {
	Value uint64
	IsSet bool // given on the command line
	bits  int
}

// NumberVar declares a number flag of at most bits bits with a default.
func NumberVar(fs *flag.FlagSet, name string, def uint64, bits int, usage string) *Number {
	n := &Number{Value: def, bits: bits}
	fs.Var(n, name, usage)
	return n
}

func (n *Number) String() string {
	if n == nil {
		return "0"
	}
	return strconv.FormatUint(n.Value, 10)
}

// Set reads s by NumberRule.
func (n *Number) Set(s string) error {
	v, err := parseNumber(s, n.bits)
	if err != nil {
		return err
	}
	n.Value, n.IsSet = v, true
	return nil
}
