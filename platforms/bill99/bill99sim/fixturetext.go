package bill99sim

import (
	"fmt"
	"strings"
)

// FixtureText is what a client of the served simulator needs, in the
// words "paycert sim bill99 --help" and its start-up lines print: the
// merchant and terminal, the bound cards and the cards that provoke each
// response code, the sign-up card and where its SMS codes are told, and
// the test PKI. The package doc has the same fixture in more detail.
func FixtureText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "merchant %s, terminal %s (PUR only; 00002013 also INP); %s is known but not opened (M1)\n",
		DefaultMerchant, DefaultTerminal, ClosedMerchant)
	b.WriteString("  bound cards (customerId / payToken / card):\n")
	for _, bd := range defaultBindings() {
		fmt.Fprintf(&b, "    %-13s %s %s\n", bd.CustomerID, bd.PayToken, bd.Pan)
	}
	fmt.Fprintf(&b, "  sign up: pan %s phone %s for any new customerId; the SMS code is printed when sent and told on\n", SignUpPan, SignUpPhone)
	fmt.Fprintf(&b, "    loopback by GET %s?merchantId=M&externalRefNumber=R over the same mutual TLS (param sms_url)\n", PathSMS)
	b.WriteString("  bank cards (pan / phone / behaviour):\n")
	for _, c := range defaultCards() {
		fmt.Fprintf(&b, "    %-19s %s %s\n", c.Pan, c.Phone, c.Behaviour)
	}
	fmt.Fprintf(&b, "  test PKI in --pki-dir (reused across restarts): ca.pem and ca-key.pem (issue your own client certificates),\n")
	fmt.Fprintf(&b, "    %s (the merchant's client certificate, password %q unless --pki-password), %s.cer (verifies TR3)\n",
		ClientPFXName, DefaultPFXPassword, SignerName)
	return b.String()
}
