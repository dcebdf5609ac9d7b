package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

func runAPDU(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return clitest.Run(context.Background(), &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{apduCommand()}}, []byte(stdin), args...)
}

func TestAPDUParseCLI(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{"init load command", "", []string{"805000020B010000100000112233445510"}, 0,
			[]string{"INITIALIZE FOR LOAD", "case 4 (short)", "4096 fen (40.96 yuan, 00001000)", "terminal", "001122334455", "Le 16"}},
		{"response with SW meaning", "", []string{"000003E89000"}, 0, []string{"000003E8 (4 bytes)", "9000 (success)"}},
		{"bare SW", "", []string{"9401"}, 0, []string{"9401 (insufficient balance)"}},
		{"forced response", "", []string{"--response", "805C000204"}, 0, []string{"0204 (unknown status)"}},
		{"list with IDX tags", "", []string{"IDX_0002:00A4040008A000000632010105,IDX_0003:805C000204"}, 0,
			[]string{"IDX_0002", "select purse AID", "transit e-purse AID", "GET BALANCE", "purse"}},
		{"seed annotation and extended", "", []string{"00B2013C00(充值交易明细1)", "00B00000000400"}, 0,
			[]string{"READ RECORD", "SFI", "07", "2 (extended)", "Le 1024"}},
		{"stdin JSON list", `["0084000004","6A82"]`, []string{"-"}, 0, []string{"GET CHALLENGE", "6A82 (file or application not found)"}},
		{"proof fields", "", []string{"805A0002020008" + "08"}, 0, []string{"GET TRANSACTION PROOF", "8 (the transaction used 7)"}},
		{"torn response", "", []string{"--response", "90"}, 1, []string{"torn transaction"}},
		{"malformed command", "", []string{"--command", "00A4040008A0"}, 1, []string{"Lc 08"}},
		{"not hex", "", []string{"zz"}, 2, []string{"not hex"}},
		{"no args", "", []string{}, 2, []string{"at least one APDU"}},
		{"both kinds", "", []string{"--response", "--command", "9000"}, 2, []string{"exclude"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runAPDU(t, tt.stdin, append([]string{"apdu", "parse"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			all := apduSquash(out + errOut)
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}
}

func TestAPDUBuildCLI(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"select-ppse", "--no-le"}, 0, "00A404000E325041592E5359532E4444463031"},
		{[]string{"select-ppse"}, 0, "00A404000E325041592E5359532E444446303100"},
		{[]string{"select-purse", "--no-le"}, 0, "00A4040008A000000632010105"},
		{[]string{"read-binary", "--sfi", "15"}, 0, "00B0950000"},
		{[]string{"read-binary", "--sfi", "15", "--offset", "12", "--le", "8"}, 0, "00B0950C08"},
		{[]string{"read-record", "--sfi", "18", "--record", "10"}, 0, "00B20AC400"},
		{[]string{"get-balance"}, 0, "805C000204"},
		{[]string{"get-balance", "--deposit"}, 0, "805C000104"},
		{[]string{"get-challenge"}, 0, "0084000004"},
		{[]string{"init-load", "--amount", "0x1000", "--terminal", "001122334455"}, 0, "805000020B010000100000112233445510"},
		{[]string{"init-load", "--amount", "4096", "--terminal", "001122334455", "--no-le"}, 0, "805000020B0100001000001122334455"},
		{[]string{"credit-load", "--datetime", "20111221214822", "--mac2", "3A845BF0"}, 0, "805200000B201112212148223A845BF004"},
		{[]string{"init-purchase", "--amount", "4096", "--terminal", "001122334455", "--composite"}, 0, "805003020B01000010000011223344550F"},
		{[]string{"debit-purchase", "--term-seq", "1", "--datetime", "20120229135100", "--mac1", "F15CAB75"}, 0, "805401000F0000000120120229135100F15CAB7508"},
		{[]string{"get-proof", "--type", "02", "--counter", "8"}, 0, "805A000202000808"},
		{[]string{"update-binary-mac", "--sfi", "16", "--data", "AABB", "--mac", "01020304"}, 0, "04D6960006AABB01020304"},
		{[]string{"init-load", "--amount", "10"}, 2, "--terminal is required"},
		{[]string{"init-load", "--amount", "ten", "--terminal", "001122334455"}, 2, "want a whole number"},
		{[]string{"init-load", "--amount", "00001000", "--terminal", "001122334455"}, 2, "leading zero is ambiguous: write 1000 for decimal, or 0x00001000"},
		{[]string{"init-load", "--amount", "1000", "--terminal", "001122334455", "--key-index", "03"}, 0, "805000020B030000"},
		{[]string{"init-load", "--amount", "1000", "--terminal", "001122334455", "--key-index", "3"}, 2, "not hex"},
		{[]string{"read-binary", "--sfi", "15", "--offset", "010"}, 2, "leading zero"},
		{[]string{"read-binary", "--sfi", "15", "--offset", "0x0C", "--le", "8"}, 0, "00B0950C08"},
		{[]string{"read-record", "--sfi", "18", "--record", "256"}, 2, "out of range"},
		{[]string{"credit-load", "--datetime", "2011", "--mac2", "3A845BF0"}, 2, "14 digits"},
		{[]string{"credit-load", "--datetime", "20111221214822", "--mac2", "3A84"}, 2, "want 4"},
		{[]string{"update-binary-mac", "--sfi", "16", "--data", "AA"}, 2, "give --mac"},
		{[]string{"get-challenge", "--len", "5"}, 2, "4 or 8"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runAPDU(t, "", append([]string{"apdu", "build"}, tt.args...)...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("exit %d (want %d), output %q %q, want %q", code, tt.code, out, errOut, tt.want)
			}
		})
	}
}

