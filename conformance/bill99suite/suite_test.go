package bill99suite_test

import (
	"testing"

	"paycert/conformance"
	"paycert/conformance/bill99suite"
)

func TestBill99(t *testing.T) { conformance.RunTest(t, bill99suite.Suite()) }
