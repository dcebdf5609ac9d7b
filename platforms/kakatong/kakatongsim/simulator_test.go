package kakatongsim

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"paycert/codecs/mac"
	"paycert/platforms/kakatong"
	"paycert/platforms/sim"
)

func TestFaultsAreNamedAndDescribed(t *testing.T) {
	if err := sim.CheckFaults(faults(), func(o sim.Options) error { _, err := New(o); return err }); err != nil {
		t.Error(err)
	}
}

func newSim(t *testing.T, faults ...string) (*Simulator, *sim.ManualClock) {
	t.Helper()
	clk := sim.NewManualClock(time.Date(2026, 1, 5, 10, 0, 0, 0, cst))
	s, err := New(sim.Options{Clock: clk, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	return s, clk
}

func doTrade(s *Simulator, typ, mode, card, amount, pos, rev string) kakatong.Record {
	out := s.handle(kakatong.MethodTrade, map[string]string{"LICENSEKEY": LicenceKey, "COPNO": CopNo, "TRADETYPE": typ, "TRADEMODE": mode,
		"CARDNO": card, "CARDPWD": mac.CardPassword(Password), "POSCODE": pos, "AMOUNT": amount, "STANCE_REV": rev})
	if out.licence != "" {
		var r kakatong.Record
		r.Set("PayInForm", out.licence)
		return r
	}
	return out.records[0]
}

func TestDuplicateWindow(t *testing.T) {
	tests := []struct {
		fault string
		after time.Duration
		want  string
	}{
		{"", 23*time.Hour + 59*time.Minute, kakatong.CodeDuplicate},
		{"", 24 * time.Hour, kakatong.CodeOK},
		{FaultDupWindow23h, 23*time.Hour + 30*time.Minute, kakatong.CodeOK},
	}
	for _, tc := range tests {
		var faults []string
		if tc.fault != "" {
			faults = append(faults, tc.fault)
		}
		s, clk := newSim(t, faults...)
		if c := doTrade(s, "0022", "1", CardFirst, "500", PosCode, "").V("PayInForm"); c != "11" {
			t.Fatalf("first purchase: %s", c)
		}
		clk.Advance(tc.after)
		if c := doTrade(s, "0022", "1", CardFirst, "500", PosCode, "").V("PayInForm"); c != tc.want {
			t.Errorf("fault %q, repeat after %v: %s, want %s", tc.fault, tc.after, c, tc.want)
		}
		if err := s.Audit(); err != nil {
			t.Error(err)
		}
	}
}

func TestUndoRulesAndAudit(t *testing.T) {
	s, _ := newSim(t)
	st := doTrade(s, "0022", "1", CardFirst, "700", PosCode, "").V("Stance")
	steps := []struct {
		typ, mode, card, amount, rev, want string
	}{
		{"0022", "0", CardFirst, "701", st, kakatong.CodeBadOriginal},
		{"0022", "0", CardLast, "", st, kakatong.CodeBadOriginal},
		{"1100", "1", CardFirst, "", st, kakatong.CodeBadOriginal},
		{"0022", "0", CardFirst, "", "00999999", kakatong.CodeNoStance},
		{"0022", "0", CardFirst, "", st, kakatong.CodeOK},
		{"0022", "0", CardFirst, "", st, kakatong.CodeAlreadyUndone},
	}
	for i, tc := range steps {
		if c := doTrade(s, tc.typ, tc.mode, tc.card, tc.amount, PosCode, tc.rev).V("PayInForm"); c != tc.want {
			t.Errorf("step %d %s/%s: %s, want %s", i, tc.typ, tc.mode, c, tc.want)
		}
	}
	bal, _, _ := s.CardBalance(CardFirst)
	if bal != 100_000 {
		t.Errorf("balance after purchase and undo: %d, want 100000", bal)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	s.cards[CardFirst].Balance++ // money from nowhere
	if err := s.Audit(); err == nil || !strings.Contains(err.Error(), CardFirst) {
		t.Errorf("Audit must find the created fen, got %v", err)
	}
}

func TestUndoTwiceFaultIsCaughtByAudit(t *testing.T) {
	s, _ := newSim(t, FaultUndoTwice)
	st := doTrade(s, "0022", "1", CardFirst, "700", PosCode, "").V("Stance")
	if c := doTrade(s, "0022", "0", CardFirst, "", PosCode, st).V("PayInForm"); c != "11" {
		t.Fatalf("undo: %s", c)
	}
	if err := s.Audit(); err == nil {
		t.Error("Audit must notice an undo that credits twice")
	}
}

func TestSeedLoadAndTotals(t *testing.T) {
	s, _ := newSim(t)
	cards, err := s.SeedLoad("16809999", 3, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cards {
		if got := doTrade(s, "0022", "1", c, "5000000", LoadTerminal, "").V("PayInForm"); got != "11" {
			t.Errorf("load card %d: %s (no per-trade limit expected)", i, got)
		}
	}
	doTrade(s, "1102", "0", CardFirst, "300", PosCode, "")
	tot := s.Totals()
	if tot.Consumed != 15_000_000 || tot.Recharged != 300 || tot.Trades != 4 || tot.Balances != tot.Seeded-tot.Consumed+tot.Recharged {
		t.Errorf("totals %+v", tot)
	}
	if _, err := s.SeedLoad("1680", 1, 1); err == nil {
		t.Error("a short prefix must be refused")
	}
}

func TestTestModeCap(t *testing.T) {
	s, _ := newSim(t)
	do := func(amount string) string {
		out := s.handle(kakatong.MethodTrade, map[string]string{"LICENSEKEY": TestKey, "TRADETYPE": "0022", "TRADEMODE": "1",
			"CARDNO": TestCard, "CARDPWD": Password, "POSCODE": TestPos, "AMOUNT": amount})
		return out.records[0].V("PayInForm")
	}
	for i := 1; i <= 100; i++ {
		if c := do(strconv.Itoa(i)); c != "11" {
			t.Fatalf("trade %d: %s", i, c)
		}
	}
	if c := do("999"); c != kakatong.CodeTestModeCap {
		t.Errorf("trade 101 in test mode: %s, want 68", c)
	}
}

// TestRequestFindings: strict mode judges a request as CheckReply judges a
// reply, one finding per slip with the parameter, the rule and the section.
func TestRequestFindings(t *testing.T) {
	cat := kakatong.Catalogue()
	p := map[string]string{"LICENSEKEY": LicenceKey, "COPNO": CopNo, "TRADETYPE": "0022", "TRADEMODE": "1", "CARDNO": CardFirst,
		"CARDPWD": Password, "POSCODE": PosCode, "AMOUNT": "1.00", "CARD_NO": CardFirst}
	got := map[string]string{}
	for _, f := range requestFindings(cat, kakatong.MethodTrade, p, true) {
		if f.Section == "" || f.Detail == "" {
			t.Errorf("finding %+v lacks a section or detail", f)
		}
		got[f.Path] = f.Rule
	}
	want := map[string]string{"CARDPWD": "plain-password", "AMOUNT": "decimal-amount", "CARD_NO": "unknown-parameter"}
	for path, rule := range want {
		if got[path] != rule {
			t.Errorf("finding on %s: rule %q, want %q (all: %v)", path, got[path], rule, got)
		}
	}
	p["CARDPWD"], p["AMOUNT"] = mac.CardPassword(Password), "100"
	delete(p, "CARD_NO")
	if fs := requestFindings(cat, kakatong.MethodTrade, p, true); len(fs) != 0 {
		t.Errorf("a conforming request has findings: %v", fs)
	}
}

// TestRequestFindingsOnePerParameter: each way a parameter breaks its row
// is one finding naming it, with the rule and the value sent; a valid
// value, a plain password (E-KAKATONG-PLAIN-PWD) and an empty stream
// filter (E-KAKATONG-STREAM-EMPTY-FILTER) are none.
func TestRequestFindingsOnePerParameter(t *testing.T) {
	cat := kakatong.Catalogue()
	stream := func(k, v string) map[string]string {
		p := map[string]string{"LICENSEKEY": LicenceKey, "COPNO": CopNo, "TRADETYPE": "0012", "TRADEMODE": "0", "CARDNO": "0",
			"POSCODE": "0", "STANCE_NO": "0", "START": "0", "END": "0"}
		if v == "\x00" {
			delete(p, k)
		} else {
			p[k] = v
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		iface string
		p     map[string]string
		path  string
		rule  string // "" = no finding at all
	}{
		{"missing filter", kakatong.MethodStream, stream("START", "\x00"), "START", "missing-parameter"},
		{"empty filter is 0", kakatong.MethodStream, stream("START", ""), "", ""},
		{"impossible time", kakatong.MethodStream, stream("START", "25:61:61"), "START", "wrong-type"},
		{"a time", kakatong.MethodStream, stream("END", "2026-01-05 10:00:00"), "", ""},
		{"stance of 9 digits", kakatong.MethodStream, stream("STANCE_NO", "123456789"), "STANCE_NO", "parameter-too-long"},
		{"letters in a terminal", kakatong.MethodStream, stream("POSCODE", "111X"), "POSCODE", "wrong-type"},
		{"empty licence key", kakatong.MethodStream, stream("LICENSEKEY", ""), "LICENSEKEY", "empty-parameter"},
		{"short licence key", kakatong.MethodStream, stream("LICENSEKEY", "AAAAAAAAAAAAAAA"), "LICENSEKEY", "parameter-too-short"},
		{"not hex", kakatong.MethodStream, stream("CARDPWD", strings.Repeat("A", 31)+"G"), "CARDPWD", "wrong-type"},
		{"plain password over SOAP", kakatong.OpTrade, map[string]string{"lickey": LicenceKey, "trade_code": "0011", "trade_mode": "0",
			"cd_no": CardFirst, "cd_pwd": Password, "tmn_no": PosCode}, "", ""},
		{"fractional amount over SOAP", kakatong.OpTrade, map[string]string{"lickey": LicenceKey, "trade_code": "0022", "trade_mode": "1",
			"cd_no": CardFirst, "cd_pwd": Password, "tmn_no": PosCode, "trad_amount": "1.5"}, "trad_amount", "decimal-amount"},
		{"short IDNUM over SOAP", kakatong.OpBind, map[string]string{"LICENSEKEY": LicenceKey, "COPNO": CopNo, "CARDNO": CardFirst,
			"CARDPWD": Password, "IDNUM": "1381234567", "TRADEMODE": "1", "POSCODE": PosCode}, "IDNUM", "parameter-too-short"},
		{"impossible birthday", kakatong.MethodInfo, map[string]string{"LICENSEKEY": LicenceKey, "COPNO": CopNo, "CARDNO": CardFirst,
			"USR_BIRTHDAY": "2026-13-32"}, "USR_BIRTHDAY", "wrong-type"},
	} {
		fs := requestFindings(cat, tc.iface, tc.p, false)
		if tc.rule == "" {
			if len(fs) != 0 {
				t.Errorf("%s: findings %+v, want none", tc.name, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].Path != tc.path || fs[0].Rule != tc.rule || fs[0].Section == "" || (tc.p[tc.path] != "" && fs[0].Value == "") {
			t.Errorf("%s: findings %+v, want one %s on %s with its section and value", tc.name, fs, tc.rule, tc.path)
		}
	}
}