// TestAPDUBuildUpdateMACComputed checks that --damk/--challenge computes
// the same MAC the CLI's own parse shows and that it differs per challenge.
func TestAPDUBuildUpdateMACComputed(t *testing.T) {
	args := []string{"apdu", "build", "update-binary-mac", "--sfi", "16", "--data", "AABB", "--damk", "445566778899AABBBBAA998877665544"}
	_, a, _ := runAPDU(t, "", append(args, "--challenge", "01020304")...)
	_, b, _ := runAPDU(t, "", append(args, "--challenge", "01020305")...)
	if !strings.HasPrefix(a, "04D6960006AABB") || len(strings.TrimSpace(a)) != 22 || a == b {
		t.Fatalf("computed commands %q %q", a, b)
	}
}

// TestAPDUEpurseCLI recomputes the published vectors of cards.md through
// the command line.
func TestAPDUEpurseCLI(t *testing.T) {
	key := "11223344556677888877665544332211"
	code, out, errOut := runAPDU(t, "", "apdu", "epurse", "load", "--key", key, "--random", "11223344", "--online-seq", "0",
		"--amount", "0x1000", "--type", "01", "--terminal", "001122334455", "--datetime", "20111221214822",
		"--check-mac1", "2988AE5A", "--check-mac2", "3A845BF0", "--dtk", key)
	if code != 0 {
		t.Fatalf("load: exit %d: %s %s", code, out, errOut)
	}
	for _, w := range []string{"SESLK\t9B1D924E05595603", "MAC1\t2988AE5A\tmatches", "MAC2\t3A845BF0\tmatches", "TAC\t"} {
		if !strings.Contains(out, w) {
			t.Errorf("load output lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = runAPDU(t, "", "apdu", "epurse", "purchase", "--key", key, "--random", "11223344", "--offline-seq", "0",
		"--term-seq", "1", "--amount", "0x1000", "--terminal", "001122334455", "--datetime", "20120229135100",
		"--check-mac1", "F15CAB75", "--check-mac2", "56988A13")
	if code != 0 || !strings.Contains(out, "SESPK\t003238ABC57659DD") {
		t.Fatalf("purchase: exit %d:\n%s", code, out)
	}
	code, out, errOut = runAPDU(t, "", "apdu", "epurse", "load", "--key", key, "--random", "11223344", "--online-seq", "0",
		"--amount", "0x1000", "--type", "02", "--terminal", "001122334455", "--datetime", "20111221214822", "--check-mac1", "2988AE5A")
	if code != 1 || !strings.Contains(out, "MISMATCH") || !strings.Contains(errOut, "do not match") {
		t.Fatalf("type 02 against the type 01 MAC1: exit %d:\n%s%s", code, out, errOut)
	}
	// --master/--pan diversify first: the result equals diversify + --key.
	_, div, _ := runAPDU(t, "", "apdu", "epurse", "diversify", "--master", key, "--pan", "2253123456781234")
	var dk string
	for _, line := range strings.Split(div, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "key" {
			dk = f[1]
		}
	}
	if len(dk) != 32 || !strings.Contains(div, "F\t2253123456781234") {
		t.Fatalf("diversify output %q", div)
	}
	common := []string{"--random", "01020304", "--online-seq", "5", "--amount", "100", "--terminal", "001122334455", "--datetime", "20260101120000"}
	_, viaKey, _ := runAPDU(t, "", append([]string{"apdu", "epurse", "load", "--key", dk}, common...)...)
	_, viaMaster, _ := runAPDU(t, "", append([]string{"apdu", "epurse", "load", "--master", key, "--pan", "2253123456781234"}, common...)...)
	if viaKey == "" || viaKey != viaMaster {
		t.Fatalf("--key %q vs --master %q", viaKey, viaMaster)
	}
	if code, _, errOut := runAPDU(t, "", "apdu", "epurse", "load", "--random", "01020304"); code != 2 || !strings.Contains(errOut, "give --key") {
		t.Fatalf("missing flags: exit %d %s", code, errOut)
	}
	if code, _, errOut := runAPDU(t, "", "apdu", "epurse", "load", "--key", key, "--random", "01020304"); code != 2 || !strings.Contains(errOut, "--online-seq is required") {
		t.Fatalf("missing counter: exit %d %s", code, errOut)
	}
}

func TestAPDUAppendixCLI(t *testing.T) {
	code, out, _ := runAPDU(t, "", "apdu", "appendix")
	if code != 0 || strings.Count(out, "IDX_") != 49 || !strings.Contains(apduSquash(out), "IDX_0026 no 00B20ACC00") {
		t.Fatalf("appendix: exit %d\n%s", code, out)
	}
	code, out, _ = runAPDU(t, "", "apdu", "appendix", "--list", "IDX_0002", "idx 0003")
	if code != 0 || strings.TrimSpace(out) != "IDX_0002:00A4040008A000000632010105,IDX_0003:805C000204" {
		t.Fatalf("appendix --list: exit %d %q", code, out)
	}
	if code, _, errOut := runAPDU(t, "", "apdu", "appendix", "IDX_9999"); code != 2 || !strings.Contains(errOut, "IDX_9999") {
		t.Fatalf("unknown index: exit %d %s", code, errOut)
	}
}

func TestAPDUHelp(t *testing.T) {
	for _, args := range [][]string{
		{"apdu", "--help"}, {"apdu", "parse", "--help"}, {"apdu", "build", "--help"}, {"apdu", "build", "init-load", "--help"},
		{"apdu", "epurse", "load", "--help"}, {"apdu", "appendix", "--help"},
	} {
		code, out, _ := runAPDU(t, "", args...)
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%v: exit %d, help without examples:\n%s", args, code, out)
		}
	}
}

// apduSquash collapses runs of blanks so tests do not depend on tabwriter
// column widths.
func apduSquash(s string) string { return strings.Join(strings.Fields(s), " ") }

// apduField is the value of a "NAME\tHEX..." line of epurse output.
func apduField(out, name string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, "\t"); len(f) >= 2 && f[0] == name {
			return f[1]
		}
	}
	return ""
}

