package cpucard

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
)

// TestRecordLayouts pins each record's bytes to the layout written on its
// type (offsets typed out here, not derived from the encoder) and checks
// that the parser reads back what the encoder wrote.
func TestRecordLayouts(t *testing.T) {
	term := [6]byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66}
	dt := [7]byte{0x20, 0x26, 0x11, 0x22, 0x10, 0x30, 0x00}
	tac := [4]byte{0xA1, 0xA2, 0xA3, 0xA4}
	for _, tc := range []struct {
		name  string
		value interface{ Bytes() []byte }
		parse func([]byte) (any, error)
		want  string // hex, fields separated by spaces
	}{
		{"log record", LogRecord{Seq: 7, Overdraft: 0x010203, Amount: 150, Type: 0x06, Terminal: term, DateTime: dt},
			func(b []byte) (any, error) { return ParseLogRecord(b) },
			"0007 010203 00000096 06 112233445566 20261122103000"},
		{"load detail", LoadDetail{OnlineSeq: 3, Amount: 2000, Type: 0x02, Terminal: term, DateTime: dt, NewBalance: 2000,
			TAC: tac, MAC2: [4]byte{0xB1, 0xB2, 0xB3, 0xB4}},
			func(b []byte) (any, error) { return ParseLoadDetail(b) },
			"0003 000007D0 02 112233445566 20261122103000 000007D0 A1A2A3A4 B1B2B3B4"},
		{"purchase detail", PurchaseDetail{OfflineSeq: 9, Amount: 150, Type: 0x06, Terminal: term, DateTime: dt,
			NewBalance: 1850, TAC: tac, TermSeq: 0x01020304},
			func(b []byte) (any, error) { return ParsePurchaseDetail(b) },
			"0009 00000096 06 112233445566 20261122103000 0000073A A1A2A3A4 01020304"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.value.Bytes()
			want, err := hex.DecodeString(strings.ReplaceAll(tc.want, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Bytes = %X, want %X", got, want)
			}
			back, err := tc.parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.value) {
				t.Fatalf("parse(Bytes) = %+v, want %+v", back, tc.value)
			}
			if _, err := tc.parse(got[:len(got)-1]); err == nil {
				t.Fatalf("a record one byte short parsed without error")
			}
		})
	}
}
