package scenario

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"paycert/load"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// Counters is what a simulator's admin endpoint (paycert sim --admin)
// serves for the ledger checks of this package: each platform's totals,
// and per item the query names (?voucher=CODE, ?card=NO) that item's
// state. Nil for a simulator without a ledger check.
func Counters(s sim.Simulator) sim.Counters {
	switch s := s.(type) {
	case *ipossim.Simulator:
		return func(q url.Values) (map[string]int64, error) {
			t := s.Totals()
			m := map[string]int64{"verifications": t.Verifications, "verified_fen": t.VerifiedFen, "undone_fen": t.UndoneFen}
			for _, code := range q["voucher"] {
				v, ok := s.Voucher(code)
				if !ok {
					return nil, fmt.Errorf("no voucher %s", code)
				}
				m["voucher:"+code+":remain"], m["voucher:"+code+":verifications"] = v.Remain, int64(v.Verifications)
			}
			return m, nil
		}
	case *kakatongsim.Simulator:
		return func(q url.Values) (map[string]int64, error) {
			t := s.Totals()
			return map[string]int64{"trades": int64(t.Trades), "consumed": t.Consumed, "recharged": t.Recharged, "balances": t.Balances}, nil
		}
	case *bill99sim.Simulator:
		return func(q url.Values) (map[string]int64, error) {
			t := s.Totals()
			return map[string]int64{"succeeded": int64(t.Succeeded), "succeeded_fen": t.SucceededFen,
				"debited_fen": t.DebitedFen, "credited_fen": t.CreditedFen}, nil
		}
	case *hzcardsim.Simulator:
		return func(q url.Values) (map[string]int64, error) {
			t := s.Totals()
			m := map[string]int64{"confirmed": int64(t.Confirmed), "loaded": t.Loaded, "paid_in": t.PaidIn,
				"refunded": t.Refunded, "outstanding": t.Outstanding}
			for _, no := range q["card"] {
				b, ok := s.CardBalance(no)
				if !ok {
					return nil, fmt.Errorf("no card %s", no)
				}
				m["card:"+no+":balance"] = b
			}
			return m, nil
		}
	}
	return nil
}

// remoteLedger reads a simulator's ledger through its admin endpoint
// before the run, and hands the audit the counters before and after.
type remoteLedger struct {
	admin  string
	q      url.Values
	before map[string]int64
}

// openRemoteLedger reads the counters before the run; nil (and no error)
// when the target has no admin endpoint.
func openRemoteLedger(ctx context.Context, env *load.Env, q url.Values) (*remoteLedger, error) {
	if env.Admin == "" {
		return nil, nil
	}
	rep, err := sim.FetchAudit(ctx, env.Admin, q)
	if err != nil {
		return nil, fmt.Errorf("the target's admin endpoint (admin: in the config): %w", err)
	}
	return &remoteLedger{admin: env.Admin, q: q, before: rep.Counters}, nil
}

// audit reads the counters after the run and runs check on the deltas
// (after - before, per counter) and the after values; the simulator's own
// audit and violations come first.
func (l *remoteLedger) audit(check func(delta, after map[string]int64) []error) error {
	rep, err := sim.FetchAudit(context.Background(), l.admin, l.q)
	if err != nil {
		return err
	}
	var errs []error
	if err := rep.Err(); err != nil {
		errs = append(errs, err)
	}
	delta := map[string]int64{}
	for k, v := range rep.Counters {
		delta[k] = v - l.before[k]
	}
	errs = append(errs, check(delta, rep.Counters)...)
	return errors.Join(errs...)
}
