package cardcmd

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/pcsc/pcscd"
)

func TestCardExecTemplates(t *testing.T) {
	at := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)
	utcm := time.FixedZone("UTC-03:30", -(3*3600 + 1800))
	o := execOptions{aid: []byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x06}, terminal: "112233445566", keyIdx: 0x03,
		zone: utcm, now: func() time.Time { return at }}
	tests := []struct {
		arg, want string
		o         execOptions
	}{
		{"IDX_0002", "00A4040008A000000632010106", o},
		{"IDX_0002", "00A4040008A000000632010105", execOptions{keyIdx: 1, zone: terminal.ChinaTime()}},
		{"IDX_2002:1000", "805000020B03000003E811223344556610", o},
		{"IDX_2002:0x10", "805000020B030000001011223344556610", o},
		{"IDX_2004:200", "805001020B03000000C81122334455660F", o},
		{"IDX_2003:3A845BF0", "805200000B2026112123000" + "03A845BF004", o},
		{"IDX_2003:3A845BF0", "805200000B2026112210300" + "03A845BF004", execOptions{zone: terminal.ChinaTime(), now: o.now}},
		{"IDX_2005:7:F15CAB75", "805401000F000000072026112123000" + "0F15CAB7508", o},
	}
	for _, tt := range tests {
		cmds, err := cardParseAPDUs([]string{tt.arg}, tt.o)
		if err != nil {
			t.Errorf("%s: %v", tt.arg, err)
			continue
		}
		if got := fmt.Sprintf("%X", cmds[0].Bytes()); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.arg, got, tt.want)
		}
	}
	for _, bad := range []struct{ arg, want string }{
		{"IDX_2002:1000", "--terminal"},
		{"IDX_2002", "takes 1 value(s)"},
		{"IDX_2002:012", "leading zero"},
		{"IDX_2003:3A84", "4 bytes"},
		{"IDX_2005:1", "takes 2 value(s)"},
	} {
		if _, err := cardParseAPDUs([]string{bad.arg}, execOptions{keyIdx: 1, zone: terminal.ChinaTime()}); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want an error naming %q", bad.arg, err, bad.want)
		}
	}
}

func TestCardVariantUsageErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"card", "recharge", "--amount", "1000", "--target", "http://127.0.0.1:1", "--tz", "UTC"}, "the centre at --target knows its own"},
		{[]string{"card", "recharge", "--amount", "1000", "--cipher", "aes"}, "--cipher"},
		{[]string{"card", "recharge", "--amount", "1000", "--key-index", "0103"}, "--key-index"},
		{[]string{"card", "recharge", "--amount", "1000", "--tz", "Mars/Olympus"}, "--tz"},
		{[]string{"card", "scan", "--tz", "UTC+99"}, "--tz"},
		{[]string{"card", "exec", "--terminal", "1122", "IDX_0002"}, "--terminal"},
		{[]string{"card", "exec", "IDX_2002:100"}, "--terminal"},
	} {
		code, out, errOut := runCard(t, ctx, tt.args...)
		if code != 2 || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want 2 naming %q:\n%s%s", tt.args, code, tt.want, out, errOut)
		}
	}
}

// TestCardRechargeOfAVariant: a software card personalised SM4, key index
// 03, AID A000000632010106 (card virtual) is scanned, sent e-purse
// templates and recharged through the embedded centre with the matching
// flags, through pcscd and vpcd; with the default key index the centre's
// INITIALIZE is refused and nothing is credited.
func TestCardRechargeOfAVariant(t *testing.T) {
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := pcscd.Start(ctx)
	if err != nil {
		t.Fatalf("pcscd: %v", err)
	}
	defer d.Stop()
	const aid = "A000000632010106"
	stop := startVirtual(t, ctx, "--slot", "0", "--card-no", "2253000000000200", "--balance", "500",
		"--cipher", "sm4", "--key-index", "03", "--aid", aid, "--quiet")
	rd := []string{"--reader", "PCD 00 00"}

	code, out, errOut := runCard(t, ctx, append([]string{"card", "scan"}, rd...)...)
	if code != 1 || !strings.Contains(out+errOut, "6A82") {
		t.Fatalf("scan of a city card without --aid must fail with 6A82: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCard(t, ctx, append([]string{"card", "exec", "--aid", aid, "--terminal", "112233445566", "--key-index", "03"}, append(rd, "IDX_0002", "IDX_2002:100")...)...)
	if code != 0 || !strings.Contains(out, "> INITIALIZE FOR LOAD          805000020B0300000064112233445566") {
		t.Fatalf("card exec with the variant's templates: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runCard(t, ctx, append([]string{"card", "recharge", "--amount", "1000", "--aid", aid, "--cipher", "sm4"}, rd...)...)
	if code == 0 || !strings.Contains(out+errOut, "9403") {
		t.Fatalf("a recharge sending key index 01 to a card keyed 03 must fail at INITIALIZE (9403): exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runCard(t, ctx, append([]string{"card", "recharge", "--amount", "2000", "--aid", aid, "--key-index", "03", "--cipher", "sm4", "--tz", "UTC-03:30"}, rd...)...)
	t.Logf("card recharge:\n%s%s", out, errOut)
	for _, want := range []string{"Card:          2253000000000200", "Balance:       5.00 yuan before", "Balance:       25.00 yuan after", "Recharged:     +20.00 yuan"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("card recharge of the variant: exit %d, output lacks %q:\n%s%s", code, want, out, errOut)
		}
	}
	m := regexp.MustCompile(`Loaded at:     (\S+ \S+) \(UTC-03:30`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no load date-time in UTC-03:30:\n%s", out)
	}
	zone := time.FixedZone("UTC-03:30", -(3*3600 + 1800))
	if at, err := time.ParseInLocation(time.DateTime, m[1], zone); err != nil || time.Since(at).Abs() > 2*time.Minute {
		t.Errorf("the centre dated the load %s, now is %s in UTC-03:30", m[1], time.Now().In(zone).Format(time.DateTime))
	}

	code, out, errOut = runCard(t, ctx, append([]string{"card", "scan", "--aid", aid, "--tz", "UTC-03:30"}, rd...)...)
	t.Logf("card scan:\n%s", out)
	if code != 0 || !strings.Contains(out, "date/time (UTC-03:30)") || !strings.Contains(out, "ago, read in UTC-03:30") || !strings.Contains(out, "Balance:       25.00 yuan") {
		t.Fatalf("scan --aid --tz: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCard(t, ctx, append([]string{"card", "scan", "--aid", aid}, rd...)...)
	// Read as CST (8 h ahead of UTC, 11.5 h ahead of UTC-03:30), the load
	// just made looks 11.5 hours old: the zone mismatch shows.
	if code != 0 || !regexp.MustCompile(`newest: 11h(29|30|31)m0s ago, read in CST`).MatchString(out) {
		t.Errorf("read as CST, a load dated in UTC-03:30 must show as 11h30m old:\n%s", out)
	}
	if code, vout := stop(); code != 0 {
		t.Fatalf("card virtual: exit %d\n%s", code, vout)
	}
}
