package hzcardclient

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"paycert/codecs/apdu"
	"paycert/platforms/hzcard"
	"paycert/platforms/wire"
)

// Transmitter is a card behind a reader: one C-APDU in, one R-APDU
// (data‖SW1SW2) out. *cpucard.Card satisfies it, and so does a thin wrapper
// around a PC/SC card handle. A response shorter than two bytes, or an error
// wrapping apdu.ErrTorn, is a torn command (the card left mid-command).
type Transmitter interface {
	Transmit(capdu []byte) ([]byte, error)
}

// APDUExchange is one command sent to the card and what came back.
type APDUExchange struct {
	Command  []byte
	Response []byte // nil when the card tore or the reader failed
	Err      error
}

// TornError reports that the card went away during a flow. Step names the
// part of the flow the code was in (StepInitialize, StepCredit, ... for a
// recharge; "GET CHALLENGE", "UPDATE BINARY", ... for the others);
// Command is the APDU that was being sent when the card left (nil when it
// left between commands, e.g. a tear a RechargeOptions.Before hook
// injected). OrderNo is the order left behind, whose state the centre knows
// (1 after a tear before the load was initialised, 4 after a tear during
// CREDIT FOR LOAD).
type TornError struct {
	Step    string
	OrderNo string
	Command []byte
	Err     error
}

func (e *TornError) Error() string {
	return fmt.Sprintf("hzcard: card torn during %s (order %s): %v", e.Step, e.OrderNo, e.Err)
}
func (e *TornError) Unwrap() error { return e.Err }

// torn makes the TornError of a card failure in step: the command that was
// being sent comes from Run's *CardError.
func torn(step, orderNo string, err error) *TornError {
	te := &TornError{Step: step, OrderNo: orderNo, Err: err}
	var ce *CardError
	if errors.As(err, &ce) {
		te.Command = ce.Command
	}
	return te
}

// CardError is a command of a list Run sent that the card did not answer:
// it tore (errors.Is(err, apdu.ErrTorn)) or the reader failed.
type CardError struct {
	Index   int    // position of the command in the list, from 0
	Command []byte // the command
	Err     error
}

// Name is the command's name ("CREDIT FOR LOAD"), or its hex.
func (e *CardError) Name() string { return commandName(e.Command) }

func (e *CardError) Error() string {
	if errors.Is(e.Err, apdu.ErrTorn) {
		return fmt.Sprintf("%s: %v", e.Name(), e.Err)
	}
	return fmt.Sprintf("%s: card: %v", e.Name(), e.Err)
}
func (e *CardError) Unwrap() error { return e.Err }

// Run executes an APDU list on the card, in order, and returns the responses
// in the form apduresp carries. It stops at a torn command: the responses
// so far are returned with a *CardError naming the command (wrapping
// apdu.ErrTorn, or the reader's error). A status word other than 9000 is
// not an error here: the centre judges results.
func (c *Client) Run(card Transmitter, list string) (apdu.List, error) {
	l, err := apdu.ParseList(list)
	if err != nil {
		return nil, fmt.Errorf("hzcard: APDU list from the centre: %w", err)
	}
	var out apdu.List
	for i, e := range l {
		resp, err := card.Transmit(e.Bytes)
		ex := APDUExchange{Command: e.Bytes, Response: resp, Err: err}
		if err == nil && len(resp) < 2 {
			err = apdu.ErrTorn
			ex.Err = err
		}
		if c.cfg.ObserveAPDU != nil {
			c.cfg.ObserveAPDU(ex)
		}
		if err != nil {
			return out, &CardError{Index: i, Command: e.Bytes, Err: err}
		}
		out = append(out, apdu.Entry{Bytes: resp})
	}
	return out, nil
}

func commandName(b []byte) string {
	cmd, err := apdu.ParseCommand(b)
	if err != nil {
		return fmt.Sprintf("%X", b)
	}
	if n := apdu.Name(cmd); n != "" {
		return n
	}
	return cmd.String()
}

// ReadList is what cardInfoQuery carries: the required read commands of
// appendix C (IDX_0001-0004, the 0x18 log, file 0x05, the 0x07 recharge
// details). Their responses are the card information.
func ReadList() string { return ReadListAID(nil) }

// ReadListAID is ReadList for a card whose purse has its own AID (nil:
// A000000632010105): IDX_0002 selects aid instead.
func ReadListAID(aid []byte) string {
	var l apdu.List
	for _, ix := range apdu.AppendixC() {
		if ix.Required && ix.ID != "IDX_1001" {
			cmd := ix.Command
			if ix.ID == "IDX_0002" && len(aid) > 0 {
				cmd = apdu.SelectByNameNoLe(aid)
			}
			l = append(l, apdu.Entry{Bytes: cmd.Bytes()})
		}
	}
	return l.String()
}

