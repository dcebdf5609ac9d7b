package hzcard

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/platforms/catalog"
)

// Request is the envelope of §2.4. Field order is the seed's, so a marshalled
// request reads like the table; Sign is last and empty until SignMessage
// fills it in.
type Request struct {
	JoinInstID  string          `json:"joininstid"`
	JoinInstSSN string          `json:"joininstssn"`
	AreaFlag    string          `json:"areaflag"`
	ReqDate     string          `json:"reqdate"`
	ReqTime     string          `json:"reqtime"`
	InstID      string          `json:"instid"`
	MchntID     string          `json:"mchntid"`
	NetID       string          `json:"netid"`
	TermID      string          `json:"termid"`
	TermSeq     string          `json:"termseq"`
	OprID       string          `json:"oprid"`
	BatchNo     string          `json:"batchno"`
	ChnlID      string          `json:"chnlid"`
	Data        json.RawMessage `json:"data,omitempty"`
	Sign        string          `json:"sign"`
}

// Reply is the envelope of §2.5.
type Reply struct {
	Result     string          `json:"result"`
	ResultDesc string          `json:"resultdesc"`
	Data       json.RawMessage `json:"data,omitempty"`
	Sign       string          `json:"sign"`

	// scan is the body ParseReply decoded the reply from, which
	// VerifyReply and CheckReply read; nil for a reply built otherwise.
	scan *Received
}

// OK reports whether the reply is a success (000000).
func (r Reply) OK() bool { return r.Result == CodeOK }

// Marshal encodes v as compact JSON without HTML escaping (amounts, hex and
// Chinese texts travel as they are; Go's default would turn "<" into \u003c,
// which a peer re-serialising the message would not reproduce).
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// SignMessage signs a JSON message (a request or a reply) under profile p and
// returns it with the signature spliced into its top-level "sign" member: 128
// uppercase hex digits r‖s (erratum E-HZ-SIGN-DOMAIN). msg must carry a
// "sign" member (its value is ignored).
func SignMessage(k *sm2.PrivateKey, p signdomain.Profile, msg []byte) ([]byte, error) {
	// One scan serves both the domain and the splice: a load profile showed
	// the three scans this used to make (blank, domain, fill in) at about
	// 40 % of building and signing a request. Domain blanks the sign value
	// itself under the sign-empty profiles, so no blanked copy is needed.
	m, err := signdomain.Parse(msg)
	if err != nil {
		return nil, fmt.Errorf("hzcard: sign: %w", err)
	}
	if !m.HasSign() {
		return nil, errors.New("hzcard: sign: message has no top-level \"sign\" member to fill in")
	}
	dom, err := m.Domain(p)
	if err != nil {
		return nil, fmt.Errorf("hzcard: sign domain: %w", err)
	}
	sig, err := sm2.Sign(rand.Reader, k, nil, dom)
	if err != nil {
		return nil, fmt.Errorf("hzcard: sign: %w", err)
	}
	out, err := m.SetSign(upperHex(sig))
	if err != nil {
		return nil, fmt.Errorf("hzcard: sign: %w", err)
	}
	return out, nil
}

// upperHex is strings.ToUpper(sig.Hex()) without the intermediate string.
func upperHex(sig sm2.Signature) string {
	return string(appendUpperHex(nil, sig))
}

// appendUpperHex appends the signature's r‖s in uppercase hex.
func appendUpperHex(b []byte, sig sm2.Signature) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range sig.Raw() {
		b = append(b, digits[c>>4], digits[c&0x0f])
	}
	return b
}

// ErrBadSignature is wrapped by VerifyMessage when the signature is absent,
// malformed or does not verify.
var ErrBadSignature = errors.New("hzcard: signature does not verify")

// VerifyMessage checks the "sign" member of msg under profile p.
func VerifyMessage(pub *sm2.PublicKey, p signdomain.Profile, msg []byte) error {
	return Scan(msg).Verify(pub, p)
}

