package ipossuite

import "paycert/conformance"

// TargetDoc lists what the suite reads from a real endpoint (see the
// package doc): paycert.example.yaml's ipos section is generated from it.
func TargetDoc() conformance.TargetDoc {
	return conformance.TargetDoc{
		URL: "https://ipos-test.example.com/iposplatform/trans",
		Params: []conformance.Param{
			{Name: "key", Doc: "the merchant's MAC key (default: the fixture's)", Secret: true, Example: "merchant MAC key"},
			{Name: "isspid", Doc: "merchant id (default 39493002)", Example: "39493002"},
			{Name: "system_id", Doc: "system id (default 8888)", Example: "8888"},
			{Name: "store_id", Doc: "a store bound to this machine's IP (default 1511300001)", Example: "1511300001"},
			{Name: "pos_id", Doc: "a terminal of that store (default 1511300001)", Example: "1511300001"},
			{Name: "load_voucher", Doc: "paycert load ipos-verify only: an amount voucher it verifies 1 fen at a time (the run checks its balance first; default voucher_amount)", Example: "an amount voucher with a fen per request of the run"},
			{Name: "voucher_amount", Doc: "an amount voucher code with >= 10000 fen left, shared by the specs (they read its remaining value and cancel what they verify); unlocks 30 specs", Example: "an amount voucher with >= 10000 fen left"},
			{Name: "voucher_times", Doc: "a times voucher code with >= 2 uses left (a spec cancels the use it takes); unlocks 1 spec", Example: "a times voucher with >= 2 uses left"},
			{Name: "voucher_used", Doc: "a times voucher with no use left, for code 3038; unlocks 1 spec", Example: "a used-up times voucher"},
			{Name: "gift_cash", Doc: "a cash WeChat gift card code with >= 1000 fen left (specs refund what they consume); unlocks 6 specs", Example: "a cash gift card with >= 1000 fen left"},
			{Name: "gift_revoke", Doc: "comma-separated cash gift cards the suite may revoke (a revoke cannot be undone: two per run; the first not yet revoked is used); unlocks 2 specs", Example: "card1,card2,card3,card4"},
		},
	}
}
