package ipos

// specs_codes.go: one table entry per result code of 002 §5
// (conformance.CodeTable), each provoked from the client side; a code the
// catalogue marks unprovokable is skipped with its reason.

import (
	"context"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/catalog"
	proto "paycert/platforms/ipos"
	"paycert/platforms/ipos/client"
	"paycert/platforms/ipos/simulator"
)

func codeTable(f *conformance.Framework[*env]) {
	f.CodeTable("result codes (002 §5): each is provoked from the client side", codeProvokers(f.Catalogue))
}

// answers sends what run sends and asserts the reply carries code: HTTP
// 200, a well-formed iPos reply, result/id code and, for every code but
// 6107 (which answers a request_type it does not know), the interface's
// response_type.
func answers(ctx context.Context, cat *catalog.Catalogue, e *env, code, iface string, run func(ctx context.Context, e *env) (*client.Response, error)) {
	GinkgoHelper()
	k, _ := cat.Code(code)
	resp, err := run(ctx, e)
	Expect(err).NotTo(HaveOccurred(), "the request must get a reply")
	Expect(resp.Status).To(Equal(http.StatusOK), "a coded answer travels with HTTP 200")
	Expect(resp.Reply).NotTo(BeNil(), "the reply must be an iPos reply: %q", resp.Body)
	enveloped(resp.Reply)
	Expect(resp.Reply.Result.ID).To(Equal(code), "result/id must be %s (%s, 002 §5); comment was %q", code, k.Text, resp.Reply.Result.Comment)
	if code != proto.CodeMethod && resp.Reply.ResponseType != "" {
		Expect(resp.Reply.ResponseType).To(Equal(proto.ResponseType(iface)))
	}
}

