package gbkxml

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
)

// MaxDepth is the deepest element nesting Parse accepts. Payment messages
// nest three or four levels; the limit keeps hostile input from costing
// more than its size.
const MaxDepth = 64

// MaxAttrs is the most attributes one element may carry. Messages use one
// or two; the limit keeps the duplicate check cheap on hostile input.
const MaxAttrs = 64

// SyntaxError reports input Parse refuses, at a byte offset in the raw
// input (not in a decoded copy), so an engineer can find it with a hex
// dump of what was on the wire.
type SyntaxError struct {
	Offset int
	Msg    string
	Err    error // the underlying *gbk.Error for an encoding error, else nil
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("gbkxml: offset %d: %s", e.Offset, e.Msg)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Parse parses one message. The encoding comes from the XML declaration
// (GBK, GB2312, CP936, GB18030 or UTF-8, any case; no declaration means
// UTF-8) and is applied strictly: an invalid byte sequence is an error at
// its offset, not a replacement character.
//
// Parse accepts well-formed XML 1.0 without a DTD: elements, attributes,
// character data, CDATA sections, comments and processing instructions. It
// refuses a DOCTYPE, any entity other than the five predefined ones and
// numeric character references (so no entity expansion), nesting deeper
// than MaxDepth, and anything malformed. It never panics.
//
// The Doc keeps b (see Doc.Raw); texts are copied out of it.
func Parse(b []byte) (*Doc, error) {
	p := &parser{b: b}
	if err := p.prolog(); err != nil {
		return nil, err
	}
	p.src = string(b)
	est := bytes.Count(b, []byte{'<'})/2 + 1
	p.slab = make([]Node, 0, est)
	p.arena = make([]*Node, 0, est)
	p.kids = make([]*Node, 0, est)
	p.stack = make([]frame, 0, 8)
	root, err := p.document()
	if err != nil {
		return nil, err
	}
	return &Doc{root: root, raw: b, enc: p.enc, label: p.label}, nil
}

type parser struct {
	b     []byte
	src   string // string(b): ASCII names and texts are substrings of it
	enc   Encoding
	label string
	pos   int

	slab    []Node  // nodes are carved from here, a slab at a time
	arena   []*Node // Children slices are carved from here
	kids    []*Node // children of the open elements, innermost last
	stack   []frame // open elements
	scratch []byte  // decoding buffer for texts that are not plain ASCII
}

type frame struct {
	n                  *Node
	nameStart, nameEnd int // raw name, to match the end tag
	kidStart           int // index in kids of this element's first child
	hasKids            bool
	// multi is set once the element's text comes in more than one piece
	// (mixed content, CDATA next to text); buf then collects it, so that
	// many small pieces cost linear, not quadratic, time.
	multi bool
	buf   []byte
}

func (p *parser) errorf(off int, format string, a ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, a...)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skipSpace() {
	for p.pos < len(p.b) && isSpace(p.b[p.pos]) {
		p.pos++
	}
}

// prolog reads a byte-order mark and the XML declaration and sets the
// encoding.
func (p *parser) prolog() error {
	b := p.b
	bom := false
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		bom, p.pos = true, 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return p.errorf(0, "UTF-16 byte-order mark: UTF-16 is not supported")
	}
	if !bytes.HasPrefix(b[p.pos:], []byte("<?xml")) || len(b) <= p.pos+5 || !isSpace(b[p.pos+5]) {
		return nil // no declaration: UTF-8
	}
	start := p.pos
	end := bytes.Index(b[start:], []byte("?>"))
	if end < 0 {
		return p.errorf(start, "unterminated XML declaration")
	}
	end += start
	p.pos = start + 5
	seen := 0
	for {
		p.skipSpace()
		if p.pos >= end {
			break
		}
		ns := p.pos
		for p.pos < end && b[p.pos] >= 'a' && b[p.pos] <= 'z' {
			p.pos++
		}
		name := string(b[ns:p.pos])
		p.skipSpace()
		if p.pos >= end || b[p.pos] != '=' {
			return p.errorf(p.pos, "malformed XML declaration")
		}
		p.pos++
		p.skipSpace()
		if p.pos >= end || (b[p.pos] != '"' && b[p.pos] != '\'') {
			return p.errorf(p.pos, "XML declaration: %s value must be quoted", name)
		}
		q := b[p.pos]
		vs := p.pos + 1
		ve := bytes.IndexByte(b[vs:end], q)
		if ve < 0 {
			return p.errorf(p.pos, "XML declaration: unterminated %s value", name)
		}
		ve += vs
		val := string(b[vs:ve])
		p.pos = ve + 1
		switch {
		case name == "version" && seen == 0:
			if val != "1.0" && val != "1.1" {
				return p.errorf(vs, "XML version %q not supported", val)
			}
		case name == "encoding" && seen == 1:
			enc, ok := encodingOf(val)
			if !ok {
				return p.errorf(vs, "unsupported encoding %q (want GBK, GB2312, GB18030 or UTF-8)", val)
			}
			p.enc, p.label = enc, val
		case name == "standalone" && seen >= 1 && seen <= 2:
			if val != "yes" && val != "no" {
				return p.errorf(vs, "standalone must be yes or no, not %q", val)
			}
			seen = 2
		default:
			return p.errorf(ns, "unexpected %q in XML declaration", name)
		}
		seen++
		if p.pos < end && !isSpace(b[p.pos]) {
			return p.errorf(p.pos, "malformed XML declaration")
		}
	}
	if seen == 0 {
		return p.errorf(start, "XML declaration without version")
	}
	if bom && p.enc != UTF8 {
		return p.errorf(0, "UTF-8 byte-order mark on a document declared %s", p.label)
	}
	p.pos = end + 2
	return nil
}

