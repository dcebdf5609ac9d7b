// Package kakatongclient calls a Kakatong gateway (or the reference simulator) over
// REST (GET /s/get?method=..., UTF-8 XML replies) and SOAP 1.2 (POST
// /s/sp.php, GB2312 by default as in the seed's PHP client). Every exchange
// is reported to Config.Observe byte for byte.
//
// Each call returns the decoded reply and an error of the shared wire
// types, so callers tell the three ways a call can go wrong apart as for
// every platform: a *wire.TransportError (no HTTP reply), a
// *wire.ProtocolError (a reply that is not a gateway reply: an HTTP status
// other than 200 with Status set, a SOAP fault, an unparsable body, a
// record without its result element) and a *wire.ResultError (a
// well-formed reply whose code is not a success; wire.Code(err) reads it).
// The reply is returned with a ResultError, so callers can check its fields.
package kakatongclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"paycert/codecs/mac"
	"paycert/platforms/kakatong"
	"paycert/platforms/wire"
)

// Config configures a Client.
type Config struct {
	URL        string // base URL: "http://127.0.0.1:8080" (the client appends /s/get and /s/sp.php)
	LicenceKey string
	CopNo      string // merchant (COPNO)
	PosCode    string // default terminal (POSCODE)
	Lang       string // "GB2312" for Chinese texts, "" for English
	// SOAPCharset is the charset SOAP requests are written in: "GB2312"
	// (default, as the seed's sample client) or "UTF-8".
	SOAPCharset string
	HTTP        *http.Client  // nil: a client with Timeout
	Timeout     time.Duration // default 10 s
	Observe     wire.Observer // nil: nothing observed
}

// Client is safe for concurrent use.
type Client struct {
	cfg        Config
	rest, soap string // the endpoints' URLs, rendered once
	http       *http.Client
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("kakatong client: URL %q: want http(s)://host[:port][/prefix]", cfg.URL)
	}
	if cfg.SOAPCharset == "" {
		cfg.SOAPCharset = kakatong.CharsetGB2312
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	hc := cfg.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	base := u.String()
	return &Client{cfg: cfg, rest: base + kakatong.RESTPath, soap: base + kakatong.SOAPPath, http: hc}, nil
}

// Config returns the client's configuration.
func (c *Client) Config() Config { return c.cfg }

// platform is the Platform of every error the client returns.
const platform = "kakatong"

func transportErr(iface string, err error) error {
	return &wire.TransportError{Platform: platform, Interface: iface, Err: err}
}

func protocolErr(iface string, status int, err error) error {
	return &wire.ProtocolError{Platform: platform, Interface: iface, Status: status, Err: err}
}

// Params are request parameters by their REST names.
type Params map[string]string

// RESTURL returns the full GET URL of method with params, the licence key,
// COPNO and LANG of the configuration added unless params set them. The
// query keeps the order of names (method first, then sorted) so the same
// call always produces the same URL.
func (c *Client) RESTURL(method string, p Params) string {
	all := c.withDefaults(p)
	if _, set := p["LANG"]; method == kakatong.MethodActivate && !set {
		// aCRequest's table has no LANG: the configured language is not
		// sent there (strict mode records it as an unknown parameter).
		delete(all, "LANG")
	}
	keys := make([]string, 0, len(all))
	n := len(c.rest) + len("?method=") + len(method)
	for k, v := range all {
		keys = append(keys, k)
		n += len(k) + len(v) + 2
	}
	sort.Strings(keys)
	// One builder sized for the unescaped query: ConsumeRequest builds
	// every request of a load run here, and += grew a new string per
	// parameter.
	var b strings.Builder
	b.Grow(n)
	b.WriteString(c.rest)
	b.WriteString("?method=")
	b.WriteString(url.QueryEscape(method))
	for _, k := range keys {
		b.WriteByte('&')
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(all[k]))
	}
	return b.String()
}

func (c *Client) withDefaults(p Params) Params {
	all := Params{}
	if c.cfg.LicenceKey != "" {
		all["LICENSEKEY"] = c.cfg.LicenceKey
	}
	if c.cfg.CopNo != "" {
		all["COPNO"] = c.cfg.CopNo
	}
	if c.cfg.Lang != "" {
		all["LANG"] = c.cfg.Lang
	}
	for k, v := range p {
		all[k] = v
	}
	for k, v := range all {
		if v == "\x00omit" {
			delete(all, k)
		}
	}
	return all
}

