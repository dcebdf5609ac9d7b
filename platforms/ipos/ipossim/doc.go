// Package ipossim is the iPos (seed 002) reference simulator: the
// embedded default target of the conformance suite, a strict mock for
// certifying a POS client, and the load runner's loopback target.
//
// One URL serves all 12 interfaces: a POST of
// xml=<urlencoded GBK XML>&mac=<md5(key‖xml‖key)>, answered with a GBK
// <business_trans> reply (HTTP 200 for every coded answer). State is in
// memory behind one mutex; time comes from sim.Options.Clock, and dates
// (trans_time, daily_day) are Beijing time (UTC+8).
//
// # Fixture
//
// Merchants (isspid / system_id / MAC key / allowed IPs):
//
//	39493002 / 8888 / 654321 / loopback       the merchant of every sample; key of 002 §2's MAC example
//	39493003 / 8888 / 123456 / 10.0.0.0/8     any request from loopback answers 6103
//	39493004 / 8888 / abcdef / loopback       not authorised for wecard_* (6101)
//
// Store 1511300001 (翼码测试门店) with terminal 1511300001 bound to loopback
// for each merchant, and terminal 1511300009 of 39493002 bound to 10.1.2.3
// (trades on it answer 7104, a bind_pos of it 7105). bind_pos creates
// further stores and terminals, bound to the caller's IP.
//
// Vouchers (valid_info; amounts in fen; expiry one year after New unless
// said otherwise):
//
//	1000000000000001  amount  10000 of 10000 left, va_status 0
//	1000000000000002  amount   4000 of 10000 left, va_status 2, one redeem row (pos_seq 1511300000901)
//	1000000000000003  amount      0 of  5000 left, va_status 3 (3038 on verify)
//	100000000004      amount    500 of   500 left (a 12-digit auxiliary code)
//	2000000000000001  times   10 of 10 uses, price 2000, va_status 0; QR content IPOSQR:2000000000000001:8d1f
//	2000000000000002  times    1 of  3 uses, price 1500, va_status 2, two redeem rows
//	2000000000000003  times    0 of  1 use,  price 3000, va_status 3
//	3000000000000001  amount, voided by its issuer (va_status 1): 3037 on verify
//	3000000000000002  amount, expired a day before New: 3044 on verify
//	3000000000000003  amount, issuer offline: 9998 on query and verify
//
// WeChat gift cards of 39493002 (code, type, amount):
//
//	798492728980  cash (3), 1000, use_flag 4; encrypt_code ENC798492728980
//	267373474047  single item (2), price 500
//	488014963299  cash, revoked (use_flag 8): 3037 on consume
//	111111111111  cash, validity ended an hour before New: 3044 on consume
//
// The certification fixture, given to an outside client as target params
// by paycert sim ipos --write-config (CertVoucherAmount...): amount voucher
// 4000000000000001 with 10,000,000 fen, times voucher 4000000000000002 with
// 100,000 uses, cash gift card 798492700001 with 10,000,000 fen, and 60
// revocable cash cards of 600 fen, 798492730101..798492730160;
// and paycert load ipos-verify's voucher 4000000000000003 with
// 100,000,000 fen (param load_voucher), which certification never touches. The
// fixture's used-up times voucher 2000000000000003 is param voucher_used.
//
// AddVoucher, AddGiftCard and BindTerminal seed more in-process (a load run
// creates an amount voucher with the balance it needs); Voucher,
// GiftOverplus and Totals read state back for ledger checks, and Audit
// re-checks the invariants over everything.
//
// # Order of checks
//
// POST (else 6107) → body within 1 MiB (else a clean 413: no iPos code
// fits) → an xml parameter (6108) → the xml's bytes in the charset it
// declares, no element's text UTF-8 declared GBK (6106, ipos.CheckCharset,
// naming the element) → XML
// well-formed with root business_trans (6106) → request_type one of the 12 (6107) → isspid 8
// digits (6104) → a known merchant (6101) → mac present and right (6100) →
// caller IP allowed (6103) → system_id present (5200), 4 digits (6105), the
// merchant's (6102) → interface allowed (6101) → fields (52xx, 55xx, 5216;
// 9990 where no code is named) → terminal exists in that store (7000) and
// is bound to the caller's IP (7104) → pos_seq not seen before → business.
//
// # Readings (each is an Erratum in ipos.Catalogue)
//
//   - E-IPOS-REPLY-MAC: replies carry no MAC; only requests are MACed.
//   - E-IPOS-DAILY-ROOT: the daily reply is card_daily_response.
//   - E-IPOS-REVERSAL-AFTER-CANCEL: a verification is undone once; a later
//     cancel or reversal of it answers 3037; a resend of the same reversal
//     (same pos_seq, same bytes) replays the first reply.
//   - E-IPOS-CANCEL-RESTORES: va_status 1 means voided by the issuer;
//     cancel and reversal restore amount/times (va_status back to 0, or 2
//     while other verifications remain).
//   - E-IPOS-DAILY-FUTURE: a daily_day after today answers 5218.
//   - E-IPOS-DAILY-WINDOW: the summary covers the terminal's verifications
//     (minus the cancellations and reversals it made) since its previous
//     daily, which the daily closes; daily_day is only validated; goods that
//     net to nothing are left out.
//   - E-IPOS-LEN-LIMITS: pos_id and store_id at most 10 and user_id at most
//     12, as codes 5211/5210/5209 say (the catalogue's request tables carry
//     these limits); every length in GBK bytes (a Chinese character is 2),
//     as the seed counts them.
//   - E-IPOS-FIXED-LENGTHS: isspid 8 digits, system_id 4, the dates 8, a
//     required pos_seq and every org_pos_seq at least 13 digits.
//   - E-IPOS-FIELD-CODES: which breaches of a field §5's code covers (the
//     catalogue's FieldCodes, which the generated negatives expect).
//   - E-IPOS-DUP-POSSEQ: pos_seq is unique per merchant across interfaces;
//     an identical resend replays the first reply and moves nothing; a
//     different request with a used pos_seq answers 9990 终端流水号重复.
//   - E-IPOS-UNKNOWN-MERCHANT: an unknown, well-formed isspid answers 6101.
//   - E-IPOS-METHOD: 6107 for a non-POST and for an unknown request_type.
//   - E-IPOS-TRACE-PAGING: 15 rows a page; an optional <page> selects one.
//   - E-IPOS-GIFT-CODES: gift cards answer 0325/0305/3038/3037/3044/0809 where
//     those fit, 9990 with a specific comment otherwise; a consume is
//     refunded at most once (a partial refund closes it).
//   - E-IPOS-REQUEST-CHARSET: xml not in the charset it declares (invalid
//     GBK, or UTF-8 declared GBK) answers 6106 before any field rule;
//     strict mode also records a Content-Type without charset=GBK and an
//     XML declaration other than GBK.
//   - E-IPOS-NO-TERMINAL-CODES: store_id without pos_id (or the reverse) in
//     wecard_gettracelist answers 9990.
//   - E-IPOS-HISTORY: the latest sim.Options.History pos_seqs (default
//     10 000) are kept whole (replayed, undoable, listed); an older one is
//     forgotten: a resend of it is a new request, an undo of its
//     verification answers 0809. Gift card trace rows age out of the same
//     window. Balances, Totals, Voucher's Verifications and Audit count
//     aged entries by their sums, so the ledger stays exact while memory
//     stays flat (History and GiftRows say how many are kept and aged).
//     The daily window is a sum per goods, however long it stays open.
//
// Unknown request elements are tolerated (and recorded in strict mode). A
// terminal's IP binding treats every loopback address as one host.
//
// # Strict mode
//
// With sim.Options.Strict, every deviation of an incoming request is
// recorded as a sim.Violation in catalog.Finding's terms: the element path
// (business_trans/user_id, also for a charset error: the element whose text
// is not in the declared charset; mac, xml or Content-Type outside the
// message), the rule (missing, too-long, format, charset, mac, duplicate,
// unknown-element, too-large, ...), a detail, the value sent (Value, cut by
// sim.Short; for a charset error the element's raw text, as UTF-8 when it
// is), the seed section, the interface (read from request_type
// even when the xml does not parse; "(request_type not readable)" or "(body
// over 1 MiB, not read)" otherwise) and the code answered. Every refusal
// for a rule of the spec is recorded, 0305 for a missing tx_amt or amount
// included, and a body over 1 MiB whether it declared its length
// (sim.HardenStrict) or came chunked; business outcomes (0325, 3037, 3038,
// 3044, 0809, 9998, 7000, 7104, 7105, an unknown voucher) are not the
// client's fault and are not recorded. Tolerated deviations (Content-Type,
// declaration, unknown elements) are recorded without a code and the
// request is served as usual.
//
// # Faults
//
// See faults.go: mac-over-utf8, drop-sys-seq, wrong-code-balance-short,
// duplicate-pos-seq-accepted, reversal-no-restore,
// daily-counts-cancellations, pos-seq-not-echoed, reject-unknown-element,
// reply-utf8, remain-amt-off-by-one, expiry-ignored, ip-not-checked,
// gift-refund-no-restore, trace-status-stale, daily-not-reset,
// cancel-twice-restores-twice, and six in validation, each killed by the
// suite's generated negatives: length-in-characters, pos-id-empty-accepted,
// charset-decode-only, fen-decimal-accepted, date-calendar-unchecked,
// verify-before-field-check.
package ipossim