// encodingOf maps a declared label to the decoder Parse uses. GB2312 and
// CP936 are decoded as GBK: GB2312 is its subset and CP936 its Microsoft
// name (Kakatong replies with LANG=GB2312).
func encodingOf(label string) (Encoding, bool) {
	switch strings.ToUpper(label) {
	case "UTF-8", "UTF8":
		return UTF8, true
	case "GBK", "GB2312", "GB_2312-80", "CP936", "X-GBK", "WINDOWS-936":
		return GBK, true
	case "GB18030":
		return GB18030, true
	}
	return 0, false
}

func (p *parser) document() (*Node, error) {
	b := p.b
	var root *Node
	for p.pos < len(b) {
		if b[p.pos] != '<' {
			end := bytes.IndexByte(b[p.pos:], '<')
			if end < 0 {
				end = len(b)
			} else {
				end += p.pos
			}
			if err := p.charData(p.pos, end); err != nil {
				return nil, err
			}
			p.pos = end
			continue
		}
		if p.pos+1 >= len(b) {
			return nil, p.errorf(p.pos, "unexpected end of input after '<'")
		}
		var err error
		switch b[p.pos+1] {
		case '/':
			err = p.endTag()
		case '?':
			err = p.procInst()
		case '!':
			err = p.bang()
		default:
			if len(p.stack) == 0 && root != nil {
				return nil, p.errorf(p.pos, "second root element")
			}
			var n *Node
			n, err = p.startTag()
			if root == nil {
				root = n
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if n := len(p.stack); n > 0 {
		f := p.stack[n-1]
		return nil, p.errorf(len(b), "unexpected end of input: <%s> opened at offset %d is not closed", f.n.Name, f.nameStart-1)
	}
	if root == nil {
		return nil, p.errorf(len(b), "no root element")
	}
	return root, nil
}

// charData handles text between markup: whitespace is all that may stand
// outside the root element.
func (p *parser) charData(start, end int) error {
	if len(p.stack) == 0 {
		for i := start; i < end; i++ {
			if !isSpace(p.b[i]) {
				return p.errorf(i, "text outside the root element")
			}
		}
		return nil
	}
	f := &p.stack[len(p.stack)-1]
	if f.hasKids && allSpace(p.b[start:end]) {
		return nil // indentation between children
	}
	s, err := p.text(start, end, false)
	if err != nil {
		return err
	}
	p.addText(f, s)
	return nil
}

func allSpace(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func (p *parser) addText(f *frame, s string) {
	switch {
	case s == "":
	case !f.multi && f.n.Text == "":
		f.n.Text = s
	default:
		if !f.multi {
			f.multi = true
			f.buf = append(f.buf[:0], f.n.Text...)
		}
		f.buf = append(f.buf, s...)
	}
}

// text decodes the character data b[start:end] (an attribute value when
// attr is set), resolving references. Plain ASCII, and valid UTF-8 in a
// UTF-8 document, is returned as a substring of the input without copying.
func (p *parser) text(start, end int, attr bool) (string, error) {
	b := p.b
	simple, nonASCII := true, false
	for i := start; i < end; i++ {
		switch c := b[i]; {
		case c >= utf8.RuneSelf:
			nonASCII = true
		case c == '&', c == '\r':
			simple = false
		case c < 0x20:
			if c != '\t' && c != '\n' {
				return "", p.errorf(i, "control character 0x%02X is not allowed in XML", c)
			}
			if attr {
				simple = false
			}
		case c == '<': // only reachable for attribute values
			return "", p.errorf(i, "'<' in attribute value")
		}
	}
	if simple && (!nonASCII || p.enc == UTF8) {
		if nonASCII {
			if err := p.checkUTF8(start, end); err != nil {
				return "", err
			}
		}
		return p.src[start:end], nil
	}
	buf := p.scratch[:0]
	for i := start; i < end; {
		j := bytes.IndexByte(b[i:end], '&')
		if j < 0 {
			j = end
		} else {
			j += i
		}
		var err error
		if buf, err = p.appendPlain(buf, i, j, attr); err != nil {
			return "", err
		}
		if j == end {
			break
		}
		if buf, i, err = p.appendRef(buf, j, end); err != nil {
			return "", err
		}
	}
	p.scratch = buf
	return string(buf), nil
}

func (p *parser) checkUTF8(start, end int) error {
	for i := start; i < end; {
		r, size := utf8.DecodeRune(p.b[i:end])
		if r == utf8.RuneError && size == 1 {
			return &SyntaxError{Offset: i, Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02X)", p.b[i])}
		}
		i += size
	}
	return nil
}

// appendPlain decodes b[start:end], which holds no references, onto dst,
// normalising line ends (and, in attribute values, whitespace) as XML 1.0
// requires.
func (p *parser) appendPlain(dst []byte, start, end int, attr bool) ([]byte, error) {
	seg := p.b[start:end]
	n0 := len(dst)
	switch p.enc {
	case UTF8:
		if err := p.checkUTF8(start, end); err != nil {
			return dst, err
		}
		dst = append(dst, seg...)
	default:
		var err error
		if p.enc == GB18030 {
			dst, err = gbk.DecodeGB18030(dst, seg)
		} else {
			dst, err = gbk.Decode(dst, seg)
		}
		if err != nil {
			var ge *gbk.Error
			if errors.As(err, &ge) {
				ge.Offset += start
				reason := ge.Reason
				if strings.HasPrefix(reason, "truncated") && end < len(p.b) {
					// The codec saw the end of this piece of text, not of
					// the message: say what really follows the lead byte.
					reason = fmt.Sprintf("lead byte 0x%02X is followed by %q (0x%02X), which cannot continue a character", ge.Byte, p.b[end], p.b[end])
				}
				return dst, &SyntaxError{Offset: ge.Offset, Msg: fmt.Sprintf("invalid %v: %s", p.enc, reason), Err: ge}
			}
			return dst, &SyntaxError{Offset: start, Msg: err.Error(), Err: err}
		}
	}
	out := dst[n0:]
	if bytes.IndexByte(out, '\r') < 0 && (!attr || bytes.IndexAny(out, "\t\n") < 0) {
		return dst, nil
	}
	w := 0
	for r := 0; r < len(out); r++ {
		c := out[r]
		if c == '\r' {
			c = '\n'
			if r+1 < len(out) && out[r+1] == '\n' {
				r++
			}
		}
		if attr && (c == '\n' || c == '\t') {
			c = ' '
		}
		out[w] = c
		w++
	}
	return dst[:n0+w], nil
}

// appendRef resolves the reference starting at b[i] == '&' and returns
// the offset after its ';'. Only the five predefined entities and numeric
// character references exist here: there is no DTD to define others.
func (p *parser) appendRef(dst []byte, i, end int) ([]byte, int, error) {
	b := p.b
	limit := min(end, i+12)
	semi := bytes.IndexByte(b[i+1:limit], ';')
	if semi < 0 {
		return dst, 0, p.errorf(i, "'&' not starting a reference (escape it as &amp;)")
	}
	name := b[i+1 : i+1+semi]
	next := i + 2 + semi
	switch string(name) {
	case "lt":
		return append(dst, '<'), next, nil
	case "gt":
		return append(dst, '>'), next, nil
	case "amp":
		return append(dst, '&'), next, nil
	case "quot":
		return append(dst, '"'), next, nil
	case "apos":
		return append(dst, '\''), next, nil
	}
	if len(name) < 2 || name[0] != '#' {
		return dst, 0, p.errorf(i, "entity &%s; is not defined (only the five predefined entities and character references are accepted)", name)
	}
	digits, base := name[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return dst, 0, p.errorf(i, "malformed character reference &%s;", name)
	}
	var r rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return dst, 0, p.errorf(i, "malformed character reference &%s;", name)
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return dst, 0, p.errorf(i, "character reference &%s; out of range", name)
		}
	}
	if !isXMLChar(r) {
		return dst, 0, p.errorf(i, "character reference &%s; is not an XML character", name)
	}
	return utf8.AppendRune(dst, r), next, nil
}

func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= utf8.MaxRune)
}

