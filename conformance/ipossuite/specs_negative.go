package ipossuite

// specs_negative.go: the negative matrix: every interface with malformed XML, a wrong
// charset, a missing and an over-long field, a bad or missing MAC, an
// unknown merchant and a body over 1 MiB. Each gets its documented code (or
// a clean 4xx), never a 5xx, and moves no money.

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// negative is one bad variant of an interface's request.
type negative struct {
	name string
	want string // result/id, or "4xx"
	make func(e *env, base ipos.Request) []byte
}

func baseRequest(e *env, iface string) ipos.Request {
	switch iface {
	case ipos.BindPos:
		return ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: e.posID, PosSeq: e.seq(), UserID: "user01", SystemID: e.systemID},
			Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request()
	case ipos.CardQuery:
		return queryReq(e, ipossim.VoucherAmount)
	case ipos.CardVerify:
		return verifyReq(e.header(), ipossim.VoucherAmount, "1")
	case ipos.CardCancel, ipos.CardReversal:
		return undoReq(iface, e.header(), ipossim.VoucherAmount, e.seq())
	case ipos.CardDaily:
		return dailyReq(e.header(), e.today())
	}
	q := e.wecard(iface)
	q.Code, q.ConsumeSource, q.Amount = ipossim.GiftCash, "渠道", "1"
	switch iface {
	case ipos.WecardGetTraceList:
		q.PosID, q.StoreID, q.Amount, q.ConsumeSource = "", "", "", ""
	case ipos.WecardGetCodeInfo:
		q.Amount, q.ConsumeSource = "", ""
	case ipos.WecardGetPosSeqInfo:
		q.Code, q.Amount, q.ConsumeSource = "", "", ""
	case ipos.WecardPosReturnd:
		q.OrgPosSeq = e.seq()
	case ipos.WecardPosRevoke:
		q.Amount = ""
	}
	return q.Request()
}

// primary is a required element of each interface's own, and the code its
// absence gets.
func primaryField() map[string][2]string {
	return map[string][2]string{
		ipos.BindPos:             {"store_info/store_name", ipos.CodeStoreName},
		ipos.CardQuery:           {"card_query_request/valid_info", ipos.CodeValidInfo},
		ipos.CardVerify:          {"card_verify_request/valid_info", ipos.CodeValidInfo},
		ipos.CardCancel:          {"card_cancel_request/org_pos_seq", ipos.CodeOrgPosSeq},
		ipos.CardReversal:        {"card_reversal_request/org_pos_seq", ipos.CodeOrgPosSeq},
		ipos.CardDaily:           {"card_daily_request/daily_day", ipos.CodeDailyDay},
		ipos.WecardGetCodeInfo:   {"code", ipos.CodeFailed},
		ipos.WecardGetTraceList:  {"s_time", ipos.CodeSTime}, // e_time alone: s_time is missing
		ipos.WecardPosCancelCard: {"code", ipos.CodeFailed},
		ipos.WecardGetPosSeqInfo: {"pos_seq", ipos.CodeFailed},
		ipos.WecardPosReturnd:    {"org_pos_seq", ipos.CodeOrgPosSeq},
		ipos.WecardPosRevoke:     {"consume_source", ipos.CodeFailed},
	}
}

// overLong is a field of each interface sent one character past its table
// length (past the code's limit too, erratum E-IPOS-LEN-LIMITS).
func overLong() map[string][3]string {
	return map[string][3]string{
		ipos.BindPos:             {"store_info/store_id", strings.Repeat("1", 21), ipos.CodeStoreID},
		ipos.CardQuery:           {"pos_id", strings.Repeat("1", 21), ipos.CodePosID},
		ipos.CardVerify:          {"card_verify_request/valid_info", strings.Repeat("1", 257), ipos.CodeValidInfo},
		ipos.CardCancel:          {"card_cancel_request/org_pos_seq", strings.Repeat("1", 33), ipos.CodeOrgPosSeq},
		ipos.CardReversal:        {"pos_seq", strings.Repeat("1", 33), ipos.CodePosSeq},
		ipos.CardDaily:           {"card_daily_request/daily_day", "202603011", ipos.CodeDailyDay},
		ipos.WecardGetCodeInfo:   {"system_id", "88888", ipos.CodeSystemIDFormat},
		ipos.WecardGetTraceList:  {"s_time", "201902140", ipos.CodeSTime},
		ipos.WecardPosCancelCard: {"pos_id", strings.Repeat("1", 21), ipos.CodePosID},
		ipos.WecardGetPosSeqInfo: {"pos_seq", strings.Repeat("1", 33), ipos.CodePosSeq},
		ipos.WecardPosReturnd:    {"store_id", strings.Repeat("1", 21), ipos.CodeStoreID},
		ipos.WecardPosRevoke:     {"isspid", "394930021", ipos.CodeISSPIDFormat},
	}
}

