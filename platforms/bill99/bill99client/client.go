// Package bill99client talks to a 99bill agreement-payment endpoint (the real
// sandbox, production, or the reference simulator) over mutual TLS, and
// plays the merchant side of TR3/TR4: a handler that verifies the platform's
// RSA-SHA1 signature over the exact GBK bytes and answers TR4.
//
// Every call reports its exchange, byte for byte, to Config.Observe. Errors
// are the shared classes of package wire, with Platform "bill99":
// *wire.TransportError (no HTTP reply: refused handshake, reset, timeout),
// *wire.ProtocolError (a reply that is not a conforming MasMessage, an HTTP
// status other than 200 included), and *wire.ResultError (a conforming
// reply whose code is not 00: an errorCode or a responseCode; wire.Code
// returns it). A call returns the decoded reply alongside a ResultError,
// so reply.Result says which of the two codes it was.
package bill99client

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"paycert/codecs/rsasig"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// Config describes one endpoint and merchant.
type Config struct {
	URL string // base, e.g. https://sandbox.99bill.com or https://127.0.0.1:PORT
	// QueryURL is the base for query_txn, the card-info query and pci_query
	// when it differs (the sandbox serves them on port 9445, §4.4, §4.6,
	// §4.7); "" means URL.
	QueryURL   string
	TLS        *tls.Config // client certificate and server trust (see TLSConfig)
	MerchantID string
	TerminalID string
	Observe    wire.Observer
	Timeout    time.Duration // per request; default 15 s
}

// Client is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
}

// New returns a client. A nil TLS config uses Go's defaults (no client
// certificate: a conforming server refuses the handshake).
func New(cfg Config) *Client {
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	tr := &http.Transport{TLSClientConfig: cfg.TLS, MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second, ForceAttemptHTTP2: false}
	return &Client{cfg: cfg, http: &http.Client{Transport: tr, Timeout: cfg.Timeout}}
}

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// platform names this client's errors (wire.TransportError and friends).
const platform = "bill99"

func transportError(iface string, err error) error {
	return &wire.TransportError{Platform: platform, Interface: iface, Err: err}
}

func protocolError(iface string, status int, err error) error {
	return &wire.ProtocolError{Platform: platform, Interface: iface, Status: status, Err: err}
}

