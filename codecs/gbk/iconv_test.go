package gbk

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
	"unicode/utf8"
)

// iconv runs glibc's iconv with -c over lines: every input line converted
// on its own, an unconvertible one coming out empty. Neither GBK nor UTF-8
// uses 0x0A inside a character, so the lines stay aligned.
func iconv(t *testing.T, from, to string, lines [][]byte) [][]byte {
	t.Helper()
	path, err := exec.LookPath("iconv")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("iconv (glibc, libc-bin) is missing: %v", err)
		}
		t.Skipf("no iconv here: %v", err)
	}
	cmd := exec.Command(path, "-c", "-f", from, "-t", to)
	cmd.Stdin = bytes.NewReader(append(bytes.Join(lines, []byte{'\n'}), '\n'))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("iconv -f %s -t %s: %v %s", from, to, err, stderr.String())
	}
	got := bytes.Split(bytes.TrimSuffix(out, []byte{'\n'}), []byte{'\n'})
	if len(got) != len(lines) {
		t.Fatalf("iconv -f %s -t %s: %d lines out of %d", from, to, len(got), len(lines))
	}
	return got
}

// TestStrictGBKIsGlibcCP936 compares the whole two-byte table, and every
// BMP character, with glibc's GBK, built at run time by iconv (nothing from
// outside is committed): strict Decode accepts exactly what `iconv -f GBK`
// accepts, as the same characters, and Encode produces exactly what `iconv
// -t GBK` produces.
func TestStrictGBKIsGlibcCP936(t *testing.T) {
	var codes [][]byte
	for lead := leadMin; lead <= leadMax; lead++ {
		for trail := trailMin; trail <= trailMax; trail++ {
			if trail != 0x7F {
				codes = append(codes, []byte{byte(lead), byte(trail)})
			}
		}
	}
	codes = append(codes, []byte{0x80}) // the euro, CP936's one single byte above ASCII
	glibc := iconv(t, "GBK", "UTF-8", codes)
	accepted := 0
	for i, c := range codes {
		ours, err := Decode(nil, c)
		switch {
		case len(glibc[i]) == 0 && err == nil:
			t.Errorf("% X: glibc's GBK refuses it, strict Decode gives %q", c, ours)
		case len(glibc[i]) != 0 && err != nil:
			t.Errorf("% X: glibc's GBK gives %q, strict Decode refuses it: %v", c, glibc[i], err)
		case err == nil && !bytes.Equal(ours, glibc[i]):
			t.Errorf("% X: glibc %q, ours %q", c, glibc[i], ours)
		case err == nil:
			accepted++
		}
	}
	var runes [][]byte
	for r := rune(0x80); r < 0x10000; r++ {
		if r < 0xD800 || r > 0xDFFF {
			runes = append(runes, utf8.AppendRune(nil, r))
		}
	}
	glibcEnc := iconv(t, "UTF-8", "GBK", runes)
	encoded := 0
	for i, r := range runes {
		ours, err := Encode(nil, string(r))
		switch {
		case len(glibcEnc[i]) == 0 && err == nil:
			t.Errorf("%q: glibc's GBK cannot encode it, strict Encode gives % X", r, ours)
		case len(glibcEnc[i]) != 0 && err != nil:
			t.Errorf("%q: glibc's GBK gives % X, strict Encode refuses it: %v", r, glibcEnc[i], err)
		case err == nil && !bytes.Equal(ours, glibcEnc[i]):
			t.Errorf("%q: glibc % X, ours % X", r, glibcEnc[i], ours)
		case err == nil:
			encoded++
		}
	}
	t.Logf("%d codes decode and %d BMP characters encode as glibc's GBK does", accepted, encoded)
}

// TestGB18030IsThe2005Edition: the pair GB18030-2005 swapped maps as glibc
// maps it in GB18030 mode, and strict GBK has neither.
func TestGB18030IsThe2005Edition(t *testing.T) {
	in := [][]byte{{0xA8, 0xBC}, {0x81, 0x35, 0xF4, 0x37}, {0xA2, 0xE3}, {0xFE, 0x50}}
	glibc := iconv(t, "GB18030", "UTF-8", in)
	for i, b := range in {
		ours, err := DecodeGB18030(nil, b)
		if err != nil || !bytes.Equal(ours, glibc[i]) {
			t.Errorf("GB18030 % X: glibc %q, ours %q %v", b, glibc[i], ours, err)
		}
		if len(b) == 2 {
			if s, err := Decode(nil, b); err == nil {
				t.Errorf("GBK % X: strict GBK must refuse a GB18030-only code, got %q", b, s)
			}
		}
	}
}
