// Package iposclient speaks iPos (seed 002) to a real endpoint or to the
// reference simulator: it builds each request as GBK XML, posts
// xml=<urlencoded GBK>&mac=<MD5(key‖xml‖key)> with charset GBK, and parses
// the reply by element name, ignoring elements it does not know (002 §1.1
// warns that replies gain elements). Every exchange is reported, byte for
// byte, to the Observer.
//
// Errors are the shared kinds of package wire, with Platform "ipos", so
// callers tell them apart as for every platform: *wire.TransportError (no
// reply), *wire.ProtocolError (a reply that is not an iPos reply: an HTTP
// status other than 200, an unparsable body, no result/id) and
// *wire.ResultError (a well-formed reply whose result/id is not 0000;
// wire.Code(err) returns it, and the decoded reply is returned with it for
// the fields a caller needs beyond the code).
package iposclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"paycert/codecs/gbkxml"
	"paycert/platforms/ipos"
	"paycert/platforms/wire"
)

// ContentType is what every request carries (002 §2: charset GBK).
const ContentType = "application/x-www-form-urlencoded; charset=GBK"

// maxReply caps what the client reads of a reply.
const maxReply = 4 << 20

// Config configures a Client.
type Config struct {
	URL     string        // the iPos endpoint; every interface posts to it
	Key     string        // the merchant's MAC key
	HTTP    *http.Client  // nil: a client with Timeout
	Timeout time.Duration // per call when HTTP is nil; 0 means 15 s
	Observe wire.Observer // receives every exchange; may be nil
}

// Client is safe for concurrent use.
type Client struct {
	url     string
	key     []byte
	http    *http.Client
	observe wire.Observer
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.URL == "" {
		return nil, errors.New("ipos client: no URL")
	}
	hc := cfg.HTTP
	if hc == nil {
		t := cfg.Timeout
		if t == 0 {
			t = 15 * time.Second
		}
		hc = &http.Client{Timeout: t}
	}
	return &Client{url: cfg.URL, key: []byte(cfg.Key), http: hc, observe: cfg.Observe}, nil
}

// Response is one raw exchange's outcome, for callers that send bytes a
// typed request cannot express (the negative matrix).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Reply  *ipos.Reply // nil when the body did not decode
}

// Do sends req and returns the decoded reply. A reply with a result other
// than 0000 comes back together with a *wire.ResultError.
func (c *Client) Do(ctx context.Context, req ipos.Request) (*ipos.Reply, error) {
	x, err := req.AppendXML(nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.PostXML(ctx, req.Interface, x)
	if err != nil {
		return nil, err
	}
	return Interpret(req.Interface, resp)
}

// Interpret turns a raw response into the reply and the error kind: a
// status other than 200 (002 §2 answers every code with 200) or a body that
// is not an iPos reply is a *wire.ProtocolError, a result/id other than
// 0000 a *wire.ResultError carrying result/comment as its Text.
func Interpret(iface string, resp *Response) (*ipos.Reply, error) {
	protocol := func(err error) error {
		return &wire.ProtocolError{Platform: ipos.Platform, Interface: iface, Status: resp.Status, Err: err}
	}
	if resp.Status != http.StatusOK {
		return resp.Reply, protocol(fmt.Errorf("HTTP status %d, 002 §2 answers with 200", resp.Status))
	}
	if resp.Reply == nil {
		_, err := ipos.DecodeReply(resp.Body)
		return nil, protocol(err)
	}
	if resp.Reply.Result.ID == "" {
		return resp.Reply, protocol(errors.New("reply has no result/id"))
	}
	if !resp.Reply.Result.OK() {
		return resp.Reply, &wire.ResultError{Platform: ipos.Platform, Interface: iface, Code: resp.Reply.Result.ID, Text: resp.Reply.Result.Comment}
	}
	return resp.Reply, nil
}

// PostXML posts xmlBytes exactly as given, with the MAC over them under the
// client's key.
func (c *Client) PostXML(ctx context.Context, iface string, xmlBytes []byte) (*Response, error) {
	return c.PostBody(ctx, iface, ipos.FormBody(nil, c.key, xmlBytes), ContentType)
}

// PostBody posts body exactly as given (a bad MAC, no mac, no xml, a
// different charset: whatever a test needs).
func (c *Client) PostBody(ctx context.Context, iface string, body []byte, contentType string) (*Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("ipos %s: build request: %w", iface, err)
	}
	if contentType != "" {
		hreq.Header.Set("Content-Type", contentType)
	}
	return c.send(iface, hreq, body)
}