// NewRequest builds the complete HTTP request for a message without sending
// it (the load runner sends it with its own transport and TLSConfig).
func (c *Client) NewRequest(ctx context.Context, iface string, body []byte) (*http.Request, error) {
	p := bill99.PathOf(iface)
	if p == "" {
		return nil, fmt.Errorf("bill99: unknown interface %q", iface)
	}
	base := c.cfg.URL
	if c.cfg.QueryURL != "" && (iface == bill99.IfQueryTxn || iface == bill99.IfCardInfo || iface == bill99.IfPciQuery) {
		base = c.cfg.QueryURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+p, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("bill99: build request: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=UTF-8")
	return req, nil
}

// PurchaseRequest returns the complete HTTP request of a purchase (TR1)
// with the client's merchant/terminal filled in when empty.
func (c *Client) PurchaseRequest(ctx context.Context, p bill99.PurchaseRequest) (*http.Request, []byte, error) {
	c.fill(&p.MerchantID, &p.TerminalID)
	body := bill99.Encode(p.Message())
	req, err := c.NewRequest(ctx, bill99.IfPurchase, body)
	return req, body, err
}

// Post sends raw bytes to an interface's URL and returns the reply body and
// HTTP status (negative tests send malformed bodies through it).
func (c *Client) Post(ctx context.Context, iface string, body []byte) (int, []byte, error) {
	req, err := c.NewRequest(ctx, iface, body)
	if err != nil {
		return 0, nil, err
	}
	ex := wire.Exchange{Interface: iface, Method: req.Method, URL: req.URL.String(), Request: body, Charset: "UTF-8", Start: time.Now()}
	resp, err := c.http.Do(req)
	if err != nil {
		ex.Err, ex.Duration = err.Error(), time.Since(ex.Start)
		c.observe(ex)
		return 0, nil, transportError(iface, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	ex.Status, ex.Reply, ex.Duration = resp.StatusCode, reply, time.Since(ex.Start)
	if err != nil {
		ex.Err = err.Error()
	}
	c.observe(ex)
	if err != nil {
		return resp.StatusCode, reply, transportError(iface, err)
	}
	return resp.StatusCode, reply, nil
}

func (c *Client) observe(ex wire.Exchange) {
	if c.cfg.Observe != nil {
		c.cfg.Observe(ex)
	}
}

// Do sends a message to an interface and decodes the reply.
func (c *Client) Do(ctx context.Context, iface string, m *bill99.Node) (*bill99.Reply, error) {
	status, body, err := c.Post(ctx, iface, bill99.Encode(m))
	if err != nil {
		return nil, err
	}
	return Decode(iface, status, body)
}

// Decode turns an HTTP status and body into a reply and the error class:
// a *wire.ProtocolError for a status other than 200 (every reply of seed
// 001, errors included, is a MasMessage with 200), an unparsable body, or a
// result that is both or neither errorCode and responseCode; a
// *wire.ResultError for a conforming reply whose code is not 00 (Code is
// the errorCode or the responseCode, Text its message). The reply comes
// back with every error but the first two, so a caller that needs to know
// which of the two codes it was reads reply.Result.
func Decode(iface string, status int, body []byte) (*bill99.Reply, error) {
	if status != http.StatusOK {
		return nil, protocolError(iface, status, errors.New("seed 001 answers every request, errors included, with HTTP 200"))
	}
	r, err := bill99.DecodeReply(iface, body)
	if err != nil {
		return nil, protocolError(iface, status, fmt.Errorf("reply is not a MasMessage: %w", err))
	}
	if r.Result.HasErrorCode && r.Result.HasRespCode {
		return r, protocolError(iface, status, errors.New("both errorCode and responseCode (§5.3.3)"))
	}
	if !r.Result.HasErrorCode && !r.Result.HasRespCode {
		return r, protocolError(iface, status, errors.New("neither errorCode nor responseCode"))
	}
	if !r.Result.OK() {
		text := r.Result.ResponseText
		if r.Result.HasErrorCode {
			text = r.Result.ErrorMessage
		}
		return r, &wire.ResultError{Platform: platform, Interface: iface, Code: r.Result.Code(), Text: text}
	}
	return r, nil
}

func (c *Client) fill(mid, tid *string) {
	if *mid == "" {
		*mid = c.cfg.MerchantID
	}
	if tid != nil && *tid == "" {
		*tid = c.cfg.TerminalID
	}
}

// IndAuth sends a sign-up request (§4.1).
func (c *Client) IndAuth(ctx context.Context, r bill99.IndAuthRequest) (*bill99.Reply, error) {
	c.fill(&r.MerchantID, &r.TerminalID)
	return c.Do(ctx, bill99.IfIndAuth, r.Message())
}

// Verify sends the SMS-code verification (§4.2).
func (c *Client) Verify(ctx context.Context, r bill99.VerifyRequest) (*bill99.Reply, error) {
	c.fill(&r.MerchantID, &r.TerminalID)
	return c.Do(ctx, bill99.IfIndAuthVerify, r.Message())
}

// Purchase sends a TR1 and returns the TR2 (§4.3).
func (c *Client) Purchase(ctx context.Context, r bill99.PurchaseRequest) (*bill99.Reply, error) {
	c.fill(&r.MerchantID, &r.TerminalID)
	return c.Do(ctx, bill99.IfPurchase, r.Message())
}

// Query asks for an order (§4.4).
func (c *Client) Query(ctx context.Context, r bill99.QueryRequest) (*bill99.Reply, error) {
	c.fill(&r.MerchantID, nil)
	return c.Do(ctx, bill99.IfQueryTxn, r.Message())
}

// CardInfo asks for a card's BIN data (§4.7).
func (c *Client) CardInfo(ctx context.Context, r bill99.CardInfoRequest) (*bill99.Reply, error) {
	return c.Do(ctx, bill99.IfCardInfo, r.Message())
}

// PciDelete unbinds a card (§4.5).
func (c *Client) PciDelete(ctx context.Context, r bill99.PciDeleteRequest) (*bill99.Reply, error) {
	c.fill(&r.MerchantID, nil)
	return c.Do(ctx, bill99.IfPciDel, r.Message())
}

// PciQuery lists bound cards (§4.6).
func (c *Client) PciQuery(ctx context.Context, r bill99.PciQueryRequest) (*bill99.Reply, error) {
	c.fill(&r.MerchantID, &r.TerminalID)
	return c.Do(ctx, bill99.IfPciQuery, r.Message())
}

// ErrStillPending is what PollQuery's error wraps when the order was still
// P after every try: operations must resolve it (§5.3.1).
var ErrStillPending = errors.New("bill99: order still pending")

// PollQuery queries until the order leaves P, the way §5.3.1 asks (every
// interval, at most tries times). wait is called between tries (a test
// advances its clock there; a CLI sleeps). An order still P after the last
// try is an error wrapping ErrStillPending, with the last reply.
func (c *Client) PollQuery(ctx context.Context, r bill99.QueryRequest, tries int, wait func(context.Context) error) (*bill99.Reply, error) {
	var last *bill99.Reply
	for i := 0; i < tries; i++ {
		rep, err := c.Query(ctx, r)
		if err != nil {
			return rep, err
		}
		last = rep
		if rep.Get("txnStatus") != bill99.TxnPending {
			return rep, nil
		}
		if i+1 < tries {
			if err := wait(ctx); err != nil {
				return rep, err
			}
		}
	}
	return last, fmt.Errorf("%w after %d queries: hand over to operations (§5.3.1)", ErrStillPending, tries)
}

// RefGenerator makes unique externalRefNumbers (§5.4.1) for long runs: a
// prefix (≤ 12 characters) plus a counter, at most 32 characters. Safe for
// concurrent use.
type RefGenerator struct {
	prefix string
	n      atomic.Uint64
}

// NewRefGenerator starts a generator; prefix should be unique per run
// (e.g. "L" + start time).
func NewRefGenerator(prefix string) *RefGenerator {
	if len(prefix) > 12 {
		prefix = prefix[:12]
	}
	return &RefGenerator{prefix: prefix}
}

// Next returns the next externalRefNumber.
func (g *RefGenerator) Next() string { return fmt.Sprintf("%s%012d", g.prefix, g.n.Add(1)) }

// TLSConfig builds the client side of the mutual TLS: the merchant's
// certificate and key (a .pfx bundle, as the sandbox kit ships) and the CAs
// that sign the server (nil: the system roots).
func TLSConfig(pfx *rsasig.PFX, serverCAs *x509.CertPool) *tls.Config {
	cert := pfx.TLSCertificate()
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, RootCAs: serverCAs}
}

// LoadTLSConfig reads a .pfx (with password) and optionally a PEM/DER file
// of server CAs.
func LoadTLSConfig(pfxPath, password, serverCAPath string) (*tls.Config, error) {
	b, err := os.ReadFile(pfxPath)
	if err != nil {
		return nil, fmt.Errorf("merchant certificate: %w", err)
	}
	p, err := rsasig.ParsePFX(b, password)
	if err != nil {
		return nil, fmt.Errorf("merchant certificate %s: %w", pfxPath, err)
	}
	var pool *x509.CertPool
	if serverCAPath != "" {
		cb, err := os.ReadFile(serverCAPath)
		if err != nil {
			return nil, fmt.Errorf("server CA: %w", err)
		}
		cs, err := rsasig.ParseCertificates(cb)
		if err != nil {
			return nil, fmt.Errorf("server CA %s: %w", serverCAPath, err)
		}
		pool = x509.NewCertPool()
		for _, c := range cs {
			pool.AddCert(c)
		}
	}
	return TLSConfig(p, pool), nil
}

// LoadPlatformKey reads the platform's TR3 verification key from mgw.cer
// (PEM, DER or base64) or a public key file.
func LoadPlatformKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("platform certificate: %w", err)
	}
	k, err := rsasig.ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("platform certificate %s: %w", path, err)
	}
	return k, nil
}