// name scans a name at p.pos, leaving p.pos after it. Delimiters are ASCII
// bytes below 0x40 that can never be part of a GBK or GB18030 multi-byte
// character, so the raw bytes can be scanned before decoding.
func (p *parser) name() (start, end int, err error) {
	b := p.b
	start = p.pos
	i := start
	for i < len(b) {
		c := b[i]
		k := nameClass[c]
		if k == nameDelim {
			break
		}
		switch k {
		case nameStart:
		case nameRest:
			if i == start {
				return 0, 0, p.errorf(i, "name cannot start with %q", c)
			}
		default:
			return 0, 0, p.errorf(i, "character %q is not allowed in a name", c)
		}
		i++
	}
	if i == start {
		if i >= len(b) {
			return 0, 0, p.errorf(i, "unexpected end of input, expected a name")
		}
		return 0, 0, p.errorf(i, "expected a name, found %q", b[i])
	}
	p.pos = i
	return start, i, nil
}

// Byte classes for name scanning. Bytes >= 0x80 are accepted as name
// characters here and checked when the name is decoded.
const (
	nameBad   = iota // not allowed in a name
	nameDelim        // ends a name
	nameStart        // may start a name
	nameRest         // may follow the first character
)

var nameClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == ' ', c == '\t', c == '\n', c == '\r', c == '/', c == '>', c == '=', c == '<', c == '"', c == '\'', c == '?':
			t[c] = nameDelim
		case c >= 0x80, 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == ':':
			t[c] = nameStart
		case '0' <= c && c <= '9', c == '-', c == '.':
			t[c] = nameRest
		}
	}
	return t
}()

