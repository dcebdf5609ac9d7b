package bill99

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/codecs/gbk"
)

// parseStd is Parse as it was written on encoding/xml, kept as the oracle
// of FuzzParseMatchesEncodingXML: the gbkxml Parse must build the same tree
// wherever both accept a message.
// (was: Parse reads a MasMessage. It decodes by the declared encoding (UTF-8,
// GBK/GB2312/GB18030 through codecs/gbk, strictly) and checks the root:
// element MasMessage in Namespace, case-sensitive (seed 001 §4.13).
func parseStd(b []byte) (*Doc, error) {
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

// dump renders a tree with everything Parse promises: names, namespaces,
// leaf texts, structure.
func dump(n *Node) string {
	var b strings.Builder
	var walk func(*Node, int)
	walk = func(n *Node, d int) {
		fmt.Fprintf(&b, "%*s{%s}%s leaf=%v %q\n", d, "", n.Space, n.Name, n.Leaf(), n.Text)
		for _, c := range n.Children {
			walk(c, d+1)
		}
	}
	walk(n, 0)
	return b.String()
}

var oracleSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><MasMessage xmlns="` + Namespace + `"><version>1.0</version><TxnMsgContent><amount>1.00</amount><x></x></TxnMsgContent></MasMessage>`,
	`<m:MasMessage xmlns:m="` + Namespace + `"><m:version>1</m:version><v xmlns="urn:x">a&amp;b&#x4E2D;</v></m:MasMessage>`,
	`<a:MasMessage xmlns:a="urn:x"><b:c xmlns:b="` + Namespace + `"/><b:d/></a:MasMessage>`,
	"\xEF\xBB\xBF<MasMessage xmlns=\"" + Namespace + "\"/>",
	`<?xml version="1.0" encoding="GBK"?><MasMessage xmlns="` + Namespace + "\"><v>\xD6\xD0<![CDATA[<x>]]></v><w>\n  <z/>\n</w></MasMessage>",
	`<masMessage xmlns="` + Namespace + `"/>`,
	`<MasMessage xmlns="urn:x"/>`,
	`<MasMessage/>`,
	`<MasMessage xmlns="` + Namespace + `"><a><b><c><d><e><f><g><h>x</h></g></f></e></d></c></b></a></MasMessage>`,
	`<MasMessage xmlns="` + Namespace + `"><a><b><c><d><e><f><g>x</g></f></e></d></c></b></a></MasMessage>`,
}

// TestParseMatchesEncodingXML: on the seeds and every sample, Parse and the
// encoding/xml oracle agree on acceptance and on the tree.
func TestParseMatchesEncodingXML(t *testing.T) {
	inputs := append([]string{}, oracleSeeds...)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		if diff := compareParsers([]byte(in)); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	}
}

// FuzzParseMatchesEncodingXML: wherever both parsers accept a message they
// build the same tree, charset and declaration flag. Acceptance may differ
// only where gbkxml is the stricter XML 1.0 reader (see acceptedOnlyByStd).
func FuzzParseMatchesEncodingXML(f *testing.F) {
	for _, s := range oracleSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if diff := compareParsers(b); diff != "" {
			t.Fatal(diff)
		}
	})
}

func compareParsers(b []byte) string {
	got, gerr := Parse(b)
	want, werr := parseStd(b)
	switch {
	case gerr != nil && werr != nil:
		return ""
	case gerr != nil:
		if acceptedOnlyByStd(b, gerr) {
			return ""
		}
		return fmt.Sprintf("Parse refuses (%v), encoding/xml accepts", gerr)
	case werr != nil:
		return fmt.Sprintf("Parse accepts, encoding/xml refuses (%v):\n%s", werr, dump(got.Root))
	}
	if got.Charset != want.Charset || got.Declared != want.Declared {
		return fmt.Sprintf("charset/declared %q/%v, encoding/xml %q/%v", got.Charset, got.Declared, want.Charset, want.Declared)
	}
	if g, w := dump(got.Root), dump(want.Root); g != w {
		return fmt.Sprintf("trees differ:\n%s\nencoding/xml:\n%s", g, w)
	}
	return ""
}

// acceptedOnlyByStd lists what encoding/xml let through and gbkxml, reading
// XML 1.0 strictly, refuses (each is "malformed XML", B.MGW.0100): a
// DOCTYPE or any other "<!" declaration (encoding/xml skips them as
// directives), an XML declaration not at the very start, and encoding
// labels encoding/xml passed to the charset reader unchecked, a version
// other than 1.x in the XML declaration (encoding/xml checks only that the
// attribute is not "1.1"-style junk it cannot read: version="" passes),
// bytes that are not UTF-8 where encoding/xml does not look (inside a
// processing instruction), and names (of elements, attributes, processing instructions) with characters
// XML 1.0 does not allow in a name.
func acceptedOnlyByStd(b []byte, err error) bool {
	msg := err.Error()
	for _, known := range []string{"DOCTYPE", "'<!'", "XML declaration", "encoding", "in a name", "XML version", "invalid UTF-8"} {
		if strings.Contains(msg, known) {
			return true
		}
	}
	return false
}
