package hzcardsuite

import (
	"errors"

	"paycert/codecs/sm2"
	"paycert/conformance"
)

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc): paycert.example.yaml's hzcard section is generated from it.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "http://hz-centre.example.com:8080",
		Params: []conformance.Param{
			{Name: "inst_key", Doc: "the joining institution's SM2 private key, hex or PEM (default hzcard.TestInstKeyHex)", Secret: true, Example: "/secure/joininst-sm2.pem", Check: checkInstKey},
			{Name: "centre_pub", Doc: "the centre's SM2 public key, hex or PEM (default hzcard.TestCentrePubHex)", Example: "03D4BF6F...", Check: checkCentrePub},
			{Name: "sign_profile", Doc: "the sign domain both sides sign (default sign-empty: seed 003 §2.2 read literally; see paycert sm2 domain --help)", Example: "sign-empty"},
			{Name: "joininstid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "instid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "mchntid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "termid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "chnlid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
		},
	}
}

// checkInstKey parses the key as the suite's environment does. The value is
// secret: the error does not show it.
func checkInstKey(v string, _ map[string]string) error {
	if _, err := sm2.ParsePrivateKey([]byte(v)); err != nil {
		return errors.New("not an SM2 private key: give the key itself, 64 hex digits or PEM")
	}
	return nil
}

func checkCentrePub(v string, _ map[string]string) error {
	if _, err := sm2.ParsePublicKey([]byte(v)); err != nil {
		return errors.New("not an SM2 public key: give the key itself, hex (04/02/03...) or PEM")
	}
	return nil
}