// Received is a received message scanned once for both checks a receiver
// makes, its signature (Verify) and its fields (CheckFields): a load
// profile of hzcard-charge showed the separate decodes of each check at
// ~20 % of a flow apart from SM2. The caller must not modify the message
// while it uses the Received.
type Received struct {
	msg     []byte
	m       signdomain.Message
	err     error             // the scan's: not a JSON object with one string "sign"
	data    signdomain.Object // the data member, when it is an object (hasData)
	hasData bool
}

// Scan scans msg; a message that does not scan still has its checks (they
// report it), so Scan itself cannot fail.
func Scan(msg []byte) Received {
	m, err := signdomain.Parse(msg)
	r := Received{msg: msg, m: m, err: err}
	if err == nil {
		r.data, r.hasData = m.Top().Object("data")
	}
	return r
}

// Request returns the message decoded as a request envelope, exactly as
// encoding/json decodes it, when every member is a plain string (no
// escapes, as plainString) under its exact field name, data being any
// value; false otherwise (an unscanned message, another member, a letter
// case json would fold, an escape, a non-string), and the caller decodes
// with encoding/json. A load profile of hzcard-charge showed the
// simulator's envelope decode at ~5 % of a flow apart from SM2. The field
// names come from Request's struct tags through the same table the hand
// encoder and DecodeData read (plans), so they are written once.
func (r Received) Request() (Request, bool) {
	var q Request
	if r.err != nil || !decodePlain(r.m.Top(), reflect.ValueOf(&q).Elem()) {
		return Request{}, false
	}
	return q, true
}

// Reply is Request for a reply envelope.
func (r Received) Reply() (Reply, bool) {
	var p Reply
	if r.err != nil || !decodePlain(r.m.Top(), reflect.ValueOf(&p).Elem()) {
		return Reply{}, false
	}
	return p, true
}

// Verify is VerifyMessage of the scanned message.
func (r Received) Verify(pub *sm2.PublicKey, p signdomain.Profile) error {
	// One scan for the value and the domain (see SignMessage). Under the
	// sign-empty profiles Domain blanks the received value itself.
	if r.err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, r.err)
	}
	v, ok, err := r.m.SignValue()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if !ok || v == "" {
		return fmt.Errorf("%w: no sign member", ErrBadSignature)
	}
	sig, err := sm2.ParseSignature([]byte(v))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	dom, err := r.m.Domain(p)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if !sm2.Verify(pub, nil, dom, sig) {
		return ErrBadSignature
	}
	return nil
}

// EncodeRequest marshals r with data d (any JSON-marshalable value, or nil)
// and "sign":"", ready for SignMessage.
func EncodeRequest(r Request, d any) ([]byte, error) {
	// The hand encoder (encode.go) embeds Data as it is, which Marshal does
	// only for compact JSON: data encoded here, or none.
	compact := d != nil || len(r.Data) == 0
	if d != nil {
		b, err := encodeData(d)
		if err != nil {
			return nil, fmt.Errorf("hzcard: encode data: %w", err)
		}
		r.Data = b
	}
	r.Sign = ""
	if compact {
		if b, ok := appendPlain(r, signRoom); ok {
			return b, nil
		}
	}
	return Marshal(r)
}

// EncodeReply marshals a reply with data d (nil for none) and "sign":"".
func EncodeReply(result, desc string, d any) ([]byte, error) {
	r := Reply{Result: result, ResultDesc: desc}
	if d != nil {
		b, err := encodeData(d)
		if err != nil {
			return nil, fmt.Errorf("hzcard: encode data: %w", err)
		}
		r.Data = b
	}
	if b, ok := appendPlain(r, signRoom); ok {
		return b, nil
	}
	return Marshal(r)
}

// SignedRequest is EncodeRequest then SignMessage. Under SignEmpty the
// domain is the encoded message itself (its last member is "sign":"", as
// Marshal writes Request), so the signature is spliced into that member
// without SignMessage's validation and scan of JSON this package has just
// written: ~6 µs and a copy of the message per signature on the load path.
// Other profiles take SignMessage.
func SignedRequest(k *sm2.PrivateKey, p signdomain.Profile, r Request, d any) ([]byte, error) {
	msg, err := EncodeRequest(r, d)
	if err != nil {
		return nil, err
	}
	return signEncoded(k, p, msg)
}