// ReadCard runs ReadList on the card and asks the centre for the card
// information.
func ReadCard(ctx context.Context, c *Client, card Transmitter) (hzcard.CardInfo, error) {
	return ReadCardAID(ctx, c, card, nil)
}

// ReadCardAID is ReadCard for a purse with its own AID (ReadListAID).
func ReadCardAID(ctx context.Context, c *Client, card Transmitter, aid []byte) (hzcard.CardInfo, error) {
	list := ReadListAID(aid)
	resp, err := c.Run(card, list)
	if err != nil {
		return hzcard.CardInfo{}, torn(StepRead, "", err)
	}
	return c.CardInfoQuery(ctx, hzcard.CardInfoQueryReq{APDUNum: count(list), APDUList: hzcard.APDUs(list), APDUResp: hzcard.APDUs(resp.String())})
}

func count(list string) hzcard.Text {
	l, _ := apdu.ParseList(list)
	return hzcard.Text(strconv.Itoa(len(l)))
}

// Order is a charge order as the centre knows it: what Load and Manage send
// (RechargeResult.Order is the one a recharge created).
type Order struct {
	CardNo     string
	OrderNo    string // the centre's, from chargeOrderCreate
	Amount     int64  // fen
	PayOrderNo string // the payment order that paid it
	// LoadList is chargeOrderCreate's APDU list ([SELECT, INITIALIZE FOR
	// LOAD]): Load runs it.
	LoadList   string
	ChargeType string // "": hzcard.ChargeTypeWallet
	PayType    string // "": hzcard.PayTypeUnionPay
}

func (o Order) defaults() Order {
	if o.ChargeType == "" {
		o.ChargeType = hzcard.ChargeTypeWallet
	}
	if o.PayType == "" {
		o.PayType = hzcard.PayTypeUnionPay
	}
	return o
}

// req is the part of every charge and management request that names the
// order.
func (o Order) req() hzcard.ChargeReq {
	o = o.defaults()
	return hzcard.ChargeReq{CardNo: o.CardNo, OrderNo: o.OrderNo, ChargeType: o.ChargeType, PayType: o.PayType,
		PayOrderNo: o.PayOrderNo, TxnAmt: hzcard.Text(hzcard.Amount(o.Amount))}
}

// ChargeResult is what one load of an order produced.
type ChargeResult struct {
	OrderNo string
	Before  uint32  // the card's balance INITIALIZE FOR LOAD reported
	After   uint32  // Before + amount
	TAC     [4]byte // from CREDIT FOR LOAD
	Times   hzcard.Times
}

// Load writes an existing order to the card: the card runs o.LoadList
// (chargeOrderCreate's), then cardChargeRequest, CREDIT FOR LOAD,
// cardChargeConfirm. An order in state 1 or 3 can be loaded again with the
// same list. A tear returns *TornError (Step StepInitialize or StepCredit)
// with the order left behind; Recharge resolves it.
func (c *Client) Load(ctx context.Context, card Transmitter, o Order) (ChargeResult, error) {
	res, _, err := c.load(ctx, card, o, nil)
	return res, err
}

// ManageResult is how management resolved an order.
type ManageResult struct {
	Credited bool   // the card was credited: order adjusted (8)
	Code     string // 000000 credited, 000152 not credited (charge again or refund), 000154 nothing to do
}

// Manage resolves an order whose card write was interrupted: manage
// request → the card runs [SELECT, GET BALANCE, GET TRANSACTION PROOF] →
// manage confirm. The card must be powered. A tear returns *TornError with
// Step StepManage.
func (c *Client) Manage(ctx context.Context, card Transmitter, o Order) (ManageResult, error) {
	base := o.req()
	mr, err := c.ChargeOrderManageRequest(ctx, base)
	if err != nil {
		if k := wire.Code(err); k == hzcard.CodeNoManageNeeded || k == hzcard.CodeChargeFailed {
			return ManageResult{Credited: k == hzcard.CodeNoManageNeeded, Code: k}, nil
		}
		return ManageResult{}, err
	}
	list := string(mr.APDUList)
	resp, err := c.Run(card, list)
	if err != nil {
		return ManageResult{}, torn(StepManage, o.OrderNo, err)
	}
	conf := base
	conf.APDUNum, conf.APDUList, conf.APDUResp = count(list), hzcard.APDUs(list), hzcard.RespOf(resp.String())
	_, err = c.ChargeOrderManageConfirm(ctx, conf)
	switch k := wire.Code(err); {
	case err == nil:
		return ManageResult{Credited: true, Code: hzcard.CodeOK}, nil
	case k == hzcard.CodeChargeFailed:
		return ManageResult{Code: k}, nil
	default:
		return ManageResult{Code: k}, err
	}
}

