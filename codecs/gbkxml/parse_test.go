package gbkxml

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"paycert/codecs/gbk"
)

func mustGBK(t testing.TB, s string) []byte {
	t.Helper()
	b, err := gbk.EncodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		enc   Encoding
		label string
		check map[string]string // path from the root -> text
	}{
		{"no declaration is UTF-8", []byte(`<a><b>门店</b></a>`), UTF8, "", map[string]string{"b": "门店"}},
		{"GBK", mustGBK(t, `<?xml version="1.0" encoding="GBK"?><a><b>门店名称</b></a>`), GBK, "GBK", map[string]string{"b": "门店名称"}},
		{"space before ?> as in seed 002 4.2", mustGBK(t, `<?xml version="1.0" encoding="GBK" ?><a><b>x</b></a>`), GBK, "GBK", map[string]string{"b": "x"}},
		{"gb2312 lower case", mustGBK(t, `<?xml version='1.0' encoding='gb2312'?><a><b>福州</b></a>`), GBK, "gb2312", map[string]string{"b": "福州"}},
		{"GB18030 four-byte", append(append([]byte(`<?xml version="1.0" encoding="GB18030"?><a><b>`), 0x95, 0x32, 0x82, 0x36), []byte(`</b></a>`)...), GB18030, "GB18030", map[string]string{"b": "\U00020000"}},
		{"UTF-8 with BOM", []byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?><a><b>1</b></a>"), UTF8, "UTF-8", map[string]string{"b": "1"}},
		{"standalone", []byte(`<?xml version="1.0" encoding="utf-8" standalone="yes"?><a/>`), UTF8, "utf-8", map[string]string{"": ""}},
		{"entities and char refs", []byte(`<a><b>&lt;&gt;&amp;&quot;&apos;&#65;&#x4E2D;</b></a>`), UTF8, "", map[string]string{"b": `<>&"'A中`}},
		{"GBK text with refs", mustGBK(t, `<?xml version="1.0" encoding="GBK"?><a><b>门&amp;店</b></a>`), GBK, "GBK", map[string]string{"b": "门&店"}},
		{"CDATA", []byte(`<a><u><![CDATA[http://x/?a=1&b=<2>]]></u></a>`), UTF8, "", map[string]string{"u": "http://x/?a=1&b=<2>"}},
		{"CDATA in GBK with ] as trail byte", append(append([]byte(`<?xml version="1.0" encoding="GBK"?><a><u><![CDATA[`), 0x81, ']', ']', '>', ']'), []byte(`]]></u></a>`)...), GBK, "GBK", map[string]string{"u": "乚]>]"}},
		{"comments and PIs skipped", []byte(`<!-- c --><?pi x?><a><!-- in --><b>1</b><?pi?></a><!-- after -->`), UTF8, "", map[string]string{"b": "1"}},
		{"CRLF normalised", []byte("<a><b>x\r\ny\rz</b></a>"), UTF8, "", map[string]string{"b": "x\ny\nz"}},
		{"leaf whitespace kept", []byte(`<a><b>  x  </b><c> </c></a>`), UTF8, "", map[string]string{"b": "  x  ", "c": " "}},
		{"empty and self-closing", []byte(`<a><e></e><f/></a>`), UTF8, "", map[string]string{"e": "", "f": ""}},
		{"unknown elements kept", []byte(`<r><new_field>1</new_field><result><id>0000</id></result></r>`), UTF8, "", map[string]string{"result/id": "0000", "new_field": "1"}},
		{"namespaces match local name", []byte(`<m:MasMessage xmlns:m="http://www.99bill.com/mas_cnp_merchant_interface"><m:TxnMsgContent><m:amount>1</m:amount></m:TxnMsgContent></m:MasMessage>`), UTF8, "",
			map[string]string{"TxnMsgContent/amount": "1", "m:TxnMsgContent/m:amount": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if doc.Encoding() != tt.enc || doc.EncodingLabel() != tt.label {
				t.Errorf("encoding %v %q, want %v %q", doc.Encoding(), doc.EncodingLabel(), tt.enc, tt.label)
			}
			if &doc.Raw()[0] != &tt.in[0] || len(doc.Raw()) != len(tt.in) {
				t.Error("Raw is not the input")
			}
			for path, want := range tt.check {
				got, ok := doc.Root().Get(path)
				if !ok || got != want {
					t.Errorf("Get(%q) = %q, %v; want %q", path, got, ok, want)
				}
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	okDeep := strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth)
	if _, err := Parse([]byte(okDeep)); err != nil {
		t.Fatalf("depth %d refused: %v", MaxDepth, err)
	}
	gbkDoc := func(body ...byte) []byte {
		return append([]byte(`<?xml version="1.0" encoding="GBK"?><a>`), append(body, []byte(`</a>`)...)...)
	}
	tests := []struct {
		name   string
		in     []byte
		offset int // -1: do not check
		want   string
	}{
		{"empty", nil, 0, "no root element"},
		{"only declaration", []byte(`<?xml version="1.0"?>`), 21, "no root element"},
		{"DOCTYPE", []byte(`<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`), 0, "DOCTYPE"},
		{"billion laughs", []byte(`<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l0 "ha"><!ENTITY l1 "&l0;&l0;">]><l>&l1;</l>`), 21, "DOCTYPE"},
		{"undefined entity", []byte(`<a>&nbsp;</a>`), 3, "not defined"},
		{"bare ampersand", []byte(`<a>a & b</a>`), 5, "not starting a reference"},
		{"bad char ref", []byte(`<a>&#xZZ;</a>`), 3, "malformed character reference"},
		{"char ref to NUL", []byte(`<a>&#0;</a>`), 3, "not an XML character"},
		{"char ref overflow", []byte(`<a>&#99999999;</a>`), 3, "out of range"},
		{"too deep", []byte(deep), 3 * MaxDepth, "nested deeper"},
		{"mismatched end", []byte(`<a><b></a></b>`), 6, "does not close <b>"},
		{"unclosed", []byte(`<a><b></b>`), 10, "not closed"},
		{"end without start", []byte(`<a></a></b>`), 7, "without a start tag"},
		{"two roots", []byte(`<a/><b/>`), 4, "second root"},
		{"text outside root", []byte(`<a/>x`), 4, "outside the root"},
		{"text before root", []byte(`x<a/>`), 0, "outside the root"},
		{"unquoted attribute", []byte(`<a k=v/>`), 5, "must be quoted"},
		{"duplicate attribute", []byte(`<a k="1" k="2"/>`), 9, "duplicate attribute"},
		{"lt in attribute", []byte(`<a k="<"/>`), 6, "'<' in attribute"},
		{"attribute without space", []byte(`<a k="1"j="2"/>`), 8, "expected space"},
		{"control char", []byte("<a>\x01</a>"), 3, "control character"},
		{"invalid UTF-8", []byte("<a>\xff</a>"), 3, "invalid UTF-8"},
		{"invalid GBK", gbkDoc('x', 0xB3, 0x20), 40, "invalid GBK"},
		{"truncated GBK", gbkDoc(0xB3), 39, "invalid GBK"},
		{"GB18030 sequence in GBK", gbkDoc(0x95, 0x32, 0x82, 0x36), 39, "invalid GBK"},
		{"unsupported encoding", []byte(`<?xml version="1.0" encoding="Big5"?><a/>`), 30, "unsupported encoding"},
		{"late declaration", []byte(` <?xml version="1.0"?><a/>`), 1, "only allowed at the very start"},
		{"BOM with GBK", append([]byte("\xEF\xBB\xBF"), []byte(`<?xml version="1.0" encoding="GBK"?><a/>`)...), 0, "byte-order mark"},
		{"UTF-16", []byte("\xFF\xFE<\x00a\x00/\x00>\x00"), 0, "UTF-16"},
		{"bad name", []byte(`<1a/>`), 1, "cannot start"},
		{"unterminated comment", []byte(`<a><!-- x</a>`), 3, "unterminated comment"},
		{"unterminated CDATA", []byte(`<a><![CDATA[x</a>`), 3, "unterminated CDATA"},
		{"CDATA outside root", []byte(`<![CDATA[x]]><a/>`), 0, "outside the root"},
		{"lone <", []byte(`<a><`), 3, "unexpected end of input"},
		{"truncated start tag", []byte(`<a k="1"`), -1, "unexpected end of input"},
		{"version missing", []byte(`<?xml encoding="GBK"?><a/>`), 6, "unexpected \"encoding\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse accepted %q: root %+v", tt.in, doc.Root())
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err %v is not a *SyntaxError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			if tt.offset >= 0 && se.Offset != tt.offset {
				t.Errorf("offset = %d, want %d (%v)", se.Offset, tt.offset, err)
			}
		})
	}
	// An encoding error carries the codec's error, at its raw offset.
	_, err := Parse(gbkDoc('x', 0xB3, 0x20))
	var ge *gbk.Error
	if !errors.As(err, &ge) || ge.Offset != 40 {
		t.Fatalf("err %v does not wrap a *gbk.Error at offset 40", err)
	}
}

func TestLookups(t *testing.T) {
	doc, err := Parse([]byte(`<r v="1.0" xmlns:m="urn:x" m:k="mk">
  <a>1</a>
  <row><id>1</id></row>
  <row><id>2</id></row>
  <m:row><id>3</id></m:row>
  <empty></empty>
</r>`))
	if err != nil {
		t.Fatal(err)
	}
	r := doc.Root()
	if r.Name != "r" || r.Text != "" {
		t.Errorf("root %q text %q; indentation should be dropped", r.Name, r.Text)
	}
	if v, ok := r.Attr("v"); !ok || v != "1.0" {
		t.Errorf("Attr(v) = %q, %v", v, ok)
	}
	if v, ok := r.Attr("k"); !ok || v != "mk" {
		t.Errorf("Attr(k) = %q, %v (local name)", v, ok)
	}
	if v, ok := r.Attr("m:k"); !ok || v != "mk" {
		t.Errorf("Attr(m:k) = %q, %v", v, ok)
	}
	if _, ok := r.Attr("x"); ok {
		t.Error("Attr(x) found")
	}
	rows := r.All("row")
	if len(rows) != 3 {
		t.Fatalf("All(row) = %d rows, want 3 (prefixed one included)", len(rows))
	}
	for i, row := range rows {
		if id, _ := row.Get("id"); id != string(rune('1'+i)) {
			t.Errorf("row %d id %q", i, id)
		}
	}
	if got := r.All("m:row"); len(got) != 1 || got[0].Prefix != "m" {
		t.Errorf("All(m:row) = %v", got)
	}
	if v, ok := r.Get("empty"); !ok || v != "" {
		t.Errorf("Get(empty) = %q, %v; want present and empty", v, ok)
	}
	if _, ok := r.Get("missing/deeper"); ok {
		t.Error("Get(missing/deeper) found")
	}
	if r.Find("row/id").Text != "1" || r.Find("/row//id").Text != "1" || r.Find("") != r {
		t.Error("Find path handling")
	}
	var nilNode *Node
	if nilNode.Child("a") != nil || nilNode.All("a") != nil || nilNode.Find("a/b") != nil {
		t.Error("nil receiver lookups should return nothing")
	}
	if _, ok := nilNode.Get("a"); ok {
		t.Error("nil Get found something")
	}
}

func TestParseAllocs(t *testing.T) {
	in := mustGBK(t, benchMessageUTF8)
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := Parse(in); err != nil {
			t.Fatal(err)
		}
	})
	// Doc, parser, string(input), node slab, arena, stack, kids, and one
	// string per non-ASCII text (8 in this message).
	if allocs > 20 {
		t.Fatalf("Parse allocates %.0f times for a 16-element message", allocs)
	}
}