// SignedReply is EncodeReply then SignMessage, as SignedRequest.
func SignedReply(k *sm2.PrivateKey, p signdomain.Profile, result, desc string, d any) ([]byte, error) {
	msg, err := EncodeReply(result, desc, d)
	if err != nil {
		return nil, err
	}
	return signEncoded(k, p, msg)
}

// signEncoded signs msg, which EncodeRequest or EncodeReply produced.
func signEncoded(k *sm2.PrivateKey, p signdomain.Profile, msg []byte) ([]byte, error) {
	const last = `,"sign":""}` // Sign is the last field of Request and Reply, never omitted
	if p != signdomain.SignEmpty || !bytes.HasSuffix(msg, []byte(last)) {
		return SignMessage(k, p, msg)
	}
	sig, err := sm2.Sign(rand.Reader, k, nil, msg)
	if err != nil {
		return nil, fmt.Errorf("hzcard: sign: %w", err)
	}
	// msg is this package's fresh encoding, read by nobody after the
	// signature: the value is written in place, into the room the encoders
	// leave for it (signRoom), from the blank value's closing quote on.
	out := appendUpperHex(msg[:len(msg)-2], sig)
	return append(out, `"}`...), nil
}

// DataBytes returns the data member as a JSON object, unwrapping the string
// form §2.4 types it as (erratum E-HZ-DATA-OBJECT). Empty means absent.
func DataBytes(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("hzcard: data string: %w", err)
		}
		raw = []byte(strings.TrimSpace(s))
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("hzcard: data is not a JSON object")
	}
	return raw, nil
}

// Text is a JSON value received as a string or a number; seed 003 types
// apdunum "int" in 4.1 and "String" elsewhere. It always marshals as a
// string.
type Text string

// UnmarshalJSON accepts a string, a number or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case plainString(b):
		// Most values are plain ASCII digits and letters: taking the bytes
		// between the quotes is what json.Unmarshal returns for them, without
		// its validation pass and reflection (a load profile of hzcard-charge
		// showed Text decoding at ~3 % of the CPU).
		*t = Text(b[1 : len(b)-1])
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case string(b) == "null":
		*t = ""
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string or a number, got %s", b)
		}
		*t = Text(n.String())
	}
	return nil
}

// plainString reports whether b is a complete JSON string token without
// escapes, control characters or invalid UTF-8, whose decoded value is then
// exactly the bytes between its quotes.
func plainString(b []byte) bool {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return false
	}
	in := b[1 : len(b)-1]
	for _, c := range in {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.Valid(in)
}

// APDUs is an APDU list field: a comma-separated string on the wire, a JSON
// array of strings accepted on input (erratum E-HZ-APDULIST-FORMAT).
type APDUs string

// UnmarshalJSON accepts a string or an array of strings.
func (a *APDUs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var items []string
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		*a = APDUs(strings.Join(items, ","))
		return nil
	}
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	*a = APDUs(t)
	return nil
}

// Amount formats fen as the decimal string the seed's amount fields carry.
func Amount(fen int64) string { return strconv.FormatInt(fen, 10) }

// ParseAmount reads a fen amount: decimal digits only, at most 10.
func ParseAmount(s string) (int64, error) {
	if len(s) > 10 || !catalog.IsDigits(s) {
		return 0, fmt.Errorf("amount %q: want 1 to 10 decimal digits (fen)", s)
	}
	return strconv.ParseInt(s, 10, 64)
}

// CustInfo is the customer information of 4.10-4.13 (erratum E-HZ-CUSTINFO).
type CustInfo struct {
	Name   string `json:"name"`
	IDType string `json:"idtype"`
	IDNo   string `json:"idno"`
	Mobile string `json:"mobile,omitempty"`
}

// CardInfoQueryReq is 4.1.1.
type CardInfoQueryReq struct {
	APDUNum  Text  `json:"apdunum"`
	APDUList APDUs `json:"apdulist"`
	APDUResp APDUs `json:"apduresp"`
}

