package gbkxml

import "strings"

// Doc is a parsed message.
type Doc struct {
	root  *Node
	raw   []byte
	enc   Encoding
	label string
}

// Root returns the document element.
func (d *Doc) Root() *Node { return d.root }

// Raw returns the exact bytes given to Parse, for MAC and signature checks.
// It is the caller's slice, not a copy: do not modify it while the Doc is
// in use.
func (d *Doc) Raw() []byte { return d.raw }

// Encoding returns the encoding the document was decoded with.
func (d *Doc) Encoding() Encoding { return d.enc }

// EncodingLabel returns the encoding name exactly as declared ("GBK",
// "gb2312", ...), or "" when the document has no encoding declaration.
func (d *Doc) EncodingLabel() string { return d.label }

// Node is an element. Texts and attribute values are decoded (UTF-8) with
// references resolved.
type Node struct {
	// Name is the local name: "MasMessage" for both <MasMessage> and
	// <m:MasMessage>. Lookups match on it, so a peer's choice of namespace
	// prefix never changes what a message means to its reader.
	Name string
	// Prefix is the namespace prefix as written ("m" in <m:MasMessage>), or "".
	Prefix string
	// Attrs are the attributes in document order, names as written.
	Attrs []Attr
	// Text is the element's character data (CDATA included), exactly as
	// sent for a leaf. For an element with children, runs of whitespace
	// only (indentation) are left out.
	Text string
	// Children are the child elements in document order, unknown ones
	// included.
	Children []*Node
}

// Attr is an attribute.
type Attr struct {
	Name  string // as written, prefix included: "version", "xmlns:m"
	Value string
}

// is reports whether n answers to name: the local name, or "prefix:local"
// when name has a colon.
func (n *Node) is(name string) bool {
	if n.Name == name {
		return true
	}
	p := len(n.Prefix)
	return p > 0 && len(name) == p+1+len(n.Name) && name[p] == ':' &&
		name[:p] == n.Prefix && name[p+1:] == n.Name
}

// Child returns the first child element called name, or nil. All lookup
// methods accept a nil receiver and return nothing, so a chain such as
// root.Child("a").Child("b") needs no checks in between.
func (n *Node) Child(name string) *Node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.is(name) {
			return c
		}
	}
	return nil
}

// Find follows a slash-separated path of child names from n ("result/id")
// and returns the element it reaches, or nil. At each step the first child
// of that name is taken; use All for repeated elements.
func (n *Node) Find(path string) *Node {
	for path != "" && n != nil {
		var seg string
		seg, path, _ = strings.Cut(path, "/")
		if seg != "" {
			n = n.Child(seg)
		}
	}
	return n
}

// Get returns the text of the element at path and whether it exists, so a
// caller can tell an empty <extend></extend> from a missing element.
func (n *Node) Get(path string) (string, bool) {
	c := n.Find(path)
	if c == nil {
		return "", false
	}
	return c.Text, true
}

// All returns every child element called name, in order (repeated rows such
// as <redeem> in an iPos card query reply).
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, c := range n.Children {
		if c.is(name) {
			out = append(out, c)
		}
	}
	return out
}

// Attr returns the value of attribute name (matched like element names:
// local part, or the full name when name has a colon) and whether it is
// present.
func (n *Node) Attr(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	for _, a := range n.Attrs {
		local := a.Name
		if i := strings.IndexByte(local, ':'); i >= 0 && strings.IndexByte(name, ':') < 0 {
			local = local[i+1:]
		}
		if local == name {
			return a.Value, true
		}
	}
	return "", false
}