func TestParseMixedContent(t *testing.T) {
	doc, err := Parse([]byte(`<a> x <![CDATA[<y>]]>&amp;<b>1</b> z <!-- c -->w</a>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Root().Text; got != " x <y>& z w" {
		t.Fatalf("Text = %q", got)
	}
	doc, err = Parse([]byte("<a>\n  <![CDATA[ ]]>\n  <b>1</b>\n</a>"))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Root().Text; got != "" {
		t.Fatalf("whitespace before the first child kept: %q", got)
	}
}

// TestParseHostileShapes feeds shapes that would be quadratic or worse in a
// naive parser, at the 1 MiB simulators accept; each must finish promptly
// (the test's timeout is the assertion) with the right outcome.
func TestParseHostileShapes(t *testing.T) {
	const n = 1 << 20
	pieces := "<a>" + strings.Repeat("x<!---->", n/8) + "</a>"
	doc, err := Parse([]byte(pieces))
	if err != nil || len(doc.Root().Text) != n/8 {
		t.Fatalf("many text pieces: %v", err)
	}
	var attrs strings.Builder
	attrs.WriteString("<a")
	for i := range n / 12 {
		fmt.Fprintf(&attrs, ` k%d="1"`, i)
	}
	attrs.WriteString("/>")
	if _, err := Parse([]byte(attrs.String())); err == nil || !strings.Contains(err.Error(), "more than 64 attributes") {
		t.Fatalf("many attributes: %v", err)
	}
	wide := "<a>" + strings.Repeat("<b/>", n/4) + "</a>"
	doc, err = Parse([]byte(wide))
	if err != nil || len(doc.Root().Children) != n/4 {
		t.Fatalf("many children: %v", err)
	}
	refs := "<a>" + strings.Repeat("&amp;", n/5) + "</a>"
	if doc, err = Parse([]byte(refs)); err != nil || len(doc.Root().Text) != n/5 {
		t.Fatalf("many references: %v", err)
	}
}
