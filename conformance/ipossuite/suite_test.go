package ipossuite_test

import (
	"testing"

	"paycert/conformance"
	"paycert/conformance/ipossuite"
)

func TestIPos(t *testing.T) { conformance.RunTest(t, ipossuite.Suite()) }
