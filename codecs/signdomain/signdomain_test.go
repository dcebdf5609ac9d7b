package signdomain

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDomain(t *testing.T) {
	// A seed 003 style request: envelope, data object, sign last.
	const req = `{"txncode":"charge", "data": {"sign":"inner","cardno":"2253"}, "sign":"ABCD"}`
	tests := []struct {
		name    string
		profile Profile
		in      string
		want    string
	}{
		{"empty: value blanked, bytes kept", SignEmpty, req, `{"txncode":"charge", "data": {"sign":"inner","cardno":"2253"}, "sign":""}`},
		{"empty: already empty is identity", SignEmpty, `{ "a" : 1 , "sign" : "" }`, `{ "a" : 1 , "sign" : "" }`},
		{"empty: absent is appended", SignEmpty, `{"a":1}`, `{"a":1,"sign":""}`},
		{"empty: absent from empty object", SignEmpty, `{}`, `{"sign":""}`},
		{"empty: escaped quotes in value", SignEmpty, `{"sign":"a\"b\\","z":"\"sign\":\"x\""}`, `{"sign":"","z":"\"sign\":\"x\""}`},
		{"empty: escaped key", SignEmpty, `{"\u0073ign":"x"}`, `{"\u0073ign":""}`},
		{"removed: last member", SignRemoved, req, `{"txncode":"charge", "data": {"sign":"inner","cardno":"2253"}}`},
		{"removed: first member", SignRemoved, `{"sign":"x", "a":1}`, `{"a":1}`},
		{"removed: middle member", SignRemoved, `{"a":1,"sign":"x","b":[1,2]}`, `{"a":1,"b":[1,2]}`},
		{"removed: only member", SignRemoved, ` {"sign":"x"} `, ` {} `},
		{"removed: absent", SignRemoved, `{"a":1}`, `{"a":1}`},
		{"sorted-empty", SortedSignEmpty, req, `{"data":{"cardno":"2253","sign":"inner"},"sign":"","txncode":"charge"}`},
		{"sorted-removed", SortedSignRemoved, req, `{"data":{"cardno":"2253","sign":"inner"},"txncode":"charge"}`},
		{"sorted keeps scalars exact", SortedSignRemoved, "{\"b\": [ 1.50e3 , \"\\u4e2d\", {\"y\":null,\"x\":true} ],\n \"a\":\"中\"}",
			`{"a":"中","b":[1.50e3,"\u4e2d",{"x":true,"y":null}]}`},
		{"sorted by decoded key", SortedSignRemoved, `{"\u0062":1,"a":2}`, `{"a":2,"\u0062":1}`},
		{"sorted empty containers", SortedSignEmpty, `{"z":{},"y":[]}`, `{"sign":"","y":[],"z":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			got, err := Domain(tt.profile, in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Domain(%s)\n got %s\nwant %s", tt.profile, got, tt.want)
			}
			if string(in) != tt.in {
				t.Errorf("Domain modified its input")
			}
		})
	}
}

func TestDomainErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		profile        Profile
	}{
		{"not JSON", `{"a":`, "not valid JSON", SignEmpty},
		{"empty input", ``, "not valid JSON", SignEmpty},
		{"array", `[{"sign":""}]`, "JSON array, want an object", SignEmpty},
		{"string", `"sign"`, "JSON string, want an object", SignRemoved},
		{"duplicate sign", `{"sign":"a","x":1,"sign":"b"}`, "duplicate top-level \"sign\"", SignEmpty},
		{"duplicate via escape", `{"sign":"a","\u0073ign":"b"}`, "duplicate top-level \"sign\"", SignRemoved},
		{"sign not a string", `{"sign":null}`, "is a JSON null, want a string", SignEmpty},
		{"sign a number", `{"sign":12}`, "is a JSON number", SortedSignEmpty},
		{"sorted duplicate key", `{"a":1,"b":{"c":1,"c":2}}`, `duplicate key "c"`, SortedSignRemoved},
		{"unknown profile", `{}`, "unknown profile", Profile("sorted")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Domain(tt.profile, []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Duplicate non-sign keys are the sender's business in the byte-exact
	// profiles: the domain is still well defined.
	if _, err := Domain(SignEmpty, []byte(`{"a":1,"a":2,"sign":""}`)); err != nil {
		t.Errorf("sign-empty with duplicate ordinary keys: %v", err)
	}
}

func TestSetSign(t *testing.T) {
	tests := []struct {
		name, in, value, want string
	}{
		{"fill empty", `{"a":1,"data":{"sign":""},"sign":""}`, "3045AB", `{"a":1,"data":{"sign":""},"sign":"3045AB"}`},
		{"replace", `{"sign" : "old\"one" ,"a":1}`, "new", `{"sign" : "new" ,"a":1}`},
		{"value needing escapes", `{"sign":""}`, "a\"b\\c\n\x01<>&", `{"sign":"a\"b\\c\n\u0001<>&"}`},
		{"invalid UTF-8", `{"sign":""}`, "a\xffb", `{"sign":"a\ufffdb"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SetSign([]byte(tt.in), tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			v, ok, err := SignValue(got)
			if want := strings.ToValidUTF8(tt.value, "\ufffd"); err != nil || !ok || v != want {
				t.Errorf("SignValue = %q, %v, %v; want %q", v, ok, err, want)
			}
		})
	}
	if _, err := SetSign([]byte(`{"a":1}`), "x"); err == nil {
		t.Error("SetSign on a message without sign: no error")
	}
	if _, err := SetSign([]byte(`{"sign":"","sign":""}`), "x"); err == nil {
		t.Error("SetSign with duplicate sign members: no error")
	}
	if _, ok, err := SignValue([]byte(`{"a":{"sign":"x"}}`)); ok || err != nil {
		t.Errorf("nested sign taken for the top-level one: %v %v", ok, err)
	}
}

// TestSignFlow is the signer/verifier round trip the package exists for.
func TestSignFlow(t *testing.T) {
	built := []byte(`{"txncode":"charge","data":{"cardno":"2253123456781234"},"sign":""}`)
	for _, p := range Profiles() {
		t.Run(string(p), func(t *testing.T) {
			signed, err := Domain(p, built)
			if err != nil {
				t.Fatal(err)
			}
			sent, err := SetSign(built, "C0FFEE")
			if err != nil {
				t.Fatal(err)
			}
			received, err := Domain(p, sent)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(signed, received) {
				t.Errorf("signer domain %s != verifier domain %s", signed, received)
			}
			tampered := bytes.Replace(sent, []byte("2253"), []byte("2254"), 1)
			if d, _ := Domain(p, tampered); bytes.Equal(d, signed) {
				t.Errorf("tampered message has the same domain")
			}
		})
	}
	if d, _ := Domain(SignEmpty, built); !bytes.Equal(d, built) {
		t.Errorf("sign-empty domain of a message built with \"sign\":\"\" must be the message itself")
	}
}

// TestMessage: one Parse serves a signer and a verifier exactly as the
// package-level functions, which each scan again, do.
func TestMessage(t *testing.T) {
	tests := []struct{ name, msg string }{
		{"built", `{"txncode":"charge","data":{"sign":"x"},"sign":""}`},
		{"signed", `{"b":1, "sign" : "AB\u0043" ,"a":[2]}`},
		{"invalid UTF-8 in sign", "{\"sign\":\"a\xffb\"}"},
		{"no sign", `{"a":{"b":"c"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.msg))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range Profiles() {
				got, err1 := m.Domain(p)
				want, err2 := Domain(p, []byte(tt.msg))
				if !bytes.Equal(got, want) || (err1 == nil) != (err2 == nil) {
					t.Errorf("%s: Message.Domain = %q, %v; Domain = %q, %v", p, got, err1, want, err2)
				}
			}
			v, ok, err := m.SignValue()
			wv, wok, werr := SignValue([]byte(tt.msg))
			if v != wv || ok != wok || (err == nil) != (werr == nil) || ok != m.HasSign() {
				t.Errorf("SignValue = %q, %v, %v; want %q, %v, %v", v, ok, err, wv, wok, werr)
			}
			got, err1 := m.SetSign("C0FFEE")
			want, err2 := SetSign([]byte(tt.msg), "C0FFEE")
			if !bytes.Equal(got, want) || (err1 == nil) != (err2 == nil) || (err1 == nil) != m.HasSign() {
				t.Errorf("Message.SetSign = %q, %v; SetSign = %q, %v", got, err1, want, err2)
			}
		})
	}
	if v, _, _ := SignValue([]byte("{\"sign\":\"a\xffb\"}")); v != "a\ufffdb" {
		t.Errorf("SignValue with invalid UTF-8 = %q, want U+FFFD as encoding/json decodes it", v)
	}
	if _, err := Parse([]byte(`[1]`)); err == nil {
		t.Error("Parse of an array: no error")
	}
}

func TestParseProfile(t *testing.T) {
	for _, p := range Profiles() {
		if got, err := ParseProfile(string(p)); err != nil || got != p {
			t.Errorf("ParseProfile(%q) = %q, %v", p, got, err)
		}
	}
	if _, err := ParseProfile("nope"); err == nil || !strings.Contains(err.Error(), "sign-empty") {
		t.Errorf("ParseProfile(nope) error %v should list the profiles", err)
	}
	if Profiles()[0] != Default {
		t.Error("Profiles() must list the default first")
	}
}

// FuzzDomain: no input panics; every accepted result is valid JSON meaning
// the same as the input with sign blanked or dropped; domains are
// idempotent and independent of the sign value.
func FuzzDomain(f *testing.F) {
	for _, s := range []string{
		`{"txncode":"charge","data":{"cardno":"2253"},"sign":"AB"}`,
		`{"sign":"a\"b","x":[1,{"y":"\u0073"}]}`,
		`{}`, `[]`, `{"a":1,"a":2}`, ` {"sign":"" } `, `{"\u0073ign":"x","b":-0.5e+3}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		// SignValue's no-escape shortcut must decode as encoding/json does
		// (invalid UTF-8 included).
		if v, has, err := SignValue(msg); err == nil && has {
			var top map[string]json.RawMessage
			var want string
			if json.Unmarshal(msg, &top) != nil || json.Unmarshal(top[SignKey], &want) != nil || v != want {
				t.Fatalf("SignValue(%q) = %q, encoding/json reads %q", msg, v, want)
			}
		}
		for _, p := range Profiles() {
			d, err := Domain(p, msg)
			if err != nil {
				continue
			}
			if !json.Valid(d) {
				t.Fatalf("%s: invalid JSON domain %q from %q", p, d, msg)
			}
			again, err := Domain(p, d)
			if err != nil || !bytes.Equal(again, d) {
				t.Fatalf("%s: not idempotent: %q -> %q -> %q (%v)", p, msg, d, again, err)
			}
			v, has, err := SignValue(d)
			empty := p == SignEmpty || p == SortedSignEmpty
			if err != nil || has != empty || v != "" {
				t.Fatalf("%s: domain %q has sign %q, %v, %v", p, d, v, has, err)
			}
			if !sameMeaning(t, msg, d, empty) {
				t.Fatalf("%s: domain %q does not mean %q with sign normalised", p, d, msg)
			}
			if _, had, _ := SignValue(msg); had {
				other, err := SetSign(msg, "other value \"x\"")
				if err != nil {
					t.Fatal(err)
				}
				if d2, err := Domain(p, other); err != nil || !bytes.Equal(d2, d) {
					t.Fatalf("%s: domain depends on the sign value: %q vs %q", p, d, d2)
				}
			}
		}
	})
}

// sameMeaning compares msg and domain as decoded JSON after blanking (or
// dropping) msg's top-level sign. Duplicate ordinary keys survive the
// byte-exact profiles unchanged (both sides decode to the last one) and are
// rejected by the sorted ones, so no input needs to be skipped.
func sameMeaning(t *testing.T, msg, domain []byte, empty bool) bool {
	var a, b map[string]any
	if json.Unmarshal(msg, &a) != nil || json.Unmarshal(domain, &b) != nil {
		return false
	}
	if empty {
		a[SignKey] = ""
	} else {
		delete(a, SignKey)
	}
	return reflect.DeepEqual(a, b)
}

// checkObject compares every key of o with what json.Unmarshal into a map
// finds in raw (an object's bytes), one level down for object values.
func checkObject(t *testing.T, raw []byte, o Object, depth int) {
	t.Helper()
	var want map[string]json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("Object of %q, which encoding/json rejects: %v", raw, err)
	}
	for k, v := range want {
		got, ok := o.Value(k)
		if !ok || !bytes.Equal(got, v) {
			t.Fatalf("Value(%q) of %q = %q, %v; encoding/json reads %q", k, raw, got, ok, v)
		}
		sub, ok := o.Object(k)
		if isObj := v[0] == '{'; ok != isObj {
			t.Fatalf("Object(%q) of %q: %v, value %q", k, raw, ok, v)
		}
		if ok && depth < 2 {
			checkObject(t, v, sub, depth+1)
		}
	}
	for i := range o.Len() {
		k, plain, v := o.Member(i)
		if !plain {
			continue
		}
		if last, ok := o.Value(string(k)); !ok || !bytes.Equal(last, want[string(k)]) {
			t.Fatalf("Member(%d) of %q: key %q not found by Value", i, raw, k)
		}
		if !json.Valid(v) {
			t.Fatalf("Member(%d) of %q: value %q", i, raw, v)
		}
	}
	if o.Len() < len(want) {
		t.Fatalf("%q: %d members, encoding/json has %d keys", raw, o.Len(), len(want))
	}
	if _, ok := o.Value("no such key\x00"); ok {
		t.Fatalf("%q: a key that is not there was found", raw)
	}
}

func TestObject(t *testing.T) {
	for _, msg := range []string{
		`{"joininstid":"A","data":{"cardno":"2253","apdulist":"9000,9000"},"sign":""}`,
		`{"a":1,"a":{"b":[1,2]},"\u0061":"last"}`,
		` { "x" : { } , "y" : [ ] , "sign" : "s" } `,
		`{"data":"{\"cardno\":\"1\"}","k\"ey":null,"sign":"\u0041"}`,
		`{}`,
	} {
		m, err := Parse([]byte(msg))
		if err != nil {
			t.Fatal(err)
		}
		checkObject(t, bytes.TrimSpace([]byte(msg)), m.Top(), 0)
	}
}

// FuzzObject: Value and Object find what encoding/json finds.
func FuzzObject(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":{"b":2}}`, `{"data":{"x":"\u0079"},"sign":""}`, `{"\u0073ign":"x","d":{"d":{"d":1}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		m, err := Parse(msg)
		if err != nil {
			return
		}
		checkObject(t, bytes.TrimSpace(msg), m.Top(), 0)
	})
}

