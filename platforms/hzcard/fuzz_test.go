package hzcard

import (
	"testing"

	"paycert/platforms/catalog"
)

// FuzzCheckFields: the field checker never panics on any message.
func FuzzCheckFields(f *testing.F) {
	f.Add(`{"data":{"orderlist":[{"orderno":1}]}}`)
	f.Add(`{"data":"{\"cardno\":\"1\"}","sign":"AB"}`)
	f.Add(`{"data":[]}`)
	cat := Catalogue()
	f.Fuzz(func(t *testing.T, msg string) {
		for _, it := range cat.Interfaces {
			CheckFields(it, catalog.Request, []byte(msg))
			CheckFields(it, catalog.Reply, []byte(msg))
		}
		_, _ = DataBytes([]byte(msg))
	})
}
