package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/codecs/gbkxml"
)

func TestMACCLI(t *testing.T) {
	dir := t.TempDir()
	xmlGBK := append(append([]byte(`<?xml version="1.0" encoding="GBK"?><a>`), storeNameGBK...), "</a>"...)
	xmlUTF8 := []byte(`<?xml version="1.0" encoding="GBK"?><a>门店名称</a>`)
	file := filepath.Join(dir, "req.xml")
	if err := os.WriteFile(file, xmlGBK, 0o600); err != nil {
		t.Fatal(err)
	}
	// Expected values from md5sum, independent of paycert:
	//   printf '654321<a>123</a>654321' | md5sum
	//   (printf '654321'; cat req.xml; printf '654321') | md5sum
	const macA123 = "9764adfd0de079a6744f345abf01eda7"
	const macReq = "9fbd2cd11c15dc82a96daee8d39f438b"
	if got := runOK(t, nil, "mac", "ipos", "--key", "654321", file); got != macReq+"\n" {
		t.Fatalf("MAC of req.xml = %q, md5sum says %s", got, macReq)
	}
	reqMAC := macReq + "\n"
	tests := []struct {
		name      string
		stdin     []byte
		args      []string
		code      int
		stdout    string
		stderrHas string
	}{
		{name: "stdin", stdin: []byte("<a>123</a>"), args: []string{"mac", "ipos", "--key", "654321"}, stdout: macA123 + "\n"},
		{name: "flag after file", args: []string{"mac", "ipos", file, "--key", "654321"}, stdout: reqMAC},
		{name: "utf8 input converted", stdin: xmlUTF8, args: []string{"mac", "ipos", "--key", "654321", "--utf8-input"},
			stdout: reqMAC, stderrHas: "converted UTF-8 input to GBK (55 -> 51 bytes)"},
		{name: "utf8 input warned", stdin: xmlUTF8, args: []string{"mac", "ipos", "--key", "654321"}, stderrHas: "UTF-8"},
		{name: "trailing newline noted", stdin: []byte("<a>123</a>\n"), args: []string{"mac", "ipos", "--key", "654321"}, stderrHas: "ends with a newline"},
		{name: "check ok upper case", stdin: []byte("<a>123</a>"), args: []string{"mac", "ipos", "--key", "654321", "--check", strings.ToUpper(macA123)},
			stdout: macA123 + "\n", stderrHas: "MAC matches"},
		{name: "check not hex", stdin: []byte("<a>123</a>"), args: []string{"mac", "ipos", "--key", "654321", "--check", "xyz"},
			code: 2, stderrHas: "want the 32 hex digits"},
		{name: "check mismatch", stdin: []byte("<a>124</a>"), args: []string{"mac", "ipos", "--key", "654321", "--check", macA123},
			code: 1, stderrHas: "MAC mismatch"},
		{name: "form ok", stdin: gbkxml.FormBody(nil, []byte("<a>123</a>"), macA123), args: []string{"mac", "ipos", "--key", "654321", "--form"},
			stdout: macA123 + "\n", stderrHas: "MAC matches"},
		{name: "form wrong key", stdin: gbkxml.FormBody(nil, []byte("<a>123</a>"), macA123), args: []string{"mac", "ipos", "--key", "x", "--form"},
			code: 1, stderrHas: "MAC mismatch"},
		{name: "form without mac", stdin: []byte("xml=%3Ca%2F%3E"), args: []string{"mac", "ipos", "--key", "x", "--form"},
			code: 1, stderrHas: "no mac parameter"},
		{name: "no key", stdin: []byte("x"), args: []string{"mac", "ipos"}, code: 2, stderrHas: "--key is required"},
		{name: "unencodable utf8", stdin: []byte("😀"), args: []string{"mac", "ipos", "--key", "k", "--utf8-input"}, code: 1, stderrHas: "byte offset 0"},
		{name: "cardpwd seed sample", args: []string{"mac", "cardpwd", "111111"}, stdout: "96e79218965eb72c92a549dd5a330112\n"},
		{name: "cardpwd not six digits", args: []string{"mac", "cardpwd", "abc"}, stdout: "900150983cd24fb0d6963f7d28e17f72\n", stderrHas: "6 digits"},
		{name: "cardpwd no argument", args: []string{"mac", "cardpwd"}, code: 2, stderrHas: "exactly one PASSWORD"},
		{name: "unknown subcommand", args: []string{"mac", "sha1"}, code: 2, stderrHas: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCodec(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if tt.stdout != "" && out != tt.stdout {
				t.Errorf("stdout %q, want %q", out, tt.stdout)
			}
			if !strings.Contains(errOut, tt.stderrHas) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.stderrHas)
			}
		})
	}
}

func runOK(t *testing.T, stdin []byte, args ...string) string {
	t.Helper()
	code, out, errOut := runCodec(t, stdin, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}
