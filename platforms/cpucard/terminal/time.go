package terminal

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"paycert/platforms/hzcard"
)

// DateTime is t as the purse carries it: YYYYMMDDhhmmss in 7 BCD bytes,
// in the wire's zone (hzcard.Zone, Asia/Shanghai by default), the zone the
// centre dates its CREDIT FOR LOAD in. A terminal dating its purchases in
// its own zone (UTC on a lab server) would write a card log out of order.
func DateTime(t time.Time) [7]byte { return DateTimeIn(t, hzcard.Zone()) }

// DateTimeIn is DateTime in the zone loc. The purse stores no zone: CREDIT
// and DEBIT carry the wall-clock time of the card's home (China Standard
// Time for a Chinese transit card), so a terminal on a lab machine set to
// UTC must convert, or the log shows times eight hours off.
func DateTimeIn(t time.Time, loc *time.Location) [7]byte {
	var dt [7]byte
	b, _ := hex.DecodeString(t.In(loc).Format("20060102150405")) // 14 decimal digits: valid hex
	copy(dt[:], b)
	return dt
}

// ChinaTime is China Standard Time, UTC+8, the default zone of the purse's
// date-times (no daylight saving since 1991).
func ChinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// ParseZone reads a time zone as the lab names it: "" or "CST" (China
// Standard Time), "local" (this machine's), "UTC", a fixed offset
// ("UTC+8", "UTC-03:30", "+08:00") or an IANA name ("Asia/Shanghai", read
// from the system's zoneinfo).
func ParseZone(s string) (*time.Location, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "cst":
		return ChinaTime(), nil
	case "local":
		return time.Local, nil
	case "utc", "z":
		return time.UTC, nil
	}
	off := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "UTC"), "utc")
	if off != "" && (off[0] == '+' || off[0] == '-') {
		sign := 1
		if off[0] == '-' {
			sign = -1
		}
		hh, mm, _ := strings.Cut(off[1:], ":")
		h, err := strconv.Atoi(hh)
		m := 0
		if err == nil && mm != "" {
			m, err = strconv.Atoi(mm)
		}
		if err != nil || h > 14 || m > 59 || len(hh) > 2 || (mm != "" && len(mm) != 2) {
			return nil, fmt.Errorf("time zone %q: want UTC+H, UTC+HH:MM or +HH:MM", s)
		}
		return time.FixedZone("UTC"+off, sign*(h*3600+m*60)), nil
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: want CST, local, UTC, UTC+H or an IANA name: %w", s, err)
	}
	return loc, nil
}
