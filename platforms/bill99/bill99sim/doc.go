// Package bill99sim is the reference simulator of 99bill agreement payment
// (seed 001): the six endpoints /cnp/ind_auth, /cnp/ind_auth_verify,
// /cnp/purchase, /cnp/query_txn (order query and card-info query),
// /cnp/pci_del and /cnp/pci_query over mutual TLS, UTF-8 MasMessage XML in
// and out, and TR3 notices (GBK, RSA-SHA1) to the merchant's tr3Url with
// TR4 acknowledgement and resending. It is stateful (bindings, sign-ups,
// orders, pending settlements, the TR3 delivery log, a two-sided ledger),
// takes time from sim.Options.Clock, and is safe for concurrent use (one
// mutex; TR3 posts happen outside it).
//
// # PKI
//
// New generates a testpki.Kit (about 0.1 s): a CA, a server certificate for
// 127.0.0.1/::1/localhost, the merchant's client certificate (CN
// 104110045112012; WritePKI writes it as 10411004511201290.pfx like the
// sandbox kit), an expired client certificate, one from another CA, and the
// RSA-2048 notice-signing certificate mgw (mgw.cer). NewWithConfig takes a
// kit loaded with testpki.LoadKit instead. TLSConfig requires and verifies
// client certificates against the CA, validity included; certificate
// validity is on the wall clock (TLS checks real time), business time on
// the injectable clock.
//
// # Fixture
//
// Merchants: 104110045112012 (sandbox, §5.1) with terminal 00002012 (PUR
// only) and 00002013 (PUR, INP); 104110045112099 known but not opened for
// agreement payment (every request: M1). Any other merchantId: B.MGW.0001.
//
// BIN table (card-info query, ind_auth routing; validateType read right to
// left CVV2/name/id):
//
//	621700 CCB 建设银行 CU debit  CNP yes 000     436742 CCB 建设银行 VI credit CNP yes 001
//	622575 CMB 招商银行 CU credit CNP yes 111     621483 CMB 招商银行 CU debit  CNP yes 000
//	622202 ICBC 工商银行 CU debit CNP yes 011     601382 BOC 中国银行 CU debit  CNP yes 010
//	622848 ABC 农业银行 CU debit  CNP no  000     356833 BOC 中国银行 JC credit CNP no  001
//	622588 CMB 招商银行 MC credit CNP yes 001
//
// Bank card records (bank-reserved phone; behaviour on purchase):
//
//	6217003320034459100 13500000000 approve, limit 50,000.00
//	6225757519832520    13500000000 approve, limit 20,000.00
//	6214833617000003617 18700007121 approve
//	6222021234567890123 13600000000 C0, settles S after 3 minutes
//	6214830000000000068 13600000068 68, settles F after 3 minutes
//	6013820000000000009 13600000009 revoked at the bank: ZG
//	4367420000000001    13600000001 approve, limit 100.00 (above: I8)
//	6222020000000000011 13700000000 approve (ICBC: needs name + CVV2, else TC)
//	6217000000000000022 13700000022 approve (free for sign-ups)
//	6217001234567895678 13712345678 approve (free for sign-ups: SignUpPan, the target param pan)
//	6225880000000000033 13700000033 approve (CMB credit: needs CVV2 + expiry)
//	6228480000000000044 13700000044 ABC, not CNP-enabled: L8
//
// Cards not in this list but with a known BIN are accepted by the bank with
// any phone ("测试环境无法真实校验卡信息", §5.1).
//
// Bindings (merchant 104110045112012, customerId → card, payToken):
//
//	33150001     6217003320034459100 8120000002867710851 (§4.3 sample)
//	33150003     6217003320034459100 8120000002712994411 (§4.2 table sample)
//	fj2030       6225757519832520    8120000000000700000 (§4.3 table sample)
//	33151000     6214833617000003617 8120000000000560000 (§4.6 sample)
//	c-timeout-c0 6222021234567890123 8120000000000000101
//	c-timeout-68 6214830000000000068 8120000000000000102
//	c-revoked    6013820000000000009 8120000000000000103
//	c-limit      4367420000000001    8120000000000000104
//
// SMS codes are random 6 digits, printed through Options.Logf (paycert sim
// bill99 prints them as they are sent), readable in-process with SMSCode
// and, from another process on this machine, at GET PathSMS (loopback
// callers only). FixtureText is the fixture as paycert sim prints it;
// UsePKIDir serves with a kit kept in a directory across restarts. Seeding for long runs: AddCard, AddBIN,
// AddBinding, SeedBindings(merchant, n); Totals and Audit check the ledger
// (debits = credits = sum of S orders, one order per externalRefNumber and
// per refNumber, no overdue pending order, at most 11 TR3 attempts).
//
// # Readings (each is an Erratum in bill99.Catalogue)
//
//   - One URL for the order query and the card-info query: the content
//     element decides (QryTxnMsgContent / CardInfoContent).
//   - History (E-BILL99-HISTORY): the latest sim.Options.History orders
//     (default 10 000; a pending one until it settles) and finished TR3
//     notices are kept whole; an older order is not found (B.MGW.0170) and
//     its externalRefNumber may be used again. Totals and Audit count aged
//     orders by their sums, per card too, so the ledger stays exact.
//   - errorCodes: B.MGW.0001 unknown merchant, B.MGW.0120 every missing,
//     over-long or malformed field, B.MGW.0170 no such order (or older than
//     6 calendar months); paycert's own B.MGW.0100 (unparsable: bad XML,
//     root, namespace, content element, non-UTF-8 declaration, a field in
//     bytes that are not UTF-8: E-BILL99-FIELD-CHARSET, checked before any
//     field rule) and
//     B.MGW.0130 (externalRefNumber reused with different content). HTTP is
//     always 200 for protocol replies; 405 for non-POST, 404 for other paths,
//     413 for bodies over 1 MiB.
//   - A replay identical in content gets the original reply (same refNumber,
//     no second debit).
//   - A code lives 5 minutes and one successful verification; a wrong code
//     does not consume it; another externalRefNumber, token, pan, phone or
//     customer is T6.
//   - A new ind_auth for a bound card suspends its payToken until verified.
//   - C0/68 orders settle 3 minutes after entry; query answers 00 with
//     txnStatus P/S/F; TR3 goes out at settlement.
//   - TR3: GBK body declaring encoding="GBK", signature base64 RSA-SHA1 over
//     the exact body in header X-99Bill-Signature; sent to the purchase's
//     tr3Url, else the merchant's configured address (SetMerchantTR3URL),
//     else not at all. A TR4 is accepted when HTTP 200 carries a TxnMsgContent
//     with interactiveStatus TR4 and the TR3's refNumber and merchantId.
//     Otherwise resent 1, 2, 4 ... 512 minutes later: 1 + 10 attempts. The
//     background deliverer polls the clock every 50 ms; with
//     Config.NoNotifier the caller drives DeliverDue (tests advance a
//     ManualClock and call it).
//   - pci_query: terminalId and bindType optional; absent cardType means
//     credit (0001); no binding is 00 with an empty pciInfos.
//   - Strict mode records: unparsable bodies, wrong charset, missing XML
//     declaration, a chunked body over 1 MiB (one sent with Content-Length
//     is refused by sim.Harden before the simulator sees it), every finding
//     of bill99.ValidateRequest (Rule "field-<rule>"), unknown and
//     duplicated elements (which are otherwise ignored), a client
//     certificate whose CN is not the request's merchantId (§6.1: use the
//     merchant's own gateway certificate), and every TLS handshake refused
//     for its client certificate (interface "tls", rules
//     tls-no-client-cert, tls-unknown-ca, tls-expired-cert, tls-bad-cert,
//     with the client's address; sim.Start tells HandshakeFailed, the
//     refusal itself is crypto/tls's, alert and all). Each Detail is a
//     catalog.Finding rendered "<path>: <rule>: <value and what is wrong>
//     (001 §x)": the element, the value (shortened) and the seed section;
//     the Violation repeats them as Path, Section and Value (sim.Short), with
//     the code answered (Code, "" when the request was served anyway). A
//     request refused for a field is one violation: a field in GBK is
//     recorded as "charset" for that element (not as its length), and the
//     §6.1 certificate check runs only on requests whose fields passed.
//
// # Faults
//
// accept-no-client-cert, accept-foreign-ca, accept-expired-cert,
// both-codes, reuse-validcode, tr3-signed-utf8, resend-stops-after-3,
// storablepan-last6, duplicate-ref-double-charge, paytoken-any-customer,
// pending-never-settles, query-ignores-half-year, tr4-any-200,
// pci-del-keeps-binding, no-length-check, ref-mismatch-accepted,
// wrong-namespace-accepted, phone-not-checked, one-bank-many-cards, and the
// validation faults length-in-bytes, empty-is-present,
// number-accepts-letters, charset-unchecked, refused-purchase-charged (see
// Faults for what each breaks; the generated negatives kill the last five).
// conformance/bill99 kills every one.
package bill99sim