// Omit is a parameter value that removes a default (LICENSEKEY, COPNO,
// LANG) from one request.
const Omit = "\x00omit"

// Call sends method with params over REST and decodes the reply.
func (c *Client) Call(ctx context.Context, method string, p Params) (*kakatong.Reply, error) {
	return c.CallURL(ctx, method, c.RESTURL(method, p))
}

// CallURL sends a prepared GET URL (negative tests build their own).
func (c *Client) CallURL(ctx context.Context, method, rawURL string) (*kakatong.Reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, transportErr(method, err)
	}
	status, _, body, err := c.do(method, req, nil, "UTF-8")
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, protocolErr(method, status, fmt.Errorf("reply %q", trim(body)))
	}
	r, err := kakatong.ParseReply(method, body)
	if err != nil {
		return nil, protocolErr(method, status, err)
	}
	return r, resultErr(method, r)
}

// resultErr is nil for a success, a *wire.ResultError for a documented
// failure, and a *wire.ProtocolError for a reply without its result
// element: such a reply carries no code to act on.
func resultErr(op string, r *kakatong.Reply) error {
	if r.Method == kakatong.MethodStream && r.IsStreamList() {
		return nil
	}
	field := kakatong.CodeField(r.Method)
	if _, ok := r.First().Get(field); !ok && r.Method != kakatong.MethodInfo {
		// cIRequest answers a success without a Result element.
		return protocolErr(op, http.StatusOK, fmt.Errorf("%s reply has no <%s> result element", r.Method, field))
	}
	code := r.Code()
	if kakatong.IsSuccess(r.Method, code) {
		return nil
	}
	text := r.First().V("PayInResult")
	if text == "" {
		text = kakatong.CodeOf(code).TextEN
	}
	return &wire.ResultError{Platform: platform, Interface: op, Code: code, Text: text}
}