// nameString returns the decoded name b[start:end].
func (p *parser) nameString(start, end int) (string, error) {
	for i := start; i < end; i++ {
		if p.b[i] >= utf8.RuneSelf {
			if p.enc == UTF8 {
				if err := p.checkUTF8(start, end); err != nil {
					return "", err
				}
				return p.src[start:end], nil
			}
			buf, err := p.appendPlain(p.scratch[:0], start, end, false)
			p.scratch = buf
			return string(buf), err
		}
	}
	return p.src[start:end], nil
}

func (p *parser) newNode() *Node {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]Node, 0, cap(p.slab)+1)
	}
	p.slab = p.slab[:len(p.slab)+1]
	return &p.slab[len(p.slab)-1]
}

func (p *parser) startTag() (*Node, error) {
	b := p.b
	tagStart := p.pos
	if len(p.stack) >= MaxDepth {
		return nil, p.errorf(tagStart, "elements nested deeper than %d", MaxDepth)
	}
	p.pos++
	ns, ne, err := p.name()
	if err != nil {
		return nil, err
	}
	qname, err := p.nameString(ns, ne)
	if err != nil {
		return nil, err
	}
	n := p.newNode()
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		n.Prefix, n.Name = qname[:i], qname[i+1:]
	} else {
		n.Name = qname
	}
	if len(p.stack) > 0 {
		f := &p.stack[len(p.stack)-1]
		if !f.hasKids {
			f.hasKids = true
			if f.multi && allSpace(f.buf) {
				f.buf = f.buf[:0] // indentation before the first child
			}
			if !f.multi && strings.TrimLeft(f.n.Text, " \t\r\n") == "" {
				f.n.Text = ""
			}
		}
		p.kids = append(p.kids, n)
	}
	for {
		hadSpace := p.pos < len(b) && isSpace(b[p.pos])
		p.skipSpace()
		if p.pos >= len(b) {
			return nil, p.errorf(tagStart, "unexpected end of input in start tag <%s>", qname)
		}
		switch b[p.pos] {
		case '>':
			p.pos++
			p.stack = append(p.stack, frame{n: n, nameStart: ns, nameEnd: ne, kidStart: len(p.kids)})
			return n, nil
		case '/':
			if p.pos+1 >= len(b) || b[p.pos+1] != '>' {
				return nil, p.errorf(p.pos, "expected '/>' in <%s>", qname)
			}
			p.pos += 2
			return n, nil
		}
		if !hadSpace {
			return nil, p.errorf(p.pos, "expected space, '>' or '/>' in <%s>", qname)
		}
		if err := p.attr(n); err != nil {
			return nil, err
		}
	}
}