// Merchant is the merchant side of TR3/TR4: an http.Handler for tr3Url that
// verifies each notice's signature over the exact body bytes with the
// platform key before believing it, then its fields against the §5.3.2
// table (E-BILL99-TR3-MALFORMED), answers a correct TR4, and answers a
// forged or broken notice with HTTP 400 and no TR4 (so the platform keeps
// resending and nobody ships goods for a forged or garbled payment). A
// correctly signed notice refused for a field is also recorded as a
// sim.Violation, as a strict mock records a request (Violations).
type Merchant struct {
	Key *rsa.PublicKey

	tr3        catalog.Interface // the §5.3.2 table
	mu         sync.Mutex
	withhold   func(bill99.TxnResult) bool
	notices    []bill99.TxnResult
	rejected   []string
	violations []sim.Violation
}

// NewMerchant returns a merchant endpoint trusting key.
func NewMerchant(key *rsa.PublicKey) *Merchant {
	tr3, _ := bill99.Catalogue().Interface(bill99.IfTR3)
	return &Merchant{Key: key, tr3: tr3}
}

func (m *Merchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "POST a TR3", http.StatusBadRequest)
		return
	}
	sig := r.Header.Get(bill99.SignatureHeader)
	if err := bill99.VerifyTR3Signature(m.Key, body, sig); err == nil {
		if fs := bill99.TR3Findings(m.tr3, body); len(fs) > 0 {
			m.refuse(fs[0], body)
			http.Error(w, "TR3 rejected: "+fs[0].String(), http.StatusBadRequest)
			return
		}
	}
	n, err := bill99.VerifyTR3(m.Key, body, sig)
	m.mu.Lock()
	if err != nil {
		m.rejected = append(m.rejected, err.Error())
	} else {
		m.notices = append(m.notices, n)
	}
	withhold := err == nil && m.withhold != nil && m.withhold(n)
	m.mu.Unlock()
	if err != nil {
		http.Error(w, "TR3 rejected: "+err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	if withhold {
		w.Write([]byte("OK")) //nolint:errcheck
		return
	}
	w.Write(bill99.Encode(bill99.TR4(n))) //nolint:errcheck
}

// refuse records a correctly signed notice refused for a field.
func (m *Merchant) refuse(f catalog.Finding, body []byte) {
	v := sim.Violation{Time: time.Now(), Interface: bill99.IfTR3, Rule: "field-" + f.Rule, Detail: f.String(), Path: f.Path, Section: f.Section}
	if doc, err := bill99.Parse(body); err == nil {
		if val := doc.Root.Get(f.Path); val != "" {
			v.Value = sim.Short(val)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rejected = append(m.rejected, f.String())
	m.violations = append(m.violations, v)
}

// Violations returns the correctly signed notices refused for a field, one
// violation each, naming the field, rule, §5.3.2 and the value.
func (m *Merchant) Violations() []sim.Violation {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sim.Violation(nil), m.violations...)
}

// Withhold makes the endpoint answer 200 without a TR4 for every notice f
// selects (tests of the platform's resending); nil restores normal service.
func (m *Merchant) Withhold(f func(bill99.TxnResult) bool) {
	m.mu.Lock()
	m.withhold = f
	m.mu.Unlock()
}

// Notices returns the verified notices received so far.
func (m *Merchant) Notices() []bill99.TxnResult {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]bill99.TxnResult(nil), m.notices...)
}

