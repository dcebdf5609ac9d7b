package bill99

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
)

// Node is one element of a MasMessage: a leaf with Text, or a container with
// Children in document order. The simulator validates requests on Nodes (so
// it sees duplicates, unknown and empty elements exactly as sent); typed
// messages convert to and from them.
type Node struct {
	Name     string
	Space    string // namespace URI as resolved by the parser
	Text     string
	Children []*Node
	leaf     bool
}

// Doc is a parsed MasMessage.
type Doc struct {
	Root     *Node
	Charset  string // declared encoding, upper case ("UTF-8" when none)
	Declared bool   // the document had an XML declaration
}

// Child returns the first child element named name.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns every child element named name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Get returns the text at a slash path below n ("pciInfos/pciInfo/bankId"),
// "" when absent.
func (n *Node) Get(path string) string {
	v, _ := n.Lookup(path)
	return v
}

// Lookup is Get that also reports presence.
func (n *Node) Lookup(path string) (string, bool) {
	cur := n
	for {
		p, rest, more := strings.Cut(path, "/")
		cur = cur.Child(p)
		if cur == nil {
			return "", false
		}
		if !more {
			return cur.Text, true
		}
		path = rest
	}
}

// Leaf reports whether the element held no child elements.
func (n *Node) Leaf() bool { return n.leaf }

// Add appends a leaf child (skipped when omitEmpty and text is "").
func (n *Node) Add(name, text string) *Node {
	n.Children = append(n.Children, &Node{Name: name, Text: text, leaf: true})
	return n
}

// AddOpt appends a leaf child only when text is not empty.
func (n *Node) AddOpt(name, text string) *Node {
	if text == "" {
		return n
	}
	return n.Add(name, text)
}

// AddNode appends a container child and returns it.
func (n *Node) AddNode(name string) *Node {
	c := &Node{Name: name}
	n.Children = append(n.Children, c)
	return c
}

// NewMessage starts a MasMessage with its version element.
func NewMessage(version string) *Node {
	m := &Node{Name: "MasMessage", Space: Namespace}
	m.Add("version", version)
	return m
}

// ParseError is a message that is not a well-formed MasMessage.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return "bill99: " + e.Reason }

// Limits against abusive input (bodies are capped at 1 MiB before this).
const (
	maxDepth = 8
	maxNodes = 4096
)

