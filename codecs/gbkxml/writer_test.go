package gbkxml

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"paycert/codecs/gbk"
)

func TestWriter(t *testing.T) {
	gbkOf := func(s string) string {
		b, err := gbk.EncodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name  string
		enc   Encoding
		write func(w *Writer)
		want  string
	}{
		{"declaration only GBK", GBK, func(w *Writer) {}, `<?xml version="1.0" encoding="GBK"?>`},
		{"declaration only UTF-8", UTF8, func(w *Writer) {}, `<?xml version="1.0" encoding="UTF-8"?>`},
		{"nested", GBK, func(w *Writer) {
			w.Start("business_trans")
			w.Element("request_type", "card_query_request")
			w.Start("card_query_request")
			w.Element("valid_info", "1234567890123456")
			w.End("card_query_request")
			w.End("business_trans")
		}, `<?xml version="1.0" encoding="GBK"?><business_trans><request_type>card_query_request</request_type>` +
			`<card_query_request><valid_info>1234567890123456</valid_info></card_query_request></business_trans>`},
		{"escaping", UTF8, func(w *Writer) { w.Element("v", `a&b<c>d"e'f`+"\r\n\tg") },
			`<?xml version="1.0" encoding="UTF-8"?><v>a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;` + "\n\tg</v>"},
		{"GBK value", GBK, func(w *Writer) { w.Element("store_name", "门店&名称") },
			`<?xml version="1.0" encoding="GBK"?><store_name>` + gbkOf("门店") + "&amp;" + gbkOf("名称") + `</store_name>`},
		{"UTF-8 value kept", UTF8, func(w *Writer) { w.Element("n", "门店😀") },
			`<?xml version="1.0" encoding="UTF-8"?><n>门店😀</n>`},
		{"empty element", GBK, func(w *Writer) { w.Element("extend", "") },
			`<?xml version="1.0" encoding="GBK"?><extend></extend>`},
		{"attributes", GBK, func(w *Writer) {
			w.Start("business_trans")
			w.Attr("version", "1.0")
			w.Attr("note", `x"y`)
			w.Element("a", "1")
			w.End("business_trans")
		}, `<?xml version="1.0" encoding="GBK"?><business_trans version="1.0" note="x&quot;y"><a>1</a></business_trans>`},
		{"empty parent", UTF8, func(w *Writer) { w.Start("a"); w.Attr("k", "v"); w.End("a") },
			`<?xml version="1.0" encoding="UTF-8"?><a k="v"></a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter(nil, tt.enc)
			tt.write(w)
			if err := w.Err(); err != nil {
				t.Fatalf("Err: %v", err)
			}
			if got := string(w.Bytes()); got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			// Whatever the Writer writes, Parse reads.
			if _, err := Parse(w.Bytes()); err != nil && !strings.Contains(tt.name, "declaration only") {
				t.Fatalf("Parse of Writer output: %v", err)
			}
		})
	}
}

func TestWriterErrors(t *testing.T) {
	tests := []struct {
		name  string
		enc   Encoding
		write func(w *Writer)
		want  string
	}{
		{"rune not in GBK", GBK, func(w *Writer) { w.Element("a", "ok😀") }, "not representable"},
		{"invalid UTF-8 value", UTF8, func(w *Writer) { w.Element("a", "\xff") }, "not valid UTF-8"},
		{"control character", GBK, func(w *Writer) { w.Element("a", "x\x01") }, "control character"},
		{"bad element name", GBK, func(w *Writer) { w.Element("a b", "") }, "invalid element"},
		{"name starting with digit", GBK, func(w *Writer) { w.Start("1a") }, "invalid element"},
		{"markup as name", GBK, func(w *Writer) { w.Start("a><script") }, "invalid element"},
		{"mismatched End", GBK, func(w *Writer) { w.Start("a"); w.End("b") }, "does not match"},
		{"End with nothing open", GBK, func(w *Writer) { w.End("a") }, "does not match"},
		{"Attr after content", GBK, func(w *Writer) { w.Start("a"); w.Element("b", ""); w.Attr("k", "v") }, "outside a start tag"},
		{"GB18030 writer", GB18030, func(w *Writer) {}, "only GBK and UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter(nil, tt.enc)
			tt.write(w)
			err := w.Err()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Err = %v, want it to contain %q", err, tt.want)
			}
			before := len(w.Bytes())
			w.Element("more", "x") // the first error stops all output
			if len(w.Bytes()) != before || w.Err() != err {
				t.Fatal("Writer kept writing after an error")
			}
		})
	}
	// The rune's offset is its offset in the value, not in the run.
	w := NewWriter(nil, GBK)
	w.Element("a", "a&b😀")
	var ge *gbk.Error
	if !errors.As(w.Err(), &ge) || ge.Offset != 3 || ge.Rune != '😀' {
		t.Fatalf("Err = %v, want *gbk.Error at offset 3", w.Err())
	}
}

func TestWriterZeroAllocsPerElement(t *testing.T) {
	w := NewWriter(make([]byte, 0, 4096), GBK)
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(200, func() {
		w.Reset(buf[:0], GBK)
		w.Start("business_trans")
		w.Attr("version", "1.0")
		w.Element("request_type", "bind_pos_request")
		w.Element("store_name", "门店名称&<测试>")
		w.End("business_trans")
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per message with a reused Writer and buffer", allocs)
	}
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(w.Bytes(), []byte("</business_trans>")) {
		t.Fatalf("unexpected output %q", w.Bytes())
	}
}
