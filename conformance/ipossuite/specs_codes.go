package ipossuite

// specs_codes.go: one table entry per result code of 002 §5
// (conformance.CodeTable), each provoked from the client side; a code the
// catalogue marks unprovokable is skipped with its reason.

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
)

func codeTable(f *conformance.Framework[*env]) {
	f.CodeTable("result codes (002 §5): each is provoked from the client side", codeProvokers(f.Catalogue))
}

// answers sends what run sends and asserts the reply carries code: HTTP
// 200, a well-formed iPos reply, result/id code and, for every code but
// 6107 (which answers a request_type it does not know), the interface's
// response_type.
func answers(ctx context.Context, cat *catalog.Catalogue, e *env, code, iface string, run func(ctx context.Context, e *env) (*iposclient.Response, error)) {
	GinkgoHelper()
	k, _ := cat.Code(code)
	resp, err := run(ctx, e)
	Expect(err).NotTo(HaveOccurred(), "the request must get a reply")
	Expect(resp.Status).To(Equal(http.StatusOK), "a coded answer travels with HTTP 200")
	Expect(resp.Reply).NotTo(BeNil(), "the reply must be an iPos reply: %q", resp.Body)
	enveloped(resp.Reply)
	Expect(resp.Reply.Result.ID).To(Equal(code), "result/id must be %s (%s, 002 §5); comment was %q", code, k.Text, resp.Reply.Result.Comment)
	if code != ipos.CodeMethod && resp.Reply.ResponseType != "" {
		Expect(resp.Reply.ResponseType).To(Equal(ipos.ResponseType(iface)))
	}
}

