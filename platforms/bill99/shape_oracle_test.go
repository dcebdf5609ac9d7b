package bill99

import (
	"regexp"
	"testing"

	"paycert/platforms/catalog"
)

// The regular expressions catalog.IsDigits and amount replaced (they ran on
// every field the simulator validates); kept here as their oracle.
var (
	oracleDigits = regexp.MustCompile(`^[0-9]+$`)
	oracleAmount = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$`)
)

var shapeSamples = []string{"", "0", "00", "01", "1", "10", "1.", "1.0", "1.00", "1.000", ".5", "0.5", "0.05", "00.5",
	"1..0", "1.0.0", "１", "1a", "a", "-1", "+1", "1 ", " 1", "12345678901234567890", "0.", "10.1", "9.99", "1e3", "1,00"}

func TestShapesMatchRegexps(t *testing.T) {
	for _, v := range shapeSamples {
		if got, want := catalog.IsDigits(v), oracleDigits.MatchString(v); got != want {
			t.Errorf("catalog.IsDigits(%q) = %v, regexp %v", v, got, want)
		}
		if got, want := amount(v), oracleAmount.MatchString(v); got != want {
			t.Errorf("amount(%q) = %v, regexp %v", v, got, want)
		}
	}
}

func FuzzShapesMatchRegexps(f *testing.F) {
	for _, v := range shapeSamples {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := catalog.IsDigits(v), oracleDigits.MatchString(v); got != want {
			t.Fatalf("catalog.IsDigits(%q) = %v, regexp %v", v, got, want)
		}
		if got, want := amount(v), oracleAmount.MatchString(v); got != want {
			t.Fatalf("amount(%q) = %v, regexp %v", v, got, want)
		}
	})
}

// TestTxnTypeDomain: inDomain's switch for txnType accepts exactly the keys
// of table 4.9 (TxnTypes), checked over every string of one to four capital
// letters (the table's codes are three).
func TestTxnTypeDomain(t *testing.T) {
	table := TxnTypes()
	var walk func(prefix string)
	walk = func(prefix string) {
		if prefix != "" {
			_, want := table[prefix]
			if got := inDomain("txnType", prefix); got != want {
				t.Errorf("inDomain(txnType, %q) = %v, table 4.9 says %v", prefix, got, want)
			}
		}
		if len(prefix) == 4 {
			return
		}
		for c := byte('A'); c <= 'Z'; c++ {
			walk(prefix + string(c))
		}
	}
	walk("")
	for k := range table {
		if !inDomain("txnType", k) {
			t.Errorf("table 4.9 code %q refused", k)
		}
	}
}
