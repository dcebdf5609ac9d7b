package hzcard

import (
	"bytes"
	"encoding/json"
	"testing"
)

// referenceText is Text.UnmarshalJSON without the plain-string shortcut.
func referenceText(b []byte) (Text, error) {
	b = bytes.TrimSpace(b) // as UnmarshalJSON does first
	var s string
	if len(b) > 0 && b[0] == '"' {
		err := json.Unmarshal(b, &s)
		return Text(s), err
	}
	var t Text
	err := t.UnmarshalJSON(b)
	return t, err
}

// TestTextPlainString: the shortcut decodes exactly as encoding/json, and
// leaves everything it cannot take literally to encoding/json.
func TestTextPlainString(t *testing.T) {
	tests := []struct {
		in    string
		plain bool
	}{
		{`"2253800000000001"`, true},
		{`"湖州"`, true},
		{`""`, true},
		{` "a" `, true},
		{`"a\"b"`, false},
		{`"a\u0041"`, false},
		{"\"a\x01\"", false},
		{"\"a\xffb\"", false},
		{`"a"b"`, false},
		{`"abc`, false},
		{`"`, false},
		{`12`, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got Text
			err := got.UnmarshalJSON([]byte(tt.in))
			want, werr := referenceText([]byte(tt.in))
			if got != want || (err == nil) != (werr == nil) {
				t.Errorf("UnmarshalJSON(%q) = %q, %v; encoding/json: %q, %v", tt.in, got, err, want, werr)
			}
			if p := plainString([]byte(tt.in)); p != tt.plain && tt.in[0] != ' ' {
				t.Errorf("plainString(%q) = %v, want %v", tt.in, p, tt.plain)
			}
		})
	}
}

func FuzzTextUnmarshal(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, "\"\xff\"", `12`, `null`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got Text
		err := got.UnmarshalJSON(b)
		want, werr := referenceText(b)
		if (err == nil) != (werr == nil) || (err == nil && got != want) {
			t.Fatalf("UnmarshalJSON(%q) = %q, %v; encoding/json: %q, %v", b, got, err, want, werr)
		}
	})
}
