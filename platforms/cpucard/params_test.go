package cpucard

import (
	"strings"
	"testing"
)

func TestParseMasterKeys(t *testing.T) {
	k := strings.Repeat("11", 16)
	m, err := ParseMasterKeys(k + "," + k + ", " + k + "," + strings.Repeat("22", 16))
	if err != nil || m.MAMK[0] != 0x22 || m.MLK[15] != 0x11 {
		t.Fatalf("ParseMasterKeys = %+v, %v", m, err)
	}
	for _, bad := range []string{k, k + "," + k + "," + k + ",zz", k + "," + k + "," + k + "," + k[:30]} {
		if _, err := ParseMasterKeys(bad); err == nil || strings.Contains(err.Error(), k) {
			t.Errorf("ParseMasterKeys(%.20s…): %v, want an error that does not echo a key", bad, err)
		}
	}
}

func TestParseCardRanges(t *testing.T) {
	rs, err := ParseCardRanges("2253200000000001-2253200000000003, 2253300000000009")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; ; i++ {
		no, ok := NthCard(rs, i)
		if !ok {
			break
		}
		got = append(got, no)
	}
	if want := "2253200000000001 2253200000000002 2253200000000003 2253300000000009"; strings.Join(got, " ") != want {
		t.Errorf("cards %v, want %s", got, want)
	}
	for _, bad := range []string{"2253200000000003-2253200000000001", "2253200000000001-22532000000000011", "12-13"} {
		if _, err := ParseCardRanges(bad); err == nil {
			t.Errorf("ParseCardRanges(%q) accepted", bad)
		}
	}
}
