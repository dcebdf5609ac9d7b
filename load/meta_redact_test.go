package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteMetaHidesURLUserinfo: a load target given with credentials in
// its URL does not put them into the meta file, neither as the target nor
// in the recorded command line.
func TestWriteMetaHidesURLUserinfo(t *testing.T) {
	results := filepath.Join(t.TempDir(), "r.gob")
	if err := WriteMeta(results, Meta{Scenario: "echo", Target: "https://op:ZZsecret9@10.0.0.5:8443/ipos",
		Command: []string{"paycert", "load", "echo", "--target=https://op:ZZsecret9@10.0.0.5:8443/ipos", "--target", "http://ZZsecret9@h/"}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(MetaPath(results))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "ZZsecret9") || !strings.Contains(string(b), "https://***@10.0.0.5:8443/ipos") {
		t.Errorf("meta file: %s", b)
	}
}
