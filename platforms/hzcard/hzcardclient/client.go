// Package hzcardclient speaks seed 003 (Huzhou transit-card recharge) to a centre:
// it builds the §2.4 envelope, signs every request with the joining
// institution's SM2 key, verifies the centre's signature on every reply and
// judges its fields (hzcard.VerifyReply, hzcard.CheckReply), and drives the
// card: it executes the APDU lists the centre hands out on any Transmitter
// (a software card from platforms/cpucard, or a PC/SC reader).
//
// Calls fail the way every paycert client fails (platforms/wire): no HTTP
// reply is a *wire.TransportError; a reply to drop (§2.3: a status other
// than 200, not JSON, a signature that does not verify, a code outside
// appendix D, a missing field) is a *wire.ProtocolError; a conforming
// failure is a *wire.ResultError, whose code wire.Code returns. The typed
// methods return the reply's data alongside; Call also returns the
// envelope (result text, the raw data) of a failure.
//
// The flows (Charge, Manage, Activate, Return) follow the sequence written
// in platforms/hzcard/simulator's package doc.
package hzcardclient

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/platforms/catalog"
	"paycert/platforms/hzcard"
	"paycert/platforms/wire"
)

// Config is what a client needs to talk to one centre.
type Config struct {
	URL string // base, e.g. "http://127.0.0.1:8080": interfaces are URL + /cardfront/<name>/V1

	// Envelope identities (§2.4); zero values take the hzcard.Test* fixture.
	JoinInstID, InstID, MchntID, NetID, TermID, OprID, BatchNo, ChnlID, AreaFlag string

	Key       *sm2.PrivateKey    // signs requests; nil: hzcard.TestInstKeyHex
	CentreKey *sm2.PublicKey     // verifies replies; nil: hzcard.TestCentrePubHex
	Profile   signdomain.Profile // sign domain; "": signdomain.Default
	// NoVerify skips reply signature checks (for looking at a broken
	// centre's replies from the CLI, and for load runs that verify a sample
	// through Observe); never set it in a certification.
	NoVerify bool

	HTTP    *http.Client // nil: a client with a 30 s timeout
	Observe wire.Observer
	// ObserveAPDU sees every command sent to a card and its response.
	ObserveAPDU func(APDUExchange)
	Now         func() time.Time // request date and time; nil: time.Now
	// SSNPrefix makes joininstssn unique across clients sharing an
	// institution (load workers); the client appends a counter.
	SSNPrefix string
}

// Client is safe for concurrent use.
type Client struct {
	cfg Config
	cat *catalog.Catalogue
	cst *time.Location // the wire's zone (hzcard.Zone), made once
	ssn atomic.Int64
}

// New fills defaults and parses the test keys when none are given.
func New(cfg Config) (*Client, error) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.JoinInstID, hzcard.TestJoinInstID)
	def(&cfg.InstID, hzcard.TestInstID)
	def(&cfg.MchntID, hzcard.TestMchntID)
	def(&cfg.NetID, hzcard.TestNetID)
	def(&cfg.TermID, hzcard.TestTermID)
	def(&cfg.OprID, hzcard.TestOprID)
	def(&cfg.BatchNo, "000001")
	def(&cfg.ChnlID, hzcard.TestChnlID)
	def(&cfg.AreaFlag, hzcard.TestAreaFlag)
	if cfg.URL == "" {
		return nil, errors.New("hzcard client: no URL")
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	var err error
	if cfg.Key == nil {
		if cfg.Key, err = hzcard.TestKey(hzcard.TestInstKeyHex); err != nil {
			return nil, err
		}
	}
	if cfg.CentreKey == nil {
		if cfg.CentreKey, err = hzcard.TestPub(hzcard.TestCentrePubHex); err != nil {
			return nil, err
		}
	}
	if cfg.Profile == "" {
		cfg.Profile = signdomain.Default
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SSNPrefix == "" {
		// Random, not time-derived: clients created in the same instant (or
		// under a manual clock) must still never share a serial.
		var b [5]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("hzcard client: serial prefix: %w", err)
		}
		cfg.SSNPrefix = hex.EncodeToString(b[:])
	}
	return &Client{cfg: cfg, cat: hzcard.Catalogue(), cst: hzcard.Zone()}, nil
}

// Config returns the client's configuration (with defaults filled in).
func (c *Client) Config() Config { return c.cfg }

