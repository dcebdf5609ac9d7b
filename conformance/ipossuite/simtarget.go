package ipossuite

import (
	"fmt"
	"strings"

	"paycert/conformance"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// SimTarget is the target section an outside client needs to certify
// against s served at url (paycert sim ipos --write-config): the fixture
// merchant, its MAC key, store and terminal, the certification fixture's
// vouchers and gift cards (large enough for many runs: the suite reads their
// balances and undoes what it takes), and the voucher paycert load
// ipos-verify takes its verifications from.
func SimTarget(s sim.Simulator, url, _ string) (conformance.Target, error) {
	if _, ok := s.(*ipossim.Simulator); !ok {
		return conformance.Target{}, fmt.Errorf("ipos: SimTarget needs an *ipossim.Simulator, got %T", s)
	}
	return conformance.Target{Platform: "ipos", URL: url, Params: map[string]string{
		"key":       ipossim.FixtureKey,
		"isspid":    ipossim.FixtureISSPID,
		"system_id": ipossim.FixtureSystemID,
		"store_id":  ipossim.FixtureStoreID,
		"pos_id":    ipossim.FixturePosID,

		"voucher_amount": ipossim.CertVoucherAmount,
		"voucher_times":  ipossim.CertVoucherTimes,
		"voucher_used":   ipossim.VoucherTimesUsed,
		"gift_cash":      ipossim.CertGiftCash,
		"gift_revoke":    strings.Join(ipossim.CertGiftRevoke(), ","),
		// paycert load ipos-verify's voucher (1 fen per verify); the suite
		// does not read it, so certifying and loading do not share money.
		"load_voucher": ipossim.CertVoucherLoad,
	}}, nil
}
