package terminal

import (
	"encoding/hex"
	"time"

	"paycert/platforms/hzcard"
)

// DateTime is t as the purse carries it: YYYYMMDDhhmmss in 7 BCD bytes,
// in the wire's zone (hzcard.Zone, Asia/Shanghai by default), the zone the
// centre dates its CREDIT FOR LOAD in. A terminal dating its purchases in
// its own zone (UTC on a lab server) would write a card log out of order.
func DateTime(t time.Time) [7]byte { return DateTimeIn(t, hzcard.Zone()) }

// DateTimeIn is DateTime in the zone loc.
func DateTimeIn(t time.Time, loc *time.Location) [7]byte {
	var dt [7]byte
	b, _ := hex.DecodeString(t.In(loc).Format("20060102150405")) // 14 decimal digits: valid hex
	copy(dt[:], b)
	return dt
}
