package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// MultiFlag collects a repeatable string flag ("--fault a --fault b").
type MultiFlag []string

func (m *MultiFlag) String() string { return strings.Join(*m, ",") }

// Set appends one value.
func (m *MultiFlag) Set(s string) error {
	*m = append(*m, s)
	return nil
}

// LoadKey parses a key given inline as hex, or else as the path of a file
// holding hex or PEM. Inline hex is tried first: key files are not named in
// hex digits, and a mistyped hex key should be reported as bad hex, not as a
// missing file. Errors never repeat the value: it may be the key itself.
func LoadKey[K any](arg string, parse func([]byte) (K, error)) (K, error) {
	var zero K
	trimmed := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(arg), "0x"), "0X")
	if trimmed != "" && strings.Trim(trimmed, "0123456789abcdefABCDEF") == "" {
		k, err := parse([]byte(arg))
		if err != nil {
			return zero, fmt.Errorf("inline hex key (%d digits): %w", len(trimmed), err)
		}
		return k, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return zero, errors.New("the key is neither hex nor the path of an existing file")
		}
		return zero, fmt.Errorf("key file: %w", err)
	}
	k, err := parse(b)
	if err != nil {
		return zero, fmt.Errorf("key file %s: %w", arg, err)
	}
	return k, nil
}
