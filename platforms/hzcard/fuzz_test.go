package hzcard

import (
	"testing"
)

// FuzzCheckFields: the field checker never panics on any message, and
// finds what the map-decoding oracle finds.
func FuzzCheckFields(f *testing.F) {
	f.Add(`{"data":{"orderlist":[{"orderno":1}]}}`)
	f.Add(`{"data":"{\"cardno\":\"1\"}","sign":"AB"}`)
	f.Add(`{"data":[]}`)
	cat := Catalogue()
	f.Fuzz(func(t *testing.T, msg string) {
		sameAsMaps(t, cat, []byte(msg))
		_, _ = DataBytes([]byte(msg))
	})
}
