package kakatongsuite

import (
	"os"
	"strings"
	"testing"

	"paycert/conformance/negatives"
	"paycert/platforms/kakatong"
)

// TestREADMECounts: conformance/README.md's counts table shows what the
// generator makes for this platform, to the case.
func TestREADMECounts(t *testing.T) {
	cases, _ := negatives.Generate(kakatong.Catalogue(), rules())
	row := negatives.Row(kakatong.Catalogue(), cases)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), row+"\n") {
		t.Errorf("conformance/README.md's generated negatives table lacks the row\n%s", row)
	}
}
