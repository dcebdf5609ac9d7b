package terminal

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

// Report is what a lab tech wants to see of a card: application, number,
// balance and the last transactions, read with plain (unauthenticated)
// commands only.
type Report struct {
	AID        []byte // the purse AID the terminal selected
	PPSE       bool   // PPSE selected and lists the purse AID
	PPSENote   string // why not, when PPSE is false
	Public     cpucard.PublicInfo
	Balance    uint32
	Holder     []byte   // file 0x16, nil when unreadable
	Management []byte   // file 0x17, nil when unreadable
	Log        [][]byte // file 0x18 records, newest first
	Loads      [][]byte // file 0x07 records
	Purchases  [][]byte // file 0x08 records
	Notes      []string // files that could not be read and why
	// Zone is the zone the card's date-times are read in (they carry
	// none): Print names it and says how long ago the newest record is,
	// which shows a card written in another zone. nil: not said.
	Zone *time.Location
	now  func() time.Time // nil: time.Now (tests fix it)
}

// Scan selects the purse and reads everything a lab tech checks. Only the
// purse selection and the balance are required; an unreadable file is a
// note, since real cards differ in what they expose.
func Scan(t *Terminal) (*Report, error) {
	r := &Report{AID: t.PurseAID()}
	if _, listed, err := t.SelectPPSE(); err != nil {
		r.PPSENote = err.Error()
	} else if !listed {
		r.PPSENote = fmt.Sprintf("PPSE selected but its FCI does not list %X", r.AID)
	} else {
		r.PPSE = true
	}
	pub, err := t.SelectPurse()
	if err != nil {
		return r, fmt.Errorf("select the purse: %w", err)
	}
	r.Public = pub
	if r.Balance, err = t.Balance(); err != nil {
		return r, fmt.Errorf("balance: %w", err)
	}
	note := func(what string, err error) { r.Notes = append(r.Notes, fmt.Sprintf("%s: %v", what, err)) }
	if r.Holder, err = t.ReadBinary(cpucard.SFIHolder); err != nil {
		note("file 0x16", err)
	}
	if r.Management, err = t.ReadBinary(cpucard.SFIManagement); err != nil {
		note("file 0x17", err)
	}
	for _, f := range []struct {
		sfi byte
		max int
		dst *[][]byte
	}{{cpucard.SFILog, cpucard.LogRecords, &r.Log}, {cpucard.SFILoads, cpucard.LoadRecords, &r.Loads},
		{cpucard.SFIPurchases, cpucard.PurchaseRecords, &r.Purchases}} {
		recs, err := t.ReadRecords(f.sfi, f.max)
		*f.dst = recs
		if err != nil {
			note(fmt.Sprintf("file 0x%02X", f.sfi), err)
		}
	}
	return r, nil
}

// Yuan formats fen as yuan with two decimals.
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// TypeName names an e-purse transaction type.
func TypeName(t byte) string {
	switch t {
	case epurse.TypeDepositLoad:
		return "deposit load"
	case epurse.TypePurseLoad:
		return "purse load"
	case epurse.TypeDepositPurchase:
		return "deposit purchase"
	case epurse.TypePursePurchase:
		return "purse purchase"
	case epurse.TypeCompositePurchase:
		return "composite purchase"
	}
	return "unknown"
}

func bcdDate(b []byte) string {
	s := fmt.Sprintf("%X", b)
	if len(s) != 8 {
		return s
	}
	return s[0:4] + "-" + s[4:6] + "-" + s[6:8]
}

// FormatDateTime writes a purse date-time (7 BCD bytes) as
// "YYYY-MM-DD hh:mm:ss".
func FormatDateTime(dt [7]byte) string { return bcdDateTime(dt) }

func bcdDateTime(dt [7]byte) string {
	s := fmt.Sprintf("%X", dt[:])
	return s[0:4] + "-" + s[4:6] + "-" + s[6:8] + " " + s[8:10] + ":" + s[10:12] + ":" + s[12:14]
}