func (p *parser) attr(n *Node) error {
	b := p.b
	as, ae, err := p.name()
	if err != nil {
		return err
	}
	name, err := p.nameString(as, ae)
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos >= len(b) || b[p.pos] != '=' {
		return p.errorf(p.pos, "attribute %s without '=value'", name)
	}
	p.pos++
	p.skipSpace()
	if p.pos >= len(b) || (b[p.pos] != '"' && b[p.pos] != '\'') {
		return p.errorf(p.pos, "value of attribute %s must be quoted", name)
	}
	q := b[p.pos]
	vs := p.pos + 1
	ve := bytes.IndexByte(b[vs:], q)
	if ve < 0 {
		return p.errorf(p.pos, "unterminated value of attribute %s", name)
	}
	ve += vs
	val, err := p.text(vs, ve, true)
	if err != nil {
		return err
	}
	if len(n.Attrs) >= MaxAttrs {
		return p.errorf(as, "more than %d attributes on one element", MaxAttrs)
	}
	for _, a := range n.Attrs {
		if a.Name == name {
			return p.errorf(as, "duplicate attribute %s", name)
		}
	}
	n.Attrs = append(n.Attrs, Attr{Name: name, Value: val})
	p.pos = ve + 1
	return nil
}

func (p *parser) endTag() error {
	b := p.b
	tagStart := p.pos
	p.pos += 2
	ns, ne, err := p.name()
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.pos >= len(b) || b[p.pos] != '>' {
		return p.errorf(p.pos, "expected '>' to end </%s>", b[ns:ne])
	}
	p.pos++
	if len(p.stack) == 0 {
		return p.errorf(tagStart, "end tag </%s> without a start tag", b[ns:ne])
	}
	f := p.stack[len(p.stack)-1]
	if !bytes.Equal(b[ns:ne], b[f.nameStart:f.nameEnd]) {
		return p.errorf(tagStart, "</%s> does not close <%s> opened at offset %d", b[ns:ne], b[f.nameStart:f.nameEnd], f.nameStart-1)
	}
	if k := len(p.kids) - f.kidStart; k > 0 {
		p.arena = append(p.arena, p.kids[f.kidStart:]...)
		l := len(p.arena)
		f.n.Children = p.arena[l-k : l : l]
		clear(p.kids[f.kidStart:])
		p.kids = p.kids[:f.kidStart]
	}
	if f.multi {
		f.n.Text = string(f.buf)
	}
	p.stack = p.stack[:len(p.stack)-1]
	return nil
}

