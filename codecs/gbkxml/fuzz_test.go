package gbkxml

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

func addFixtures(f *testing.F, wrap func([]byte) []byte) {
	for _, fx := range goldenFixtures {
		b, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wrap(b))
	}
}

// FuzzParse checks Parse on any input: it never panics; a refusal is a
// *SyntaxError at an offset inside the input; an accepted document keeps
// its raw bytes, and writing its tree back (UTF-8 always, GBK too when it
// was GBK) and parsing that gives the same tree.
func FuzzParse(f *testing.F) {
	addFixtures(f, func(b []byte) []byte { return b })
	for _, s := range []string{
		`<a><b k="v&amp;">x&#x4E2D;<![CDATA[y]]></b><!--c--><?p?></a>`,
		`<?xml version="1.0" encoding="GB18030"?><a>` + "\x95\x32\x82\x36" + `</a>`,
		`<!DOCTYPE a><a/>`,
		`<m:a xmlns:m="u"><m:b/>t<c> </c></m:a>`,
		"<a>\r\n<b>\r</b></a>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Parse(b)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(b) {
				t.Fatalf("offset %d outside input of %d bytes", se.Offset, len(b))
			}
			return
		}
		if !bytes.Equal(doc.Raw(), b) {
			t.Fatal("Raw differs from the input")
		}
		root := doc.Root()
		if root == nil {
			t.Fatal("nil root without error")
		}
		if hasNonASCIIName(root) {
			return // the Writer writes ASCII names only, by design
		}
		encs := []Encoding{UTF8}
		if doc.Encoding() == GBK {
			encs = append(encs, GBK)
		}
		for _, enc := range encs {
			w := NewWriter(nil, enc)
			writeTree(w, root)
			if err := w.Err(); err != nil {
				t.Fatalf("Writer(%v) refuses a parsed tree: %v", enc, err)
			}
			again, err := Parse(w.Bytes())
			if err != nil {
				t.Fatalf("Parse of re-encoded %v message %q: %v", enc, w.Bytes(), err)
			}
			if d := treeDiff(root, again.Root(), ""); d != "" {
				t.Fatalf("round trip via %v: %s", enc, d)
			}
		}
	})
}

// FuzzParseFormBody checks ParseFormBody on any input: no panic; what it
// returns survives FormBody -> ParseFormBody unchanged; and where net/url
// can read the body it reads the same parameters.
func FuzzParseFormBody(f *testing.F) {
	addFixtures(f, func(b []byte) []byte { return FormBody(nil, b, "96e79218965eb72c92a549dd5a330112") })
	for _, s := range []string{"xml=&mac=", "mac=1", "xml=%zz", "xml=1&xml=2&mac=3", "a=b&&xml=%41+&mac=%2B"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, mac, err := ParseFormBody(b)
		switch {
		case err == nil && (len(x) == 0 || mac == ""):
			t.Fatalf("no error but xml %q mac %q", x, mac)
		case errors.Is(err, ErrNoXML) && (x != nil || mac != ""):
			t.Fatalf("ErrNoXML with results %q %q", x, mac)
		case errors.Is(err, ErrNoMAC) && (len(x) == 0 || mac != ""):
			t.Fatalf("ErrNoMAC with xml %q mac %q", x, mac)
		case err != nil && !errors.Is(err, ErrNoMAC):
			return
		}
		x2, mac2, err2 := ParseFormBody(FormBody(nil, x, mac))
		if !bytes.Equal(x, x2) || mac != mac2 || (err == nil) != (err2 == nil) {
			t.Fatalf("round trip: %q %q %v -> %q %q %v", x, mac, err, x2, mac2, err2)
		}
		if vals, uerr := url.ParseQuery(string(b)); uerr == nil {
			if vals.Get("xml") != string(x) || vals.Get("mac") != mac {
				t.Fatalf("net/url reads xml %q mac %q, we read %q %q", vals.Get("xml"), vals.Get("mac"), x, mac)
			}
		}
	})
}
