package client

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
// command ("INITIALIZE FOR LOAD", "CREDIT FOR LOAD", ...); OrderNo is the
// order left behind, whose state the centre knows (1 after a tear before
// the load was initialised, 4 after a tear during CREDIT FOR LOAD).
type TornError struct {
	Step    string
	OrderNo string
	Err     error
}

func (e *TornError) Error() string {
	return fmt.Sprintf("hzcard: card torn during %s (order %s): %v", e.Step, e.OrderNo, e.Err)
}
func (e *TornError) Unwrap() error { return e.Err }

// Run executes an APDU list on the card, in order, and returns the responses
// in the form apduresp carries. It stops at a torn command: the responses
// so far are returned with an error wrapping apdu.ErrTorn and naming the
// command. A status word other than 9000 is not an error here: the centre
// judges results.
func (c *Client) Run(card Transmitter, list string) (apdu.List, error) {
	l, err := apdu.ParseList(list)
	if err != nil {
		return nil, fmt.Errorf("hzcard: APDU list from the centre: %w", err)
	}
	var out apdu.List
	for _, e := range l {
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
			name := commandName(e.Bytes)
			if errors.Is(err, apdu.ErrTorn) {
				return out, fmt.Errorf("%s: %w", name, err)
			}
			return out, fmt.Errorf("%s: card: %w", name, err)
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
func ReadList() string {
	var l apdu.List
	for _, ix := range apdu.AppendixC() {
		if ix.Required && ix.ID != "IDX_1001" {
			l = append(l, apdu.Entry{Bytes: ix.Command.Bytes()})
		}
	}
	return l.String()
}

// ReadCard runs ReadList on the card and asks the centre for the card
// information.
func ReadCard(ctx context.Context, c *Client, card Transmitter) (hzcard.CardInfo, error) {
	list := ReadList()
	resp, err := c.Run(card, list)
	if err != nil {
		return hzcard.CardInfo{}, &TornError{Step: "reading the card", Err: err}
	}
	return c.CardInfoQuery(ctx, hzcard.CardInfoQueryReq{APDUNum: count(list), APDUList: hzcard.APDUs(list), APDUResp: hzcard.APDUs(resp.String())})
}

func count(list string) hzcard.Text {
	l, _ := apdu.ParseList(list)
	return hzcard.Text(strconv.Itoa(len(l)))
}

// ChargeResult is what one charge produced.
type ChargeResult struct {
	OrderNo string
	Before  uint32  // the card's balance INITIALIZE FOR LOAD reported
	After   uint32  // Before + amount
	TAC     [4]byte // from CREDIT FOR LOAD
	Times   hzcard.Times
}

// Charge is the whole charge of the flow: chargeOrderCreate (paid by
// UnionPay under payment order orderNo) → the card runs [SELECT,
// INITIALIZE FOR LOAD] → cardChargeRequest → the card runs CREDIT FOR
// LOAD → cardChargeConfirm. It is safe to run concurrently on distinct cards
// and orders. A tear returns *TornError with the order left behind; resolve
// it with Manage (after a tear during CREDIT FOR LOAD) or Load again.
func Charge(ctx context.Context, c *Client, card Transmitter, cardNo string, amount int64, orderNo string) (ChargeResult, error) {
	cr, err := c.ChargeOrderCreate(ctx, hzcard.OrderCreateReq{CardNo: cardNo, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay,
		PayOrderNo: orderNo, TxnAmt: hzcard.Text(hzcard.Amount(amount))})
	if err != nil {
		return ChargeResult{}, err
	}
	return Load(ctx, c, card, cardNo, cr.OrderNo, amount, orderNo, string(cr.APDUList))
}

// Load writes an existing order to the card: the card runs loadList
// (chargeOrderCreate's), then request, CREDIT FOR LOAD, confirm. An order in
// state 1 or 3 can be loaded again with the same list.
func Load(ctx context.Context, c *Client, card Transmitter, cardNo, orderNo string, amount int64, payOrderNo, loadList string) (ChargeResult, error) {
	res := ChargeResult{OrderNo: orderNo}
	base := hzcard.ChargeReq{CardNo: cardNo, OrderNo: orderNo, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay, PayOrderNo: payOrderNo,
		TxnAmt: hzcard.Text(hzcard.Amount(amount))}
	resp, err := c.Run(card, loadList)
	if err != nil {
		return res, &TornError{Step: "INITIALIZE FOR LOAD", OrderNo: orderNo, Err: err}
	}
	if n := len(resp); n > 0 && len(resp[n-1].Bytes) == 18 {
		if ir, err := apdu.ParseInitLoadReply(resp[n-1].Bytes[:16]); err == nil {
			res.Before, res.After = ir.Balance, ir.Balance+uint32(amount)
		}
	}
	req := base
	req.APDUNum, req.APDUList, req.APDUResp = count(loadList), hzcard.APDUs(loadList), hzcard.RespOf(resp.String())
	ch, err := c.CardChargeRequest(ctx, req)
	if err != nil {
		return res, err
	}
	credit := string(ch.APDUList)
	cresp, runErr := c.Run(card, credit)
	conf := base
	conf.APDUNum, conf.APDUList, conf.APDUResp = count(credit), hzcard.APDUs(credit), hzcard.RespOf(cresp.String())
	tm, err := c.CardChargeConfirm(ctx, conf)
	if runErr != nil {
		// The confirm told the centre the result is unknown (000151).
		if err != nil && wire.Code(err) != hzcard.CodeNeedManage {
			return res, fmt.Errorf("hzcard: confirm after a torn CREDIT FOR LOAD: %w", err)
		}
		return res, &TornError{Step: "CREDIT FOR LOAD", OrderNo: orderNo, Err: runErr}
	}
	if err != nil {
		return res, err
	}
	if len(cresp) == 1 && len(cresp[0].Bytes) == 6 {
		copy(res.TAC[:], cresp[0].Bytes[:4])
	}
	res.Times = tm
	return res, nil
}

// ManageResult is how management resolved an order.
type ManageResult struct {
	Credited bool   // the card was credited: order adjusted (8)
	Code     string // 000000 credited, 000152 not credited (charge again or refund), 000154 nothing to do
}

// Manage resolves an order whose card write was interrupted: manage
// request → the card runs [SELECT, GET BALANCE, GET TRANSACTION PROOF] →
// manage confirm. The card must be powered.
func Manage(ctx context.Context, c *Client, card Transmitter, cardNo, orderNo string, amount int64, payOrderNo string) (ManageResult, error) {
	base := hzcard.ChargeReq{CardNo: cardNo, OrderNo: orderNo, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay, PayOrderNo: payOrderNo,
		TxnAmt: hzcard.Text(hzcard.Amount(amount))}
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
		return ManageResult{}, &TornError{Step: "card management", OrderNo: orderNo, Err: err}
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

// Activate sells (activates) a card: the card runs [SELECT, GET
// CHALLENGE] → cardSaleRequest → the card runs UPDATE BINARY 0x15 →
// cardSaleConfirm. cust nil is an anonymous sale.
func Activate(ctx context.Context, c *Client, card Transmitter, cardNo string, cust *hzcard.CustInfo) (hzcard.SaleConfirmRep, error) {
	pre := apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetChallenge(4).Bytes()).String()
	resp, err := c.Run(card, pre)
	if err != nil {
		return hzcard.SaleConfirmRep{}, &TornError{Step: "GET CHALLENGE", Err: err}
	}
	named := hzcard.RealNameNo
	if cust != nil {
		named = hzcard.RealNameYes
	}
	ch := resp[len(resp)-1:]
	sr, err := c.CardSaleRequest(ctx, hzcard.SaleReq{CardNo: cardNo, APDUNum: "1", APDUList: hzcard.APDUs(ch.String()),
		RealNameFlag: named, PayType: hzcard.PayTypeCash, CustInfo: cust})
	if err != nil {
		return hzcard.SaleConfirmRep{}, err
	}
	uresp, runErr := c.Run(card, string(sr.APDUList))
	// After a tear the outcome is unknown, not a failure: cardresult stays
	// 00 and the missing result says so (000081).
	conf := hzcard.SaleConfirmReq{CardNo: cardNo, CardResult: hzcard.CardResultOK, APDUNum: sr.APDUNum, APDUList: hzcard.APDUs(uresp.String()),
		RealNameFlag: named, PayType: hzcard.PayTypeCash, CustInfo: cust, OrderNo: sr.OrderNo, RefNum: sr.RefNum}
	out, err := c.CardSaleConfirm(ctx, conf)
	if runErr != nil {
		return out, &TornError{Step: "UPDATE BINARY", OrderNo: sr.OrderNo, Err: errors.Join(runErr, err)}
	}
	return out, err
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
func Return(ctx context.Context, c *Client, card Transmitter, cardNo string, cust hzcard.CustInfo) (ReturnResult, error) {
	pre := apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetBalance().Bytes()).String()
	resp, err := c.Run(card, pre)
	if err != nil {
		return ReturnResult{}, &TornError{Step: "GET BALANCE", Err: err}
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
		return ReturnResult{}, &TornError{Step: "INITIALIZE FOR PURCHASE", Err: err}
	}
	ap, err := c.CardReturnApply(ctx, hzcard.ReturnApplyReq{CardNo: cardNo, ReturnType: hzcard.ReturnGoodCard, CardBal: hzcard.Text(hzcard.Amount(int64(bal))),
		APDUNum: "1", APDUList: hzcard.APDUs(iresp.String()), CustInfo: &cust})
	if err != nil {
		return ReturnResult{}, err
	}
	amt, _ := hzcard.ParseAmount(ap.ReturnAmt)
	res := ReturnResult{OrderNo: ap.OrderNo, ReturnAmt: amt}
	dresp, runErr := c.Run(card, string(ap.APDUList))
	res.Confirm, err = c.CardReturnConfirm(ctx, hzcard.ReturnConfirmReq{CardNo: cardNo, RefNum: ap.RefNum, OrderNo: ap.OrderNo,
		APDUNum: ap.APDUNum, APDUList: hzcard.APDUs(dresp.String()), CustInfo: &cust})
	if runErr != nil {
		return res, &TornError{Step: "DEBIT FOR PURCHASE", OrderNo: ap.OrderNo, Err: errors.Join(runErr, err)}
	}
	return res, err
}