// Envelope returns a fresh request envelope: a new joininstssn and termseq,
// the current date and time.
func (c *Client) Envelope() hzcard.Request {
	n := c.ssn.Add(1)
	now := c.cfg.Now().In(c.cst)
	return hzcard.Request{
		JoinInstID: c.cfg.JoinInstID, JoinInstSSN: fmt.Sprintf("%s%08d", c.cfg.SSNPrefix, n), AreaFlag: c.cfg.AreaFlag,
		ReqDate: now.Format("20060102"), ReqTime: now.Format("150405"), InstID: c.cfg.InstID, MchntID: c.cfg.MchntID,
		NetID: c.cfg.NetID, TermID: c.cfg.TermID, TermSeq: strconv.FormatInt(n%1e8, 10), OprID: c.cfg.OprID,
		BatchNo: c.cfg.BatchNo, ChnlID: c.cfg.ChnlID,
	}
}

// Body builds the signed body of a request to iface with data d.
func (c *Client) Body(env hzcard.Request, d any) ([]byte, error) {
	return hzcard.SignedRequest(c.cfg.Key, c.cfg.Profile, env, d)
}

// NewRequest builds the full HTTP request of one call without sending it
// (the load runner's hot path).
func (c *Client) NewRequest(ctx context.Context, iface string, d any) (*http.Request, []byte, error) {
	body, err := c.Body(c.Envelope(), d)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+hzcard.Path(iface), bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("hzcard %s: %w", iface, err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	return req, body, nil
}

// Classify checks a reply body of iface like the client does: nil for a
// verified success, *wire.ResultError for a verified business failure,
// *wire.ProtocolError for a reply that must be dropped.
func (c *Client) Classify(iface string, body []byte) (hzcard.Reply, error) {
	return c.classify(iface, hzcard.Scan(body), http.StatusOK)
}

// classify parses the scanned reply, verifies the centre's signature
// (unless NoVerify), judges its fields (hzcard.CheckReply) and turns a
// non-success code into a *wire.ResultError. The reply is returned
// whenever it parsed, so a caller can read what a dropped reply said.
func (c *Client) classify(iface string, msg hzcard.Received, status int) (hzcard.Reply, error) {
	r, err := msg.ParseReply()
	if err != nil {
		return r, c.protocolError(iface, status, err)
	}
	if !c.cfg.NoVerify {
		if err := hzcard.VerifyReply(&r, c.cfg.CentreKey, c.cfg.Profile); err != nil {
			return r, c.protocolError(iface, status, fmt.Errorf("centre signature: %w", err))
		}
	}
	if fs := hzcard.CheckReply(c.cat, hzcard.Call{Interface: iface}, &r); len(fs) > 0 {
		return r, c.protocolError(iface, status, catalog.FindingsError(fs))
	}
	if !r.OK() {
		return r, &wire.ResultError{Platform: hzcard.Platform, Interface: iface, Code: r.Result, Text: r.ResultDesc}
	}
	return r, nil
}

// protocolError is a reply to drop (§2.3).
func (c *Client) protocolError(iface string, status int, err error) error {
	return &wire.ProtocolError{Platform: hzcard.Platform, Interface: iface, Status: status, Err: err}
}

// Call sends data d to iface and decodes the reply's data into out (nil:
// ignore it). The reply is returned whenever one was received and verified.
func (c *Client) Call(ctx context.Context, iface string, d, out any) (hzcard.Reply, error) {
	req, body, err := c.NewRequest(ctx, iface, d)
	if err != nil {
		return hzcard.Reply{}, err
	}
	return c.Do(ctx, iface, req, body, out)
}

// Send posts a body exactly as given (negative specs: a tampered or
// unsigned message) and classifies the reply.
func (c *Client) Send(ctx context.Context, iface string, body []byte, out any) (hzcard.Reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL+hzcard.Path(iface), bytes.NewReader(body))
	if err != nil {
		return hzcard.Reply{}, fmt.Errorf("hzcard %s: %w", iface, err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	return c.Do(ctx, iface, req, body, out)
}

// Do sends a built request and classifies the reply.
func (c *Client) Do(ctx context.Context, iface string, req *http.Request, body []byte, out any) (hzcard.Reply, error) {
	ex := wire.Exchange{Interface: iface, Method: req.Method, URL: req.URL.String(), Request: body, Charset: "UTF-8",
		Start: time.Now()}
	defer func() {
		ex.Duration = time.Since(ex.Start)
		if c.cfg.Observe != nil {
			c.cfg.Observe(ex)
		}
	}()
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		ex.Err = err.Error()
		return hzcard.Reply{}, &wire.TransportError{Platform: hzcard.Platform, Interface: iface, Err: err}
	}
	defer resp.Body.Close()
	ex.Status = resp.StatusCode
	rb, err := wire.ReadBody(io.LimitReader(resp.Body, 1<<20+1), resp.ContentLength, 1<<20)
	ex.Reply = rb
	if err != nil {
		ex.Err = err.Error()
		return hzcard.Reply{}, &wire.TransportError{Platform: hzcard.Platform, Interface: iface, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		// Bytes came back over HTTP, but not the protocol (§2.5 replies are
		// 200): a protocol error, as wire documents for every platform.
		return hzcard.Reply{}, c.protocolError(iface, resp.StatusCode, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, rb))
	}
	msg := hzcard.Scan(rb) // one scan for the checks and the data
	r, err := c.classify(iface, msg, resp.StatusCode)
	if err != nil {
		return r, err
	}
	if out != nil && len(r.Data) > 0 {
		if o, ok := msg.Data(); ok && hzcard.DecodeData(o, out) { // r.Data is that object
			return r, nil
		}
		d, err := hzcard.DataBytes(r.Data)
		if err == nil {
			err = json.Unmarshal(d, out)
		}
		if err != nil {
			return r, c.protocolError(iface, resp.StatusCode, fmt.Errorf("data: %w", err))
		}
	}
	return r, nil
}

// ---- typed calls, one per interface ----

// call is Call for the typed interface methods: it decodes the reply into a T.
func call[T any](ctx context.Context, c *Client, iface string, d any) (T, error) {
	var out T
	_, err := c.Call(ctx, iface, d, &out)
	return out, err
}

// CardInfoQuery is 4.1.
func (c *Client) CardInfoQuery(ctx context.Context, d hzcard.CardInfoQueryReq) (hzcard.CardInfo, error) {
	return call[hzcard.CardInfo](ctx, c, hzcard.CardInfoQuery, d)
}

// ChargeOrderCreate is 4.2.
func (c *Client) ChargeOrderCreate(ctx context.Context, d hzcard.OrderCreateReq) (hzcard.APDUReply, error) {
	return call[hzcard.APDUReply](ctx, c, hzcard.ChargeOrderCreate, d)
}

// ChargeOrderQuery is 4.3.
func (c *Client) ChargeOrderQuery(ctx context.Context, d hzcard.OrderQueryReq) (hzcard.OrderQueryRep, error) {
	return call[hzcard.OrderQueryRep](ctx, c, hzcard.ChargeOrderQuery, d)
}

// ChargeOrderCancel is 4.4.
func (c *Client) ChargeOrderCancel(ctx context.Context, d hzcard.OrderCancelReq) error {
	_, err := c.Call(ctx, hzcard.ChargeOrderCancel, d, nil)
	return err
}

// CardChargeRequest is 4.5.
func (c *Client) CardChargeRequest(ctx context.Context, d hzcard.ChargeReq) (hzcard.APDUReply, error) {
	return call[hzcard.APDUReply](ctx, c, hzcard.CardChargeRequest, d)
}

// CardChargeConfirm is 4.6.
func (c *Client) CardChargeConfirm(ctx context.Context, d hzcard.ChargeReq) (hzcard.Times, error) {
	return call[hzcard.Times](ctx, c, hzcard.CardChargeConfirm, d)
}

// ChargeOrderManageRequest is 4.7.
func (c *Client) ChargeOrderManageRequest(ctx context.Context, d hzcard.ChargeReq) (hzcard.APDUReply, error) {
	return call[hzcard.APDUReply](ctx, c, hzcard.ChargeOrderManageRequest, d)
}

// ChargeOrderManageConfirm is 4.8.
func (c *Client) ChargeOrderManageConfirm(ctx context.Context, d hzcard.ChargeReq) (hzcard.Times, error) {
	return call[hzcard.Times](ctx, c, hzcard.ChargeOrderManageConfirm, d)
}

// CardSaleRequest is 4.10.
func (c *Client) CardSaleRequest(ctx context.Context, d hzcard.SaleReq) (hzcard.SaleRep, error) {
	return call[hzcard.SaleRep](ctx, c, hzcard.CardSaleRequest, d)
}

// CardSaleConfirm is 4.11.
func (c *Client) CardSaleConfirm(ctx context.Context, d hzcard.SaleConfirmReq) (hzcard.SaleConfirmRep, error) {
	return call[hzcard.SaleConfirmRep](ctx, c, hzcard.CardSaleConfirm, d)
}

// CardReturnApply is 4.12.
func (c *Client) CardReturnApply(ctx context.Context, d hzcard.ReturnApplyReq) (hzcard.ReturnApplyRep, error) {
	return call[hzcard.ReturnApplyRep](ctx, c, hzcard.CardReturnApply, d)
}

// CardReturnConfirm is 4.13.
func (c *Client) CardReturnConfirm(ctx context.Context, d hzcard.ReturnConfirmReq) (hzcard.ReturnConfirmRep, error) {
	return call[hzcard.ReturnConfirmRep](ctx, c, hzcard.CardReturnConfirm, d)
}
