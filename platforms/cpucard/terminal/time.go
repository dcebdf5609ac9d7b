package terminal

import (
	"encoding/hex"
	"time"
)

// DateTime is t as the purse carries it: YYYYMMDDhhmmss in 7 BCD bytes.
func DateTime(t time.Time) [7]byte {
	var dt [7]byte
	b, _ := hex.DecodeString(t.Format("20060102150405")) // 14 decimal digits: valid hex
	copy(dt[:], b)
	return dt
}
