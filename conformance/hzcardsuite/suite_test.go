package hzcardsuite

import (
	"testing"

	"paycert/conformance"
)

// TestSuite runs the Huzhou suite against the embedded simulator, or the
// endpoint in PAYCERT_TARGET_HZCARD.
func TestSuite(t *testing.T) { conformance.RunTest(t, Suite()) }
