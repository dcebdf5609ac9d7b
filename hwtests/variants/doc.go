// Package variants runs the hardware suite on a card variant: SM4, key
// index 03, a city AID, another terminal id and a zone other than China
// Standard Time, given to it the way a lab gives them (PAYCERT_CIPHER,
// PAYCERT_KEY_INDEX, PAYCERT_AID, PAYCERT_TERMINAL, PAYCERT_TZ), as a
// separate `go test ./hwtests/` on the virtual lab. The suite's own run
// covers the defaults.
package variants
