package hzcardclient

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"paycert/codecs/apdu"
	"paycert/platforms/hzcard"
	"paycert/platforms/wire"
)

// The steps of a recharge: RechargeOptions.Before is called with the ones
// before which a person or a test may act, and TornError.Step names the
// one the code was in when the card left.
const (
	StepRead       = "reading the card"    // ReadCard's read list
	StepInitialize = "INITIALIZE FOR LOAD" // the load list [SELECT, INITIALIZE FOR LOAD]
	StepCredit     = "CREDIT FOR LOAD"     // the list cardChargeRequest issued
	StepConfirm    = "cardChargeConfirm"   // reporting CREDIT's result to the centre
	StepManage     = "card management"     // [SELECT, GET BALANCE, GET TRANSACTION PROOF]
)

// RechargeOptions is one recharge of a card.
type RechargeOptions struct {
	CardNo     string
	Amount     int64  // fen (not checked here: the centre judges it)
	PayOrderNo string // the payment order that paid for it
	ChargeType string // "": hzcard.ChargeTypeWallet
	PayType    string // "": hzcard.PayTypeUnionPay

	// Recover resolves a tear (during INITIALIZE FOR LOAD, CREDIT FOR LOAD
	// or management, or one Before injected) instead of returning it:
	// Reconnect, then card management; an order the card was credited for
	// is complete, one it was not is loaded again. At most MaxTears tears
	// are recovered; the next one is returned.
	Recover  bool
	MaxTears int // 0: 3
	// Reconnect gets the card back after a tear (the card is put back,
	// re-powered, the reader reconnected) and returns it; later commands go
	// to it. An error ends the recharge and is returned as it is (return
	// torn to decline recovery of this tear). nil: the same card is used.
	Reconnect func(ctx context.Context, torn *TornError) (Transmitter, error)
	// Before is called before each INITIALIZE FOR LOAD, CREDIT FOR LOAD
	// and cardChargeConfirm (StepInitialize, StepCredit, StepConfirm), on
	// every load of the order. It may block (a person pulling the card). An
	// error wrapping apdu.ErrTorn is a tear at that step (the step's
	// commands are not sent; for StepCredit the centre is told the result
	// is unknown, as after a real tear); any other error ends the recharge.
	Before func(step string) error
	// Observe sees the order created, each tear and each management result.
	Observe func(RechargeEvent)
}

// EventKind says what a RechargeEvent reports.
type EventKind int

const (
	EventOrdered EventKind = iota + 1 // chargeOrderCreate answered: Order is set
	EventTorn                         // the card left: Torn is set
	EventManaged                      // management resolved the order: Manage is set
)

// RechargeEvent is one thing that happened during a recharge.
type RechargeEvent struct {
	Kind   EventKind
	Order  Order
	Torn   *TornError
	Manage ManageResult
}

// RechargeResult says what a recharge did, also when it fails.
type RechargeResult struct {
	Order Order // the order (OrderNo "" when chargeOrderCreate failed): Load and Manage take it
	// Credited: the card holds the amount and the centre booked it, by
	// cardChargeConfirm or by management (order adjusted, or already
	// resolved).
	Credited bool
	// Initialised: INITIALIZE FOR LOAD answered, and Before is its balance
	// (the last load's); After is Before + amount.
	Initialised   bool
	Before, After uint32
	TAC           [4]byte      // CREDIT FOR LOAD's, when the load completed without management
	Times         hzcard.Times // cardChargeConfirm's, likewise
	Loads         int          // how many times the order was loaded (cardChargeRequest attempts)
	Tears         int          // how many times the card left
	Torn          *TornError   // the first tear; nil when none
	TornStep      string       // Torn.Step, "" when none
	Recovered     bool         // recovery ran (Reconnect and management)
	Manage        ManageResult // the last management's outcome; Code "" when none ran
}