// Rejected returns why each refused notice was refused.
func (m *Merchant) Rejected() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.rejected...)
}

// NoticesFor returns the verified notices for one refNumber.
func (m *Merchant) NoticesFor(refNumber string) []bill99.TxnResult {
	var out []bill99.TxnResult
	for _, n := range m.Notices() {
		if n.RefNumber == refNumber {
			out = append(out, n)
		}
	}
	return out
}

// SendTR3 posts a signed TR3 to a merchant endpoint (certifying the
// merchant side) and returns the HTTP status and reply body.
func SendTR3(ctx context.Context, hc *http.Client, url string, body []byte, signature string, observe wire.Observer) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=GBK")
	if signature != "" {
		req.Header.Set(bill99.SignatureHeader, signature)
	}
	ex := wire.Exchange{Interface: bill99.IfTR3, Method: http.MethodPost, URL: url, Request: body, Charset: "GBK", Start: time.Now(),
		Header: map[string]string{bill99.SignatureHeader: signature}}
	resp, err := hc.Do(req)
	if err != nil {
		ex.Err, ex.Duration = err.Error(), time.Since(ex.Start)
		if observe != nil {
			observe(ex)
		}
		return 0, nil, transportError(bill99.IfTR3, err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	ex.Status, ex.Reply, ex.Duration = resp.StatusCode, reply, time.Since(ex.Start)
	if observe != nil {
		observe(ex)
	}
	return resp.StatusCode, reply, err
}
