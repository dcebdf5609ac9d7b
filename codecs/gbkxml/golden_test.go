package gbkxml

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fixtures in testdata/ are sample messages of seed 002 (iPos), stored
// as GBK, the encoding they travel in. The seed is a text extraction of the
// vendor's document, in UTF-8; these repairs were made by hand:
//   - the "1. ", "2. " line numbers of the document's code listings were
//     removed (they are not part of the messages);
//   - card_query_response.xml (4.2 reply) and wecard_getcodeinfo_response.xml
//     (4.7 reply) were split over two listings by a page break; the halves
//     were joined, and the indentation the break lost was restored (two
//     spaces per level throughout, which also normalises the seed's mixed
//     4/8-space indentation);
//   - the text was converted from UTF-8 to GBK.
//
// No element, attribute or value was changed.
var goldenFixtures = []struct {
	file  string
	check map[string]string
	rows  map[string]int // path -> number of repeated children
}{
	{"bind_pos_request.xml", map[string]string{
		"request_type":          "bind_pos_request",
		"isspid":                "39493002",
		"store_info/store_name": "门店名称",
		"store_info/contact":    "门店联系人",
		"store_info/town":       "鼓楼",
	}, nil},
	{"card_query_response.xml", map[string]string{
		"response_type":         "card_query_response",
		"sys_seq":               "00000000244",
		"query_info/batch_name": "测试活动",
		"verify_info/count":     "2",
		"result/id":             "0000",
		"result/comment":        "成功",
	}, map[string]int{"verify_info/redeem": 2}},
	{"wecard_getcodeinfo_response.xml", map[string]string{
		"response_type":        "wecard_getcodeinfo_response",
		"extend":               "",
		"base_info/brand_name": "zy测试",
		"base_info/title":      "张亚的礼品卡",
		"base_info/logo_url":   "http://mmbiz.qpic.cn/mmbiz_jpg/S1bGasuAHyouYYgbjJJrTD9ZWZt8iaiacA6jicsbia9KxjGSYGprpx6Apu41PiaUeLtmd0Bo0Noqaxl0j6y5fZABbQg/0?src=https://hxn-coupon.wangcaio2o.com/upload/image/1006/2019/01/31/5b87ff07f1dcbdbcd9e7d9b8e0ba51d0.jpg",
		"trace_info/pos_id":    "00000000",
		"result/comment":       "查询成功",
	}, nil},
}

var interElementSpace = regexp.MustCompile(`>\s+<`)

// compact is the canonical form the Writer produces: no whitespace between
// elements, CDATA content written as escaped text (the fixture's CDATA holds
// no character that needs escaping).
func compact(b []byte) []byte {
	b = interElementSpace.ReplaceAll(bytes.TrimSpace(b), []byte("><"))
	b = bytes.ReplaceAll(b, []byte("<![CDATA["), nil)
	return bytes.ReplaceAll(b, []byte("]]>"), nil)
}

func TestGolden(t *testing.T) {
	for _, fx := range goldenFixtures {
		t.Run(fx.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", fx.file))
			if err != nil {
				t.Fatal(err)
			}
			if utf8.Valid(in) {
				t.Fatal("fixture is valid UTF-8: it should be GBK")
			}
			doc, err := Parse(in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if doc.Encoding() != GBK || !bytes.Equal(doc.Raw(), in) {
				t.Fatalf("encoding %v, raw kept: %v", doc.Encoding(), bytes.Equal(doc.Raw(), in))
			}
			root := doc.Root()
			if root.Name != "business_trans" {
				t.Fatalf("root %q", root.Name)
			}
			for path, want := range fx.check {
				if got, ok := root.Get(path); !ok || got != want {
					t.Errorf("Get(%q) = %q, %v; want %q", path, got, ok, want)
				}
			}
			for path, n := range fx.rows {
				dir, name := filepath.Split(path)
				if got := root.Find(dir).All(name); len(got) != n {
					t.Errorf("All(%q) = %d rows, want %d", path, len(got), n)
				}
			}
			// Parse -> Writer gives the fixture's bytes, whitespace between
			// elements aside, and parses back to the same tree.
			w := NewWriter(nil, GBK)
			writeTree(w, root)
			if err := w.Err(); err != nil {
				t.Fatalf("Writer: %v", err)
			}
			if want := compact(in); !bytes.Equal(w.Bytes(), want) {
				t.Fatalf("re-encoded bytes differ:\n got %q\nwant %q", w.Bytes(), want)
			}
			again, err := Parse(w.Bytes())
			if err != nil {
				t.Fatalf("Parse of re-encoded message: %v", err)
			}
			if diff := treeDiff(root, again.Root(), ""); diff != "" {
				t.Fatal(diff)
			}
		})
	}
}

// writeTree writes n and its subtree with w.
func writeTree(w *Writer, n *Node) {
	name := n.Name
	if n.Prefix != "" {
		name = n.Prefix + ":" + n.Name
	}
	if len(n.Children) == 0 && len(n.Attrs) == 0 {
		w.Element(name, n.Text)
		return
	}
	w.Start(name)
	for _, a := range n.Attrs {
		w.Attr(a.Name, a.Value)
	}
	if n.Text != "" {
		w.Text(n.Text)
	}
	for _, c := range n.Children {
		writeTree(w, c)
	}
	w.End(name)
}

// treeDiff describes the first difference between two trees, or "".
func treeDiff(a, b *Node, path string) string {
	path += "/" + a.Name
	switch {
	case a.Name != b.Name || a.Prefix != b.Prefix:
		return fmt.Sprintf("%s: name %q:%q vs %q:%q", path, a.Prefix, a.Name, b.Prefix, b.Name)
	case a.Text != b.Text:
		return fmt.Sprintf("%s: text %q vs %q", path, a.Text, b.Text)
	case len(a.Attrs) != len(b.Attrs):
		return fmt.Sprintf("%s: %d vs %d attributes", path, len(a.Attrs), len(b.Attrs))
	case len(a.Children) != len(b.Children):
		return fmt.Sprintf("%s: %d vs %d children", path, len(a.Children), len(b.Children))
	}
	for i := range a.Attrs {
		if a.Attrs[i] != b.Attrs[i] {
			return fmt.Sprintf("%s: attribute %v vs %v", path, a.Attrs[i], b.Attrs[i])
		}
	}
	for i := range a.Children {
		if d := treeDiff(a.Children[i], b.Children[i], path); d != "" {
			return d
		}
	}
	return ""
}

func hasNonASCIIName(n *Node) bool {
	for i := 0; i < len(n.Name); i++ {
		if n.Name[i] >= utf8.RuneSelf {
			return true
		}
	}
	if strings.ContainsFunc(n.Prefix, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return true
	}
	for _, a := range n.Attrs {
		if strings.ContainsFunc(a.Name, func(r rune) bool { return r >= utf8.RuneSelf }) {
			return true
		}
	}
	for _, c := range n.Children {
		if hasNonASCIIName(c) {
			return true
		}
	}
	return false
}