// CardInfo is 4.1.2.
type CardInfo struct {
	CardNo         string `json:"cardno"`
	CardFaceNo     string `json:"cardfaceno"`
	CardStatus     string `json:"cardstatus"`
	CardStatusDesc string `json:"cardstatusdesc"`
	CardType       string `json:"cardtype"`
	CardTypeName   string `json:"cardtypename"`
	InitFlag       string `json:"initflag"`
	InitFlagDesc   string `json:"initflagdesc"`
	CardSaleDate   string `json:"cardsaledate"`
	CardValDate    string `json:"cardvaldate"`
	ChargeBase     string `json:"chargebase"`
	MinSvAmt       string `json:"minsvamt"`
	MaxSvAmt       string `json:"maxsvamt"`
	WalletMaxBal   string `json:"walletmaxbal"`
	CardBal        string `json:"cardbal"`
}

// OrderCreateReq is 4.2.1.
type OrderCreateReq struct {
	CardNo     string `json:"cardno"`
	ChargeType string `json:"chargetype"`
	PayType    string `json:"paytype"`
	PayOrderNo string `json:"payorderno,omitempty"`
	TxnAmt     Text   `json:"txnamt"`
}

// Times are txntime, txndate and settdate, which most replies carry.
type Times struct {
	TxnTime  string `json:"txntime"`
	TxnDate  string `json:"txndate"`
	SettDate string `json:"settdate"`
}

// APDUReply is the reply of 4.2, 4.5 and 4.7: an order number and commands
// to run (4.7 carries no times: they are omitted then).
type APDUReply struct {
	OrderNo  string `json:"orderno"`
	APDUNum  Text   `json:"apdunum"`
	APDUList APDUs  `json:"apdulist"`
	TxnTime  string `json:"txntime,omitempty"`
	TxnDate  string `json:"txndate,omitempty"`
	SettDate string `json:"settdate,omitempty"`
}

// OrderQueryReq is 4.3.1.
type OrderQueryReq struct {
	CardNo        string `json:"cardno"`
	OrderNo       string `json:"orderno,omitempty"`
	OrderState    string `json:"orderstate,omitempty"`
	RecNumPerPage Text   `json:"recnumperpage"`
	CurrPage      Text   `json:"currpage"`
	OrderBy       Text   `json:"orderby"`
}

// OrderItem is one element of 4.3.2's orderlist.
type OrderItem struct {
	OrderNo        string `json:"orderno"`
	CardNo         string `json:"cardno"`
	OrderState     string `json:"orderstate"`
	OrderStateDesc string `json:"orderstatedesc"`
	OrderAmt       string `json:"orderamt"`
	OrderDate      string `json:"orderdate"`
	OrderTime      string `json:"ordertime"`
	TxnDate        string `json:"txndate,omitempty"`
	TxnTime        string `json:"txntime,omitempty"`
	OrderType      string `json:"ordertype"`
	OrderTypeDesc  string `json:"ordertypedesc"`
	ChnlID         string `json:"chnlid"`
	ChnlIDDesc     string `json:"chnliddesc"`
	PayType        string `json:"paytype"`
	PayTypeDesc    string `json:"paytypedesc"`
	PayState       string `json:"paystate"`
	PayStateDesc   string `json:"paystatedesc"`
}

// OrderQueryRep is 4.3.2.
type OrderQueryRep struct {
	CurrPage      int         `json:"currpage"`
	RecNumPerPage int         `json:"recnumperpage"`
	TotalNum      int         `json:"totalnum"`
	TotalPage     int         `json:"totalpage"`
	OrderList     []OrderItem `json:"orderlist"`
}

// OrderCancelReq is 4.4.1 (the reply has no data).
type OrderCancelReq struct {
	CardNo  string `json:"cardno"`
	OrderNo string `json:"orderno,omitempty"`
}