// codeProvokers returns how each result code of 002 §5 is provoked from
// the client side: the request that must be answered with it, and the
// interface that answers. Codes the catalogue marks unprovokable have none.
func codeProvokers(cat *catalog.Catalogue) map[string]conformance.Provoker[*env] {
	ps := map[string]conformance.Provoker[*env]{}
	add := func(code, iface, simOnly string, run func(ctx context.Context, e *env) (*client.Response, error)) {
		ps[code] = conformance.Provoker[*env]{Interface: iface, SimOnly: simOnly, Check: func(ctx context.Context, e *env) {
			answers(ctx, cat, e, code, iface, run)
		}}
	}
	verify := func(mod func(e *env, q proto.Request) proto.Request) func(ctx context.Context, e *env) (*client.Response, error) {
		return func(ctx context.Context, e *env) (*client.Response, error) {
			return send(ctx, e, mod(e, verifyReq(e.header(), e.amountVoucher(1000), "100")))
		}
	}
	fixture := func(code, amt string) func(ctx context.Context, e *env) (*client.Response, error) {
		return func(ctx context.Context, e *env) (*client.Response, error) {
			return send(ctx, e, verifyReq(e.header(), code, amt))
		}
	}
	add(proto.CodeOK, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)))
	})
	add(proto.CodeUpstreamTimeout, proto.CardVerify, "the fixture voucher whose issuer is offline", fixture(simulator.VoucherOffline, "100"))
	add(proto.CodeExpired, proto.CardVerify, "the fixture's expired voucher", fixture(simulator.VoucherExpired, "100"))
	add(proto.CodeAmountNeeded, proto.CardVerify, "", verify(func(e *env, q proto.Request) proto.Request {
		return q.Without("card_verify_request/tx_amt")
	}))
	add(proto.CodeBalanceShort, proto.CardVerify, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, verifyReq(e.header(), e.amountVoucher(1000), "1001"))
	})
	add(proto.CodeCancelled, proto.CardCancel, "", func(ctx context.Context, e *env) (*client.Response, error) {
		code := e.amountVoucher(1000)
		v := verifyReq(e.header(), code, "100")
		if _, err := e.do(ctx, v); err != nil {
			return nil, err
		}
		org, _ := v.Get("pos_seq")
		if _, err := e.do(ctx, undoReq(proto.CardCancel, e.header(), code, org)); err != nil {
			return nil, err
		}
		return send(ctx, e, undoReq(proto.CardCancel, e.header(), code, org))
	})
	add(proto.CodeAlreadyVerified, proto.CardVerify, "", func(ctx context.Context, e *env) (*client.Response, error) {
		code := e.timesVoucher(1)
		if _, err := e.do(ctx, verifyReq(e.header(), code, "")); err != nil {
			return nil, err
		}
		return send(ctx, e, verifyReq(e.header(), code, ""))
	})
	add(proto.CodeNoOriginal, proto.CardCancel, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, undoReq(proto.CardCancel, e.header(), e.amountVoucher(1000), e.seq()))
	})
	add(proto.CodeFailed, proto.CardVerify, "", fixture("9999999999999999", "100"))
	add(proto.CodeNoXML, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return sendBody(ctx, e, proto.CardQuery, []byte("mac=0123456789abcdef0123456789abcdef"))
	})
	add(proto.CodeBadXML, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		x := []byte(`<?xml version="1.0" encoding="GBK"?><business_trans><request_type>card_query_request</request_type><isspid>` + e.isspid + `</isspid>`)
		return e.client().PostXML(ctx, proto.CardQuery, x)
	})
	add(proto.CodeMethod, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, proto.Request{Interface: "card_refund", Values: queryReq(e, "1000000000000001").Values})
	})
	add(proto.CodeSystemIDFormat, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("system_id", "88a8"))
	})
	add(proto.CodeISSPIDFormat, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("isspid", "3949300"))
	})
	add(proto.CodeIPNotAllowed, proto.CardQuery, "a merchant restricted to 10.0.0.0/8", func(ctx context.Context, e *env) (*client.Response, error) {
		return sendKey(ctx, e, simulator.RemoteKey, queryReq(e, simulator.VoucherAmount).With("isspid", simulator.RemoteISSPID))
	})
	add(proto.CodeSystemIDWrong, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("system_id", "9999"))
	})
	add(proto.CodeBadMAC, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		x, _ := queryReq(e, e.amountVoucher(1000)).AppendXML(nil)
		return sendBody(ctx, e, proto.CardQuery, gbkxml.FormBody(nil, x, badMAC(x)))
	})
	add(proto.CodeNotAuthorised, proto.WecardGetCodeInfo, "a merchant without the gift-card interfaces", func(ctx context.Context, e *env) (*client.Response, error) {
		q := e.wecard(proto.WecardGetCodeInfo)
		q.ISSPID, q.Code = simulator.CardOnlyISSPID, simulator.GiftCash
		return sendKey(ctx, e, simulator.CardOnlyKey, q.Request())
	})
	add(proto.CodePosID, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("pos_id", ""))
	})
	add(proto.CodeSystemIDEmpty, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("system_id", ""))
	})
	add(proto.CodePosSeq, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("pos_seq", "123456789012"))
	})
	add(proto.CodeStoreID, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("store_id", strings.Repeat("1", 21)))
	})
	add(proto.CodeUserID, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("user_id", strings.Repeat("u", 25)))
	})
	add(proto.CodeValidInfo, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, "12345"))
	})
	add(proto.CodeEncodeType, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("card_query_request/encode_type", "097"))
	})
	add(proto.CodeTxAmt, proto.CardVerify, "", verify(func(e *env, q proto.Request) proto.Request {
		return q.With("card_verify_request/tx_amt", "-1")
	}))
	add(proto.CodeOrgPosSeq, proto.CardCancel, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, undoReq(proto.CardCancel, e.header(), e.amountVoucher(1000), "abc"))
	})
	add(proto.CodeDailyDay, proto.CardDaily, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, dailyReq(e.header(), "20261340"))
	})
	add(proto.CodeBindIPWrong, proto.CardQuery, "a terminal bound to another IP", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, simulator.VoucherAmount).With("pos_id", simulator.ElsewherePosID))
	})
	add(proto.CodeBindIPFailed, proto.BindPos, "a terminal bound to another IP", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, proto.BindPosRequest{Header: proto.Header{ISSPID: e.isspid, PosID: simulator.ElsewherePosID, PosSeq: e.seq(), SystemID: e.systemID},
			Store: proto.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request())
	})
	add(proto.CodeStoreName, proto.BindPos, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, proto.BindPosRequest{Header: proto.Header{ISSPID: e.isspid, PosID: e.posID, PosSeq: e.seq(), SystemID: e.systemID},
			Store: proto.StoreInfo{StoreID: e.storeID, StoreName: ""}}.Request())
	})
	add(proto.CodeNoTerminal, proto.CardQuery, "", func(ctx context.Context, e *env) (*client.Response, error) {
		return send(ctx, e, queryReq(e, e.amountVoucher(1000)).With("pos_id", "0000000000"))
	})
	add(proto.CodeSTime, proto.WecardGetTraceList, "", func(ctx context.Context, e *env) (*client.Response, error) {
		q := e.wecard(proto.WecardGetTraceList)
		q.PosID, q.StoreID, q.STime, q.ETime = "", "", "2019021", e.today()
		return send(ctx, e, q.Request())
	})
	add(proto.CodeETime, proto.WecardGetTraceList, "", func(ctx context.Context, e *env) (*client.Response, error) {
		q := e.wecard(proto.WecardGetTraceList)
		q.PosID, q.StoreID, q.STime, q.ETime = "", "", e.today(), "20191399"
		return send(ctx, e, q.Request())
	})
	return ps
}
