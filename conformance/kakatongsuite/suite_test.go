package kakatongsuite

import (
	"testing"

	"paycert/conformance"
)

func TestSuite(t *testing.T) { conformance.RunTest(t, Suite()) }
