package bill99suite

import (
	"fmt"
	"path/filepath"

	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// simPFXPassword protects the .pfx bundles SimTarget writes: the one
// default of a test PKI, printed by paycert sim.
const simPFXPassword = bill99sim.DefaultPFXPassword

// SimTarget is the target section an outside client needs to certify
// against s served at url (paycert sim bill99 --write-config): the fixture
// merchant and terminal, and the simulator's test PKI written into dir (the
// merchant's client .pfx, the CA of the server certificate, mgw.cer and its
// key), a bound card, a card to sign up and the SMS endpoint.
func SimTarget(s sim.Simulator, url, dir string) (conformance.Target, error) {
	b, ok := s.(*bill99sim.Simulator)
	if !ok {
		return conformance.Target{}, fmt.Errorf("bill99: SimTarget needs a *bill99sim.Simulator, got %T", s)
	}
	pki, err := filepath.Abs(filepath.Join(dir, "bill99-pki"))
	if err != nil {
		return conformance.Target{}, fmt.Errorf("bill99: %w", err)
	}
	files, err := b.WritePKI(pki, simPFXPassword)
	if err != nil {
		return conformance.Target{}, fmt.Errorf("bill99: write the simulator's test PKI: %w", err)
	}
	at := func(name string) string { return filepath.Join(pki, name) } // WritePKI names files within pki
	return conformance.Target{Platform: "bill99", URL: url, Params: map[string]string{
		"merchant_id":           bill99sim.DefaultMerchant,
		"terminal_id":           bill99sim.DefaultTerminal,
		"merchant_pfx":          at(files.ClientPFX),
		"merchant_pfx_password": simPFXPassword,
		"server_ca":             at(files.CA),
		"platform_cert":         at(files.SignerCertDER),
		"expired_pfx":           at(files.ExpiredPFX),
		"foreign_pfx":           at(files.ForeignPFX),
		// The platform key, so the merchant TR3 specs can sign notices
		// for the suite's reference merchant (a test key of a test PKI).
		"mgw_key": at(files.SignerKey),
		// A bound card of the fixture (purchase, query, pci specs) and a
		// card the suite may sign up, whose SMS codes the simulator's
		// loopback endpoint tells.
		"customer_id": bill99sim.FixtureCustomer,
		"pay_token":   bill99sim.FixturePayToken,
		"card_type":   bill99.CardDebit,
		"pan":         bill99sim.SignUpPan,
		"phone":       bill99sim.SignUpPhone,
		"sms_url":     url + bill99sim.PathSMS,
		// The fixture's cards behind C0, 68, I8 and ZG.
		"code_bindings": formatCodeBindings(bill99sim.CodeBindings()),
	}}, nil
}
