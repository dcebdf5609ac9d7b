package hzcardsuite

import (
	"encoding/hex"
	"fmt"
	"strings"

	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
)

// SimTarget is the target section an outside client needs to certify
// against s served at url (paycert sim hzcard --write-config): the
// fixture institution, merchant and terminal, the institution's SM2 key
// and the centre's public key, and what the card specs need: the master
// keys the simulator diversifies card keys from (cpucard.TestMasterKeys),
// its lab batch of cards (sold and unsold), the special cards, and the
// merchants and terminals the merchant codes need.
func SimTarget(s sim.Simulator, url, _ string) (conformance.Target, error) {
	if _, ok := s.(*hzcardsim.Simulator); !ok {
		return conformance.Target{}, fmt.Errorf("hzcard: SimTarget needs an *hzcardsim.Simulator, got %T", s)
	}
	return conformance.Target{Platform: "hzcard", URL: url, Params: map[string]string{
		"inst_key":   hzcard.TestInstKeyHex,
		"centre_pub": hzcard.TestCentrePubHex,
		"joininstid": hzcard.TestJoinInstID,
		"instid":     hzcard.TestInstID,
		"mchntid":    hzcard.TestMchntID,
		"termid":     hzcard.TestTermID,

		"master_keys":         masterKeysParam(cpucard.TestMasterKeys()),
		"key_index":           "01",
		"key_version":         "01",
		"cards":               hzcardsim.LabRange(hzcardsim.LabCardFirst, hzcardsim.LabCards),
		"unsold_cards":        hzcardsim.LabRange(hzcardsim.LabUnsoldFirst, hzcardsim.LabUnsold),
		"student_card":        hzcardsim.CardStudent,
		"senior_card":         hzcardsim.CardSenior,
		"unsold_senior_card":  hzcardsim.CardSeniorNew,
		"blacklisted_card":    hzcardsim.CardBlacklisted,
		"lost_card":           hzcardsim.CardLost,
		"locked_card":         hzcardsim.CardLocked,
		"unknown_card":        hzcardsim.CardUnknown,
		"merchant_no_quota":   hzcardsim.MerchantNoQuota,
		"term_no_quota":       hzcardsim.TermNoQuota,
		"merchant_no_fee":     hzcardsim.MerchantNoFee,
		"term_no_fee":         hzcardsim.TermNoFee,
		"merchant_low_quota":  hzcardsim.MerchantLowQuota,
		"term_low_quota":      hzcardsim.TermLowQuota,
		"term_other_merchant": hzcardsim.TermOtherMerchant,
	}}, nil
}

// masterKeysParam writes master keys as the master_keys param reads them.
func masterKeysParam(m cpucard.MasterKeys) string {
	var parts []string
	for _, k := range [][]byte{m.MLK, m.MPK, m.MTK, m.MAMK} {
		parts = append(parts, strings.ToUpper(hex.EncodeToString(k)))
	}
	return strings.Join(parts, ",")
}
