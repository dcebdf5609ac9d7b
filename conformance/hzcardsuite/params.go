package hzcardsuite

import "paycert/conformance"

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc): paycert.example.yaml's hzcard section is generated from it.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "http://hz-centre.example.com:8080",
		Params: []conformance.Param{
			{Name: "inst_key", Doc: "the joining institution's SM2 private key, hex or PEM (default hzcard.TestInstKeyHex)", Secret: true, Example: "/secure/joininst-sm2.pem"},
			{Name: "centre_pub", Doc: "the centre's SM2 public key, hex or PEM (default hzcard.TestCentrePubHex)", Example: "03D4BF6F..."},
			{Name: "sign_profile", Doc: "the sign domain both sides sign (default sign-empty: seed 003 §2.2 read literally; see paycert sm2 domain --help)", Example: "sign-empty"},
			{Name: "joininstid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "instid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "mchntid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "termid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "chnlid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
		},
	}
}
