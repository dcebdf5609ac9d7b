package ipos_test

import (
	"testing"

	"paycert/conformance"
	iposuite "paycert/conformance/ipos"
)

func TestIPos(t *testing.T) { conformance.RunTest(t, iposuite.Suite()) }