// codeProvokers returns how each result code of 002 §5 is provoked from
// the client side: the request that must be answered with it, and the
// interface that answers. Codes the catalogue marks unprovokable have none.
func codeProvokers(cat *catalog.Catalogue) map[string]conformance.Provoker[*env] {
	ps := map[string]conformance.Provoker[*env]{}
	add := func(code, iface, simOnly string, run func(ctx context.Context, e *env) (*iposclient.Response, error)) {
		ps[code] = conformance.Provoker[*env]{Interface: iface, SimOnly: simOnly, Check: func(ctx context.Context, e *env) {
			answers(ctx, cat, e, code, iface, run)
		}}
	}
	verify := func(mod func(e *env, q ipos.Request) ipos.Request) func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return func(ctx context.Context, e *env) (*iposclient.Response, error) {
			return send(ctx, e, mod(e, verifyReq(e.header(), e.amountVoucher(1000), "100")))
		}
	}
	fixture := func(code, amt string) func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return func(ctx context.Context, e *env) (*iposclient.Response, error) {
			return send(ctx, e, verifyReq(e.header(), code, amt))
		}
	}
	add(ipos.CodeOK, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)))
	})
	add(ipos.CodeUpstreamTimeout, ipos.CardVerify, "the fixture voucher whose issuer is offline", fixture(ipossim.VoucherOffline, "100"))
	add(ipos.CodeExpired, ipos.CardVerify, "the fixture's expired voucher", fixture(ipossim.VoucherExpired, "100"))
	add(ipos.CodeAmountNeeded, ipos.CardVerify, "", verify(func(e *env, q ipos.Request) ipos.Request {
		return q.Without("card_verify_request/tx_amt")
	}))
	add(ipos.CodeBalanceShort, ipos.CardVerify, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		// One fen more than what is left, read from the voucher itself: a
		// shared voucher of a real endpoint has whatever value it has.
		code := e.amountVoucher(1000)
		return send(ctx, e, verifyReq(e.header(), code, strconv.FormatInt(e.remainAmt(ctx, code)+1, 10)))
	})
	add(ipos.CodeCancelled, ipos.CardCancel, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		code := e.amountVoucher(1000)
		v := verifyReq(e.header(), code, "100")
		if _, err := e.do(ctx, v); err != nil {
			return nil, err
		}
		org, _ := v.Get("pos_seq")
		e.undoLater(code, org) // only if the cancel below did not happen
		if _, err := e.do(ctx, undoReq(ipos.CardCancel, e.header(), code, org)); err != nil {
			return nil, err
		}
		return send(ctx, e, undoReq(ipos.CardCancel, e.header(), code, org))
	})
	add(ipos.CodeAlreadyVerified, ipos.CardVerify, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		if e.sim != nil { // a fresh voucher, used up by the spec itself
			code := e.timesVoucher(1)
			if _, err := e.do(ctx, verifyReq(e.header(), code, "")); err != nil {
				return nil, err
			}
			return send(ctx, e, verifyReq(e.header(), code, ""))
		}
		code := e.usedVoucher()
		q, err := e.do(ctx, queryReq(e, code))
		if err == nil && q.Query != nil {
			Expect(q.Query.RemainTimes).To(Equal("0"), "param voucher_used must be a times voucher with no use left")
		}
		return send(ctx, e, verifyReq(e.header(), code, ""))
	})
	add(ipos.CodeNoOriginal, ipos.CardCancel, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, undoReq(ipos.CardCancel, e.header(), e.amountVoucher(1000), e.seq()))
	})
	add(ipos.CodeFailed, ipos.CardVerify, "", fixture("9999999999999999", "100"))
	add(ipos.CodeNoXML, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return sendBody(ctx, e, ipos.CardQuery, []byte("mac=0123456789abcdef0123456789abcdef"))
	})
	add(ipos.CodeBadXML, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		x := []byte(`<?xml version="1.0" encoding="GBK"?><business_trans><request_type>card_query_request</request_type><isspid>` + e.isspid + `</isspid>`)
		return e.client().PostXML(ctx, ipos.CardQuery, x)
	})
	add(ipos.CodeMethod, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, ipos.Request{Interface: "card_refund", Values: queryReq(e, "1000000000000001").Values})
	})
	add(ipos.CodeSystemIDFormat, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("system_id", "88a8"))
	})
	add(ipos.CodeISSPIDFormat, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("isspid", "3949300"))
	})
	add(ipos.CodeIPNotAllowed, ipos.CardQuery, "a merchant restricted to 10.0.0.0/8", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return sendKey(ctx, e, ipossim.RemoteKey, queryReq(e, ipossim.VoucherAmount).With("isspid", ipossim.RemoteISSPID))
	})
	add(ipos.CodeSystemIDWrong, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("system_id", "9999"))
	})
	add(ipos.CodeBadMAC, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		x, _ := queryReq(e, e.amountVoucher(1000)).AppendXML(nil)
		return sendBody(ctx, e, ipos.CardQuery, gbkxml.FormBody(nil, x, badMAC(x)))
	})
	add(ipos.CodeNotAuthorised, ipos.WecardGetCodeInfo, "a merchant without the gift-card interfaces", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		q := e.wecard(ipos.WecardGetCodeInfo)
		q.ISSPID, q.Code = ipossim.CardOnlyISSPID, ipossim.GiftCash
		return sendKey(ctx, e, ipossim.CardOnlyKey, q.Request())
	})
	add(ipos.CodePosID, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("pos_id", ""))
	})
	add(ipos.CodeSystemIDEmpty, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("system_id", ""))
	})
	add(ipos.CodePosSeq, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("pos_seq", "123456789012"))
	})
	add(ipos.CodeStoreID, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("store_id", strings.Repeat("1", 21)))
	})
	add(ipos.CodeUserID, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("user_id", strings.Repeat("u", 25)))
	})
	add(ipos.CodeValidInfo, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, "12345"))
	})
	add(ipos.CodeEncodeType, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("card_query_request/encode_type", "097"))
	})
	add(ipos.CodeTxAmt, ipos.CardVerify, "", verify(func(e *env, q ipos.Request) ipos.Request {
		return q.With("card_verify_request/tx_amt", "-1")
	}))
	add(ipos.CodeOrgPosSeq, ipos.CardCancel, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, undoReq(ipos.CardCancel, e.header(), e.amountVoucher(1000), "abc"))
	})
	add(ipos.CodeDailyDay, ipos.CardDaily, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, dailyReq(e.header(), "20261340"))
	})
	add(ipos.CodeBindIPWrong, ipos.CardQuery, "a terminal bound to another IP", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, ipossim.VoucherAmount).With("pos_id", ipossim.ElsewherePosID))
	})
	add(ipos.CodeBindIPFailed, ipos.BindPos, "a terminal bound to another IP", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: ipossim.ElsewherePosID, PosSeq: e.seq(), SystemID: e.systemID},
			Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request())
	})
	add(ipos.CodeStoreName, ipos.BindPos, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: e.posID, PosSeq: e.seq(), SystemID: e.systemID},
			Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: ""}}.Request())
	})
	add(ipos.CodeNoTerminal, ipos.CardQuery, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("pos_id", "0000000000"))
	})
	add(ipos.CodeSTime, ipos.WecardGetTraceList, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		q := e.wecard(ipos.WecardGetTraceList)
		q.PosID, q.StoreID, q.STime, q.ETime = "", "", "2019021", e.today()
		return send(ctx, e, q.Request())
	})
	add(ipos.CodeETime, ipos.WecardGetTraceList, "", func(ctx context.Context, e *env) (*iposclient.Response, error) {
		q := e.wecard(ipos.WecardGetTraceList)
		q.PosID, q.StoreID, q.STime, q.ETime = "", "", e.today(), "20191399"
		return send(ctx, e, q.Request())
	})
	return ps
}
