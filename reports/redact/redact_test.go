package redact

import (
	"bytes"
	"strings"
	"testing"
)

func TestStringHidesEveryForm(t *testing.T) {
	r := New(append(URLSecrets("http://op:pa%20ss%261@host/x"), "K3y<9>", "ab")...)
	for _, tt := range []struct{ in, want string }{
		{"Get http://op:pa%20ss%261@host/x failed", "Get http://***@host/x failed"},
		{"key=K3y<9>!", "key=***!"},
		{"LICENSEKEY=K3y%3C9%3E&x=1", "LICENSEKEY=***&x=1"},
		{`{"key":"K3y\u003c9\u003e"}`, `{"key":"***"}`},
		{"<td>K3y&lt;9&gt;</td>", "<td>***</td>"},
		{"password pa ss&1 in a message", "password *** in a message"},
		{"ab is too short to be hidden", "ab is too short to be hidden"},
		// userinfo of any URL goes, configured or not
		{"see https://u:other@example.com/p and ftp://tok@h", "see https://***@example.com/p and ftp://***@h"},
		{"mail a@b.c, http://host/a@b", "mail a@b.c, http://host/a@b"},
	} {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWalkRedactsNestedValues(t *testing.T) {
	type ex struct {
		URL     string
		Request []byte
		Header  map[string]string
	}
	type rep struct {
		Specs []struct{ Exchanges []ex }
		Ptr   *ex
	}
	v := rep{Specs: []struct{ Exchanges []ex }{{Exchanges: []ex{{URL: "http://u:SEKRET@h", Request: []byte("k=SEKRET"),
		Header: map[string]string{"Authorization": "SEKRET"}}}}}, Ptr: &ex{URL: "SEKRET"}}
	New("SEKRET").Walk(&v)
	e := v.Specs[0].Exchanges[0]
	if e.URL != "http://***@h" || string(e.Request) != "k=***" || e.Header["Authorization"] != "***" || v.Ptr.URL != "***" {
		t.Errorf("Walk left a secret: %+v %+v", e, v.Ptr)
	}
}

func TestWriterRedactsSecretsSplitAcrossWrites(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, New("SEKRET"), strings.ToUpper)
	for _, p := range []string{"a SEK", "RET b\nc SE", "KRET"} {
		if _, err := w.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "A *** B\nC ***" {
		t.Errorf("got %q", got)
	}
}
