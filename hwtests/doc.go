// Package hwtests is the hardware suite (Ginkgo, label "hw"): the transit
// e-purse exercised through PC/SC card readers, the way a lab certifies a
// reader and a test card. `go test ./hwtests/` runs it.
//
// Against a real reader: PAYCERT_READER="ACS ACR1252" (or
// `go test ./hwtests/ -args -reader "ACS ACR1252"`), a test card personalised
// with paycert's test master keys or the ones given in PAYCERT_MASTER_KEYS
// ("MLK,MPK,MTK,MAMK" in hex; never printed). PAYCERT_READER2 names a second
// reader for the two-reader spec, PAYCERT_TARGET_HZCARD a real Huzhou centre
// for the recharge specs.
//
// With no reader named, the suite builds its own lab: it starts pcscd as a
// child (and stops it after), serves software cards (platforms/cpucard) in
// vpcd slot 0 and slot 1, and plays terminal, PSAM and centre itself. If
// pcscd cannot start, the suite fails with the reason; it never passes empty.
//
// Subpackages: reader (PC/SC on ebfe/scard, typed torn errors), vpcd (the
// bridge serving a software card to pcscd's vpcd driver), pcscd (the child
// daemon), lab (readers and virtual slots), terminal (the purse commands, the
// key holder that checks MAC1/MAC2/TAC, the scan report).
package hwtests
