package kakatongsuite

import "paycert/conformance"

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc; the first five default to the seed's test accounts, the
// fixture states have no default against a target: a spec whose param is
// missing is skipped naming it): paycert.example.yaml's kakatong section
// is generated from it.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "http://kkt-test.example.com",
		Params: []conformance.Param{
			{Name: "licence_key", Doc: "LICENSEKEY (default NV41VDlSNldhFTFeYw0z)", Secret: true, Example: "NV41VDlSNldhFTFeYw0z"},
			{Name: "copno", Doc: "COPNO (default 1155)", Example: "1155"},
			{Name: "poscode", Doc: "POSCODE (default 11552001)", Example: "11552001"},
			{Name: "cards", Doc: "comma-separated active cards to trade on, each holding at least 100.00 yuan (default 1680115500000126..133); purchases are undone and binds unbound after each spec", Example: "1680115500000126,1680115500000127"},
			{Name: "password", Doc: "the cards' password (default 111111)", Secret: true, Example: "111111"},
			{Name: "inactive_cards", Doc: "comma-separated cards not yet activated, empty; each activation spec activates the first still inactive (5 a run: 57, aCRequest, soapActiveCard, row 0001/1, the activation flow; 17 trades on one)", Example: "1680115500000300,1680115500000301"},
			{Name: "single_limit", Doc: "the cards' per-trade limit in fen (code 09)", Example: "1000000"},
			{Name: "expired_key", Doc: "an expired LICENSEKEY of the merchant (licence code 2)", Secret: true, Example: "KKT1155ExpiredLicence0"},
			{Name: "card_lost", Doc: "a card reported lost (code 14)", Example: "1680115500000201"},
			{Name: "card_cancelled", Doc: "a cancelled card (15, and 53 on activation)", Example: "1680115500000202"},
			{Name: "card_replaced", Doc: "a replaced card (19)", Example: "1680115500000203"},
			{Name: "card_frozen", Doc: "a frozen card (此卡已冻结)", Example: "1680115500000204"},
			{Name: "card_expired", Doc: "an expired card (10)", Example: "1680115500000205"},
			{Name: "card_not_yet_valid", Doc: "a card whose validity starts in the future (13)", Example: "1680115500000206"},
			{Name: "card_points_only", Doc: "a points-only card (20 on recharge, 31 on purchase)", Example: "1680115500000207"},
			{Name: "card_value_only", Doc: "a stored-value-only card (32 on points accrual)", Example: "1680115500000208"},
			{Name: "card_other_issuer", Doc: "an inactive card issued by another merchant (52 on activation)", Example: "1680115600000001"},
			{Name: "card_dup_mobile", Doc: "an inactive card whose holder mobile is already on another card (59 on activation)", Example: "1680115500000210"},
			{Name: "card_face_value", Doc: "an inactive card with a face value its issuer's prepaid account cannot cover; issuer = merchant_low_prepaid (54)", Example: "1680115700000001"},
			{Name: "merchant_other", Doc: "LICENSEKEY,COPNO,POSCODE of another merchant whose prepaid account holds less than 50.00 yuan (64 undo across merchants, 65 recharge refused)", Secret: true, Example: "KKT1156OtherMerchantKey0,1156,11562001"},
			{Name: "merchant_low_prepaid", Doc: "LICENSEKEY,COPNO,POSCODE of the issuer of card_face_value (54)", Secret: true, Example: "KKT1157LowIssuerAccount,1157,11572001"},
			{Name: "merchant_closed", Doc: "LICENSEKEY,COPNO,POSCODE of a closed merchant (60)", Secret: true, Example: "KKT1158ClosedMerchant00,1158,11582001"},
			{Name: "merchant_test_mode", Doc: "LICENSEKEY,COPNO,POSCODE of a merchant in test mode, 100 trades a day (68)", Secret: true, Example: "KKT1160TestModeMerchant,1160,11602001"},
			{Name: "test_mode_card", Doc: "an active card of merchant_test_mode with at least 1,000.00 yuan (68)", Example: "1680116000000001"},
			{Name: "terminal_recharge_cap", Doc: "POSCODE,FEN: a second terminal of the merchant with a daily recharge cap (58; also the other terminal of the duplicate-undo flow)", Example: "11552002,50000"},
			{Name: "terminal_trade_count", Doc: "POSCODE,N: a terminal of the merchant allowing N trades a day (67)", Example: "11552003,5"},
		},
	}
}