// ActivateOptions is a card sale.
type ActivateOptions struct {
	CardNo string
	Cust   *hzcard.CustInfo // nil: an anonymous sale
}

// Activate sells (activates) a card: the card runs [SELECT, GET
// CHALLENGE] → cardSaleRequest → the card runs UPDATE BINARY 0x15 →
// cardSaleConfirm.
func (c *Client) Activate(ctx context.Context, card Transmitter, o ActivateOptions) (hzcard.SaleConfirmRep, error) {
	pre := apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetChallenge(4).Bytes()).String()
	resp, err := c.Run(card, pre)
	if err != nil {
		return hzcard.SaleConfirmRep{}, torn("GET CHALLENGE", "", err)
	}
	named := hzcard.RealNameNo
	if o.Cust != nil {
		named = hzcard.RealNameYes
	}
	ch := resp[len(resp)-1:]
	sr, err := c.CardSaleRequest(ctx, hzcard.SaleReq{CardNo: o.CardNo, APDUNum: "1", APDUList: hzcard.APDUs(ch.String()),
		RealNameFlag: named, PayType: hzcard.PayTypeCash, CustInfo: o.Cust})
	if err != nil {
		return hzcard.SaleConfirmRep{}, err
	}
	uresp, runErr := c.Run(card, string(sr.APDUList))
	// After a tear the outcome is unknown, not a failure: cardresult stays
	// 00 and the missing result says so (000081).
	conf := hzcard.SaleConfirmReq{CardNo: o.CardNo, CardResult: hzcard.CardResultOK, APDUNum: sr.APDUNum, APDUList: hzcard.APDUs(uresp.String()),
		RealNameFlag: named, PayType: hzcard.PayTypeCash, CustInfo: o.Cust, OrderNo: sr.OrderNo, RefNum: sr.RefNum}
	out, err := c.CardSaleConfirm(ctx, conf)
	if runErr != nil {
		te := torn("UPDATE BINARY", sr.OrderNo, runErr)
		te.Err = errors.Join(runErr, err)
		return out, te
	}
	return out, err
}

// ReturnOptions is a card return.
type ReturnOptions struct {
	CardNo string
	Cust   hzcard.CustInfo
}

// ReturnResult is a completed card return.
type ReturnResult struct {
	OrderNo   string
	ReturnAmt int64
	Confirm   hzcard.ReturnConfirmRep
}

// Return returns a good card: the card runs [SELECT, GET BALANCE,
// INITIALIZE FOR PURCHASE(whole balance)] → cardReturnApply → the card runs
// DEBIT FOR PURCHASE → cardReturnConfirm.
func (c *Client) Return(ctx context.Context, card Transmitter, o ReturnOptions) (ReturnResult, error) {
	cust := o.Cust
	pre := apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetBalance().Bytes()).String()
	resp, err := c.Run(card, pre)
	if err != nil {
		return ReturnResult{}, torn("GET BALANCE", "", err)
	}
	r, err := apdu.ParseResponse(resp[1].Bytes)
	if err != nil || !r.OK() {
		return ReturnResult{}, fmt.Errorf("hzcard: GET BALANCE failed: %v %v", r.SW, err)
	}
	bal, err := apdu.ParseBalance(r.Data)
	if err != nil {
		return ReturnResult{}, err
	}
	init := apdu.NewList(apdu.InitializeForPurchase(0x01, bal, hzcard.Terminal(c.cfg.TermID)).Bytes()).String()
	iresp, err := c.Run(card, init)
	if err != nil {
		return ReturnResult{}, torn("INITIALIZE FOR PURCHASE", "", err)
	}
	ap, err := c.CardReturnApply(ctx, hzcard.ReturnApplyReq{CardNo: o.CardNo, ReturnType: hzcard.ReturnGoodCard, CardBal: hzcard.Text(hzcard.Amount(int64(bal))),
		APDUNum: "1", APDUList: hzcard.APDUs(iresp.String()), CustInfo: &cust})
	if err != nil {
		return ReturnResult{}, err
	}
	amt, _ := hzcard.ParseAmount(ap.ReturnAmt)
	res := ReturnResult{OrderNo: ap.OrderNo, ReturnAmt: amt}
	dresp, runErr := c.Run(card, string(ap.APDUList))
	res.Confirm, err = c.CardReturnConfirm(ctx, hzcard.ReturnConfirmReq{CardNo: o.CardNo, RefNum: ap.RefNum, OrderNo: ap.OrderNo,
		APDUNum: ap.APDUNum, APDUList: hzcard.APDUs(dresp.String()), CustInfo: &cust})
	if runErr != nil {
		te := torn("DEBIT FOR PURCHASE", ap.OrderNo, runErr)
		te.Err = errors.Join(runErr, err)
		return res, te
	}
	return res, err
}