// Send sends a prepared request (see NewVerifyRequest) and reports it.
func (c *Client) Send(ctx context.Context, iface string, r HTTPRequest) (*Response, error) {
	hreq, err := r.Build(ctx)
	if err != nil {
		return nil, err
	}
	return c.send(iface, hreq, r.Body)
}

func (c *Client) send(iface string, hreq *http.Request, body []byte) (*Response, error) {
	ex := wire.Exchange{Interface: iface, Method: hreq.Method, URL: hreq.URL.String(), Request: body,
		Charset: "GBK", Start: time.Now(), Header: map[string]string{"Content-Type": hreq.Header.Get("Content-Type")}}
	hresp, err := c.http.Do(hreq)
	if err != nil {
		ex.Err = err.Error()
		ex.Duration = time.Since(ex.Start)
		c.report(ex)
		return nil, &wire.TransportError{Platform: ipos.Platform, Interface: iface, Err: err}
	}
	defer hresp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(hresp.Body, maxReply))
	ex.Status, ex.Reply, ex.Duration = hresp.StatusCode, rb, time.Since(ex.Start)
	ex.Header["Reply-Content-Type"] = hresp.Header.Get("Content-Type")
	if err != nil {
		ex.Err = err.Error()
		c.report(ex)
		return nil, &wire.TransportError{Platform: ipos.Platform, Interface: iface, Err: err}
	}
	c.report(ex)
	resp := &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: rb}
	if r, err := ipos.DecodeReply(rb); err == nil {
		resp.Reply = r
	}
	return resp, nil
}

func (c *Client) report(ex wire.Exchange) {
	if c.observe != nil {
		c.observe(ex)
	}
}

// HTTPRequest is a complete request, built but not sent: what a load
// generator hands to vegeta as a target.
type HTTPRequest struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Build makes an *http.Request of r.
func (r HTTPRequest) Build(ctx context.Context) (*http.Request, error) {
	h, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("ipos: build request: %w", err)
	}
	h.Header = r.Header.Clone()
	return h, nil
}

// NewVerifyRequest builds the complete HTTP request of a card_verify
// (002 §4.3) without sending it: merchant (isspid, system id, MAC key),
// terminal (store, pos), voucher code, amount in fen ("" for a times
// voucher) and pos_seq.
func NewVerifyRequest(url, key string, q ipos.CardVerifyRequest) (HTTPRequest, error) {
	var w gbkxml.Writer
	x, err := q.AppendXML(&w, make([]byte, 0, 512))
	if err != nil {
		return HTTPRequest{}, err
	}
	return HTTPRequest{Method: http.MethodPost, URL: url,
		Header: http.Header{"Content-Type": {ContentType}},
		Body:   ipos.FormBody(make([]byte, 0, 3*len(x)+48), []byte(key), x)}, nil
}

// AppendVerifyBody is NewVerifyRequest's body alone, appended to dst with
// a caller-owned Writer: the allocation-free path for a load generator that
// reuses buffers per worker.
func AppendVerifyBody(dst []byte, w *gbkxml.Writer, xmlBuf []byte, key []byte, q *ipos.CardVerifyRequest) ([]byte, error) {
	x, err := q.AppendXML(w, xmlBuf[:0])
	if err != nil {
		return nil, err
	}
	return ipos.FormBody(dst, key, x), nil
}

// Classify reads a reply body: its result/id and whether it is 0000. A body
// that is not an iPos reply is an error (count it as a protocol failure).
func Classify(body []byte) (code string, ok bool, err error) { return ipos.Classify(body) }
