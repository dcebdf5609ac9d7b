package bill99client_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net/http/httptest"
	"strings"
	"testing"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
)

// TestMerchantRefusesMalformedNotice: a correctly signed TR3 whose field
// breaks the §5.3.2 table gets HTTP 400 and no TR4, is not believed, and is
// recorded once naming the field (E-BILL99-TR3-MALFORMED); a forged one is
// refused without being recorded as a field violation (nothing of it is
// believed, its fields included).
func TestMerchantRefusesMalformedNotice(t *testing.T) {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	m := bill99client.NewMerchant(&k.PublicKey)
	srv := httptest.NewServer(m)
	defer srv.Close()
	n := bill99.TxnResult{TxnType: "PUR", Amount: "1", MerchantID: "104110045112012", TerminalID: "00002012", EntryTime: "20260101000000",
		ExternalRefNumber: "R", TransTime: "20260101000001", RefNumber: "000000000001", ResponseCode: "00", ResponseText: "交易成功"}
	long := strings.Repeat("银", 65)
	cases := []struct {
		name       string
		key        *rsa.PrivateKey
		edit       func(c *bill99.Node)
		path, rule string
		value      string
	}{
		{"amount with three decimals", k, func(c *bill99.Node) { c.Child("amount").Text = "1.234" }, "TxnMsgContent/amount", "field-format", "1.234"},
		{"issuer of 65 characters", k, func(c *bill99.Node) { c.Add("issuer", long) }, "TxnMsgContent/issuer", "field-too-long", string([]rune(long)[:32]) + "… (195 bytes)"},
		{"no refNumber", k, func(c *bill99.Node) { c.Child("refNumber").Text = "" }, "TxnMsgContent/refNumber", "field-missing", ""},
		{"forged, amount with three decimals", other, func(c *bill99.Node) { c.Child("amount").Text = "1.234" }, "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(m.Violations())
			msg := bill99.TR3Message(n)
			tc.edit(msg.Child(bill99.ElTxn))
			body, sig, err := bill99.SignTR3(tc.key, msg)
			if err != nil {
				t.Fatal(err)
			}
			status, reply, err := bill99client.SendTR3(context.Background(), srv.Client(), srv.URL, body, sig, nil)
			if err != nil || status != 400 || bill99.CheckTR4(n, reply) == nil {
				t.Fatalf("status %d err %v reply %s: want 400 without a TR4", status, err, reply)
			}
			fresh := m.Violations()[before:]
			if tc.path == "" {
				if len(fresh) != 0 {
					t.Fatalf("a forged notice recorded as a field violation: %+v", fresh)
				}
				return
			}
			if len(fresh) != 1 || fresh[0].Path != tc.path || fresh[0].Rule != tc.rule || fresh[0].Value != tc.value || fresh[0].Section != "001 §5.3.2" {
				t.Fatalf("recorded %+v, want one %s %s %q (001 §5.3.2)", fresh, tc.path, tc.rule, tc.value)
			}
		})
	}
	if len(m.Notices()) != 0 {
		t.Fatalf("believed %d malformed notices", len(m.Notices()))
	}
}
