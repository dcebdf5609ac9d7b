package bill99_test

import (
	"testing"

	"paycert/conformance"
	bill99suite "paycert/conformance/bill99"
)

func TestBill99(t *testing.T) { conformance.RunTest(t, bill99suite.Suite()) }
