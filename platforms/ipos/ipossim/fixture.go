package ipossim

import (
	"fmt"
	"strings"
)

// FixtureText is what a client of the served simulator needs, in the
// words "paycert sim ipos --help" and its start-up lines print: the
// merchants and keys, the store and terminals, the vouchers and gift
// cards, and which of them --write-config gives as target params. The
// package doc has the same fixture in more detail.
func FixtureText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "merchant isspid %s, system_id %s, MAC key %s; store %s, terminal %s (bound to loopback)\n",
		FixtureISSPID, FixtureSystemID, FixtureKey, FixtureStoreID, FixturePosID)
	fmt.Fprintf(&b, "  other merchants: %s key %s (only 10.0.0.0/8: 6103), %s key %s (no wecard_*: 6101); terminal %s is bound to %s (7104)\n",
		RemoteISSPID, RemoteKey, CardOnlyISSPID, CardOnlyKey, ElsewherePosID, elsewhereIP)
	b.WriteString("  for certification (--write-config params; shared by every run, the suite undoes what it takes):\n")
	fmt.Fprintf(&b, "    voucher_amount %s (10,000,000 fen), voucher_times %s (100,000 uses), voucher_used %s (0 uses left)\n",
		CertVoucherAmount, CertVoucherTimes, VoucherTimesUsed)
	fmt.Fprintf(&b, "    gift_cash %s (10,000,000 fen), gift_revoke %s01..%s%02d (%d cards of 600 fen, two revoked per run)\n",
		CertGiftCash, CertGiftRevokePrefix, CertGiftRevokePrefix, CertGiftRevokeN, CertGiftRevokeN)
	fmt.Fprintf(&b, "  vouchers: %s amount 10000 fen, %s in use, %s used, %s times 10 uses (QR %s),\n",
		VoucherAmount, VoucherAmountInUse, VoucherAmountUsed, VoucherTimes, VoucherQR)
	fmt.Fprintf(&b, "    %s voided (3037), %s expired (3044), %s issuer offline (9998)\n", VoucherVoided, VoucherExpired, VoucherOffline)
	fmt.Fprintf(&b, "  gift cards: %s cash 1000 fen (encrypt_code %s), %s single item, %s revoked, %s expired\n",
		GiftCash, GiftCashEncrypt, GiftItem, GiftRevoked, GiftExpired)
	return b.String()
}
