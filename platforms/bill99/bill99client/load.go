package bill99client

import (
	"context"
	"crypto/tls"
	"net/http"
	"sync/atomic"
	"time"

	"paycert/platforms/bill99"
)

// Payer is a bound card a load run purchases with (customerId + payToken;
// the simulator's SeedBindings returns them).
type Payer struct{ CustomerID, PayToken string }

// PurchaseFactory builds purchase requests for a load run: round-robin over
// payers, a unique externalRefNumber each (§5.4.1), entryTime from the wall
// clock. Safe for concurrent use (vegeta calls targeters from every worker).
type PurchaseFactory struct {
	c      *Client
	payers []Payer
	amount string
	refs   *RefGenerator
	cst    *time.Location // entryTime's zone, made once, not per request
	i      atomic.Uint64
}

// NewPurchaseFactory returns a factory; refPrefix must be unique per run
// (at most 12 characters, e.g. "L" + the start time in base 36).
func (c *Client) NewPurchaseFactory(payers []Payer, amount, refPrefix string) *PurchaseFactory {
	return &PurchaseFactory{c: c, payers: payers, amount: amount, refs: NewRefGenerator(refPrefix), cst: time.FixedZone("CST", 8*3600)}
}

// Next returns the complete HTTP request (send it with a transport using
// this client's TLS config, see TLS), its body, and its externalRefNumber.
func (f *PurchaseFactory) Next(ctx context.Context) (*http.Request, []byte, string, error) {
	p := f.payers[int(f.i.Add(1)-1)%len(f.payers)]
	ref := f.refs.Next()
	req, body, err := f.c.PurchaseRequest(ctx, bill99.PurchaseRequest{CustomerID: p.CustomerID, PayToken: p.PayToken,
		ExternalRefNumber: ref, Amount: f.amount,
		EntryTime: time.Now().In(f.cst).Format("20060102150405")})
	return req, body, ref, err
}

// TLS returns the client's TLS configuration (the merchant certificate and
// the server's CAs) for a load generator's own transport.
func (c *Client) TLS() *tls.Config { return c.cfg.TLS.Clone() }
