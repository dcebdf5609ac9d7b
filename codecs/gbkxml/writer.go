// Package gbkxml reads and writes the small XML messages Chinese payment
// platforms exchange, in GBK or UTF-8, fast and strictly.
//
// It knows no platform: a Writer emits elements in the order the caller
// asks, and Parse returns a tree the caller queries by element name
// ("result/id"), ignoring elements it does not know, because vendors add
// elements to replies without notice (seed 002 §1.1).
//
// Why not encoding/xml plus x/text: for these messages that pairing costs
// several allocations per element and a transcoding pass over the whole
// body on each side; the hot paths (a load test encodes and decodes every
// request) need several times less. encoding/xml remains the right tool
// where speed does not matter. Parse also keeps the exact bytes received
// (Doc.Raw), since MACs and signatures are over those bytes, never over a
// re-encoding.
package gbkxml

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
)

// Encoding is the character encoding of a message.
type Encoding int

const (
	// UTF8 is UTF-8; a document without an encoding declaration is UTF-8.
	UTF8 Encoding = iota
	// GBK is GBK (CP936); Parse also uses it for GB2312, its subset.
	GBK
	// GB18030 is GBK plus four-byte sequences. Parse accepts it; Writer
	// does not write it (nothing in the four platforms asks for it).
	GB18030
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case GBK:
		return "GBK"
	case GB18030:
		return "GB18030"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// Writer writes one XML message into a byte slice. Values are escaped and
// encoded straight into the buffer, so the only allocations are the
// buffer's growth. The first error (an invalid name, a rune the encoding
// cannot hold, a mismatched End) is kept in Err and stops further output;
// check it once, before using Bytes.
type Writer struct {
	buf   []byte
	enc   Encoding
	err   error
	open  []string // names of open elements, to check End
	inTag bool     // a start tag is written up to its attributes, '>' pending
}

// NewWriter returns a Writer that appends to dst, starting with the XML
// declaration for enc: <?xml version="1.0" encoding="GBK"?> or
// encoding="UTF-8". enc must be GBK or UTF8.
func NewWriter(dst []byte, enc Encoding) *Writer {
	w := &Writer{}
	w.Reset(dst, enc)
	return w
}

// Reset makes w write a new message into dst, keeping its internal
// bookkeeping storage; a load generator reuses one Writer per worker.
func (w *Writer) Reset(dst []byte, enc Encoding) {
	w.buf, w.enc, w.err, w.open, w.inTag = dst, enc, nil, w.open[:0], false
	switch enc {
	case GBK:
		w.buf = append(w.buf, `<?xml version="1.0" encoding="GBK"?>`...)
	case UTF8:
		w.buf = append(w.buf, `<?xml version="1.0" encoding="UTF-8"?>`...)
	default:
		w.err = fmt.Errorf("gbkxml: Writer cannot write %v (only GBK and UTF-8)", enc)
	}
}

// Bytes returns the message written so far.
func (w *Writer) Bytes() []byte {
	w.closeTag()
	return w.buf
}

// Err returns the first error, or nil.
func (w *Writer) Err() error { return w.err }

// Start opens element name. Attributes may follow with Attr.
func (w *Writer) Start(name string) {
	if w.err != nil || !w.checkName(name) {
		return
	}
	w.closeTag()
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	w.open = append(w.open, name)
	w.inTag = true
}

// Attr adds an attribute to the element just opened by Start (as in
// <business_trans version="1.0">). It is an error anywhere else.
func (w *Writer) Attr(name, value string) {
	if w.err != nil || !w.checkName(name) {
		return
	}
	if !w.inTag {
		w.err = fmt.Errorf("gbkxml: attribute %q outside a start tag", name)
		return
	}
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '=', '"')
	w.text(value, true)
	w.buf = append(w.buf, '"')
}

// End closes element name, which must be the innermost open element.
func (w *Writer) End(name string) {
	if w.err != nil {
		return
	}
	if n := len(w.open); n == 0 || w.open[n-1] != name {
		w.err = fmt.Errorf("gbkxml: End(%q) does not match the open element", name)
		return
	}
	w.open = w.open[:len(w.open)-1]
	w.closeTag()
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

// Element writes <name>value</name>, escaping value. An empty value
// writes <name></name>, the form the iPos samples use for empty fields.
func (w *Writer) Element(name, value string) {
	if w.err != nil || !w.checkName(name) {
		return
	}
	w.closeTag()
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
	w.text(value, false)
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '>')
}

// Text writes escaped character data inside the open element, for the
// rare message that mixes text and child elements.
func (w *Writer) Text(s string) {
	if w.err != nil {
		return
	}
	if len(w.open) == 0 {
		w.err = fmt.Errorf("gbkxml: text %q outside an element", truncate(s))
		return
	}
	w.closeTag()
	w.text(s, false)
}

func (w *Writer) closeTag() {
	if w.inTag {
		w.buf = append(w.buf, '>')
		w.inTag = false
	}
}

// checkName accepts the names protocol messages use: ASCII letters,
// digits, '_', '-', '.', ':' not starting with a digit, '-' or '.'. A name
// is code, not data; refusing anything else keeps data from ever being
// written as markup.
func (w *Writer) checkName(name string) bool {
	ok := name != ""
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
		case '0' <= c && c <= '9', c == '-', c == '.':
			ok = i > 0
		default:
			ok = false
		}
	}
	if !ok {
		w.err = fmt.Errorf("gbkxml: invalid element or attribute name %q", name)
	}
	return ok
}

// text escapes s into the buffer, encoding non-ASCII runs to GBK when the
// message is GBK. '\r' (and in attribute values '\n' and '\t') are written
// as character references so that they survive the normalisation every XML
// parser applies.
func (w *Writer) text(s string, attr bool) {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch {
		case c >= utf8.RuneSelf:
			continue
		case c == '&':
			esc = "&amp;"
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '"':
			esc = "&quot;"
		case c == '\'':
			esc = "&apos;"
		case c == '\r':
			esc = "&#13;"
		case attr && c == '\n':
			esc = "&#10;"
		case attr && c == '\t':
			esc = "&#9;"
		case c < 0x20 && c != '\t' && c != '\n':
			w.err = fmt.Errorf("gbkxml: control character 0x%02X at offset %d of %q cannot appear in XML", c, i, s)
			return
		default:
			continue
		}
		if !w.plain(s, start, i) {
			return
		}
		w.buf = append(w.buf, esc...)
		start = i + 1
	}
	w.plain(s, start, len(s))
}

// plain appends s[start:end], which needs no escaping.
func (w *Writer) plain(s string, start, end int) bool {
	if start == end {
		return true
	}
	run := s[start:end]
	if w.enc == GBK {
		var err error
		w.buf, err = gbk.Encode(w.buf, run)
		if err != nil {
			var ge *gbk.Error
			if errors.As(err, &ge) {
				ge.Offset += start
			}
			w.err = fmt.Errorf("gbkxml: value %q: %w", truncate(s), err)
			return false
		}
		return true
	}
	if !utf8.ValidString(run) {
		w.err = fmt.Errorf("gbkxml: value %q is not valid UTF-8", truncate(s))
		return false
	}
	w.buf = append(w.buf, run...)
	return true
}

func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	return strings.ToValidUTF8(s[:40], "") + "..."
}
