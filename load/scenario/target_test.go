package scenario

import (
	"context"
	"strings"
	"testing"
	"time"

	"paycert/load"
)

// TestTargetRefusedAtStart: against a target, a scenario whose params lack
// what it needs is refused by its Setup with one line naming the param,
// before anything is sent (the target here does not even listen).
func TestTargetRefusedAtStart(t *testing.T) {
	for _, tc := range []struct {
		sc     func() *load.Scenario
		params map[string]string
		want   string
	}{
		{Bill99Purchase, nil, "params.merchant_pfx"},
		{Bill99Purchase, map[string]string{"merchant_pfx": "/nonexistent.pfx"}, "params.customer_id and pay_token"},
		{HZCardCharge, nil, "params.master_keys"},
		{HZCardCharge, map[string]string{"master_keys": "00,11"}, "4 keys"},
		{HZCardCharge, map[string]string{"master_keys": strings.Repeat("00112233445566778899AABBCCDDEEFF,", 3) + "00112233445566778899AABBCCDDEEFF"}, "params.cards"},
		{HZCardCharge, map[string]string{"inst_key": "not a key"}, "params.inst_key"},
	} {
		sc := tc.sc()
		env := &load.Env{Target: "http://127.0.0.1:1", Params: tc.params, IDs: load.NewIDs(load.Shard{}), Rate: 10,
			Duration: time.Second, MaxRequests: 20, Checks: &load.Checks{}, Stamp: "261122050000", Logf: t.Logf}
		wl, err := sc.Setup(context.Background(), env)
		if err == nil {
			if wl.Close != nil {
				wl.Close()
			}
			t.Errorf("%s %v: set up against a target that lacks %s", sc.Name, tc.params, tc.want)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("%s %v: %q, want one line naming %s", sc.Name, tc.params, msg, tc.want)
		}
	}
}

// TestRemoteLedgers: the out-of-process checks of bill99-purchase and
// hzcard-charge pass a consistent set of counter deltas and fail on each
// broken counter.
func TestRemoteLedgers(t *testing.T) {
	acc := &load.Stats{Successes: 5, Codes: map[string]int{}}
	for _, tc := range []struct {
		name  string
		good  map[string]int64
		bad   map[string]int64
		check func(map[string]int64) []error
	}{
		{"bill99",
			map[string]int64{"succeeded": 5, "succeeded_fen": 500, "debited_fen": 500, "credited_fen": 500},
			map[string]int64{"succeeded": 4, "succeeded_fen": 600, "debited_fen": 400, "credited_fen": 600},
			func(d map[string]int64) []error { return bill99Ledger(d, acc) }},
		{"hzcard",
			map[string]int64{"confirmed": 5, "loaded": 5 * hzAmount, "paid_in": 5 * hzAmount, "refunded": 0, "outstanding": 0,
				"card:a:balance": 3 * hzAmount, "card:b:balance": 2 * hzAmount},
			map[string]int64{"confirmed": 6, "loaded": 4 * hzAmount, "paid_in": 6 * hzAmount, "card:a:balance": 2 * hzAmount},
			func(d map[string]int64) []error { return hzLedger(d, acc, []string{"a", "b"}) }},
	} {
		if errs := tc.check(tc.good); len(errs) != 0 {
			t.Errorf("%s: a consistent ledger failed: %v", tc.name, errs)
		}
		for key, v := range tc.bad {
			d := map[string]int64{}
			for k, g := range tc.good {
				d[k] = g
			}
			d[key] = v
			if errs := tc.check(d); len(errs) == 0 {
				t.Errorf("%s: %s = %d passed the ledger check", tc.name, key, v)
			}
		}
	}
}

func TestHZCardNumbers(t *testing.T) {
	got, err := hzCardNumbers("2253200000000001-2253200000000003, 2253300000000009")
	if err != nil {
		t.Fatal(err)
	}
	if want := "2253200000000001 2253200000000002 2253200000000003 2253300000000009"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	for _, bad := range []string{"2253200000000003-2253200000000001", "2253200000000001-2253210000000001", "x"} {
		if _, err := hzCardNumbers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
