package kakatongclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"paycert/platforms/kakatong"
)

// LoadPlan makes the hot-path purchase (0022/1) requests of a load run.
//
// The duplicate rule refuses a second trade of the same type with the same
// card, terminal and amount within 24 hours (code 12), so no two requests
// of one run may share all three. The scheme: request i goes to card
// Cards[i % len(Cards)] on terminal Terminals[(i / len(Cards)) %
// len(Terminals)], for amount BaseAmount + i / (len(Cards)*len(Terminals))
// fen. Within one card and terminal the amount then grows by one fen per
// round, so every (card, terminal, amount) triple is unique for the whole
// run however long it is. Seed the cards with simulator.SeedLoad (a large
// balance and no per-trade limit) on a terminal without daily limits.
type LoadPlan struct {
	Cards      []string
	Password   string
	Terminals  []string // empty: the client's PosCode
	BaseAmount int64    // fen; default 1
}

// Purchase returns request i's card, terminal and amount.
func (p LoadPlan) Purchase(i uint64, defPos string) (card, pos string, amount int64) {
	terms := p.Terminals
	if len(terms) == 0 {
		terms = []string{defPos}
	}
	nc, nt := uint64(len(p.Cards)), uint64(len(terms))
	base := p.BaseAmount
	if base <= 0 {
		base = 1
	}
	return p.Cards[i%nc], terms[(i/nc)%nt], base + int64(i/(nc*nt))
}

// ConsumeRequest builds the complete REST GET of purchase number i of plan
// without sending it.
func (c *Client) ConsumeRequest(ctx context.Context, plan LoadPlan, i uint64) (*http.Request, error) {
	if len(plan.Cards) == 0 {
		return nil, errors.New("kakatong client: load plan has no cards")
	}
	card, pos, amount := plan.Purchase(i, c.cfg.PosCode)
	u := c.RESTURL(kakatong.MethodTrade, c.TradeParams(Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: plan.Password,
		Amount: strconv.FormatInt(amount, 10), PosCode: pos}))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("kakatong client: %w", err)
	}
	return req, nil
}

// SOAPConsumeRequest builds the complete soapCardTrade POST of purchase
// number i of plan without sending it.
func (c *Client) SOAPConsumeRequest(ctx context.Context, plan LoadPlan, i uint64) (*http.Request, error) {
	if len(plan.Cards) == 0 {
		return nil, errors.New("kakatong client: load plan has no cards")
	}
	card, pos, amount := plan.Purchase(i, c.cfg.PosCode)
	req, _, err := c.SOAPRequest(ctx, kakatong.OpTrade, Params{"lickey": c.cfg.LicenceKey, "trade_code": kakatong.TypeConsume, "trade_mode": kakatong.ModeConsume,
		"cd_no": card, "cd_pwd": plan.Password, "tmn_no": pos, "trad_amount": strconv.FormatInt(amount, 10), "item_code": "", "stance_rev": ""})
	return req, err
}

// Outcome classifies one reply for the load runner.
type Outcome struct {
	Success bool
	Code    string // the business code ("11", "12", a licence digit...)
}

// Classify reads a REST reply body of method: success, or the business
// code; an error means the body is not a gateway reply at all.
func Classify(method string, body []byte) (Outcome, error) {
	r, err := kakatong.ParseReply(method, body)
	if err != nil {
		return Outcome{}, err
	}
	if method == kakatong.MethodStream && r.IsStreamList() {
		return Outcome{Success: true}, nil
	}
	code := r.Code()
	return Outcome{Success: kakatong.IsSuccess(method, code) && !kakatong.IsLicenceCode(code), Code: code}, nil
}

// ClassifySOAP reads a SOAP reply of operation op with its Content-Type.
func ClassifySOAP(op, contentType string, body []byte) (Outcome, error) {
	o, ok := kakatong.OperationFor(op)
	if !ok {
		return Outcome{}, fmt.Errorf("kakatong client: unknown SOAP operation %q", op)
	}
	r, err := kakatong.ParseSOAPReply(o, contentType, body)
	if err != nil {
		return Outcome{}, err
	}
	if r.Licence != "" {
		return Outcome{Code: r.Licence}, nil
	}
	code := r.Code()
	return Outcome{Success: kakatong.IsSuccess(o.Method, code), Code: code}, nil
}
