package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
)

// codecTestRoot holds only the gbk and mac trees, so these tests do not
// depend on how rootCommand is wired.
func codecTestRoot() *cli.Command {
	return &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{gbkCommand(), macCommand()}}
}

func runCodec(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return clitest.Run(context.Background(), codecTestRoot(), stdin, args...)
}

// "门店名称" in GBK.
var storeNameGBK = []byte{0xC3, 0xC5, 0xB5, 0xEA, 0xC3, 0xFB, 0xB3, 0xC6}

func TestGBKCLI(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "in.gbk")
	if err := os.WriteFile(file, append([]byte("a\n"), storeNameGBK...), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		stdin     []byte
		args      []string
		code      int
		stdout    string // exact, when code == 0
		stderrHas string
		stdoutGBK []byte
	}{
		{name: "encode", stdin: []byte("<a>门店名称</a>"), args: []string{"gbk", "encode"},
			stdoutGBK: append(append([]byte("<a>"), storeNameGBK...), "</a>"...)},
		{name: "decode file", args: []string{"gbk", "decode", file}, stdout: "a\n门店名称"},
		{name: "decode stdin dash", stdin: storeNameGBK, args: []string{"gbk", "decode", "-"}, stdout: "门店名称"},
		{name: "encode unencodable", stdin: []byte("ab\n c😀"), args: []string{"gbk", "encode"}, code: 1,
			stderrHas: "byte offset 5 (line 2, column 3, bytes F0 9F 98 80): rune not representable in GBK"},
		{name: "decode invalid", stdin: []byte("abc\xB3\x20"), args: []string{"gbk", "decode"}, code: 1,
			stderrHas: "byte offset 3 (line 1, column 4, bytes B3 20): invalid trail byte 0x20"},
		{name: "decode UTF-8 by mistake", stdin: []byte("a门"), args: []string{"gbk", "decode"}, code: 1,
			stderrHas: "valid UTF-8"},
		{name: "decode four-byte refused", stdin: []byte{0x95, 0x32, 0x82, 0x36}, args: []string{"gbk", "decode"}, code: 1,
			stderrHas: "GB18030"},
		{name: "decode four-byte with --gb18030", stdin: []byte{0x95, 0x32, 0x82, 0x36}, args: []string{"gbk", "decode", "--gb18030"},
			stdout: "\U00020000"},
		{name: "two files", args: []string{"gbk", "decode", "a", "b"}, code: 2, stderrHas: "at most one FILE"},
		{name: "missing file", args: []string{"gbk", "decode", filepath.Join(dir, "nope")}, code: 1, stderrHas: "no such file"},
		{name: "help", args: []string{"gbk", "decode", "--help"}, stdout: "", stderrHas: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCodec(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.stderrHas) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.stderrHas)
			}
			switch {
			case tt.code != 0:
				if out != "" {
					t.Errorf("partial output on error: %q", out)
				}
			case tt.stdoutGBK != nil:
				if !bytes.Equal([]byte(out), tt.stdoutGBK) {
					t.Errorf("stdout % X, want % X", out, tt.stdoutGBK)
				}
			case tt.name == "help":
				if !strings.Contains(out, "Examples:") || !strings.Contains(out, "--gb18030") {
					t.Errorf("help lacks examples or flags:\n%s", out)
				}
			default:
				if out != tt.stdout {
					t.Errorf("stdout %q, want %q", out, tt.stdout)
				}
			}
		})
	}
}

func TestCodecHelp(t *testing.T) {
	for _, args := range [][]string{
		{"gbk", "--help"}, {"gbk", "encode", "--help"}, {"gbk", "decode", "-h"},
		{"mac", "--help"}, {"mac", "ipos", "--help"}, {"mac", "cardpwd", "--help"},
	} {
		code, out, _ := runCodec(t, nil, args...)
		if code != 0 || !strings.Contains(out, "Examples:") || !strings.Contains(out, "Usage: paycert") {
			t.Errorf("%v: exit %d, help:\n%s", args, code, out)
		}
	}
}
