package hzcardsuite

import (
	"paycert/codecs/sm2"
	"paycert/conformance"
	"paycert/platforms/hzcard"
)

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc): paycert.example.yaml's hzcard section is generated from it.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "http://hz-centre.example.com:8080",
		Params: []conformance.Param{
			{Name: "inst_key", Doc: "the joining institution's SM2 private key, hex or PEM, or the path of a file holding it (default hzcard.TestInstKeyHex)", Secret: true, Example: "/secure/joininst-sm2.pem", Check: checkInstKey},
			{Name: "centre_pub", Doc: "the centre's SM2 public key, hex or PEM, or the path of a file holding it (default hzcard.TestCentrePubHex)", Example: "03D4BF6F...", Check: checkCentrePub},
			{Name: "sign_profile", Doc: "the sign domain both sides sign (default sign-empty: seed 003 §2.2 read literally; see paycert sm2 domain --help)", Example: "sign-empty"},
			{Name: "joininstid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "instid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "mchntid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "termid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "chnlid", Doc: "envelope identity (default: the simulator fixture's)", Example: "..."},
			{Name: "master_keys", Doc: "issuer master keys MLK,MPK,MTK,MAMK (16 bytes hex each) the centre's test environment diversifies card keys from: with cards, unlocks every flow, tear and card code (software cards)", Secret: true, Example: "<MLK>,<MPK>,<MTK>,<MAMK>"},
			{Name: "reader", Doc: "a PC/SC reader (its name, or a unique part of it) holding a real card the centre's test environment issued, sold and normal, with room for 3 x minsvamt: the reader specs recharge it and lose commands and replies at the reader (without it they run on a software card)", Example: ""},
			{Name: "key_index", Doc: "load/purchase key index the test cards carry (default 01)"},
			{Name: "key_version", Doc: "key version the test cards report in INITIALIZE replies (default 01)"},
			{Name: "cards", Doc: "test cards the centre knows: ordinary, sold, normal, balance 0, as first-last[,first-last]; each run spends some (those charged are passed over next time)", Example: "2253200000000001-2253200000002000"},
			{Name: "unsold_cards", Doc: "test cards not yet activated (initflag 00), same form: unlocks the sale specs and the codes provoked on an unsold card (000034, 000133, 10000B and the sale confirm codes)", Example: "2253300000000001-2253300000000400"},
			{Name: "student_card", Doc: "a student card (no card return): unlocks 000113"},
			{Name: "senior_card", Doc: "a senior card (no supplementary load): unlocks the second reading of 000159"},
			{Name: "unsold_senior_card", Doc: "an unsold senior card (no named sale): unlocks 000130"},
			{Name: "blacklisted_card", Doc: "a blacklisted card number: unlocks 000038"},
			{Name: "lost_card", Doc: "a card reported lost: unlocks 000114"},
			{Name: "locked_card", Doc: "a locked card: unlocks 000078"},
			{Name: "unknown_card", Doc: "a card number the centre never issued: unlocks 000022 and 000024"},
			{Name: "merchant_no_quota", Doc: "a merchant of the institution without an authorisation quota (with term_no_quota, its terminal): unlocks 000001"},
			{Name: "term_no_quota", Doc: "terminal of merchant_no_quota"},
			{Name: "merchant_no_fee", Doc: "a merchant without a card service fee (with term_no_fee): unlocks 000072"},
			{Name: "term_no_fee", Doc: "terminal of merchant_no_fee"},
			{Name: "merchant_low_quota", Doc: "a merchant with less than 6000 fen of quota left (with term_low_quota): unlocks 000094"},
			{Name: "term_low_quota", Doc: "terminal of merchant_low_quota"},
			{Name: "term_other_merchant", Doc: "a terminal of another merchant than mchntid: unlocks 000019"},
		},
	}
}

// checkInstKey parses the key as the suite's environment does. The value is
// secret: the error does not show it.
func checkInstKey(v string, _ map[string]string) error {
	_, err := hzcard.ReadKey(v, sm2.ParsePrivateKey)
	return err
}

func checkCentrePub(v string, _ map[string]string) error {
	_, err := hzcard.ReadKey(v, sm2.ParsePublicKey)
	return err
}