// utf8Field is a text field of each interface: a single CJK character in
// UTF-8 (3 bytes) before '<' can never be valid GBK.
func utf8Field() map[string]string {
	return map[string]string{
		ipos.BindPos: "store_info/store_name", ipos.CardQuery: "user_id", ipos.CardVerify: "user_id",
		ipos.CardCancel: "user_id", ipos.CardReversal: "user_id", ipos.CardDaily: "user_id",
		ipos.WecardGetCodeInfo: "transaction_id", ipos.WecardGetTraceList: "transaction_id",
		ipos.WecardPosCancelCard: "consume_source", ipos.WecardGetPosSeqInfo: "transaction_id",
		ipos.WecardPosReturnd: "consume_source", ipos.WecardPosRevoke: "consume_source",
	}
}

func negativesFor(iface string) []negative {
	form := func(e *env, x []byte) []byte { return ipos.FormBody(nil, []byte(e.key), x) }
	return []negative{
		{"malformed XML", ipos.CodeBadXML, func(e *env, b ipos.Request) []byte {
			x := xmlOf(b)
			return form(e, x[:len(x)-len("</business_trans>")+3])
		}},
		{"UTF-8 bytes declared GBK", ipos.CodeBadXML, func(e *env, b ipos.Request) []byte {
			x := xmlOf(b.With(utf8Field()[iface], "X"))
			x = bytes.Replace(x, []byte(">X<"), []byte(">店<"), 1)
			return form(e, x)
		}},
		{"missing system_id", ipos.CodeSystemIDEmpty, func(e *env, b ipos.Request) []byte {
			return form(e, xmlOf(b.Without("system_id")))
		}},
		{"missing " + primaryField()[iface][0], primaryField()[iface][1], func(e *env, b ipos.Request) []byte {
			if iface == ipos.WecardGetTraceList {
				return form(e, xmlOf(b.With("e_time", e.today())))
			}
			return form(e, xmlOf(b.Without(primaryField()[iface][0])))
		}},
		{"over-long " + overLong()[iface][0], overLong()[iface][2], func(e *env, b ipos.Request) []byte {
			r := b.With(overLong()[iface][0], overLong()[iface][1])
			if iface == ipos.WecardGetTraceList {
				r = r.With("e_time", e.today())
			}
			return form(e, xmlOf(r))
		}},
		{"bad MAC", ipos.CodeBadMAC, func(e *env, b ipos.Request) []byte {
			x := xmlOf(b)
			return gbkxml.FormBody(nil, x, badMAC(x))
		}},
		{"no mac parameter", ipos.CodeBadMAC, func(e *env, b ipos.Request) []byte {
			return bytes.SplitN(form(e, xmlOf(b)), []byte("&mac="), 2)[0]
		}},
		{"unknown isspid", ipos.CodeNotAuthorised, func(e *env, b ipos.Request) []byte {
			return form(e, xmlOf(b.With("isspid", "39490000")))
		}},
		{"body over 1 MiB", "4xx", func(e *env, b ipos.Request) []byte {
			x := xmlOf(b.With("padding", strings.Repeat("x", sim.MaxBody)))
			return form(e, x)
		}},
	}
}

func negativeMatrix(f *conformance.Framework[*env]) {
	Describe("negative matrix", conformance.Negative, func() {
		for _, iface := range ipos.Interfaces() {
			for _, n := range negativesFor(iface) {
				labels := []any{conformance.Interface(iface)}
				if n.want != "4xx" {
					labels = append(labels, conformance.Code(n.want))
				}
				if n.name == "unknown isspid" {
					labels = append(labels, conformance.Errata)
				}
				f.It(fmt.Sprintf("%s: %s answers %s, state unchanged", iface, n.name, n.want), append(labels, func(ctx context.Context) {
					e := f.Env()
					var before ipossim.Totals
					if e.sim != nil {
						before = e.sim.Totals()
					}
					body := n.make(e, baseRequest(e, iface))
					resp, err := sendBody(ctx, e, iface, body)
					Expect(err).NotTo(HaveOccurred(), "bad input must get an answer, not a dropped connection")
					Expect(resp.Status).To(BeNumerically("<", 500), "bad input never gets a 5xx")
					if n.want == "4xx" {
						Expect(resp.Status).To(BeNumerically(">=", 400), "a body over 1 MiB is refused (no iPos code fits: a clean 4xx)")
					} else {
						Expect(resp.Reply).NotTo(BeNil(), "the answer must be an iPos reply: %q", resp.Body)
						enveloped(resp.Reply)
						Expect(resp.Reply.Result.ID).To(Equal(n.want), "%s must answer %s; comment %q", n.name, n.want, resp.Reply.Result.Comment)
					}
					if e.sim != nil {
						Expect(e.sim.Totals()).To(Equal(before), "a refused request moves no money")
					}
				})...)
			}
		}
	})
}