// ChargeReq is the request of 4.5, 4.6, 4.7 and 4.8: the order, its payment,
// and (4.5 by erratum E-HZ-CHARGE-APDU, 4.6, 4.8) the commands run and their
// results.
type ChargeReq struct {
	CardNo     string `json:"cardno"`
	OrderNo    string `json:"orderno"`
	ChargeType string `json:"chargetype"`
	PayType    string `json:"paytype"`
	PayOrderNo string `json:"payorderno,omitempty"`
	APDUNum    Text   `json:"apdunum,omitempty"`
	APDUList   APDUs  `json:"apdulist,omitempty"`
	// APDUResp is a pointer so that an empty result list (the card tore
	// before answering) is sent as "" rather than left out.
	APDUResp *APDUs `json:"apduresp,omitempty"`
	TxnAmt   Text   `json:"txnamt"`
}

// Resp returns apduresp ("" when absent).
func (r ChargeReq) Resp() APDUs {
	if r.APDUResp == nil {
		return ""
	}
	return *r.APDUResp
}

// RespOf wraps a result list for ChargeReq.APDUResp.
func RespOf(s string) *APDUs {
	a := APDUs(s)
	return &a
}

// SaleReq is 4.10.1.
type SaleReq struct {
	CardNo       string    `json:"cardno"`
	APDUNum      Text      `json:"apdunum"`
	APDUList     APDUs     `json:"apdulist"`
	RealNameFlag string    `json:"realnameflag"`
	PayType      string    `json:"paytype"`
	PayOrderNo   string    `json:"payorderno,omitempty"`
	CustInfo     *CustInfo `json:"custinfo,omitempty"`
}

// SaleRep is 4.10.2.
type SaleRep struct {
	RefNum   string `json:"refnum"`
	OrderNo  string `json:"orderno"`
	APDUNum  Text   `json:"apdunum"`
	APDUList APDUs  `json:"apdulist"`
	Times
}

// SaleConfirmReq is 4.11.1.
type SaleConfirmReq struct {
	CardNo       string    `json:"cardno"`
	CardResult   string    `json:"cardresult"`
	APDUNum      Text      `json:"apdunum"`
	APDUList     APDUs     `json:"apdulist"`
	RealNameFlag string    `json:"realnameflag"`
	PayType      string    `json:"paytype"`
	PayOrderNo   string    `json:"payorderno,omitempty"`
	CustInfo     *CustInfo `json:"custinfo,omitempty"`
	OrderNo      string    `json:"orderno"`
	RefNum       string    `json:"refnum"`
}

// SaleConfirmRep is 4.11.2.
type SaleConfirmRep struct {
	RefNum       string `json:"refnum"`
	CardPdpt     string `json:"cardpdpt"`
	OrgiCardPdpt string `json:"orgicardpdpt"`
	Times
}

// ReturnApplyReq is 4.12.1.
type ReturnApplyReq struct {
	CardNo     string    `json:"cardno"`
	ReturnType string    `json:"returntype"`
	CardBal    Text      `json:"cardbal"`
	APDUNum    Text      `json:"apdunum"`
	APDUList   APDUs     `json:"apdulist"`
	CustInfo   *CustInfo `json:"custinfo,omitempty"`
}

// ReturnApplyRep is 4.12.1.1.
type ReturnApplyRep struct {
	RefNum    string `json:"refnum"`
	OrderNo   string `json:"orderno"`
	ReturnAmt string `json:"returnamt"`
	APDUNum   Text   `json:"apdunum"`
	APDUList  APDUs  `json:"apdulist"`
	Times
}

// ReturnConfirmReq is 4.13.1.
type ReturnConfirmReq struct {
	CardNo   string    `json:"cardno"`
	RefNum   string    `json:"refnum"`
	OrderNo  string    `json:"orderno"`
	APDUNum  Text      `json:"apdunum"`
	APDUList APDUs     `json:"apdulist"`
	CustInfo *CustInfo `json:"custinfo,omitempty"`
}

// ReturnConfirmRep is 4.13.2.
type ReturnConfirmRep struct {
	RefNum  string `json:"refnum"`
	OrderNo string `json:"orderno"`
	Times
}
