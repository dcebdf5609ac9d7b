package hzcard

import (
	"strings"
	"testing"

	"paycert/platforms/catalog"
)

func TestCatalogueValidates(t *testing.T) {
	c := Catalogue()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	// Appendix D has 134 rows, two of them repeats (000071, 000159).
	if got := len(c.Codes); got != 132 {
		t.Errorf("%d codes, want 132 (134 rows of appendix D less the two repeated wire values)", got)
	}
	if got := len(c.Interfaces); got != 12 {
		t.Errorf("%d interfaces, want 12", got)
	}
	for _, name := range InterfaceNames() {
		if _, ok := c.Interface(name); !ok {
			t.Errorf("interface %s missing", name)
		}
	}
	for _, k := range []string{CodeAmount, CodeCancelled} {
		if _, ok := c.Code(k); !ok {
			t.Errorf("code %s missing", k)
		}
	}
	ids := map[string]bool{}
	for _, e := range c.Errata {
		ids[e.ID] = true
	}
	for _, id := range []string{"E-HZ-ORDER-URLS", "E-HZ-DUP-000071", "E-HZ-DUP-000159", "E-HZ-SM2-VECTOR", "E-HZ-CHARGE-APDU", "E-HZ-FLOW"} {
		if !ids[id] {
			t.Errorf("erratum %s missing", id)
		}
	}
}

// Every code the package names must be in appendix D, and every code a
// client can provoke must not carry an Unprovokable reason.
func TestNamedCodesProvokable(t *testing.T) {
	c := Catalogue()
	named := []string{CodeOK, CodeNoQuota, CodeNoTxnInfo, CodeNoInstitution, CodeNoMerchant, CodeNoTerminal,
		CodeTerminalCheck, CodeBadSign, CodeNoCard, CodeCardNotFound, CodeAPDUCount, CodeAPDUResult, CodeCardAuth,
		CodeMAC1, CodeRandom, CodeCardKey, CodeBlacklist, CodeNoOrder, CodeOrderState, CodeOverLimit, CodeTAC,
		CodeAmountMismatch, CodeAmount, CodeNoFee, CodeCardState, CodeCharged, CodeCardOpError, CodeCardOpUnknown,
		CodeDuplicateTxn, CodeDuplicateOrder, CodeRefundMismatch, CodeInsufficient, CodeCardTypeBusiness,
		CodeReportedLost, CodeAlreadyApplied, CodeNoNamedRegistration, CodeNoRealName, CodeCardMismatch,
		CodeNeedManage, CodeChargeFailed, CodeManagePacket, CodeNoManageNeeded, CodeManual, CodePayType,
		CodePayTypeNotAllowed, CodeCancelled, CodeCardStateHost, CodeUnknown}
	for _, n := range named {
		k, ok := c.Code(n)
		if !ok {
			t.Errorf("%s not in appendix D", n)
			continue
		}
		if k.Unprovokable != "" {
			t.Errorf("%s is provoked by the simulator but marked unprovokable: %s", n, k.Unprovokable)
		}
	}
	prov := 0
	for _, k := range c.Codes {
		if k.Unprovokable == "" {
			prov++
		}
	}
	if prov != len(named) {
		t.Errorf("%d codes provokable in the catalogue, %d named: keep them in step", prov, len(named))
	}
}

func TestCheckFields(t *testing.T) {
	c := Catalogue()
	iface, _ := c.Interface(ChargeOrderCreate)
	tests := []struct {
		name string
		msg  string
		want string
	}{
		{"ok", `{"joininstid":"J","joininstssn":"1","areaflag":"00","reqdate":"20260101","reqtime":"120000","instid":"12345678","mchntid":"123456789012345","netid":"N","termid":"12345678","termseq":"1","oprid":"O","batchno":"1","chnlid":"10","data":{"cardno":"1","chargetype":"01","paytype":"10","txnamt":"100"},"sign":"AB"}`, ""},
		{"missing mchntid", `{"joininstid":"J","joininstssn":"1","areaflag":"00","reqdate":"20260101","reqtime":"120000","instid":"12345678","netid":"N","termid":"12345678","termseq":"1","oprid":"O","batchno":"1","chnlid":"10","data":{"cardno":"1","chargetype":"01","paytype":"10","txnamt":"100"},"sign":"AB"}`, "mchntid: missing"},
		{"bad date", `{"joininstid":"J","joininstssn":"1","areaflag":"00","reqdate":"20261301","reqtime":"120000","instid":"12345678","mchntid":"123456789012345","netid":"N","termid":"12345678","termseq":"1","oprid":"O","batchno":"1","chnlid":"10","data":{"cardno":"1","chargetype":"01","paytype":"10","txnamt":"100"},"sign":"AB"}`, "reqdate: bad-date"},
		{"amount letters", `{"joininstid":"J","joininstssn":"1","areaflag":"00","reqdate":"20260101","reqtime":"120000","instid":"12345678","mchntid":"123456789012345","netid":"N","termid":"12345678","termseq":"1","oprid":"O","batchno":"1","chnlid":"10","data":{"cardno":"1","chargetype":"01","paytype":"10","txnamt":"1x"},"sign":"AB"}`, "data.txnamt: not-digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := CheckFields(iface, catalog.Request, []byte(tt.msg))
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			s := strings.Join(got, "; ")
			if tt.want == "" && s != "" || tt.want != "" && !strings.Contains(s, tt.want) {
				t.Fatalf("problems %q, want %q", s, tt.want)
			}
		})
	}
}