// Print writes the report as aligned text.
func (r *Report) Print(w io.Writer) {
	p := r.Public
	ppse := fmt.Sprintf("ok (lists the purse %X)", r.AID)
	if !r.PPSE {
		ppse = "not usable: " + r.PPSENote
	}
	fmt.Fprintf(w, "PPSE:          %s\n", ppse)
	fmt.Fprintf(w, "Card number:   %s\n", p.CardNumber())
	fmt.Fprintf(w, "Short number:  %s (file 0x15 bytes 12-19, the key diversifier)\n", p.ShortCardNumber())
	fmt.Fprintf(w, "Issuer:        %X (city code %X)  app type %02X  version %02X\n", p.IssuerID, p.IssuerID[2:4], p.AppType, p.AppVersion)
	fmt.Fprintf(w, "Valid:         %s to %s\n", bcdDate(p.StartDate[:]), bcdDate(p.ExpiryDate[:]))
	fmt.Fprintf(w, "Balance:       %s yuan (%d fen)\n", Yuan(int64(r.Balance)), r.Balance)
	if r.Management != nil && len(r.Management) >= 11 {
		m := r.Management
		fmt.Fprintf(w, "Management:    country %X province %X city %X interop %X card type %02X\n", m[0:4], m[4:6], m[6:8], m[8:10], m[10])
	}
	fmt.Fprintf(w, "\nLast transactions (file 0x18, newest first): %d\n", len(r.Log))
	dtHead := "date/time"
	if r.Zone != nil {
		dtHead = "date/time (" + r.Zone.String() + ")"
	}
	if len(r.Log) > 0 {
		fmt.Fprintf(w, "  %-3s %-5s %-20s %12s  %-12s %s\n", "#", "seq", "type", "amount", "terminal", dtHead)
	}
	for i, b := range r.Log {
		lr, err := cpucard.ParseLogRecord(b)
		if err != nil {
			fmt.Fprintf(w, "  %-3d %X (%v)\n", i+1, b, err)
			continue
		}
		sign := "-"
		if lr.Type == epurse.TypePurseLoad || lr.Type == epurse.TypeDepositLoad {
			sign = "+"
		}
		fmt.Fprintf(w, "  %-3d %-5d %-20s %12s  %-12X %s\n", i+1, lr.Seq, fmt.Sprintf("%02X %s", lr.Type, TypeName(lr.Type)),
			sign+Yuan(int64(lr.Amount)), lr.Terminal, bcdDateTime(lr.DateTime))
	}
	if r.Zone != nil && len(r.Log) > 0 {
		if lr, err := cpucard.ParseLogRecord(r.Log[0]); err == nil {
			fmt.Fprintf(w, "  newest: %s\n", r.age(lr.DateTime))
		}
	}
	if len(r.Loads) > 0 {
		fmt.Fprintf(w, "\nRecharge details (file 0x07, paycert layout): %d\n", len(r.Loads))
		for i, b := range r.Loads {
			d, err := cpucard.ParseLoadDetail(b)
			if err != nil {
				fmt.Fprintf(w, "  %-3d %X\n", i+1, b)
				continue
			}
			fmt.Fprintf(w, "  %-3d seq %-5d +%s -> %s  TAC %X  %s\n", i+1, d.OnlineSeq, Yuan(int64(d.Amount)), Yuan(int64(d.NewBalance)), d.TAC, bcdDateTime(d.DateTime))
		}
	}
	if len(r.Purchases) > 0 {
		fmt.Fprintf(w, "\nPurchase details (file 0x08, paycert layout): %d\n", len(r.Purchases))
		for i, b := range r.Purchases {
			d, err := cpucard.ParsePurchaseDetail(b)
			if err != nil {
				fmt.Fprintf(w, "  %-3d %X\n", i+1, b)
				continue
			}
			fmt.Fprintf(w, "  %-3d seq %-5d -%s -> %s  TAC %X  term seq %d  %s\n", i+1, d.OfflineSeq, Yuan(int64(d.Amount)), Yuan(int64(d.NewBalance)), d.TAC, d.TermSeq, bcdDateTime(d.DateTime))
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "\nNot readable: %s\n", strings.Join(r.Notes, "; "))
	}
}

// IsTorn reports whether err is a torn transmission (the card left mid-command).
func IsTorn(err error) bool {
	return errors.Is(err, apdu.ErrTorn)
}

// age says how long ago dt was, read in r.Zone: a record "in the future"
// or many hours old right after a transaction is a zone mismatch.
func (r *Report) age(dt [7]byte) string {
	at, err := time.ParseInLocation("20060102150405", fmt.Sprintf("%X", dt), r.Zone)
	if err != nil {
		return fmt.Sprintf("%X is not a date-time", dt)
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	d := now().Sub(at).Round(time.Minute)
	if d < 0 {
		return fmt.Sprintf("%s read in %s is %s in the future: the card was dated in another zone, or this machine's clock is off", bcdDateTime(dt), r.Zone, -d)
	}
	return fmt.Sprintf("%s ago, read in %s", d, r.Zone)
}
