package cli

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want uint64
		err  string // in the error; "" for success
	}{
		{"1234", 32, 1234, ""},
		{"0", 32, 0, ""},
		{"0x1000", 32, 4096, ""},
		{"0X00001000", 32, 4096, ""},
		{"00001000", 32, 0, "leading zero is ambiguous: write 1000 for decimal, or 0x00001000"},
		{"010", 16, 0, "leading zero"}, // strconv base 0 would say 8
		{"0b101", 16, 0, "leading zero"},
		{"1_000", 32, 0, "whole number"},
		{"20.00", 32, 0, "20.00 yuan is 2000"},
		{"-5", 32, 0, "whole number"},
		{"+5", 32, 0, "whole number"},
		{"65536", 16, 0, "out of range"},
		{"0x10000", 16, 0, "not 16-bit hex"},
		{"0x", 16, 0, "not 16-bit hex"},
		{"", 16, 0, "want a number"},
		{"ten", 16, 0, "whole number"},
	}
	for _, tt := range tests {
		got, err := ParseNumber("amount", tt.in, tt.bits)
		if tt.err == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseNumber(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
			continue
		}
		var u *ExitError
		if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "--amount") || !errors.As(err, &u) || u.Code != 2 {
			t.Errorf("ParseNumber(%q) = %d, %v; want a usage error with %q", tt.in, got, err, tt.err)
		}
	}
}

func TestNumberFlag(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := NumberVar(fs, "balance", 7, 32, "")
	if err := fs.Parse(nil); err != nil || n.Value != 7 || n.IsSet {
		t.Fatalf("default: %v %+v", err, n)
	}
	if err := fs.Parse([]string{"--balance", "0x10"}); err != nil || n.Value != 16 || !n.IsSet {
		t.Fatalf("0x10: %v %+v", err, n)
	}
	if err := fs.Parse([]string{"--balance", "0100"}); err == nil || !strings.Contains(err.Error(), "leading zero") {
		t.Fatalf("0100 must be refused, got %v (%d)", err, n.Value)
	}
}