// TestAPDUEpurseNumberRule: --amount 1234 is decimal 1234 fen, 0x1234 is
// hex, and a leading zero is refused; the rule is the same for counters.
func TestAPDUEpurseNumberRule(t *testing.T) {
	base := []string{"apdu", "epurse", "load", "--key", "11223344556677888877665544332211", "--random", "11223344",
		"--online-seq", "0", "--terminal", "001122334455"}
	mac1 := func(extra ...string) (int, string, string) {
		code, out, errOut := runAPDU(t, "", append(append([]string(nil), base...), extra...)...)
		return code, apduField(out, "MAC1"), errOut
	}
	_, dec, _ := mac1("--amount", "1234")
	_, hexSame, _ := mac1("--amount", "0x4D2")
	_, hexOther, _ := mac1("--amount", "0x1234")
	if dec == "" || dec != hexSame || dec == hexOther {
		t.Fatalf("--amount 1234 gives MAC1 %q; 0x4D2 %q (must equal), 0x1234 %q (must differ)", dec, hexSame, hexOther)
	}
	for _, bad := range [][]string{{"--amount", "01234"}, {"--amount", "12.34"}, {"--amount", "0x1234", "--old-balance", "0100"}} {
		if code, _, errOut := mac1(bad...); code != 2 || !strings.Contains(errOut, bad[len(bad)-1]) {
			t.Errorf("%v: exit %d, want 2 naming the value: %s", bad, code, errOut)
		}
	}
	seqArgs := append([]string(nil), base...)
	seqArgs[8] = "010"
	if code, _, errOut := runAPDU(t, "", append(seqArgs, "--amount", "1")...); code != 2 || !strings.Contains(errOut, "--online-seq \"010\"") {
		t.Fatalf("--online-seq 010 (octal 8 under strconv's base 0): exit %d %s", code, errOut)
	}
}

