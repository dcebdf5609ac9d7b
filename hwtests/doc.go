// Package hwtests is the hardware suite (Ginkgo, label "hw"): the transit
// e-purse exercised through PC/SC card readers, the way a lab certifies a
// reader and a test card. `go test ./hwtests/` runs it.
//
// Against a real reader: PAYCERT_READER="ACS ACR1252" (or
// `go test ./hwtests/ -args -reader "ACS ACR1252"`), a test card personalised
// with paycert's test master keys or the ones given in PAYCERT_MASTER_KEYS
// ("MLK,MPK,MTK,MAMK" in hex; never printed). PAYCERT_READER2 names a second
// reader for the two-reader spec, PAYCERT_TARGET_HZCARD a real Huzhou centre
// for the recharge specs. PAYCERT_KEY_INDEX, PAYCERT_TERMINAL, PAYCERT_AID,
// PAYCERT_CIPHER and PAYCERT_TZ (or -key-index, -terminal, -aid, -cipher,
// -tz) describe the card variant; hwtests/variants runs the suite on one.
//
// With no reader named, the suite builds a virtual lab: software cards
// (platforms/cpucard) in vpcd slot 0 and slot 1, on the system's pcscd when
// one serves the machine, else on a pcscd it starts as a child (and stops
// after); it plays terminal, PSAM and centre itself. If neither works, the
// suite fails with the reason; it never passes empty.
//
// The PC/SC layers it drives live in platforms/pcsc (reader, vpcd, pcscd,
// lab) and platforms/cpucard/terminal; hwtests/systempcscd runs this suite
// against a pcscd started as a service, readers named by PAYCERT_READER.
// README.md is the lab's guide.
package hwtests
