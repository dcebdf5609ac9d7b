// Package ipos is the protocol of iPos, the 翼码 卡券 (voucher)
// platform (翼码 iPos 标准卡券版, seed 002): a shop's own POS system
// queries and redeems 翼码 vouchers (amount and times vouchers, by
// auxiliary code or QR content) and WeChat gift cards.
//
// # The wire
//
// Every request is one GBK XML document with root <business_trans> and a
// <request_type> naming the interface, posted to a single URL as the form
// body
//
//	xml=<urlencoded GBK bytes>&mac=<hex md5(key + xml + key)>
//
// with Content-Type charset GBK (002 §2); the MAC covers the GBK bytes
// exactly as sent. The reply is the bare GBK XML <business_trans> with a
// <response_type>, the interface's fields and result/id (0000 = success)
// with result/comment, under HTTP 200 whatever the code. Replies carry no
// MAC (erratum E-IPOS-REPLY-MAC) and gain elements over time (002 §1.1), so
// they are read by element name and unknown elements are ignored.
//
// The 12 interfaces are bind_pos, card_query, card_verify, card_cancel,
// card_reversal, card_daily (002 §4.1–4.6) and wecard_getcodeinfo,
// wecard_gettracelist, wecard_poscancelcard, wecard_getposseqinfo,
// wecard_posreturnd, wecard_posrevoke (§4.7–4.12). §5 lists 35 result
// codes, 9 of the trade and 26 of access checks (erratum E-IPOS-CODE-COUNT).
//
// # What the package holds
//
//   - Catalogue: every interface with its request and reply fields (path,
//     type, length, presence, condition, meaning), every code of §5, and
//     the errata: the readings chosen where the seed contradicts itself.
//   - Typed requests (BindPosRequest, CardQueryRequest, CardVerifyRequest,
//     CardUndoRequest, CardDailyRequest, WecardRequest), each turned into a
//     Request, an ordered list of element paths and values that a test can
//     edit (With, Without) to build any malformed variant; AppendXML writes
//     GBK XML and FormBody the MAC'd form body.
//   - Reply, decoded from GBK XML by DecodeReply into typed parts with the
//     document kept for element-level checks; Classify reads only the code,
//     on a fast path for the load runner.
//   - CheckReply (a successful reply against its interface's reply table
//     and the request it answers) and CheckResult (what every reply
//     carries): both return []catalog.Finding with the element path, the
//     rule and the seed section, shared by the conformance suite, the load
//     runner's sampled checks and paycert ipos.
//
// The client is in ipos/client, the reference simulator in ipos/simulator,
// the conformance suite in conformance/ipos.
package ipos
