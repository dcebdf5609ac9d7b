package hzcardclient

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"paycert/codecs/apdu"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
)

// tearAt is a Before hook that injects one tear before step, the way a
// person pulling the card does: the step's commands never reach the card.
func tearAt(step string) func(string) error {
	done := false
	return func(s string) error {
		if s == step && !done {
			done = true
			return fmt.Errorf("card pulled before %s: %w", s, apdu.ErrTorn)
		}
		return nil
	}
}

// pullAt is the PauseBefore hook of a person who, at the pause before
// step, pulls the card (pull) or leaves it in.
func pullAt(step string, pull bool) func(*cpucard.Card) func(string) error {
	return func(c *cpucard.Card) func(string) error {
		return PauseBefore(step, func(string) error {
			if pull {
				c.PowerOff()
			}
			return nil
		}, func() (bool, error) { return !c.Powered(), nil })
	}
}

func TestParseStep(t *testing.T) {
	for in, want := range map[string]string{"INITIALIZE": StepInitialize, "credit": StepCredit, "Confirm": StepConfirm, "init": StepInitialize} {
		if got, err := ParseStep(in); err != nil || got != want {
			t.Errorf("ParseStep(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseStep("debit"); err == nil {
		t.Error("ParseStep(debit) accepted")
	}
}

// Recharge against the embedded simulator and its software card: every
// way the card can leave, with and without recovery. The card is never
// credited twice and the centre's books balance.
func TestRecharge(t *testing.T) {
	const amount = 1500
	tests := []struct {
		name    string
		arm     func(*cpucard.Card) // a tear the card itself makes
		before  func(string) error
		pause   func(*cpucard.Card) func(string) error // a PauseBefore hook on the test's card
		recover bool

		wantErr      bool   // a *TornError is returned
		wantStep     string // TornStep
		wantCommand  string // the command being sent when the card left ("" none)
		wantCredited bool
		wantCode     string // management's result code
		wantLoads    int
		wantState    string // the order's state at the centre
		wantBalance  uint32 // on the card, and in the ledger
	}{
		{name: "no tear", recover: true,
			wantCredited: true, wantLoads: 1, wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "tear before INITIALIZE: not credited, loaded again", before: tearAt(StepInitialize), recover: true,
			wantStep: StepInitialize, wantCredited: true, wantCode: hzcard.CodeChargeFailed, wantLoads: 2,
			wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "tear during INITIALIZE: not credited, loaded again", arm: func(c *cpucard.Card) { c.TearNext(apdu.INSInitialize) }, recover: true,
			wantStep: StepInitialize, wantCommand: "INITIALIZE FOR LOAD", wantCredited: true, wantCode: hzcard.CodeChargeFailed, wantLoads: 2,
			wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "tear during CREDIT, card credited: adjusted, not loaded again", arm: func(c *cpucard.Card) { c.TearNext(apdu.INSCreditForLoad) }, recover: true,
			wantStep: StepCredit, wantCommand: "CREDIT FOR LOAD", wantCredited: true, wantCode: hzcard.CodeOK, wantLoads: 1,
			wantState: hzcard.StateAdjusted, wantBalance: amount},
		{name: "tear during CREDIT, card not credited: loaded again once", before: tearAt(StepCredit), recover: true,
			wantStep: StepCredit, wantCredited: true, wantCode: hzcard.CodeChargeFailed, wantLoads: 2,
			wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "tear before confirm: the proof shows the credit, adjusted", before: tearAt(StepConfirm), recover: true,
			wantStep: StepConfirm, wantCredited: true, wantCode: hzcard.CodeOK, wantLoads: 1,
			wantState: hzcard.StateAdjusted, wantBalance: amount},
		{name: "paused before CREDIT, card pulled: the reader finds it gone, loaded again", pause: pullAt(StepCredit, true), recover: true,
			wantStep: StepCredit, wantCommand: "CREDIT FOR LOAD", wantCredited: true, wantCode: hzcard.CodeChargeFailed, wantLoads: 2,
			wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "paused before INITIALIZE, card pulled: loaded again", pause: pullAt(StepInitialize, true), recover: true,
			wantStep: StepInitialize, wantCommand: "SELECT", wantCredited: true, wantCode: hzcard.CodeChargeFailed, wantLoads: 2,
			wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "paused before confirm, card pulled: a tear before confirm, adjusted", pause: pullAt(StepConfirm, true), recover: true,
			wantStep: StepConfirm, wantCredited: true, wantCode: hzcard.CodeOK, wantLoads: 1,
			wantState: hzcard.StateAdjusted, wantBalance: amount},
		{name: "paused before confirm, card left in: no tear", pause: pullAt(StepConfirm, false), recover: true,
			wantCredited: true, wantLoads: 1, wantState: hzcard.StateConfirmed, wantBalance: amount},
		{name: "recovery disabled, tear during CREDIT: reported, order in doubt", arm: func(c *cpucard.Card) { c.TearNext(apdu.INSCreditForLoad) },
			wantErr: true, wantStep: StepCredit, wantCommand: "CREDIT FOR LOAD", wantLoads: 1,
			wantState: hzcard.StateCardUnknown, wantBalance: 0 /* the ledger; the card holds the amount */},
		{name: "recovery disabled, tear before INITIALIZE: reported, order chargeable", before: tearAt(StepInitialize),
			wantErr: true, wantStep: StepInitialize, wantLoads: 1, wantState: hzcard.StateInitial},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := hzcardsim.New(sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c, err := New(Config{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			no := fmt.Sprintf("22539100000000%02d", i)
			card, err := s.AddCard(hzcardsim.CardSpec{CardNo: no})
			if err != nil {
				t.Fatal(err)
			}
			if tt.arm != nil {
				tt.arm(card)
			}
			if tt.pause != nil {
				tt.before = tt.pause(card)
			}
			var events []EventKind
			reconnects := 0
			res, err := c.Recharge(ctx, card, RechargeOptions{CardNo: no, Amount: amount, PayOrderNo: "PAY-" + no,
				Recover: tt.recover, Before: tt.before,
				Reconnect: func(_ context.Context, te *TornError) (Transmitter, error) {
					reconnects++
					card.PowerOn() // the card is put back
					return card, nil
				},
				Observe: func(ev RechargeEvent) {
					events = append(events, ev.Kind)
					if ev.Order.OrderNo == "" {
						t.Errorf("event %d without the order", ev.Kind)
					}
				}})
			var te *TornError
			if tt.wantErr {
				if !errors.As(err, &te) || te.Step != tt.wantStep || te.OrderNo != res.Order.OrderNo {
					t.Fatalf("err %v, want a tear during %s of order %s", err, tt.wantStep, res.Order.OrderNo)
				}
				if !errors.Is(err, apdu.ErrTorn) {
					t.Errorf("the tear %v does not wrap apdu.ErrTorn", err)
				}
			} else if err != nil {
				t.Fatalf("recharge: %v (result %+v)", err, res)
			}
			if res.Order.OrderNo == "" || res.Order.LoadList == "" || res.Order.Amount != amount {
				t.Errorf("order %+v", res.Order)
			}
			if res.TornStep != tt.wantStep || res.Credited != tt.wantCredited || res.Manage.Code != tt.wantCode || res.Loads != tt.wantLoads {
				t.Errorf("result: torn at %q credited %v management %q loads %d; want %q %v %q %d",
					res.TornStep, res.Credited, res.Manage.Code, res.Loads, tt.wantStep, tt.wantCredited, tt.wantCode, tt.wantLoads)
			}
			if got := ""; res.Torn != nil {
				if res.Torn.Command != nil {
					got = commandName(res.Torn.Command)
				}
				if got != tt.wantCommand {
					t.Errorf("torn command %q, want %q", got, tt.wantCommand)
				}
			}
			recovered := tt.recover && tt.wantStep != ""
			if res.Recovered != recovered || (reconnects > 0) != recovered {
				t.Errorf("recovered %v after %d reconnects, want %v", res.Recovered, reconnects, recovered)
			}
			if tt.wantStep != "" && (len(events) < 2 || events[1] != EventTorn) || events[0] != EventOrdered {
				t.Errorf("events %v", events)
			}
			if res.Initialised && (res.After != res.Before+amount || res.Before != 0) {
				t.Errorf("balances %d -> %d", res.Before, res.After)
			}
			if res.Credited && !res.Initialised {
				t.Errorf("credited without a balance from INITIALIZE FOR LOAD")
			}
			if st, _, _ := s.OrderState(res.Order.OrderNo); st != tt.wantState {
				t.Errorf("order state %s, want %s", st, tt.wantState)
			}
			led, _ := s.CardBalance(no)
			if led != int64(tt.wantBalance) {
				t.Errorf("ledger %d, want %d", led, tt.wantBalance)
			}
			if tt.recover || tt.wantState != hzcard.StateCardUnknown {
				if got := card.Snapshot().Balance; got != tt.wantBalance {
					t.Errorf("card holds %d, want %d", got, tt.wantBalance)
				}
			}
			if err := s.Audit(); err != nil {
				t.Errorf("audit: %v", err)
			}

			// Whatever happened, the order can never load the card again.
			if tt.wantCredited {
				card.PowerOn()
				if _, err := c.Load(ctx, card, res.Order); err == nil {
					t.Errorf("a second load of a completed order succeeded")
				}
				if m, err := c.Manage(ctx, card, res.Order); err != nil || m.Code != hzcard.CodeNoManageNeeded {
					t.Errorf("management of a completed order: %+v %v", m, err)
				}
				if got := card.Snapshot().Balance; got != amount {
					t.Errorf("card holds %d after the second attempts, want %d", got, amount)
				}
			}
		})
	}
}

// A card that keeps leaving: each tear is recovered up to MaxTears, the
// next is returned; Reconnect can decline, and a Before error that is not
// a tear stops the recharge.
func TestRechargeLimits(t *testing.T) {
	ctx := context.Background()
	s, err := hzcardsim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := New(Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	card, _ := s.Card("2253000000000001")
	always := func(step string) error {
		if step == StepInitialize {
			return apdu.ErrTorn
		}
		return nil
	}
	res, err := c.Recharge(ctx, card, RechargeOptions{CardNo: "2253000000000001", Amount: 1000, PayOrderNo: "L1", Recover: true, MaxTears: 2, Before: always})
	var te *TornError
	if !errors.As(err, &te) || res.Tears != 3 || res.Loads != 3 || res.Credited {
		t.Fatalf("MaxTears 2: %d tears, %d loads, credited %v, err %v", res.Tears, res.Loads, res.Credited, err)
	}

	decline := errors.New("nobody to put the card back")
	res, err = c.Recharge(ctx, card, RechargeOptions{CardNo: "2253000000000001", Amount: 1000, PayOrderNo: "L2", Recover: true, Before: always,
		Reconnect: func(context.Context, *TornError) (Transmitter, error) { return nil, decline }})
	if !errors.Is(err, decline) || res.Recovered || res.TornStep != StepInitialize {
		t.Fatalf("declined: %+v %v", res, err)
	}

	stop := errors.New("operator cancelled")
	res, err = c.Recharge(ctx, card, RechargeOptions{CardNo: "2253000000000001", Amount: 1000, PayOrderNo: "L3", Recover: true,
		Before: func(step string) error {
			if step == StepCredit {
				return stop
			}
			return nil
		}})
	if !errors.Is(err, stop) || errors.As(err, &te) || res.Tears != 0 || !res.Initialised {
		t.Fatalf("stopped: %+v %v", res, err)
	}
	if st, _, _ := s.OrderState(res.Order.OrderNo); st != hzcard.StateAuthorised {
		t.Fatalf("an order stopped before CREDIT is %s, want 2 (management resolves it)", st)
	}
	if card.Snapshot().Balance != 0 {
		t.Fatalf("card credited: %d", card.Snapshot().Balance)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
}