func (c *Client) do(op string, req *http.Request, reqBody []byte, charset string) (int, string, []byte, error) {
	start := time.Now()
	ex := wire.Exchange{Interface: op, Method: req.Method, URL: req.URL.String(), Request: reqBody, Charset: charset, Start: start}
	resp, err := c.http.Do(req)
	if err != nil {
		ex.Err, ex.Duration = err.Error(), time.Since(start)
		c.observe(ex)
		return 0, "", nil, transportErr(op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	ex.Status, ex.Reply, ex.Duration = resp.StatusCode, body, time.Since(start)
	ex.Header = map[string]string{"Content-Type": resp.Header.Get("Content-Type")}
	if err != nil {
		ex.Err = err.Error()
		c.observe(ex)
		// The reply broke off: no complete reply arrived.
		return 0, "", nil, transportErr(op, fmt.Errorf("HTTP %d, reading the body: %w", resp.StatusCode, err))
	}
	c.observe(ex)
	return resp.StatusCode, resp.Header.Get("Content-Type"), body, nil
}

func (c *Client) observe(ex wire.Exchange) {
	if c.cfg.Observe != nil {
		c.cfg.Observe(ex)
	}
}

func trim(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// Trade is one cTRequest (or soapCardTrade) trade.
type Trade struct {
	Type, Mode string // TRADETYPE, TRADEMODE
	CardNo     string
	Password   string // the 6-digit password; sent as md5 over REST, as is over SOAP (the seed's samples)
	Amount     string // fen digits
	PosCode    string // "" = Config.PosCode
	ItemCode   string
	StanceRev  string
	Lang       string // "" = Config.Lang
	// IDNum, OldPwd, NewPwd serve the 2200 and 4400 rows via cTRequest.
	IDNum, OldPwd, NewPwd string
}

func (c *Client) pos(p string) string {
	if p == "" {
		return c.cfg.PosCode
	}
	return p
}

// TradeParams returns the REST parameters of t.
func (c *Client) TradeParams(t Trade) Params {
	p := Params{"TRADETYPE": t.Type, "TRADEMODE": t.Mode, "CARDNO": t.CardNo, "CARDPWD": mac.CardPassword(t.Password),
		"POSCODE": c.pos(t.PosCode), "AMOUNT": t.Amount, "ITEMCODE": t.ItemCode, "STANCE_REV": t.StanceRev}
	if t.Lang != "" {
		p["LANG"] = t.Lang
	}
	for k, v := range map[string]string{"IDNUM": t.IDNum, "OLD_PWD": t.OldPwd, "NEW_PWD": t.NewPwd} {
		if v != "" {
			p[k] = v
		}
	}
	return p
}

// Trade runs a trade over REST.
func (c *Client) Trade(ctx context.Context, t Trade) (*kakatong.Reply, error) {
	return c.Call(ctx, kakatong.MethodTrade, c.TradeParams(t))
}

// TradeSOAP runs a trade with soapCardTrade (positional parameters of the
// seed's PHP sample; the plain password as cd_pwd).
func (c *Client) TradeSOAP(ctx context.Context, t Trade) (*kakatong.Reply, error) {
	p := Params{"lickey": c.cfg.LicenceKey, "trade_code": t.Type, "trade_mode": t.Mode, "cd_no": t.CardNo,
		"cd_pwd": t.Password, "tmn_no": c.pos(t.PosCode), "trad_amount": t.Amount, "item_code": t.ItemCode, "stance_rev": t.StanceRev}
	if l := firstNonEmpty(t.Lang, c.cfg.Lang); l != "" {
		p["LANG"] = l
	}
	return c.SOAP(ctx, kakatong.OpTrade, p)
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

// Activate runs aCRequest.
func (c *Client) Activate(ctx context.Context, card, password, pos string) (*kakatong.Reply, error) {
	return c.Call(ctx, kakatong.MethodActivate, Params{"CARDNO": card, "CARDPWD": mac.CardPassword(password), "POSCODE": c.pos(pos)})
}

// ChangePassword runs rSCardPwd; an empty old password resets.
func (c *Client) ChangePassword(ctx context.Context, card, oldPwd, newPwd, pos string) (*kakatong.Reply, error) {
	return c.Call(ctx, kakatong.MethodPassword, Params{"CARDNO": card, "OLD_PWD": oldPwd, "NEW_PWD": newPwd, "POSCODE": c.pos(pos)})
}

// StreamQuery filters tSRequest; zero fields are sent as "0".
type StreamQuery struct {
	CardNo, Password, PosCode, StanceNo string
	Start, End                          string // "YYYY-MM-DD HH:MM:SS"
}

// StreamParams returns the REST parameters of q.
func StreamParams(q StreamQuery) Params {
	z := func(v string) string {
		if v == "" {
			return "0"
		}
		return v
	}
	p := Params{"TRADETYPE": kakatong.TypeStream, "TRADEMODE": kakatong.ModeStream, "CARDNO": z(q.CardNo), "POSCODE": z(q.PosCode),
		"STANCE_NO": z(q.StanceNo), "START": z(q.Start), "END": z(q.End)}
	if q.Password != "" {
		p["CARDPWD"] = mac.CardPassword(q.Password)
	}
	return p
}

// Stream runs tSRequest.
func (c *Client) Stream(ctx context.Context, q StreamQuery) (*kakatong.Reply, error) {
	return c.Call(ctx, kakatong.MethodStream, StreamParams(q))
}

// Holder is the holder information of cIRequest (empty fields are left unchanged).
type Holder struct {
	ChName, EnName, Addr, Email, Mobile, Tel, Birthday string
}

// InfoParams returns the REST parameters of a cIRequest.
func InfoParams(card string, h Holder) Params {
	return Params{"CARDNO": card, "USR_CH_NAME": h.ChName, "USR_EN_NAME": h.EnName, "USR_ADDR": h.Addr,
		"USR_EMAIL": h.Email, "USR_MOBILE_NO": h.Mobile, "USR_TEL_PHONE": h.Tel, "USR_BIRTHDAY": h.Birthday}
}

// Info runs cIRequest: a query when h is empty, else an update.
func (c *Client) Info(ctx context.Context, card string, h Holder) (*kakatong.Reply, error) {
	return c.Call(ctx, kakatong.MethodInfo, InfoParams(card, h))
}

// Bind runs bCRequest: bind true binds IDNUM, false unbinds it.
func (c *Client) Bind(ctx context.Context, card, password, idnum string, bind bool, pos string) (*kakatong.Reply, error) {
	mode := "0"
	if bind {
		mode = "1"
	}
	return c.Call(ctx, kakatong.MethodBind, Params{"CARDNO": card, "CARDPWD": mac.CardPassword(password), "IDNUM": idnum,
		"TRADEMODE": mode, "POSCODE": c.pos(pos)})
}

// SOAPParams converts REST parameters of method into the parameters of its
// SOAP operation (soapCardTrade's positional names; the others keep the
// REST names), adding the configured licence key, COPNO and LANG.
func (c *Client) SOAPParams(op kakatong.Operation, p Params) Params {
	all := c.withDefaults(p)
	out := Params{}
	for _, name := range op.Params {
		rest := name
		if r, ok := op.REST[name]; ok {
			rest = r
		}
		if v, ok := all[rest]; ok {
			out[name] = v
		}
		if v, ok := p[name]; ok {
			out[name] = v
		}
	}
	return out
}

// CallSOAP runs the SOAP operation mirroring method with REST parameters.
func (c *Client) CallSOAP(ctx context.Context, method string, p Params) (*kakatong.Reply, error) {
	op, ok := kakatong.OperationFor(method)
	if !ok {
		return nil, fmt.Errorf("kakatong client: no SOAP operation for %q", method)
	}
	return c.SOAP(ctx, op.Name, c.SOAPParams(op, p))
}

// SOAPRequest builds the complete SOAP 1.2 POST of op with params (SOAP
// parameter names) without sending it.
func (c *Client) SOAPRequest(ctx context.Context, opName string, p Params) (*http.Request, []byte, error) {
	op, ok := kakatong.OperationFor(opName)
	if !ok || op.Name != opName {
		return nil, nil, fmt.Errorf("kakatong client: unknown SOAP operation %q", opName)
	}
	body, err := kakatong.BuildSOAPRequest(op, p, c.cfg.SOAPCharset)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.soap, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("kakatong client: %w", err)
	}
	req.Header.Set("Content-Type", kakatong.SOAPContentType(c.cfg.SOAPCharset, op.Name))
	return req, body, nil
}

// SOAP calls op with params (SOAP parameter names, sent as given).
func (c *Client) SOAP(ctx context.Context, opName string, p Params) (*kakatong.Reply, error) {
	req, body, err := c.SOAPRequest(ctx, opName, p)
	if err != nil {
		return nil, err
	}
	op, _ := kakatong.OperationFor(opName)
	status, ct, reply, err := c.do(opName, req, body, c.cfg.SOAPCharset)
	if err != nil {
		return nil, err
	}
	// A SOAP fault (parsed as an error), an unparsable envelope and a
	// non-200 status are all replies that break the protocol.
	r, perr := kakatong.ParseSOAPReply(op, ct, reply)
	if perr != nil {
		return nil, protocolErr(opName, status, perr)
	}
	if status != http.StatusOK {
		return nil, protocolErr(opName, status, fmt.Errorf("reply %q", trim(reply)))
	}
	if r.Licence != "" {
		return r, &wire.ResultError{Platform: platform, Interface: opName, Code: r.Licence, Text: kakatong.CodeOf(r.Licence).TextEN}
	}
	return r, resultErr(opName, r)
}

// CardState is what a client must read before trading on a card it did not
// create: its balance (0011/0) and the amounts its stream at this client's
// merchant lists, which the duplicate rule (same card, terminal, trade and
// amount within 24 h: 12) forbids reusing. A points trade lists its points,
// which may be a multiple of the amount sent (a service code's rate), so
// Used holds both readings.
type CardState struct {
	Balance int64 // fen
	Used    map[int64]bool
}

// ReadCard reads card's CardState; withBalance false skips the balance
// query (a merchant that may only list the stream).
func (c *Client) ReadCard(ctx context.Context, card, password string, withBalance bool) (CardState, error) {
	st := CardState{Used: map[int64]bool{}}
	if withBalance {
		r, err := c.Trade(ctx, Trade{Type: "0011", Mode: "0", CardNo: card, Password: password})
		if err != nil {
			return st, fmt.Errorf("balance of card %s: %w", card, err)
		}
		if st.Balance, err = strconv.ParseInt(r.First().V("Integral"), 10, 64); err != nil {
			return st, fmt.Errorf("balance of card %s: Integral %q", card, r.First().V("Integral"))
		}
	}
	s, err := c.Stream(ctx, StreamQuery{CardNo: card})
	if err != nil {
		return st, fmt.Errorf("stream of card %s: %w", card, err)
	}
	for _, rec := range s.Records {
		for _, v := range []string{rec.V("Amount"), rec.V("Points")} {
			if n, err := kakatong.ParseAmount(v); err == nil {
				st.Used[n], st.Used[n/100], st.Used[n/200] = true, true, true
			}
		}
	}
	return st, nil
}
