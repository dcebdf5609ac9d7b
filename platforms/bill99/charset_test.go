package bill99

import (
	"bytes"
	"testing"

	"paycert/codecs/gbk"
)

// TestMisencoded: a field in GBK inside a message declared UTF-8 is found
// by its catalogue path and quoted as the text it was meant to be; valid
// UTF-8 and other declarations are left to Parse.
func TestMisencoded(t *testing.T) {
	gb, err := gbk.EncodeString("翼码")
	if err != nil {
		t.Fatal(err)
	}
	msg := func(decl string, field string) []byte {
		m := NewMessage(Version)
		m.AddNode(ElTxn).Add("txnType", "PUR").Add("customerId", "MARK").Add("ext1", field)
		b := bytes.Replace(Encode(m), []byte(`encoding="UTF-8"`), []byte(decl), 1)
		return bytes.Replace(b, []byte("MARK"), gb, 1)
	}
	for _, tc := range []struct {
		name       string
		body       []byte
		path       string
		value      string
		misencoded bool
	}{
		{"GBK customerId declared UTF-8", msg(`encoding="UTF-8"`, "x"), ElTxn + "/customerId", "翼码", true},
		{"no encoding attribute is UTF-8", msg(`standalone="no"`, "x"), ElTxn + "/customerId", "翼码", true},
		{"declared GBK: Parse's business", msg(`encoding="GBK"`, "x"), "", "", false},
		{"valid UTF-8", Encode(NewMessage(Version)), "", "", false},
		{"a comment before it", bytes.Replace(msg(`encoding="UTF-8"`, "x"), []byte("<version>"), []byte("<!-- <a> --><version>"), 1), ElTxn + "/customerId", "翼码", true},
		{"a byte GBK cannot decode", bytes.Replace(msg(`encoding="UTF-8"`, "x"), gb, []byte{0xff}, 1), ElTxn + "/customerId", `"\xff"`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, value, ok := Misencoded(tc.body)
			if ok != tc.misencoded || path != tc.path || value != tc.value {
				t.Errorf("Misencoded = %q, %q, %v; want %q, %q, %v", path, value, ok, tc.path, tc.value, tc.misencoded)
			}
		})
	}
}
