package bill99

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"paycert/codecs/gbk"
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
	for _, p := range strings.Split(path, "/") {
		cur = cur.Child(p)
		if cur == nil {
			return "", false
		}
	}
	return cur.Text, true
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
// GBK/GB2312/GB18030 through codecs/gbk, strictly) and checks the root:
// element MasMessage in Namespace, case-sensitive (seed 001 §4.13).
func Parse(b []byte) (*Doc, error) {
	doc := &Doc{Charset: "UTF-8"}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		doc.Charset = strings.ToUpper(label)
		switch doc.Charset {
		case "UTF-8", "UTF8":
			return in, nil
		case "GBK", "GB2312", "CP936", "GB18030":
			raw, err := io.ReadAll(in)
			if err != nil {
				return nil, err
			}
			dec := gbk.Decode
			if doc.Charset == "GB18030" {
				dec = gbk.DecodeGB18030
			}
			out, err := dec(nil, raw)
			if err != nil {
				return nil, fmt.Errorf("declared %s: %w", label, err)
			}
			return bytes.NewReader(out), nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	var stack []*Node
	var text strings.Builder
	nodes := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &ParseError{Reason: "malformed XML: " + err.Error()}
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target == "xml" {
				doc.Declared = true
			}
		case xml.StartElement:
			nodes++
			if nodes > maxNodes || len(stack) >= maxDepth {
				return nil, &ParseError{Reason: "message too deep or too large"}
			}
			n := &Node{Name: t.Name.Local, Space: t.Name.Space, leaf: true}
			if len(stack) == 0 {
				if doc.Root != nil {
					return nil, &ParseError{Reason: "more than one root element"}
				}
				doc.Root = n
			} else {
				p := stack[len(stack)-1]
				p.leaf = false
				p.Text = ""
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, &ParseError{Reason: "text outside the root element"}
				}
				continue
			}
			text.Write(t)
		case xml.EndElement:
			n := stack[len(stack)-1]
			if n.leaf {
				n.Text = text.String()
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
	if doc.Root == nil {
		return nil, &ParseError{Reason: "no root element"}
	}
	if doc.Root.Name != "MasMessage" {
		return nil, &ParseError{Reason: fmt.Sprintf("root element is <%s>, want <MasMessage> (names are case-sensitive, 4.13)", doc.Root.Name)}
	}
	if doc.Root.Space != Namespace {
		return nil, &ParseError{Reason: fmt.Sprintf("root namespace is %q, want %q", doc.Root.Space, Namespace)}
	}
	return doc, nil
}

// Encode renders a MasMessage in UTF-8 with the declaration the seed's
// samples use.
func Encode(m *Node) []byte {
	var b bytes.Buffer
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
		xml.EscapeText(b, []byte(n.Space)) //nolint:errcheck // bytes.Buffer does not fail
		b.WriteByte('"')
	}
	b.WriteByte('>')
	if len(n.Children) == 0 {
		xml.EscapeText(b, []byte(n.Text)) //nolint:errcheck // bytes.Buffer does not fail
	}
	for _, c := range n.Children {
		write(b, c, false)
	}
	b.WriteString("</")
	b.WriteString(n.Name)
	b.WriteByte('>')
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
