package hzcard

import "time"

// ZoneName is the zone seed 003 dates everything in, on the wire and on
// the card (txndate/txntime, the CREDIT FOR LOAD date, the card's logs):
// the centre is in Huzhou.
const ZoneName = "Asia/Shanghai"

// Zone returns Asia/Shanghai from the system's zone database, or, where
// there is none, a fixed UTC+8 of the same name: China has kept UTC+8
// without daylight saving since 1991, so the two agree on every date the
// cards carry. Callers make it once (a Location is not free).
func Zone() *time.Location {
	if l, err := time.LoadLocation(ZoneName); err == nil {
		return l
	}
	return time.FixedZone(ZoneName, 8*3600)
}
