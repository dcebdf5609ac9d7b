package kakatong

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"strings"

	"paycert/codecs/gbkxml"
)

// SOAP 1.2 constants of the gateway's WSDL (erratum E-KAKATONG-WSDL).
const (
	SOAPEnvNS   = "http://www.w3.org/2003/05/soap-envelope"
	SOAP11EnvNS = "http://schemas.xmlsoap.org/soap/envelope/"
	TargetNS    = "urn:kakatong:gateway"
	XSINS       = "http://www.w3.org/2001/XMLSchema-instance"
	XSDNS       = "http://www.w3.org/2001/XMLSchema"
)

// Charsets a SOAP message may use. GB2312 is a subset of GBK, so the GBK
// codec reads and writes it; the label on the wire stays GB2312.
const (
	CharsetGB2312 = "GB2312"
	CharsetUTF8   = "UTF-8"
)

// IsGBCharset reports whether a charset label names GB2312 or GBK.
func IsGBCharset(label string) bool {
	switch strings.ToUpper(strings.TrimSpace(label)) {
	case "GB2312", "GBK", "CP936", "GB_2312-80":
		return true
	}
	return false
}

// SOAPContentType is the Content-Type of a SOAP 1.2 message.
func SOAPContentType(charset, op string) string {
	ct := "application/soap+xml; charset=" + charset
	if op != "" {
		ct += `; action="` + TargetNS + "#" + op + `"`
	}
	return ct
}

// newWriter starts a message in charset: GB2312 is written by the GBK
// writer with the declaration relabelled (gbkxml.Writer only declares
// "GBK"; the bytes are identical for every GB2312 character).
func newWriter(charset string) (*gbkxml.Writer, func([]byte) []byte) {
	if IsGBCharset(charset) {
		w := gbkxml.NewWriter(nil, gbkxml.GBK)
		return w, func(b []byte) []byte {
			return relabel(b, `encoding="GBK"`, `encoding="`+charset+`"`)
		}
	}
	return gbkxml.NewWriter(nil, gbkxml.UTF8), func(b []byte) []byte { return b }
}

func relabel(b []byte, from, to string) []byte {
	i := bytes.Index(b, []byte(from))
	if i < 0 || i > 64 {
		return b
	}
	out := make([]byte, 0, len(b)+len(to)-len(from))
	out = append(out, b[:i]...)
	out = append(out, to...)
	return append(out, b[i+len(from):]...)
}

// BuildSOAPRequest writes the SOAP 1.2 envelope calling op with params (in
// the operation's WSDL order; names not in params are left out).
func BuildSOAPRequest(op Operation, params map[string]string, charset string) ([]byte, error) {
	w, fix := newWriter(charset)
	w.Start("env:Envelope")
	w.Attr("xmlns:env", SOAPEnvNS)
	w.Attr("xmlns:k", TargetNS)
	w.Start("env:Body")
	w.Start("k:" + op.Name)
	for _, p := range op.Params {
		if v, ok := params[p]; ok {
			w.Element("k:"+p, v)
		}
	}
	w.End("k:" + op.Name)
	w.End("env:Body")
	w.End("env:Envelope")
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("kakatong: build %s envelope: %w", op.Name, err)
	}
	return fix(w.Bytes()), nil
}

// SOAPCall is a decoded SOAP request.
type SOAPCall struct {
	Op      string            // operation (local name of the Body's child)
	Params  map[string]string // parameters by local name
	Order   []string          // parameter names as sent
	EnvNS   string            // namespace of the Envelope element
	OpNS    string            // namespace of the operation element
	Charset string            // "UTF-8" or "GBK"
	Label   string            // encoding label as declared, "" when none
}

// ErrSOAPVersion marks an envelope that is not SOAP 1.2.
var ErrSOAPVersion = errors.New("kakatong: not a SOAP 1.2 envelope")

// ParseSOAPRequest decodes a SOAP 1.2 request envelope.
func ParseSOAPRequest(body []byte) (*SOAPCall, error) {
	doc, err := gbkxml.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: SOAP request: %v", ErrProtocol, err)
	}
	env := doc.Root()
	if env == nil || env.Name != "Envelope" {
		return nil, fmt.Errorf("%w: SOAP request: root is not an Envelope", ErrProtocol)
	}
	ns := nsOf(env, env)
	if ns != SOAPEnvNS {
		return nil, fmt.Errorf("%w (namespace %q)", ErrSOAPVersion, ns)
	}
	var bodyNode *gbkxml.Node
	for _, c := range env.Children {
		if c.Name == "Body" {
			bodyNode = c
		}
	}
	if bodyNode == nil || len(bodyNode.Children) != 1 {
		return nil, fmt.Errorf("%w: SOAP request: Body must hold exactly one operation element", ErrProtocol)
	}
	opn := bodyNode.Children[0]
	call := &SOAPCall{Op: opn.Name, Params: map[string]string{}, EnvNS: ns, OpNS: nsOf(opn, env, bodyNode, opn),
		Charset: doc.Encoding().String(), Label: doc.EncodingLabel()}
	for _, p := range opn.Children {
		if len(p.Children) > 0 {
			return nil, fmt.Errorf("%w: SOAP %s: parameter <%s> has child elements", ErrProtocol, opn.Name, p.Name)
		}
		if _, dup := call.Params[p.Name]; dup {
			return nil, fmt.Errorf("%w: SOAP %s: parameter <%s> repeated", ErrProtocol, opn.Name, p.Name)
		}
		call.Params[p.Name] = p.Text
		call.Order = append(call.Order, p.Name)
	}
	return call, nil
}

