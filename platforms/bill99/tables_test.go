package bill99_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
)

// TestCheckReplyTables: a reply breaking a closed table of seed 001 or the
// envelope is a finding whoever sent it (the suite checks a target with
// CheckReply, so these are what a target is held to as well).
func TestCheckReplyTables(t *testing.T) {
	tests := []struct {
		name, iface, file, old, new string
		want                        string // in the findings; "" = none
	}{
		{"the purchase sample", bill99.IfPurchase, "purchase_reply.xml", "", "", ""},
		{"cardOrg outside 4.11", bill99.IfPurchase, "purchase_reply.xml", "<cardOrg>CU</cardOrg>", "<cardOrg>ZZ</cardOrg>", "cardOrg"},
		{"another version", bill99.IfPurchase, "purchase_reply.xml", "<version>1.0</version>", "<version>2.0</version>", "version"},
		{"errorCode beside responseCode", bill99.IfPurchase, "purchase_reply.xml", "</TxnMsgContent>",
			"</TxnMsgContent><ErrorMsgContent><errorCode>B.MGW.0120</errorCode><errorMessage>x</errorMessage></ErrorMsgContent>", "never both"},
		{"the card_info sample", bill99.IfCardInfo, "card_info_reply.xml", "", "", ""},
		{"card_info cardType outside 4.4", bill99.IfCardInfo, "card_info_reply.xml", "<cardType>0002", "<cardType>0003", "cardType"},
		{"card_info cardOrg outside 4.11", bill99.IfCardInfo, "card_info_reply.xml", "<cardOrg>", "<cardOrg>Z", "cardOrg"},
		{"the pci_query sample", bill99.IfPciQuery, "pci_query_reply.xml", "", "", ""},
		{"pci_query bankId outside 4.12", bill99.IfPciQuery, "pci_query_reply.xml", "<bankId>CCB", "<bankId>XCB", "bankId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			if tt.old != "" {
				if !strings.Contains(s, tt.old) {
					t.Fatalf("%s has no %q", tt.file, tt.old)
				}
				s = strings.Replace(s, tt.old, tt.new, 1)
			}
			rep, err := bill99.DecodeReply(tt.iface, []byte(s))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if err := catalog.FindingsError(bill99.CheckReply(bill99.Catalogue(), nil, rep)); err != nil {
				got = err.Error()
			}
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("findings %q, want one about %q", got, tt.want)
			}
		})
	}
}
