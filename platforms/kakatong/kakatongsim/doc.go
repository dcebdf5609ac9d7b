// Package kakatongsim is the reference Kakatong gateway (seed 000, spec 2.3):
// REST GET /s/get?method=..., SOAP 1.2 POST /s/sp.php with its WSDL at
// /s/sp.php?wsdl and /s/sp.wsdl, stateful (cards, balances, points, stances,
// bindings, holder data, daily counters) behind one mutex, with time from
// sim.Options.Clock.
//
// # Default fixture
//
// The seed's test accounts (测试实例), plus one card, merchant, terminal or
// key for every state a code needs. Every card's password is 111111
// (CARDPWD md5 96e79218965eb72c92a549dd5a330112); cards of 1155 hold
// 1000.00 yuan and 1000 points with a per-trade limit of 10,000.00 yuan
// unless said otherwise.
//
//	merchant 1155 (COPNO)    key NV41VDlSNldhFTFeYw0z, prepaid 10,000,000.00 yuan, not in test mode
//	  terminal 11552001      no daily limits (the seed's terminal; load runs use it)
//	  terminal 11552002      daily recharge cap 500.00 yuan (58)
//	  terminal 11552003      5 trades a day (67)
//	  key KKT1155ExpiredLicence0   expired 2020-01-01 (licence 2)
//	merchant 1156            key KKT1156OtherMerchantKey0, terminal 11562001, prepaid 10.00 yuan (64, 65)
//	merchant 1157            key KKT1157LowIssuerAccount, terminal 11572001, prepaid 1.00 yuan (54)
//	merchant 1158 (closed)   key KKT1158ClosedMerchant00, terminal 11582001 (60)
//	merchant 1160 (test mode) key KKT1160TestModeMerchant, terminal 11602001, card 1680116000000001 (68)
//
//	1680115500000125         not yet active (the seed activates it), empty
//	1680115500000126..133    active (the seed's test cards)
//	1680115500000201         lost (14)              1680115500000202  cancelled (15; 53 on activation)
//	1680115500000203         replaced (19)          1680115500000204  frozen (此卡已冻结)
//	1680115500000205         expired 2020-01-01 (10) 1680115500000206 valid from 2099-01-01 (13)
//	1680115500000207         points-only, 5000 points (20, 31)
//	1680115500000208         stored value only (32)
//	1680115500000210         not yet active, holder mobile 13800000001 already on 211 (59)
//	1680115500000211         active, holder mobile 13800000001
//	1680115500000212         not yet active (a second activation target)
//	1680115500000300..399    not yet active, empty (the pool an outside client activates)
//	1680115600000001         not yet active, issued by 1156 (52 when 1155 activates it)
//	1680115700000001         not yet active, face value 100.00 yuan, issuer 1157 (54)
//
// Service codes (ITEMCODE): 123 会员积分 (one point per unit), 200 双倍积分
// (two points per unit); another ITEMCODE on a points accrual is 16.
//
// # Readings (each is an erratum in kakatong.Catalogue().Errata)
//
//   - Replies wrap fields in <Record> (E-KAKATONG-RECORD-WRAPPER); stances
//     are 8 digits (E-KAKATONG-STANCE-DIGITS); stream amounts are yuan with
//     two decimals (E-KAKATONG-STREAM-AMOUNT).
//   - Stored-value rows fill Integral, points rows fill Points
//     (E-KAKATONG-INTEGRAL-POINTS); activation 57, bind 40, unbind 44,
//     change 45, reset 47 rather than the samples' 11 (E-KAKATONG-SUCCESS-CODES).
//   - Licence: empty/unknown 1, expired 2, malformed 3, COPNO of another
//     merchant 4; REST sends the digit in the code field, SOAP the bare
//     number (E-KAKATONG-LICENCE-MEANING, E-KAKATONG-LICENCE-REST).
//   - Checks run in this order: licence; gateway closed 51; merchant closed
//     60; TRADETYPE 03 / TRADEMODE 04; terminal of the merchant 70; AMOUNT
//     02; card format 01 and existence 05; password 07; card state (17, 14,
//     15, 19, 此卡已冻结, 13, 10); card kind (20, 31, 32); undo (61, 62, 63,
//     64, 06); points rule 16; duplicate 12; test-mode cap 68; terminal
//     count 67; per-trade limit 09; terminal recharge cap 58; merchant
//     prepaid 65; balance 08 / points 66.
//   - Duplicates: same TRADETYPE+TRADEMODE, card, terminal and amount less
//     than 24 h before (E-KAKATONG-DUPLICATE). Daily counters use the CST
//     calendar day (E-KAKATONG-DAY) and count successful money and points
//     trades (undos too); a reversal does not give its count back.
//   - 0400 reversal: same terminal, same day, a forward money trade not yet
//     undone; answers 18 and books nothing (E-KAKATONG-REVERSAL).
//   - History (E-KAKATONG-HISTORY): the latest sim.Options.History trades
//     (default 10 000) are kept whole; an older one cannot be undone or
//     reversed (61), is not streamed and no longer makes a duplicate.
//     Balance and points queries take a stance and are kept nowhere.
//   - Passwords: md5 hex or the plain 6 digits (E-KAKATONG-PLAIN-PWD).
//   - SOAP answers in the request's charset (E-KAKATONG-SOAP-CHARSET); a
//     SOAP 1.1 request gets a VersionMismatch fault with HTTP 400, not the
//     500 of SOAP 1.2 §7.5, so that no bad request ever earns a 5xx.
//   - A malformed query, a repeated parameter or an unknown method is
//     answered 非法操作 in a cTRequest-shaped record.
//
// # Faults
//
// dup-window-23h, dup-ignores-terminal, undo-restores-twice,
// soap-array-on-licence-error, points-balance-swapped,
// record-wrapper-missing, gb2312-sent-as-utf8, undo-other-merchant,
// stance-six-digits, chinese-by-default, test-mode-cap-101, expiry-ignored,
// undo-amount-unchecked, reversal-keeps-money, frozen-as-lost (see Faults
// for what each does).
//
// # Strict mock
//
// With sim.Options.Strict, requests a conforming client would not send are
// recorded as violations: unknown or repeated parameters, missing required
// ones, over-long values, a plain CARDPWD on REST cTRequest, a decimal
// AMOUNT, GB2312 bytes in a REST URL, a non-SOAP-1.2 call, an operation
// outside the target namespace, a SOAP body not in the charset it declares
// (rule charset-mismatch: UTF-8 declared GB2312 by the XML declaration or
// the Content-Type, or GB2312 bytes declared UTF-8), which is also refused
// as such (400, Sender fault "charset mismatch: ...") before any parameter
// is read. The REST parameter checks are judged as catalog.Findings
// against the catalogue (the shape kakatong.CheckReply gives replies) and
// recorded as "PARAM: rule: detail (000 section)".
//
// # Lengths
//
// Every parameter length counts GB2312 bytes (kakatong.GBKLen), the unit
// of the seed's GB2312 pages and PHP client: a holder field holds 64 bytes,
// 32 Chinese characters or 64 letters, over REST and SOAP alike.
//
// # Load runs
//
// SeedLoad adds cards with a large balance and no per-trade limit; use them
// on terminal 11552001 with client.LoadPlan, whose amount scheme keeps every
// request clear of the duplicate rule. Totals returns the ledger totals
// (Balances == Seeded - Consumed + Recharged) and Audit re-checks the
// invariants over the whole state, trades aged out of the history window
// by their sums (per card, per merchant, in Totals), so a simulator serving
// a soak holds flat memory and its ledger stays exact; History says how
// many trades are kept and aged.
package kakatongsim
