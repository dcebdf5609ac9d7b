package bill99suite

import (
	"crypto/tls"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"

	"paycert/codecs/rsasig"
	"paycert/conformance"
	"paycert/platforms/bill99/bill99client"
)

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc): paycert.example.yaml's bill99 section is generated from it.
// The certificate and key params carry a Check, so a missing file, a wrong
// format or a wrong .pfx password stops "paycert certify" before the first
// spec.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "https://sandbox.99bill.example.com:9445",
		Params: []conformance.Param{
			{Name: "merchant_id", Doc: "merchant id (default the sandbox's 104110045112012)", Example: "104110045112012"},
			{Name: "terminal_id", Doc: "terminal id (default the sandbox's 00002012)", Example: "00002012"},
			{Name: "merchant_pfx", Doc: "the merchant's client certificate (.pfx), required for a real endpoint", Example: "/secure/10411004511201290.pfx", Check: checkPFX},
			{Name: "merchant_pfx_password", Doc: "its password", Secret: true, Example: "..."},
			{Name: "platform_cert", Doc: "mgw.cer, to verify TR3 notices (required for TR3 specs on a real endpoint)", Example: "/secure/mgw.cer", Check: checkPlatformCert},
			{Name: "server_ca", Doc: "PEM/DER CAs of the endpoint's server certificate (default: system roots)", Example: "/secure/ca.pem", Check: checkCA},
			{Name: "query_url", Doc: "base URL for query_txn, card info and pci_query when it differs (sandbox: port 9445)", Check: checkURL},
			{Name: "customer_id", Doc: "a bound card's customer, for purchase/query/pci specs on a real endpoint (with pay_token: 8 specs)"},
			{Name: "pay_token", Doc: "that bound card's pay token", Secret: true},
			{Name: "card_type", Doc: "that card's type for pci_query (default 0002, debit)"},
			{Name: "pan", Doc: "a card the suite may sign up for customers of its own (ind_auth, HW; with sms_url or sms_code the sign-up, unbind and re-sign flows: 10 specs)", Secret: true},
			{Name: "phone", Doc: "that card's bank-reserved phone", Secret: true},
			{Name: "sms_url", Doc: "where the SMS code of a sign-up is read: GET ?merchantId=&externalRefNumber= answers the code (paycert sim bill99 serves /paycert/sms on loopback)", Check: checkURL},
			{Name: "sms_code", Doc: "the one SMS code a sandbox accepts, instead of sms_url", Secret: true},
			{Name: "code_bindings", Doc: "bound test cards whose bank answers a purchase with C0, 68, I8 or ZG: CODE=customerId/payToken[/amount],... (4 specs)", Example: "C0=c1/8120000000000000101,ZG=c2/8120000000000000103/1"},
			{Name: "expired_pfx", Doc: "an expired client certificate (TLS matrix)", Check: checkPFX},
			{Name: "foreign_pfx", Doc: "a client certificate from another CA (TLS matrix)", Check: checkPFX},
			{Name: "tr3_listen", Doc: "where the suite's own TR3 endpoint listens"},
			{Name: "tr3_url", Doc: "the URL the platform reaches that TR3 endpoint by (default for a target on loopback: the endpoint's own loopback URL)", Check: checkURL},
			{Name: "merchant_tr3_url", Doc: "a merchant TR3 endpoint under test", Check: checkURL},
			{Name: "mgw_key", Doc: "the platform private key that merchant endpoint trusts", Secret: true, Check: checkMgwKey},
			{Name: "pki_dir", Doc: "embedded only: serve the simulator with this kit (paycert bill99 pki) instead of a fresh one"},
			{Name: "pki_password", Doc: "embedded only: the password of that kit's .pfx files (default changeit, as paycert sim bill99 and paycert bill99 pki)", Secret: true},
		},
	}
}

// checkPFX reads a .pfx with the merchant_pfx_password param, as the suite
// does (every .pfx param shares that password).
func checkPFX(path string, params map[string]string) error {
	b, err := conformance.ReadParamFile(path, false)
	if err != nil {
		return err
	}
	_, err = rsasig.ParsePFX(b, params["merchant_pfx_password"])
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return fmt.Errorf("%q does not open with merchant_pfx_password (wrong password)", path)
	case err != nil:
		return fmt.Errorf("%q is not a PKCS #12 (.pfx) file with a key and certificate", path)
	}
	return nil
}

func checkPlatformCert(path string, _ map[string]string) error {
	b, err := conformance.ReadParamFile(path, false)
	if err != nil {
		return err
	}
	if _, err := rsasig.ParsePublicKey(b); err != nil {
		return fmt.Errorf("%q holds no RSA certificate or public key (PEM, DER or base64)", path)
	}
	return nil
}

func checkCA(path string, _ map[string]string) error {
	b, err := conformance.ReadParamFile(path, false)
	if err != nil {
		return err
	}
	if _, err := rsasig.ParseCertificates(b); err != nil {
		return fmt.Errorf("%q holds no certificate (PEM, DER or base64)", path)
	}
	return nil
}

// checkMgwKey names no path: mgw_key is secret.
func checkMgwKey(path string, _ map[string]string) error {
	b, err := conformance.ReadParamFile(path, true)
	if err != nil {
		return err
	}
	if _, err := rsasig.ParsePrivateKey(b); err != nil {
		return errors.New("the file it names holds no unencrypted RSA private key (PEM or DER)")
	}
	return nil
}

func checkURL(u string, _ map[string]string) error { return conformance.CheckURL(u) }

// tlsConfig is the client TLS a real endpoint is reached with: the
// merchant's .pfx and the server CA, as the suite's environment builds it;
// nil for the embedded simulator or without a merchant_pfx (the suite then
// fails with that cause).
func tlsConfig(t conformance.Target) (*tls.Config, error) {
	if t.Embedded() || t.Param("merchant_pfx", "") == "" {
		return nil, nil
	}
	return bill99client.LoadTLSConfig(t.Param("merchant_pfx", ""), t.Param("merchant_pfx_password", ""), t.Param("server_ca", ""))
}
