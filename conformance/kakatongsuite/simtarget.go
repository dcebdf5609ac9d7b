package kakatongsuite

import (
	"fmt"
	"strconv"
	"strings"

	"paycert/conformance"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// SimTarget is the target section an outside client needs to certify
// against s served at url (paycert sim kakatong --write-config): the
// fixture merchant, its licence key, the active fixture cards, and every
// fixture state the code specs provoke codes with (params.go).
func SimTarget(s sim.Simulator, url, _ string) (conformance.Target, error) {
	if _, ok := s.(*kakatongsim.Simulator); !ok {
		return conformance.Target{}, fmt.Errorf("kakatong: SimTarget needs a *kakatongsim.Simulator, got %T", s)
	}
	var cards, pool []string
	for i := 126; i <= 133; i++ {
		cards = append(cards, fmt.Sprintf("1680115500000%d", i))
	}
	for i := 0; i < kakatongsim.PoolSize; i++ {
		pool = append(pool, strconv.Itoa(kakatongsim.InactivePool+i))
	}
	merchant := func(key, copno, pos string) string { return key + "," + copno + "," + pos }
	return conformance.Target{Platform: "kakatong", URL: url, Params: map[string]string{
		"licence_key":           kakatongsim.LicenceKey,
		"copno":                 kakatongsim.CopNo,
		"poscode":               kakatongsim.PosCode,
		"password":              kakatongsim.Password,
		"cards":                 strings.Join(cards, ","),
		"inactive_cards":        strings.Join(pool, ","),
		"single_limit":          strconv.Itoa(kakatongsim.SingleLimit),
		"expired_key":           kakatongsim.ExpiredKey,
		"card_lost":             kakatongsim.CardLost,
		"card_cancelled":        kakatongsim.CardCancelled,
		"card_replaced":         kakatongsim.CardReplaced,
		"card_frozen":           kakatongsim.CardFrozen,
		"card_expired":          kakatongsim.CardExpired,
		"card_not_yet_valid":    kakatongsim.CardNotYet,
		"card_points_only":      kakatongsim.CardPoints,
		"card_value_only":       kakatongsim.CardValue,
		"card_other_issuer":     kakatongsim.CardOtherIss,
		"card_dup_mobile":       kakatongsim.CardDupMobile,
		"card_face_value":       kakatongsim.CardFaceValue,
		"merchant_other":        merchant(kakatongsim.OtherKey, kakatongsim.OtherCopNo, kakatongsim.OtherPos),
		"merchant_low_prepaid":  merchant(kakatongsim.LowKey, kakatongsim.LowCopNo, kakatongsim.LowPos),
		"merchant_closed":       merchant(kakatongsim.ClosedKey, kakatongsim.ClosedCopNo, kakatongsim.ClosedPos),
		"merchant_test_mode":    merchant(kakatongsim.TestKey, kakatongsim.TestCopNo, kakatongsim.TestPos),
		"test_mode_card":        kakatongsim.TestCard,
		"terminal_recharge_cap": kakatongsim.PosCapped + "," + strconv.Itoa(kakatongsim.RechargeCap),
		"terminal_trade_count":  kakatongsim.PosCounted + "," + strconv.Itoa(kakatongsim.DailyTrades),
	}}, nil
}
