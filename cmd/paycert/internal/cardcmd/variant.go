package cardcmd

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/apdu"
	"paycert/platforms/cpucard/terminal"
)

// Card variants on the command line (#18 item 4): the purse AID a command
// selects (--aid), the zone of the date-times it writes to the card or
// prints (--tz), and for `card exec`'s e-purse templates the terminal id
// and key index of INITIALIZE.

// cardZone reads --tz (terminal.ParseZone: CST, local, UTC, UTC+H, +HH:MM,
// an IANA name); "" is def.
func cardZone(s string, def *time.Location) (*time.Location, error) {
	if s == "" {
		return def, nil
	}
	z, err := terminal.ParseZone(s)
	if err != nil {
		return nil, cli.Usagef("--tz: %v", err)
	}
	return z, nil
}

// cardKeyIndex reads --key-index: one byte of hex, 01 to FF; "" is 01.
func cardKeyIndex(s string) (byte, error) {
	if s == "" {
		return 0x01, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 1 || b[0] == 0 {
		return 0, cli.Usagef("--key-index %q: want one byte of hex, 01 to FF", s)
	}
	return b[0], nil
}

// cardTerminalID reads --terminal: 6 bytes of hex.
func cardTerminalID(s string) ([6]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 6 {
		return [6]byte{}, cli.Usagef("--terminal %q: want 6 bytes of hex (12 digits)", s)
	}
	return [6]byte(b), nil
}

// execOptions are what `card exec` fills its e-purse templates and its
// purse selection with.
type execOptions struct {
	aid      []byte // IDX_0002 selects it (nil: A000000632010105)
	terminal string // hex, for IDX_2002 and IDX_2004; "" refuses them
	keyIdx   byte
	zone     *time.Location // CREDIT and DEBIT are dated now in it
	now      func() time.Time
}

// execTemplates are seed 003's IDX_2xxx commands `card exec` fills in.
const execTemplates = `  IDX_2002:AMOUNT         INITIALIZE FOR LOAD (key index --key-index, terminal --terminal)
  IDX_2003:MAC2           CREDIT FOR LOAD dated now in --tz
  IDX_2004:AMOUNT         INITIALIZE FOR PURCHASE (key index, terminal)
  IDX_2005:TERMSEQ:MAC1   DEBIT FOR PURCHASE dated now in --tz`

// execTemplate builds an IDX_2xxx template; ok is false when a is none.
func execTemplate(a string, o execOptions) (c apdu.Command, ok bool, err error) {
	parts := strings.Split(a, ":")
	id := strings.ToUpper(strings.ReplaceAll(parts[0], " ", "_"))
	switch id {
	case "IDX_2002", "IDX_2003", "IDX_2004", "IDX_2005":
	default:
		return c, false, nil
	}
	args := parts[1:]
	want := map[string]int{"IDX_2002": 1, "IDX_2003": 1, "IDX_2004": 1, "IDX_2005": 2}[id]
	if len(args) != want {
		return c, true, cli.Usagef("%q: %s takes %d value(s) after ':'", a, id, want)
	}
	mac := func(s string) ([4]byte, error) {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 4 {
			return [4]byte{}, cli.Usagef("%q: the MAC is 4 bytes of hex", a)
		}
		return [4]byte(b), nil
	}
	now := o.now
	if now == nil {
		now = time.Now
	}
	dt := terminal.DateTimeIn(now(), o.zone)
	switch id {
	case "IDX_2002", "IDX_2004":
		amount, err := cli.ParseNumber("amount", args[0], 32)
		if err != nil {
			return c, true, fmt.Errorf("%q: %w", a, err)
		}
		if o.terminal == "" {
			return c, true, cli.Usagef("%q: give the terminal id with --terminal", a)
		}
		term, err := cardTerminalID(o.terminal)
		if err != nil {
			return c, true, err
		}
		if id == "IDX_2002" {
			return apdu.InitializeForLoad(o.keyIdx, uint32(amount), term), true, nil
		}
		return apdu.InitializeForPurchase(o.keyIdx, uint32(amount), term), true, nil
	case "IDX_2003":
		m, err := mac(args[0])
		return apdu.CreditForLoad(dt, m), true, err
	default:
		seq, err := cli.ParseNumber("term-seq", args[0], 32)
		if err != nil {
			return c, true, fmt.Errorf("%q: %w", a, err)
		}
		m, err := mac(args[1])
		return apdu.DebitForPurchase(uint32(seq), dt, m), true, err
	}
}

// zoneLabel names the zone a recharge's load is dated in: --tz's for the
// embedded centre; a centre at --target dates in its own.
func zoneLabel(z *time.Location, target bool) string {
	if target {
		return "the centre's zone"
	}
	return z.String()
}