// TestAPDUEpurseNeedsOnlyWhatItUses: the published load MAC1 checks without
// --datetime (MAC1 does not cover it); MAC2 and TAC are then left out, and
// asking to check them names what is missing.
func TestAPDUEpurseNeedsOnlyWhatItUses(t *testing.T) {
	key := "11223344556677888877665544332211"
	args := []string{"apdu", "epurse", "load", "--key", key, "--random", "11223344", "--online-seq", "0",
		"--amount", "4096", "--type", "01", "--terminal", "001122334455"}
	code, out, errOut := runAPDU(t, "", append(args, "--check-mac1", "2988AE5A", "--dtk", key)...)
	if code != 0 || !strings.Contains(out, "MAC1\t2988AE5A\tmatches") || strings.Contains(out, "MAC2") || strings.Contains(out, "TAC") {
		t.Fatalf("load without --datetime: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runAPDU(t, "", append(args, "--check-mac2", "3A845BF0")...); code != 2 || !strings.Contains(errOut, "--check-mac2 needs --datetime") {
		t.Fatalf("--check-mac2 without --datetime: exit %d %s", code, errOut)
	}
	code, out, _ = runAPDU(t, "", "apdu", "epurse", "load", "--key", key, "--random", "11223344", "--online-seq", "0")
	if code != 0 || apduField(out, "SESLK") != "9B1D924E05595603" || strings.Contains(out, "MAC1") {
		t.Fatalf("session key alone: exit %d\n%s", code, out)
	}
	// A purchase's MAC2 covers the amount only.
	code, out, _ = runAPDU(t, "", "apdu", "epurse", "purchase", "--key", key, "--random", "11223344", "--offline-seq", "0",
		"--term-seq", "1", "--amount", "0x1000", "--check-mac2", "56988A13")
	if code != 0 || !strings.Contains(out, "MAC2\t56988A13\tmatches") {
		t.Fatalf("purchase MAC2 alone: exit %d\n%s", code, out)
	}
	if code, _, errOut := runAPDU(t, "", "apdu", "epurse", "load", "--key", key, "--random", "11223344", "--online-seq", "0", "--term-seq", "1"); code != 2 || !strings.Contains(errOut, "term-seq") {
		t.Fatalf("--term-seq is not a load input: exit %d %s", code, errOut)
	}
}

// TestAPDUEpurseSM4MatchesTheSoftwareCard: --cipher sm4 with the test
// master keys recomputes the MAC1 an SM4 software card returns, and the
// 3DES default does not.
func TestAPDUEpurseSM4MatchesTheSoftwareCard(t *testing.T) {
	const pan = "2253000000000101"
	card := cpucard.MustNew(cpucard.Profile{PAN: pan, Cipher: epurse.SM4(), Balance: 100})
	term := [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	if _, err := card.Transmit(apdu.SelectByName(apdu.PurseAID).Bytes()); err != nil {
		t.Fatal(err)
	}
	out, err := card.Transmit(apdu.InitializeForLoad(1, 1234, term).Bytes())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := apdu.ParseInitLoadReply(out[:len(out)-2])
	if err != nil || rep.AlgID != 0x04 {
		t.Fatalf("INITIALIZE reply %X: %v", out, err)
	}
	args := []string{"apdu", "epurse", "load", "--master", fmt.Sprintf("%X", cpucard.TestMasterKeys().MLK), "--pan", pan,
		"--random", fmt.Sprintf("%X", rep.Random), "--online-seq", fmt.Sprint(rep.OnlineSeq), "--old-balance", "100",
		"--amount", "1234", "--terminal", "001122334455", "--check-mac1", fmt.Sprintf("%X", rep.MAC1)}
	if code, out, errOut := runAPDU(t, "", append(args, "--cipher", "sm4")...); code != 0 || !strings.Contains(out, "matches") {
		t.Fatalf("--cipher sm4: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := runAPDU(t, "", args...); code != 1 || !strings.Contains(out, "MISMATCH") {
		t.Fatalf("3DES against an SM4 card's MAC1: exit %d\n%s", code, out)
	}
	if code, _, errOut := runAPDU(t, "", append(args, "--cipher", "aes")...); code != 2 || !strings.Contains(errOut, "3des or sm4") {
		t.Fatalf("--cipher aes: exit %d %s", code, errOut)
	}
}