// procInst skips a processing instruction other than the declaration.
func (p *parser) procInst() error {
	start := p.pos
	end := bytes.Index(p.b[start+2:], []byte("?>"))
	if end < 0 {
		return p.errorf(start, "unterminated processing instruction")
	}
	end += start + 2
	p.pos = start + 2
	ts, te, err := p.name()
	if err != nil {
		return err
	}
	if te-ts == 3 && strings.EqualFold(string(p.b[ts:te]), "xml") {
		return p.errorf(start, "XML declaration is only allowed at the very start of the document")
	}
	if _, err := p.appendPlain(p.scratch[:0], start, end, false); err != nil {
		return err
	}
	p.pos = end + 2
	return nil
}

// bang handles "<!": comments and CDATA sections. A DOCTYPE is refused:
// it is where entity definitions (and their expansion attacks) live.
func (p *parser) bang() error {
	b := p.b
	start := p.pos
	rest := b[start:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		end := bytes.Index(b[start+4:], []byte("-->"))
		if end < 0 {
			return p.errorf(start, "unterminated comment")
		}
		end += start + 4
		if _, err := p.appendPlain(p.scratch[:0], start+4, end, false); err != nil {
			return err
		}
		p.pos = end + 3
		return nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		if len(p.stack) == 0 {
			return p.errorf(start, "CDATA section outside the root element")
		}
		cs := start + 9
		ce := p.cdataEnd(cs)
		if ce < 0 {
			return p.errorf(start, "unterminated CDATA section")
		}
		for i := cs; i < ce; i++ {
			if c := b[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return p.errorf(i, "control character 0x%02X is not allowed in XML", c)
			}
		}
		buf, err := p.appendPlain(p.scratch[:0], cs, ce, false)
		p.scratch = buf
		if err != nil {
			return err
		}
		f := &p.stack[len(p.stack)-1]
		p.addText(f, string(buf))
		p.pos = ce + 3
		return nil
	case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
		return p.errorf(start, "DOCTYPE is refused (no DTDs, so no entity definitions)")
	}
	return p.errorf(start, "unexpected '<!'")
}

// cdataEnd finds "]]>" from i. In GBK a ']' (0x5D) can be the second byte
// of a character, so multi-byte characters are stepped over whole.
func (p *parser) cdataEnd(i int) int {
	b := p.b
	if p.enc == UTF8 {
		if e := bytes.Index(b[i:], []byte("]]>")); e >= 0 {
			return i + e
		}
		return -1
	}
	for i+2 < len(b) {
		c := b[i]
		switch {
		case c == ']' && b[i+1] == ']' && b[i+2] == '>':
			return i
		case c > 0x80 && c < 0xFF:
			if p.enc == GB18030 && b[i+1] >= '0' && b[i+1] <= '9' {
				i += 4
			} else {
				i += 2
			}
		default:
			i++
		}
	}
	return -1
}
