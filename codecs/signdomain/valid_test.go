package signdomain

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, s := range []string{
		``, ` `, `{}`, `[]`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{,}`, `[1,]`, `[,1]`, `[1 2]`, `{"a":1 "b":2}`,
		`"x"`, `"\u00e9\n\/"`, `"\u00g0"`, `"\x"`, "\"a\x01\"", "\"\xff\xfe\"", `"`, `"\`, `"\u12`,
		`0`, `-0`, `01`, `-`, `1.`, `1.5`, `.5`, `1e`, `1e+`, `1E-7`, `-12.5e10`, `1.5e3.2`, `+1`,
		`true`, `tru`, `true1`, `null `, ` false`, `nul`, `truex`,
		`{"a":[1,{"b":null}],"c":"d"}`, `{"a":1}{}`, `{"a":1} x`, "\t{\r\n}\n", `{"a":}`, `{1:2}`,
		deep(10000), deep(10001), `{"a":` + deep(9999) + `}`, `{"a":` + deep(10000) + `}`,
	} {
		if got, want := valid([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("valid(%.60q) = %v, json.Valid %v", s, got, want)
		}
	}
}

// FuzzValid: valid decides as json.Valid does.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,true,null,"\u0041"]}`, `[{}]`, `"\"`, `-01`, `{"a":1,}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := valid(b), json.Valid(b); got != want {
			t.Fatalf("valid(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}
