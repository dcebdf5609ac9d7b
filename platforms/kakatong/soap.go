package kakatong

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
)

// SOAP 1.2 constants of the gateway's WSDL (erratum E-KAKATONG-WSDL).
const (
	SOAPEnvNS   = "http://www.w3.org/2003/05/soap-envelope"
	SOAP11EnvNS = "http://schemas.xmlsoap.org/soap/envelope/"
	TargetNS    = "urn:kakatong:gateway"
	XSINS       = "http://www.w3.org/2001/XMLSchema-instance"
	XSDNS       = "http://www.w3.org/2001/XMLSchema"
	// SOAPEncNS is SOAP 1.2 encoding, the binding's encodingStyle, and
	// ApacheNS the namespace of apache:Map, the type PHP's SoapClient
	// decodes as an associative array (the seed's client does is_array($res)).
	SOAPEncNS = "http://www.w3.org/2003/05/soap-encoding"
	ApacheNS  = "http://xml.apache.org/xml-soap"
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

// BuildSOAPRequest writes the SOAP 1.2 RPC envelope calling op with params
// as the seed's PHP SoapClient does from the WSDL (erratum E-KAKATONG-WSDL):
// the operation element in the gateway's namespace with the SOAP encoding
// style, one unqualified element per parameter in the operation's order
// (names not in params are left out).
func BuildSOAPRequest(op Operation, params map[string]string, charset string) ([]byte, error) {
	w, fix := newWriter(charset)
	w.Start("env:Envelope")
	w.Attr("xmlns:env", SOAPEnvNS)
	w.Attr("xmlns:k", TargetNS)
	w.Start("env:Body")
	w.Start("k:" + op.Name)
	w.Attr("env:encodingStyle", SOAPEncNS)
	for _, p := range op.Params {
		if v, ok := params[p]; ok {
			w.Element(p, v)
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

// BuildSOAPResponse writes op's RPC response as a PHP SoapServer does (the
// seed's gateway is PHP: its sample client reads is_array($res) and
// $res['PayInForm']): the one record as an apache:Map of field name to
// text, the stream's records as a SOAP-encoded array of such maps, or the
// bare licence number as an xsd:int.
func BuildSOAPResponse(op Operation, records []Record, licence, charset string) ([]byte, error) {
	w, fix := newWriter(charset)
	w.Start("env:Envelope")
	w.Attr("xmlns:env", SOAPEnvNS)
	w.Attr("xmlns:k", TargetNS)
	w.Attr("xmlns:xsi", XSINS)
	w.Attr("xmlns:xsd", XSDNS)
	w.Attr("xmlns:apache", ApacheNS)
	w.Attr("xmlns:enc", SOAPEncNS)
	w.Start("env:Body")
	w.Start("k:" + op.Name + "Response")
	w.Attr("env:encodingStyle", SOAPEncNS)
	w.Start("return")
	switch {
	case licence != "":
		w.Attr("xsi:type", "xsd:int")
		w.Text(licence)
	case op.Method == MethodStream:
		w.Attr("xsi:type", "enc:Array")
		w.Attr("enc:itemType", "apache:Map")
		w.Attr("enc:arraySize", strconv.Itoa(len(records)))
		for _, r := range records {
			w.Start("item")
			w.Attr("xsi:type", "apache:Map")
			writeMap(w, r)
			w.End("item")
		}
	default:
		w.Attr("xsi:type", "apache:Map")
		if len(records) > 0 {
			writeMap(w, records[0])
		}
	}
	w.End("return")
	w.End("k:" + op.Name + "Response")
	w.End("env:Body")
	w.End("env:Envelope")
	if err := w.Err(); err != nil {
		return nil, fmt.Errorf("kakatong: build %s response: %w", op.Name, err)
	}
	return fix(w.Bytes()), nil
}

// writeMap writes a record's fields as apache:Map items, in order.
func writeMap(w *gbkxml.Writer, r Record) {
	for _, n := range r.Names {
		w.Start("item")
		w.Element("key", n)
		w.Element("value", r.Values[n])
		w.End("item")
	}
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
	if isMap(ret) || isMapArray(ret) {
		if err := fillMaps(r, ret); err != nil {
			return nil, err
		}
		return r, nil
	}
	// The document/literal reading: the fields, or <Record> elements,
	// directly in <return>.
	if err := fillRecords(r, ret); err != nil {
		return nil, err
	}
	return r, nil
}

// isMap reports whether n is an apache:Map: <item><key/><value/></item>...
// (an empty <return> is an empty map only when typed so).
func isMap(n *gbkxml.Node) bool {
	if len(n.Children) == 0 {
		t, _ := n.Attr("type")
		return strings.HasSuffix(t, ":Map")
	}
	for _, c := range n.Children {
		if c.Name != "item" || len(c.Children) != 2 || c.Children[0].Name != "key" || c.Children[1].Name != "value" {
			return false
		}
	}
	return true
}

// isMapArray reports whether n is a SOAP array whose items are maps.
func isMapArray(n *gbkxml.Node) bool {
	t, _ := n.Attr("type")
	if !strings.HasSuffix(t, ":Array") {
		return false
	}
	for _, c := range n.Children {
		if c.Name != "item" || !isMap(c) {
			return false
		}
	}
	return true
}

// fillMaps reads a map (one record) or an array of maps (the stream).
func fillMaps(r *Reply, ret *gbkxml.Node) error {
	maps := []*gbkxml.Node{ret}
	if isMapArray(ret) {
		maps = ret.Children
	}
	for _, m := range maps {
		var rec Record
		for _, it := range m.Children {
			k := it.Children[0]
			if len(k.Children) > 0 || len(it.Children[1].Children) > 0 {
				return fmt.Errorf("%w: %s reply: map item %q is not a key and a text", ErrProtocol, r.Method, k.Text)
			}
			if _, dup := rec.Get(k.Text); dup {
				return fmt.Errorf("%w: %s reply: key %q repeated in one map", ErrProtocol, r.Method, k.Text)
			}
			rec.Set(k.Text, it.Children[1].Text)
		}
		r.Records = append(r.Records, rec)
	}
	if r.Method == MethodTrade && len(r.Records) > 0 {
		if _, ok := r.Records[0].Get("stanceNo"); ok {
			r.Method = MethodStream
		}
	}
	return nil
}

// GBKLen is the length of s in GB2312/GBK bytes, the unit the gateway's
// parameter lengths count in: the seed's pages and its PHP client are
// GB2312 ("简体中文为GB2312", 'encoding'=>'GB2312'), where a Chinese
// character is two bytes. A string GBK cannot encode counts its UTF-8
// bytes (never shorter than its GBK form would be); the charset check
// refuses it before any length rule.
func GBKLen(s string) int {
	if b, err := gbk.EncodeString(s); err == nil {
		return len(b)
	}
	return len(s)
}

// UTF8DeclaredGB reports whether body, declared GB2312/GBK, is in fact
// UTF-8 text with Chinese in it: valid UTF-8 holding a three-byte sequence
// (U+0800 and above, where every CJK character lies). GB2312 text that is
// also valid UTF-8 with such a sequence needs a level-2 hanzi followed by
// bytes no GB2312 character starts with: not seen in practice, so the
// mismatch is reported instead of decoding the body into mojibake.
func UTF8DeclaredGB(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r >= 0x800 {
			return true
		}
		i += n
	}
	return false
}
