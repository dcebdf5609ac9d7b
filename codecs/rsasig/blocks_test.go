package rsasig

import (
	"bytes"
	"testing"
)

// A DER value whose last byte looks like white space must reach the ASN.1
// parser unchanged (regression: TrimSpace ate a trailing 0x20 of a PKCS #1
// key about one run in eighty).
func TestBlocksKeepsDERBytesExactly(t *testing.T) {
	for _, last := range []byte{0x09, 0x0A, 0x0D, 0x20} {
		der := []byte{0x30, 0x03, 0x02, 0x01, last}
		bs, err := blocks(der)
		if err != nil || len(bs) != 1 || !bytes.Equal(bs[0].Bytes, der) {
			t.Errorf("DER ending in %02X: got %v, %v", last, bs, err)
		}
	}
}