// Recharge is the whole recharge of a card: chargeOrderCreate → the card
// runs [SELECT, INITIALIZE FOR LOAD] → cardChargeRequest → the card runs
// CREDIT FOR LOAD → cardChargeConfirm; with o.Recover, a tear is resolved
// through card management (chargeOrderManageRequest/Confirm with GET
// TRANSACTION PROOF) and the order charged again only if the card was not
// credited, never twice. Without Recover a tear returns *TornError. The
// result is filled as far as the recharge got, also with an error. It is
// safe to run concurrently on distinct cards and orders.
func (c *Client) Recharge(ctx context.Context, card Transmitter, o RechargeOptions) (RechargeResult, error) {
	var res RechargeResult
	ord := Order{CardNo: o.CardNo, Amount: o.Amount, PayOrderNo: o.PayOrderNo, ChargeType: o.ChargeType, PayType: o.PayType}.defaults()
	cr, err := c.ChargeOrderCreate(ctx, hzcard.OrderCreateReq{CardNo: ord.CardNo, ChargeType: ord.ChargeType, PayType: ord.PayType,
		PayOrderNo: ord.PayOrderNo, TxnAmt: hzcard.Text(hzcard.Amount(ord.Amount))})
	if err != nil {
		return res, err
	}
	ord.OrderNo, ord.LoadList = cr.OrderNo, string(cr.APDUList)
	res.Order = ord
	observe := func(ev RechargeEvent) {
		if o.Observe != nil {
			ev.Order = ord
			o.Observe(ev)
		}
	}
	observe(RechargeEvent{Kind: EventOrdered})
	maxTears := o.MaxTears
	if maxTears <= 0 {
		maxTears = 3
	}
	for {
		lr, initialised, err := c.load(ctx, card, ord, o.Before)
		res.Loads++
		if initialised {
			res.Initialised, res.Before, res.After = true, lr.Before, lr.After
		}
		if err == nil {
			res.Credited, res.TAC, res.Times = true, lr.TAC, lr.Times
			return res, nil
		}
		var te *TornError
		if !errors.As(err, &te) {
			return res, err
		}
		// The card left: management finds out whether it was credited
		// (retrying while the card keeps leaving during management).
		for {
			res.Tears++
			if res.Torn == nil {
				res.Torn, res.TornStep = te, te.Step
			}
			observe(RechargeEvent{Kind: EventTorn, Torn: te})
			if !o.Recover || res.Tears > maxTears {
				return res, te
			}
			if o.Reconnect != nil {
				if card, err = o.Reconnect(ctx, te); err != nil {
					return res, err
				}
			}
			res.Recovered = true
			m, err := c.Manage(ctx, card, ord)
			if errors.As(err, &te) {
				continue
			}
			res.Manage = m
			if err != nil {
				return res, fmt.Errorf("hzcard: card management of order %s: %w", ord.OrderNo, err)
			}
			observe(RechargeEvent{Kind: EventManaged, Manage: m})
			if m.Credited {
				res.Credited = true
				return res, nil
			}
			break // not credited (000152): the order is chargeable again
		}
	}
}

// before runs a Before hook (nil: nothing to run).
func before(hook func(string) error, step string) error {
	if hook == nil {
		return nil
	}
	return hook(step)
}

// isTear: an error a Before hook returned injects a tear.
func isTear(err error) bool { return errors.Is(err, apdu.ErrTorn) }

func stopped(step string, err error) error {
	return fmt.Errorf("hzcard: recharge stopped before %s: %w", step, err)
}

