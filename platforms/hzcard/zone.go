package hzcard

import (
	"os"
	"sync"
	"time"
)

// ZoneName is the zone seed 003 dates everything in, on the wire and on
// the card (txndate/txntime, the CREDIT FOR LOAD date, the card's logs):
// the centre is in Huzhou.
const ZoneName = "Asia/Shanghai"

// ZoneEnv names another IANA zone for every date the simulator, the
// client, the suite and the terminal put on the wire or on a card (a lab
// whose centre dates in another zone); unset, ZoneName.
const ZoneEnv = "PAYCERT_WIRE_ZONE"

// zone is loaded once per process: LoadLocation reads the zone database
// on every call, and every reply and card command is dated.
var zone = sync.OnceValues(func() (*time.Location, error) {
	name := ZoneName
	if v := os.Getenv(ZoneEnv); v != "" {
		name = v
	}
	l, err := time.LoadLocation(name)
	if err != nil && name == ZoneName {
		// No zone database on this machine: China has kept UTC+8 without
		// daylight saving since 1991, so a fixed zone of the same name
		// agrees on every date the cards carry.
		return time.FixedZone(ZoneName, 8*3600), nil
	}
	return l, err
})

// Zone is the one zone of the wire and the card: Asia/Shanghai, or the
// zone ZoneEnv names. A ZoneEnv naming no zone is reported by ZoneErr and
// falls back to Asia/Shanghai.
func Zone() *time.Location {
	if l, err := zone(); err == nil {
		return l
	}
	return time.FixedZone(ZoneName, 8*3600)
}

// ZoneErr reports a ZoneEnv value that names no zone (nil otherwise), for
// the commands to refuse at start.
func ZoneErr() error {
	_, err := zone()
	return err
}
