package kakatong

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"paycert/codecs/gbkxml"
	"paycert/platforms/catalog"
)

// Record is one <Record> of a reply: its elements in order, with their texts.
type Record struct {
	Names  []string
	Values map[string]string
}

// Get returns an element's text and whether it was present.
func (r Record) Get(name string) (string, bool) {
	v, ok := r.Values[name]
	return v, ok
}

// V returns an element's text ("" when absent).
func (r Record) V(name string) string { return r.Values[name] }

// Set appends or replaces an element.
func (r *Record) Set(name, value string) {
	if r.Values == nil {
		r.Values = map[string]string{}
	}
	if _, ok := r.Values[name]; !ok {
		r.Names = append(r.Names, name)
	}
	r.Values[name] = value
}

// Reply is a decoded gateway reply, REST or SOAP.
type Reply struct {
	Method  string   // REST method the reply answers
	Records []Record // one for every method but the stream, which has one per trade (possibly none)
	// Wrapped reports whether the fields came inside <Record> (the default
	// form, erratum E-KAKATONG-RECORD-WRAPPER) rather than directly under
	// <TradeResult>.
	Wrapped bool
	// Licence is the licence result when a SOAP call returned a bare number
	// ("1".."4"); "" otherwise.
	Licence string
	// Charset is the encoding the reply was decoded from ("UTF-8", "GBK").
	Charset string
	// Extra lists elements beside the <Record> elements the catalogue does
	// not know, as "TradeResult/<name>=<text>": the seed does not forbid
	// them, so a caller reports them rather than refusing the reply.
	Extra []string
}

// Code returns the reply's result code: the SOAP licence number, else the
// method's code field of the first record ("" for a stream reply, which
// carries no code on success).
func (r *Reply) Code() string {
	if r.Licence != "" {
		return r.Licence
	}
	if len(r.Records) == 0 {
		return ""
	}
	return r.Records[0].V(CodeField(r.Method))
}

// First returns the first record (empty when there is none).
func (r *Reply) First() Record {
	if len(r.Records) == 0 {
		return Record{Values: map[string]string{}}
	}
	return r.Records[0]
}

// IsStreamList reports whether a stream reply lists trades (rather than
// reporting an error record).
func (r *Reply) IsStreamList() bool {
	if r.Method != MethodStream || len(r.Records) == 0 {
		return r.Method == MethodStream && len(r.Records) == 0
	}
	_, hasCode := r.Records[0].Get("PayInForm")
	return !hasCode
}

// ErrProtocol marks a reply that is not a well-formed gateway reply.
var ErrProtocol = errors.New("kakatong: protocol violation")

// ParseReply decodes a REST reply body for method. It accepts the
// <Record>-wrapped and the unwrapped form; the XML declaration's encoding
// is applied strictly (a GB2312 body declared UTF-8 is an error).
func ParseReply(method string, body []byte) (*Reply, error) {
	doc, err := gbkxml.Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s reply: %v", ErrProtocol, method, err)
	}
	root := doc.Root()
	if root == nil || root.Name != "TradeResult" {
		name := ""
		if root != nil {
			name = root.Name
		}
		return nil, fmt.Errorf("%w: %s reply: root element is <%s>, want <TradeResult>", ErrProtocol, method, name)
	}
	r := &Reply{Method: method, Charset: doc.Encoding().String()}
	if err := fillRecords(r, root); err != nil {
		return nil, err
	}
	return r, nil
}

// fillRecords reads the children of <TradeResult> or of a SOAP <return>.
func fillRecords(r *Reply, parent *gbkxml.Node) error {
	recs := parent.All("Record")
	switch {
	case len(recs) > 0 && len(recs) != len(parent.Children):
		for _, c := range parent.Children {
			if c.Name == "Record" {
				continue
			}
			if len(c.Children) > 0 {
				return fmt.Errorf("%w: %s reply: element <%s> beside <Record> has child elements", ErrProtocol, r.Method, c.Name)
			}
			r.Extra = append(r.Extra, parent.Name+"/"+c.Name+"="+c.Text)
		}
		fallthrough
	case len(recs) > 0:
		r.Wrapped = true
		for _, n := range recs {
			rec, err := recordOf(r.Method, n)
			if err != nil {
				return err
			}
			r.Records = append(r.Records, rec)
		}
	case len(parent.Children) > 0:
		rec, err := recordOf(r.Method, parent)
		if err != nil {
			return err
		}
		r.Records = []Record{rec}
	}
	// cTRequest 0012/0 answers with the stream: records of stream fields
	// (or none) rather than one PayInForm record.
	if r.Method == MethodTrade {
		if len(r.Records) == 0 {
			r.Method = MethodStream
		} else if _, ok := r.Records[0].Get("stanceNo"); ok {
			r.Method = MethodStream
		}
	}
	return nil
}

func recordOf(method string, n *gbkxml.Node) (Record, error) {
	var rec Record
	for _, c := range n.Children {
		if len(c.Children) > 0 {
			return rec, fmt.Errorf("%w: %s reply: field <%s> has child elements", ErrProtocol, method, c.Name)
		}
		if _, dup := rec.Get(c.Name); dup {
			return rec, fmt.Errorf("%w: %s reply: field <%s> repeated in one record", ErrProtocol, method, c.Name)
		}
		rec.Set(c.Name, c.Text)
	}
	return rec, nil
}

// StripCodePrefix removes the "(11)" prefix one seed sample puts before
// PayInResult's text.
func StripCodePrefix(s string) string {
	if len(s) >= 4 && s[0] == '(' && s[3] == ')' {
		return s[4:]
	}
	return s
}

// ParseAmount reads an amount in fen: digits ("200"), or a stream amount in
// yuan with two decimals ("110.00" = 11000 fen, erratum
// E-KAKATONG-STREAM-AMOUNT).
func ParseAmount(s string) (int64, error) {
	if whole, frac, ok := strings.Cut(s, "."); ok {
		if len(frac) != 2 || !catalog.IsDigits(whole) || !catalog.IsDigits(frac) {
			return 0, fmt.Errorf("amount %q: want yuan with two decimals", s)
		}
		y, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || y > 1<<50 {
			return 0, fmt.Errorf("amount %q out of range", s)
		}
		f, _ := strconv.ParseInt(frac, 10, 64)
		return y*100 + f, nil
	}
	if !catalog.IsDigits(s) || len(s) > 15 {
		return 0, fmt.Errorf("amount %q: want fen digits", s)
	}
	return strconv.ParseInt(s, 10, 64)
}

// FormatYuan renders fen as yuan with two decimals (stream records).
func FormatYuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