// BenchmarkParse is the scan a signer or verifier of a Huzhou charge
// request pays once per message.
func BenchmarkParse(b *testing.B) {
	msg := []byte(`{"joininstid":"00000001","joininstssn":"L0026112207300000000001","areaflag":"01","reqdate":"20261122","reqtime":"073000",` +
		`"instid":"00000001","mchntid":"000000000000001","netid":"00000001","termid":"00000001","termseq":"1","oprid":"000001",` +
		`"batchno":"000001","chnlid":"01","data":{"cardno":"3305000000000001","orderno":"CO202611220000000001","chargetype":"01",` +
		`"paytype":"10","payorderno":"26112207300000000000001","txnamt":"1000","apdunum":"2","apdulist":"00A4040008A000000632010105,` +
		`805000020B0100000003E8112233445566","apduresp":"9000,000003E80001000000010203049000"},"sign":""}`)
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(msg)
		if err != nil || !m.HasSign() {
			b.Fatal(err)
		}
	}
}

func TestTruncateKeepsCharacters(t *testing.T) {
	key := strings.Repeat("a", 39) + "充值金额" // the cut at 40 bytes falls inside 充
	got := truncate(key)
	if !utf8.ValidString(got) || got != strings.Repeat("a", 39)+"…" {
		t.Fatalf("truncate(%q) = %q", key, got)
	}
	if truncate("short") != "short" {
		t.Fatal("a short key changed")
	}
}