// nsOf resolves n's namespace from the xmlns declarations on the given
// ancestors (outermost first) and n itself.
func nsOf(n *gbkxml.Node, scope ...*gbkxml.Node) string {
	attr := "xmlns"
	if n.Prefix != "" {
		attr = "xmlns:" + n.Prefix
	}
	ns := ""
	for _, s := range scope {
		for _, a := range s.Attrs {
			if a.Name == attr {
				ns = a.Value
			}
		}
	}
	for _, a := range n.Attrs {
		if a.Name == attr {
			ns = a.Value
		}
	}
	return ns
}

// BuildSOAPResponse writes op's response: records as the <return> value
// (one record's fields directly, or <Record> elements for the stream), or
// the bare licence number when licence is set.
func BuildSOAPResponse(op Operation, records []Record, licence, charset string) ([]byte, error) {
	w, fix := newWriter(charset)
	w.Start("env:Envelope")
	w.Attr("xmlns:env", SOAPEnvNS)
	w.Attr("xmlns:k", TargetNS)
	w.Attr("xmlns:xsi", XSINS)
	w.Attr("xmlns:xsd", XSDNS)
	w.Start("env:Body")
	w.Start("k:" + op.Name + "Response")
	switch {
	case licence != "":
		// gbkxml.Writer cannot put text after an attribute, and the number
		// needs no type annotation to be read as one.
		w.Element("k:return", licence)
	case op.Method == MethodStream:
		w.Start("k:return")
		w.Attr("xsi:type", "k:TradeStream")
		for _, r := range records {
			w.Start("k:Record")
			for _, n := range r.Names {
				w.Element("k:"+n, r.Values[n])
			}
			w.End("k:Record")
		}
		w.End("k:return")
	default:
		w.Start("k:return")
		w.Attr("xsi:type", "k:"+ResultType(op.Method))
		if len(records) > 0 {
			for _, n := range records[0].Names {
				w.Element("k:"+n, records[0].Values[n])
			}
		}
		w.End("k:return")
	}
	w.End("k:" + op.Name + "Response")
	w.End("env:Body")
	w.End("env:Envelope")
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("kakatong: build %s response: %w", op.Name, err)
	}
	return fix(w.Bytes()), nil
}

// ResultType is the WSDL type of a method's <return>.
func ResultType(method string) string {
	switch method {
	case MethodTrade:
		return "TradeResult"
	case MethodPassword:
		return "PasswordResult"
	case MethodActivate:
		return "ActivateResult"
	case MethodStream:
		return "TradeStream"
	case MethodInfo:
		return "CardInfoResult"
	case MethodBind:
		return "BindResult"
	}
	return "TradeResult"
}

// BuildSOAPFault writes a SOAP 1.2 fault (code "Sender", "Receiver" or
// "VersionMismatch"). It is always UTF-8: a fault may answer a body whose
// charset could not be read.
func BuildSOAPFault(code, reason string) []byte {
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(reason))
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<env:Envelope xmlns:env="` + SOAPEnvNS + `"><env:Body><env:Fault>` +
		`<env:Code><env:Value>env:` + code + `</env:Value></env:Code>` +
		`<env:Reason><env:Text xml:lang="en">` + esc.String() + `</env:Text></env:Reason>` +
		`</env:Fault></env:Body></env:Envelope>`)
}

// SOAPFault is a fault a SOAP call answered with.
type SOAPFault struct {
	Code, Reason string
}

func (f *SOAPFault) Error() string { return "SOAP fault " + f.Code + ": " + f.Reason }

// ParseSOAPReply decodes op's response (or fault) into a Reply. A reply
// whose Content-Type charset disagrees with its XML declaration is a
// protocol violation (a GB2312 body labelled UTF-8 is the classic bug).
func ParseSOAPReply(op Operation, contentType string, body []byte) (*Reply, error) {
	doc, err := gbkxml.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s response: %v", ErrProtocol, op.Name, err)
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		declared := params["charset"]
		got := doc.Encoding().String()
		if IsGBCharset(declared) != (got == "GBK") {
			return nil, fmt.Errorf("%w: %s response: Content-Type says charset=%s but the XML is %s", ErrProtocol, op.Name, declared, got)
		}
	}
	env := doc.Root()
	if env == nil || env.Name != "Envelope" || nsOf(env, env) != SOAPEnvNS {
		return nil, fmt.Errorf("%w: %s response is not a SOAP 1.2 envelope", ErrProtocol, op.Name)
	}
	b := env.Child("Body")
	if f := b.Child("Fault"); f != nil {
		code, _ := f.Get("Code/Value")
		reason, _ := f.Get("Reason/Text")
		return nil, &SOAPFault{Code: code, Reason: reason}
	}
	resp := b.Child(op.Name + "Response")
	ret := resp.Child("return")
	if ret == nil {
		return nil, fmt.Errorf("%w: %s response lacks %sResponse/return", ErrProtocol, op.Name, op.Name)
	}
	r := &Reply{Method: op.Method, Charset: doc.Encoding().String()}
	if len(ret.Children) == 0 && strings.TrimSpace(ret.Text) != "" {
		r.Licence = strings.TrimSpace(ret.Text)
		return r, nil
	}
	if err := fillRecords(r, ret); err != nil {
		return nil, err
	}
	return r, nil
}
