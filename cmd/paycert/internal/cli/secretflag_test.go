package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
)

// hexFlag echoes a bad value in its error, as many Set methods do.
type hexFlag struct{}

func (hexFlag) String() string { return "" }
func (hexFlag) Set(s string) error {
	if strings.Trim(s, "0123456789abcdefABCDEF") != "" {
		return fmt.Errorf("not hex: %q", s)
	}
	return nil
}

// TestParseErrorsHideSecretValues: a parse error of a key or password flag
// keeps its reason but not the value; other flags still show theirs.
func TestParseErrorsHideSecretValues(t *testing.T) {
	for _, tt := range []struct {
		flag, value string
		hidden      bool
	}{
		{"key", "ZZsecret1", true},
		{"inst-key", "ZZsecret2", true},
		{"password", "ZZsecret3", true},
		{"random", "ZZvisible", false},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Var(hexFlag{}, tt.flag, "")
		_, err := parseFlags(fs, []string{"--" + tt.flag, tt.value})
		if err == nil {
			t.Fatalf("--%s %s: no error", tt.flag, tt.value)
		}
		if shown := strings.Contains(err.Error(), tt.value); shown == tt.hidden || !strings.Contains(err.Error(), "not hex") {
			t.Errorf("--%s: %q (value hidden: want %v)", tt.flag, err, tt.hidden)
		}
	}
}