// Parse reads a MasMessage. It decodes by the declared encoding (UTF-8,
// GBK/GB2312/GB18030, strictly) and checks the root: element MasMessage in
// Namespace, case-sensitive (seed 001 §4.13).
//
// It parses with codecs/gbkxml, not encoding/xml: both sides of every
// bill99-purchase request decode a MasMessage, and encoding/xml's token
// stream (an allocation per token, namespace maps) was the largest cost of
// the load scenario. gbkxml matches names locally and reports prefixes and
// attributes as written, so namespaces are resolved here from the xmlns
// attributes, the way encoding/xml resolved them (Node.Space).
func Parse(b []byte) (*Doc, error) {
	x, err := gbkxml.Parse(b)
	if err != nil {
		return nil, &ParseError{Reason: "malformed XML: " + err.Error()}
	}
	doc := &Doc{Charset: "UTF-8", Declared: declared(b)}
	if l := x.EncodingLabel(); l != "" {
		doc.Charset = strings.ToUpper(l)
	}
	if bytes.HasPrefix(b, utf8BOM) {
		// encoding/xml, the parser before gbkxml, read a byte-order mark as
		// text outside the root; kept, so the simulator's verdicts did not
		// change with the parser.
		return nil, &ParseError{Reason: "text outside the root element (UTF-8 byte-order mark)"}
	}
	xr := x.Root()
	count, depth := size(xr, 1)
	if count > maxNodes || depth > maxDepth {
		return nil, &ParseError{Reason: "message too deep or too large"}
	}
	// One slab of Nodes and one of child pointers for the whole tree: a
	// request is ~15 elements, so this is two allocations, not thirty.
	c := converter{nodes: make([]Node, 0, count), kids: make([]*Node, 0, count)}
	doc.Root = c.node(xr, "", nil)
	if doc.Root.Name != "MasMessage" {
		return nil, &ParseError{Reason: fmt.Sprintf("root element is <%s>, want <MasMessage> (names are case-sensitive, 4.13)", doc.Root.Name)}
	}
	if doc.Root.Space != Namespace {
		return nil, &ParseError{Reason: fmt.Sprintf("root namespace is %q, want %q", doc.Root.Space, Namespace)}
	}
	return doc, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// declared reports whether b opens with an XML declaration; gbkxml accepts
// one only there (and has already checked it when Parse succeeds).
func declared(b []byte) bool {
	return len(b) > 5 && bytes.HasPrefix(b, []byte("<?xml")) && (b[5] == ' ' || b[5] == '\t' || b[5] == '\n' || b[5] == '\r')
}

// size returns the number of elements under n (n included) and the depth
// of the deepest, n being at depth d.
func size(n *gbkxml.Node, d int) (count, depth int) {
	count, depth = 1, d
	for _, c := range n.Children {
		cc, cd := size(c, d+1)
		count += cc
		depth = max(depth, cd)
	}
	return count, depth
}

// nsBinding is one xmlns:prefix declaration in scope.
type nsBinding struct{ prefix, uri string }

// xmlURL is the namespace the reserved prefix "xml" is bound to.
const xmlURL = "http://www.w3.org/XML/1998/namespace"

type converter struct {
	nodes []Node
	kids  []*Node
}

// node converts n and its subtree. def is the default namespace in scope,
// binds the prefixes declared by the ancestors. As encoding/xml does, an
// undeclared prefix stands for itself, and containers keep no text.
func (c *converter) node(n *gbkxml.Node, def string, binds []nsBinding) *Node {
	for _, a := range n.Attrs {
		switch {
		case a.Name == "xmlns":
			def = a.Value
		case strings.HasPrefix(a.Name, "xmlns:"):
			// A copy, so that siblings never see each other's declarations.
			binds = append(binds[:len(binds):len(binds)], nsBinding{a.Name[len("xmlns:"):], a.Value})
		}
	}
	space := def
	switch {
	case n.Prefix == "xml":
		space = xmlURL
	case n.Prefix != "":
		space = n.Prefix
		for i := len(binds) - 1; i >= 0; i-- {
			if binds[i].prefix == n.Prefix {
				space = binds[i].uri
				break
			}
		}
	}
	c.nodes = append(c.nodes, Node{Name: n.Name, Space: space, leaf: len(n.Children) == 0})
	out := &c.nodes[len(c.nodes)-1]
	if out.leaf {
		out.Text = n.Text
		return out
	}
	start := len(c.kids)
	for range n.Children {
		c.kids = append(c.kids, nil)
	}
	// Full slice expression: appending to one node's Children (Add) must
	// reallocate, not overwrite its neighbour's.
	out.Children = c.kids[start:len(c.kids):len(c.kids)]
	for i, k := range n.Children {
		out.Children[i] = c.node(k, def, binds)
	}
	return out
}

// Encode renders a MasMessage in UTF-8 with the declaration the seed's
// samples use.
func Encode(m *Node) []byte {
	var b bytes.Buffer
	b.Grow(1024) // a purchase reply is ~900 bytes: one allocation, not five
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)
	write(&b, m, true)
	return b.Bytes()
}

// EncodeGBK renders a MasMessage in GBK with a GBK declaration (TR3,
// erratum E-BILL99-TR3-DECL). A value GBK cannot hold is an error.
func EncodeGBK(m *Node) ([]byte, error) {
	var b bytes.Buffer
	write(&b, m, true)
	body, err := gbk.EncodeString(b.String())
	if err != nil {
		return nil, fmt.Errorf("bill99: TR3 body to GBK: %w", err)
	}
	return append([]byte(`<?xml version="1.0" encoding="GBK" standalone="yes"?>`), body...), nil
}

func write(b *bytes.Buffer, n *Node, root bool) {
	b.WriteByte('<')
	b.WriteString(n.Name)
	if root && n.Space != "" {
		b.WriteString(` xmlns="`)
		escape(b, n.Space)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	if len(n.Children) == 0 {
		escape(b, n.Text)
	}
	for _, c := range n.Children {
		write(b, c, false)
	}
	b.WriteString("</")
	b.WriteString(n.Name)
	b.WriteByte('>')
}

// escape writes s as xml.EscapeText does. Most values (numbers, codes) need
// no escaping: they are written as they are, without the []byte copy
// EscapeText takes.
func escape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' {
			xml.EscapeText(b, []byte(s)) //nolint:errcheck // bytes.Buffer does not fail
			return
		}
	}
	b.WriteString(s)
}

// Content returns the first child of the root that is not <version>, i.e.
// the message's content element (indAuthContent, TxnMsgContent, ...).
func (d *Doc) Content() *Node {
	for _, c := range d.Root.Children {
		if c.Name != "version" {
			return c
		}
	}
	return nil
}

// Error returns the ErrorMsgContent element, if any.
func (d *Doc) Error() *Node { return d.Root.Child(ElError) }
