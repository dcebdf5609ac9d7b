package gbkxml

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestFormBody(t *testing.T) {
	xmlGBK := mustGBK(t, `<?xml version="1.0" encoding="GBK" ?><a>门店 1+1&amp;</a>`)
	body := FormBody(nil, xmlGBK, "0123abcd")
	want := "xml=%3C%3Fxml+version%3D%221.0%22+encoding%3D%22GBK%22+%3F%3E%3Ca%3E%C3%C5%B5%EA+1%2B1%26amp%3B%3C%2Fa%3E&mac=0123abcd"
	if string(body) != want {
		t.Fatalf("FormBody =\n%s\nwant\n%s", body, want)
	}
	// The standard library decodes it to the same bytes.
	vals, err := url.ParseQuery(string(body))
	if err != nil || vals.Get("xml") != string(xmlGBK) || vals.Get("mac") != "0123abcd" {
		t.Fatalf("net/url reads %q, %v", vals, err)
	}
	gotXML, gotMAC, err := ParseFormBody(body)
	if err != nil || !bytes.Equal(gotXML, xmlGBK) || gotMAC != "0123abcd" {
		t.Fatalf("ParseFormBody = %q, %q, %v", gotXML, gotMAC, err)
	}
}

func TestParseFormBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		xml     string
		mac     string
		wantErr error  // matched with errors.Is
		errText string // or a substring of the message
	}{
		{"plain", "xml=%3Ca%2F%3E&mac=ab", "<a/>", "ab", nil, ""},
		{"order and extra params", "foo=1&mac=AB&xml=%3Ca%2F%3E&bar", "<a/>", "AB", nil, ""},
		{"raw GBK percent bytes kept", "xml=%B3%C9%B9%A6&mac=1", "\xB3\xC9\xB9\xA6", "1", nil, ""},
		{"lower-case hex escapes", "xml=%b3%c9&mac=1", "\xB3\xC9", "1", nil, ""},
		{"plus is space", "xml=a+b&mac=1", "a b", "1", nil, ""},
		{"unescaped key", "%78ml=1&mac=2", "1", "2", nil, ""},
		{"no xml", "mac=1", "", "", ErrNoXML, ""},
		{"empty xml", "xml=&mac=1", "", "", ErrNoXML, ""},
		{"empty body", "", "", "", ErrNoXML, ""},
		{"no mac", "xml=%3Ca%2F%3E", "<a/>", "", ErrNoMAC, ""},
		{"empty mac", "xml=1&mac=", "1", "", ErrNoMAC, ""},
		{"xml twice", "xml=1&xml=2&mac=3", "", "", nil, "given twice"},
		{"mac twice", "xml=1&mac=2&mac=3", "", "", nil, "given twice"},
		{"bad escape", "xml=%zz&mac=1", "", "", nil, "invalid %-escape \"%zz\" at offset 4"},
		{"truncated escape", "xml=a%4&mac=1", "", "", nil, "truncated %-escape at offset 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, m, err := ParseFormBody([]byte(tt.body))
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.errText)
				}
				return
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if string(x) != tt.xml || m != tt.mac {
				t.Fatalf("got %q, %q; want %q, %q", x, m, tt.xml, tt.mac)
			}
		})
	}
}

// TestParseFormBodyAllocs: a simulator parses every request body; the xml
// bytes and the MAC string are the only allocations, whatever the
// parameter order or escapes in the names and the MAC.
func TestParseFormBodyAllocs(t *testing.T) {
	for _, body := range []string{
		string(FormBody(nil, []byte(benchMessageUTF8), "0123456789abcdef0123456789abcdef")),
		"foo=1&%6Dac=0123456789ABCDEF0123456789ABCDEF&x%6Dl=%3Ca%2F%3E",
	} {
		b := []byte(body)
		allocs := testing.AllocsPerRun(100, func() {
			if _, _, err := ParseFormBody(b); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 2 {
			t.Errorf("%.1f allocations per ParseFormBody(%.40q...), want 2", allocs, body)
		}
	}
}