// load is Load with the Before hook; initialised reports that INITIALIZE
// FOR LOAD answered (res.Before and res.After are then set).
func (c *Client) load(ctx context.Context, card Transmitter, o Order, hook func(string) error) (res ChargeResult, initialised bool, err error) {
	res = ChargeResult{OrderNo: o.OrderNo}
	base := o.req()
	if err := before(hook, StepInitialize); isTear(err) {
		return res, false, torn(StepInitialize, o.OrderNo, err)
	} else if err != nil {
		return res, false, stopped(StepInitialize, err)
	}
	resp, err := c.Run(card, o.LoadList)
	if err != nil {
		return res, false, torn(StepInitialize, o.OrderNo, err)
	}
	if n := len(resp); n > 0 && len(resp[n-1].Bytes) == 18 {
		if ir, err := apdu.ParseInitLoadReply(resp[n-1].Bytes[:16]); err == nil {
			res.Before, res.After, initialised = ir.Balance, ir.Balance+uint32(o.Amount), true
		}
	}
	req := base
	req.APDUNum, req.APDUList, req.APDUResp = count(o.LoadList), hzcard.APDUs(o.LoadList), hzcard.RespOf(resp.String())
	ch, err := c.CardChargeRequest(ctx, req)
	if err != nil {
		return res, initialised, err
	}
	credit := string(ch.APDUList)
	var cresp apdu.List
	runErr := before(hook, StepCredit)
	switch {
	case runErr != nil && !isTear(runErr):
		return res, initialised, stopped(StepCredit, runErr)
	case runErr == nil:
		cresp, runErr = c.Run(card, credit)
	}
	if runErr == nil {
		// CREDIT answered: a tear now is the terminal losing the card (or
		// its link) before it could report; the order stays authorised (2)
		// and management resolves it.
		if err := before(hook, StepConfirm); isTear(err) {
			return res, initialised, torn(StepConfirm, o.OrderNo, err)
		} else if err != nil {
			return res, initialised, stopped(StepConfirm, err)
		}
	}
	conf := base
	conf.APDUNum, conf.APDUList, conf.APDUResp = count(credit), hzcard.APDUs(credit), hzcard.RespOf(cresp.String())
	tm, err := c.CardChargeConfirm(ctx, conf)
	if runErr != nil {
		// The confirm told the centre the result is unknown (000151).
		if err != nil && wire.Code(err) != hzcard.CodeNeedManage {
			return res, initialised, fmt.Errorf("hzcard: confirm after a torn CREDIT FOR LOAD: %w", err)
		}
		return res, initialised, torn(StepCredit, o.OrderNo, runErr)
	}
	if err != nil {
		return res, initialised, err
	}
	if len(cresp) == 1 && len(cresp[0].Bytes) == 6 {
		copy(res.TAC[:], cresp[0].Bytes[:4])
	}
	res.Times = tm
	return res, initialised, nil
}

// ParseStep reads a step before which a recharge may pause, as a person
// names it: "INITIALIZE" (StepInitialize), "CREDIT" (StepCredit) or
// "confirm" (StepConfirm), in any case.
func ParseStep(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "initialize", "init", "initialize for load":
		return StepInitialize, nil
	case "credit", "credit for load":
		return StepCredit, nil
	case "confirm", "cardchargeconfirm":
		return StepConfirm, nil
	}
	return "", fmt.Errorf("hzcard: step %q: want INITIALIZE, CREDIT or confirm", s)
}

// PauseBefore is the Before hook of a tear rehearsal: the first time the
// recharge reaches step, pause runs (a person pulls the card and presses
// Enter, or a test pulls it by command), and then the recharge goes on as
// the card now is. Before INITIALIZE and CREDIT the step's commands go to
// the reader, which finds a pulled card gone (a tear during that step, as
// when a person pulls a real card). Before confirm no card command follows,
// so gone (nil: never) is asked whether the card left: if it did, that is
// a tear before confirm, which card management resolves. An error from
// pause or gone ends the recharge.
func PauseBefore(step string, pause func(step string) error, gone func() (bool, error)) func(string) error {
	done := false
	return func(s string) error {
		if s != step || done {
			return nil
		}
		done = true
		if err := pause(s); err != nil {
			return fmt.Errorf("pause before %s: %w", s, err)
		}
		if s != StepConfirm || gone == nil {
			return nil
		}
		left, err := gone()
		if err != nil {
			return fmt.Errorf("is the card still there? %w", err)
		}
		if left {
			return fmt.Errorf("the card was pulled before %s: %w", s, apdu.ErrTorn)
		}
		return nil
	}
}
