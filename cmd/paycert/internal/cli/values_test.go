package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadKeyNeverEchoesTheKey: a key given on the command line is a
// secret; whatever is wrong with it, the error must not repeat it.
func TestLoadKeyNeverEchoesTheKey(t *testing.T) {
	bad := errors.New("parse refused")
	parse := func(b []byte) (string, error) {
		if strings.Contains(string(b), "GOOD") {
			return "ok", nil
		}
		return "", bad
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(file, []byte("SECRET-IN-FILE"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{
		"0123456789abcdefSECRETdeadbeef", // not hex, not a file
		"deadbeefdeadbeefcafebabe",       // hex the parser refuses
		"SECRET-passphrase-not-a-path",
		file,
	} {
		_, err := LoadKey(arg, parse)
		if err == nil {
			t.Fatalf("LoadKey(%q) accepted a bad key", arg)
		}
		if arg != file && strings.Contains(err.Error(), arg) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("LoadKey error repeats the key: %v", err)
		}
	}
	if k, err := LoadKey(filepath.Join(dir, "k2"), func([]byte) (string, error) { return "", nil }); err == nil {
		t.Errorf("a missing file must be an error, got %q", k)
	}
}
