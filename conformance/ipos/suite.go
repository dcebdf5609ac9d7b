package ipos

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/catalog"
	proto "paycert/platforms/ipos"
	"paycert/platforms/ipos/client"
	"paycert/platforms/ipos/simulator"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

func register(t conformance.Target) func() {
	lazy := conformance.NewLazy(func() (*env, func() error, error) { return newEnv(t) })
	cat := proto.Catalogue()
	Describe("iPos voucher platform (seed 002)", conformance.Platform(proto.Platform), func() {
		var e *env
		BeforeEach(func() { e = lazy.Get() })
		AfterEach(func() {
			if e != nil && e.sim != nil {
				Expect(e.sim.Audit()).To(Succeed(), "the simulator's ledger must balance after every spec (money is never created or lost)")
			}
		})
		happyPaths(cat, &e)
		codeTable(cat, &e)
		flows(cat, &e)
		negatives(cat, &e)
		tolerance(cat, &e)
		strictMock(cat, &e)
	})
	return lazy.Close
}

// codeOf returns the result/id behind err (a *wire.ResultError), "0000"
// for nil, and the error itself for a failure without a code (no reply, or
// not an iPos reply), so an assertion on the code shows it.
func codeOf(_ *proto.Reply, err error) string {
	if err == nil {
		return proto.CodeOK
	}
	if c := wire.Code(err); c != "" {
		return c
	}
	return "error: " + err.Error()
}

func ok(r *proto.Reply, err error) *proto.Reply {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred(), "the request must succeed (result/id 0000)")
	return r
}

func verifyReq(h proto.Header, code, amt string) proto.Request {
	return proto.CardVerifyRequest{Header: h, ValidInfo: code, EncodeType: proto.EncodeAux, TxAmt: amt}.Request()
}

func queryReq(e *env, code string) proto.Request {
	return proto.CardQueryRequest{Header: e.header(), ValidInfo: code, EncodeType: proto.EncodeAux}.Request()
}

func undoReq(iface string, h proto.Header, code, org string) proto.Request {
	return proto.CardUndoRequest{Interface: iface, Header: h, ValidInfo: code, EncodeType: proto.EncodeAux, OrgPosSeq: org}.Request()
}

func dailyReq(h proto.Header, day string) proto.Request {
	return proto.CardDailyRequest{Header: h, DailyDay: day}.Request()
}

func (e *env) wecard(iface string) proto.WecardRequest {
	return proto.WecardRequest{Interface: iface, ISSPID: e.isspid, SystemID: e.systemID, PosID: e.posID,
		StoreID: e.storeID, PosSeq: e.seq(), TransactionID: e.seq()}
}

func checked(cat *catalog.Catalogue, req proto.Request, r *proto.Reply) {
	GinkgoHelper()
	Expect(catalog.FindingsError(proto.CheckReply(cat, req, r))).To(Succeed(), "every reply field must match the %s reply table", req.Interface)
}

func fen(s string) int64 {
	GinkgoHelper()
	n, err := strconv.ParseInt(s, 10, 64)
	Expect(err).NotTo(HaveOccurred(), "amount %q must be an integer in fen", s)
	return n
}

func happyPaths(cat *catalog.Catalogue, ep **env) {
	Describe("happy path", func() {
		It("bind_pos creates a store and terminal that can then trade", conformance.Interface(proto.BindPos), func() {
			e := *ep
			h := e.header()
			h.PosID = fmt.Sprintf("8%09d", e.n.Add(1))
			req := proto.BindPosRequest{Header: proto.Header{ISSPID: e.isspid, PosID: h.PosID, PosSeq: e.seq(), UserID: "user01", SystemID: e.systemID},
				Store: proto.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店（鼓楼）", StoreAddr: "福州市鼓楼区软件大道89号",
					Contact: "张三", ContactTel: "13900000000", Province: "福建", City: "福州", Town: "鼓楼"}}.Request()
			r := ok(e.do(req))
			checked(cat, req, r)
			By("the new terminal answers a card_query (not 7000)")
			q := proto.CardQueryRequest{Header: h, ValidInfo: e.amountVoucher(10000), EncodeType: proto.EncodeAux}.Request()
			ok(e.do(q))
		})

		It("card_query describes an unused amount voucher", conformance.Interface(proto.CardQuery), func() {
			e := *ep
			code := e.amountVoucher(10000)
			req := queryReq(e, code)
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Query).NotTo(BeNil(), "query_info is required on success (002 §4.2)")
			Expect(r.Query.UseType).To(Equal("0"), "use_type of an amount voucher is 0")
			Expect(r.Query.VaStatus).To(Equal(strconv.Itoa(proto.VaNormal)), "an unused voucher has va_status 0")
			if e.sim != nil {
				Expect(r.Query.RemainAmt).To(Equal("10000"), "remain_amt is the unused balance")
				Expect(r.Verify).To(BeNil(), "verify_info is only returned for vouchers in use or used")
			}
		})

		It("card_query accepts a QR code (098) and detects the kind without encode_type", conformance.Interface(proto.CardQuery), conformance.SimOnly, func() {
			e := *ep
			conformance.SkipUnlessEmbedded(e.target, "the fixture's QR content")
			for _, q := range []proto.CardQueryRequest{
				{Header: e.header(), ValidInfo: simulator.VoucherQR, EncodeType: proto.EncodeQR},
				{Header: e.header(), ValidInfo: simulator.VoucherQR},
				{Header: e.header(), ValidInfo: simulator.VoucherTimes},
			} {
				req := q.Request()
				r := ok(e.do(req))
				checked(cat, req, r)
				Expect(r.Query.UseType).To(Equal("1"))
				Expect(r.Query.Price).To(Equal("2000"))
			}
		})

		It("card_query lists the redeem rows of a voucher in use", conformance.Interface(proto.CardQuery), conformance.SimOnly, func() {
			e := *ep
			conformance.SkipUnlessEmbedded(e.target, "the fixture's voucher in use")
			req := queryReq(e, simulator.VoucherTimesInUse)
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Query.VaStatus).To(Equal(strconv.Itoa(proto.VaInUse)))
			Expect(r.Query.RemainTimes).To(Equal("1"))
			Expect(r.Verify).NotTo(BeNil(), "verify_info is returned when va_status is 2 or 3 (002 §4.2)")
			Expect(r.Verify.Redeems).To(HaveLen(2))
		})

		It("card_verify takes tx_amt from an amount voucher", conformance.Interface(proto.CardVerify), func() {
			e := *ep
			code := e.amountVoucher(10000)
			before := fen(ok(e.do(queryReq(e, code))).Query.RemainAmt)
			req := verifyReq(e.header(), code, "300")
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Query).NotTo(BeNil(), "query_info is returned after a successful verification (002 §4.3)")
			Expect(fen(r.Query.RemainAmt)).To(Equal(before-300), "remain_amt after = before - tx_amt")
			Expect(r.Query.VaStatus).To(Equal(strconv.Itoa(proto.VaInUse)), "a partly used voucher is in use (2)")
			if r.Addition != nil && r.Addition.TxAmt != "" {
				Expect(r.Addition.TxAmt).To(Equal("300"))
			}
			By("a card_query agrees with the reply")
			Expect(fen(ok(e.do(queryReq(e, code))).Query.RemainAmt)).To(Equal(before - 300))
		})

		It("card_verify takes one use from a times voucher", conformance.Interface(proto.CardVerify), func() {
			e := *ep
			code := e.timesVoucher(2)
			before := fen(ok(e.do(queryReq(e, code))).Query.RemainTimes)
			req := verifyReq(e.header(), code, "")
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Query.UseType).To(Equal("1"))
			Expect(fen(r.Query.RemainTimes)).To(Equal(before - 1))
			Expect(r.Query.Price).NotTo(BeEmpty(), "price is required for a times voucher")
		})

		for _, iface := range []string{proto.CardCancel, proto.CardReversal} {
			It(iface+" undoes a verification and restores the amount", conformance.Interface(iface), func() {
				e := *ep
				code := e.amountVoucher(10000)
				before := fen(ok(e.do(queryReq(e, code))).Query.RemainAmt)
				v := verifyReq(e.header(), code, "450")
				ok(e.do(v))
				org, _ := v.Get("pos_seq")
				req := undoReq(iface, e.header(), code, org)
				r := ok(e.do(req))
				checked(cat, req, r)
				Expect(fen(ok(e.do(queryReq(e, code))).Query.RemainAmt)).To(Equal(before), "the amount is restored")
			})
		}

		It("card_daily sums the terminal's verifications by goods", conformance.Interface(proto.CardDaily), func() {
			e := *ep
			h := e.freshTerminal()
			code := e.amountVoucher(10000)
			for _, amt := range []string{"100", "250"} {
				h.PosSeq = e.seq()
				ok(e.do(verifyReq(h, code, amt)))
			}
			h.PosSeq = e.seq()
			req := dailyReq(h, e.today())
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Daily).To(HaveLen(1), "one goods_list row for the one goods verified")
			Expect(r.Daily[0].ValidateNum).To(Equal("2"))
			Expect(r.Daily[0].ValidateAmt).To(Equal("350"))
		})

		It("wecard_getcodeinfo describes a gift card", conformance.Interface(proto.WecardGetCodeInfo), func() {
			e := *ep
			code := e.giftCash(1000)
			q := e.wecard(proto.WecardGetCodeInfo)
			q.Code = code
			req := q.Request()
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.TransactionID).To(Equal(q.TransactionID), "transaction_id is echoed")
			Expect(r.Trace).NotTo(BeNil())
			Expect(r.Trace.UserCardCode).To(Equal(code))
			if e.sim != nil {
				Expect(r.Base.CardType).To(Equal(strconv.Itoa(proto.GiftTypeCash)))
				Expect(r.Trace.Overplus).To(Equal("1000"))
			}
		})

		It("wecard_getcodeinfo finds a card by its encrypted code", conformance.Interface(proto.WecardGetCodeInfo), conformance.SimOnly, func() {
			e := *ep
			conformance.SkipUnlessEmbedded(e.target, "the fixture's encrypted code")
			q := e.wecard(proto.WecardGetCodeInfo)
			q.EncryptCode = simulator.GiftCashEncrypt
			r := ok(e.do(q.Request()))
			Expect(r.Trace.UserCardCode).To(Equal(simulator.GiftCash))
		})

		It("wecard_poscancelcard consumes from a cash card: balance - amount = overplus", conformance.Interface(proto.WecardPosCancelCard), func() {
			e := *ep
			code := e.giftCash(1000)
			q := e.wecard(proto.WecardPosCancelCard)
			q.Code, q.ConsumeSource, q.Amount = code, "核销渠道", "125"
			req := q.Request()
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Info).NotTo(BeNil(), "info is required after a successful consume (002 §4.9)")
			Expect(r.Info.Amount).To(Equal("125"))
			Expect(fen(r.Info.Balance) - 125).To(Equal(fen(r.Info.Overplus)))
			Expect(r.Info.Code).To(Equal(code))
		})

		It("wecard_gettracelist and wecard_getposseqinfo show the consume", conformance.Interface(proto.WecardGetTraceList), conformance.Interface(proto.WecardGetPosSeqInfo), func() {
			e := *ep
			code := e.giftCash(1000)
			c := e.wecard(proto.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "200"
			ok(e.do(c.Request()))

			l := e.wecard(proto.WecardGetTraceList)
			l.Code, l.STime, l.ETime = code, e.today(), e.today()
			l.PosID, l.StoreID = "", ""
			req := l.Request()
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Rows).To(HaveLen(1))
			Expect(r.Rows[0].ReqSeq).To(Equal(c.PosSeq))
			Expect(r.Rows[0].UseType).To(Equal("1"))
			Expect(r.Rows[0].Amount).To(Equal("200"))
			Expect(r.Page).NotTo(BeNil())
			Expect(r.Page.Total).To(Equal("1"))

			p := e.wecard(proto.WecardGetPosSeqInfo)
			p.PosSeq = c.PosSeq
			req = p.Request()
			r = ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Rows).To(HaveLen(1))
			Expect(r.Rows[0].Code).To(Equal(code))
		})

		It("wecard_posreturnd refunds a consume", conformance.Interface(proto.WecardPosReturnd), func() {
			e := *ep
			code := e.giftCash(1000)
			c := e.wecard(proto.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "300"
			ok(e.do(c.Request()))
			q := e.wecard(proto.WecardPosReturnd)
			q.Code, q.ConsumeSource, q.OrgPosSeq, q.Amount = code, "退款渠道", c.PosSeq, "300"
			req := q.Request()
			r := ok(e.do(req))
			checked(cat, req, r)
		})

		It("wecard_posrevoke revokes a card and reports what was left", conformance.Interface(proto.WecardPosRevoke), func() {
			e := *ep
			code := e.giftCash(600)
			q := e.wecard(proto.WecardPosRevoke)
			q.Code, q.ConsumeSource = code, "注销渠道"
			req := q.Request()
			r := ok(e.do(req))
			checked(cat, req, r)
			Expect(r.Info).NotTo(BeNil())
			Expect(r.Info.Overplus).To(Equal("0"), "nothing is left after a revoke")
		})
	})
}

// provoker sends a request that must be answered with one code.
type provoker struct {
	iface   string
	simOnly string // why it needs the embedded simulator ("" = any target)
	run     func(e *env) (*client.Response, error)
}

func send(e *env, req proto.Request) (*client.Response, error) {
	x, err := req.AppendXML(nil)
	if err != nil {
		return nil, err
	}
	return e.client().PostXML(context.Background(), req.Interface, x)
}

func sendKey(e *env, key string, req proto.Request) (*client.Response, error) {
	x, err := req.AppendXML(nil)
	if err != nil {
		return nil, err
	}
	return e.clientKey(key).PostXML(context.Background(), req.Interface, x)
}

func sendBody(e *env, iface string, body []byte) (*client.Response, error) {
	return e.client().PostBody(context.Background(), iface, body, client.ContentType)
}

func badMAC(xmlBytes []byte) string {
	sum := md5.Sum(append([]byte("not-the-key"), xmlBytes...))
	return hex.EncodeToString(sum[:])
}

func provokers() map[string]provoker {
	verify := func(f func(e *env, q proto.Request) proto.Request) func(e *env) (*client.Response, error) {
		return func(e *env) (*client.Response, error) {
			return send(e, f(e, verifyReq(e.header(), e.amountVoucher(1000), "100")))
		}
	}
	fixture := func(code, amt string) func(e *env) (*client.Response, error) {
		return func(e *env) (*client.Response, error) { return send(e, verifyReq(e.header(), code, amt)) }
	}
	return map[string]provoker{
		proto.CodeOK: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)))
		}},
		proto.CodeUpstreamTimeout: {proto.CardVerify, "the fixture voucher whose issuer is offline", fixture(simulator.VoucherOffline, "100")},
		proto.CodeExpired:         {proto.CardVerify, "the fixture's expired voucher", fixture(simulator.VoucherExpired, "100")},
		proto.CodeAmountNeeded: {proto.CardVerify, "", verify(func(e *env, q proto.Request) proto.Request {
			return q.Without("card_verify_request/tx_amt")
		})},
		proto.CodeBalanceShort: {proto.CardVerify, "", func(e *env) (*client.Response, error) {
			return send(e, verifyReq(e.header(), e.amountVoucher(1000), "1001"))
		}},
		proto.CodeCancelled: {proto.CardCancel, "", func(e *env) (*client.Response, error) {
			code := e.amountVoucher(1000)
			v := verifyReq(e.header(), code, "100")
			if _, err := e.do(v); err != nil {
				return nil, err
			}
			org, _ := v.Get("pos_seq")
			if _, err := e.do(undoReq(proto.CardCancel, e.header(), code, org)); err != nil {
				return nil, err
			}
			return send(e, undoReq(proto.CardCancel, e.header(), code, org))
		}},
		proto.CodeAlreadyVerified: {proto.CardVerify, "", func(e *env) (*client.Response, error) {
			code := e.timesVoucher(1)
			if _, err := e.do(verifyReq(e.header(), code, "")); err != nil {
				return nil, err
			}
			return send(e, verifyReq(e.header(), code, ""))
		}},
		proto.CodeNoOriginal: {proto.CardCancel, "", func(e *env) (*client.Response, error) {
			return send(e, undoReq(proto.CardCancel, e.header(), e.amountVoucher(1000), e.seq()))
		}},
		proto.CodeFailed: {proto.CardVerify, "", fixture("9999999999999999", "100")},
		proto.CodeNoXML: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return sendBody(e, proto.CardQuery, []byte("mac=0123456789abcdef0123456789abcdef"))
		}},
		proto.CodeBadXML: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			x := []byte(`<?xml version="1.0" encoding="GBK"?><business_trans><request_type>card_query_request</request_type><isspid>` + e.isspid + `</isspid>`)
			return e.client().PostXML(context.Background(), proto.CardQuery, x)
		}},
		proto.CodeMethod: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, proto.Request{Interface: "card_refund", Values: queryReq(e, "1000000000000001").Values})
		}},
		proto.CodeSystemIDFormat: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("system_id", "88a8"))
		}},
		proto.CodeISSPIDFormat: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("isspid", "3949300"))
		}},
		proto.CodeIPNotAllowed: {proto.CardQuery, "a merchant restricted to 10.0.0.0/8", func(e *env) (*client.Response, error) {
			return sendKey(e, simulator.RemoteKey, queryReq(e, simulator.VoucherAmount).With("isspid", simulator.RemoteISSPID))
		}},
		proto.CodeSystemIDWrong: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("system_id", "9999"))
		}},
		proto.CodeBadMAC: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			x, _ := queryReq(e, e.amountVoucher(1000)).AppendXML(nil)
			return sendBody(e, proto.CardQuery, gbkxml.FormBody(nil, x, badMAC(x)))
		}},
		proto.CodeNotAuthorised: {proto.WecardGetCodeInfo, "a merchant without the gift-card interfaces", func(e *env) (*client.Response, error) {
			q := e.wecard(proto.WecardGetCodeInfo)
			q.ISSPID, q.Code = simulator.CardOnlyISSPID, simulator.GiftCash
			return sendKey(e, simulator.CardOnlyKey, q.Request())
		}},
		proto.CodePosID: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("pos_id", ""))
		}},
		proto.CodeSystemIDEmpty: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("system_id", ""))
		}},
		proto.CodePosSeq: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("pos_seq", "123456789012"))
		}},
		proto.CodeStoreID: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("store_id", strings.Repeat("1", 21)))
		}},
		proto.CodeUserID: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("user_id", strings.Repeat("u", 25)))
		}},
		proto.CodeValidInfo: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, "12345"))
		}},
		proto.CodeEncodeType: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("card_query_request/encode_type", "097"))
		}},
		proto.CodeTxAmt: {proto.CardVerify, "", verify(func(e *env, q proto.Request) proto.Request {
			return q.With("card_verify_request/tx_amt", "-1")
		})},
		proto.CodeOrgPosSeq: {proto.CardCancel, "", func(e *env) (*client.Response, error) {
			return send(e, undoReq(proto.CardCancel, e.header(), e.amountVoucher(1000), "abc"))
		}},
		proto.CodeDailyDay: {proto.CardDaily, "", func(e *env) (*client.Response, error) {
			return send(e, dailyReq(e.header(), "20261340"))
		}},
		proto.CodeBindIPWrong: {proto.CardQuery, "a terminal bound to another IP", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, simulator.VoucherAmount).With("pos_id", simulator.ElsewherePosID))
		}},
		proto.CodeBindIPFailed: {proto.BindPos, "a terminal bound to another IP", func(e *env) (*client.Response, error) {
			return send(e, proto.BindPosRequest{Header: proto.Header{ISSPID: e.isspid, PosID: simulator.ElsewherePosID, PosSeq: e.seq(), SystemID: e.systemID},
				Store: proto.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request())
		}},
		proto.CodeStoreName: {proto.BindPos, "", func(e *env) (*client.Response, error) {
			return send(e, proto.BindPosRequest{Header: proto.Header{ISSPID: e.isspid, PosID: e.posID, PosSeq: e.seq(), SystemID: e.systemID},
				Store: proto.StoreInfo{StoreID: e.storeID, StoreName: ""}}.Request())
		}},
		proto.CodeNoTerminal: {proto.CardQuery, "", func(e *env) (*client.Response, error) {
			return send(e, queryReq(e, e.amountVoucher(1000)).With("pos_id", "0000000000"))
		}},
		proto.CodeSTime: {proto.WecardGetTraceList, "", func(e *env) (*client.Response, error) {
			q := e.wecard(proto.WecardGetTraceList)
			q.PosID, q.StoreID, q.STime, q.ETime = "", "", "2019021", e.today()
			return send(e, q.Request())
		}},
		proto.CodeETime: {proto.WecardGetTraceList, "", func(e *env) (*client.Response, error) {
			q := e.wecard(proto.WecardGetTraceList)
			q.PosID, q.StoreID, q.STime, q.ETime = "", "", e.today(), "20191399"
			return send(e, q.Request())
		}},
	}
}

func codeTable(cat *catalog.Catalogue, ep **env) {
	prov := provokers()
	var entries []TableEntry
	for _, k := range cat.Codes {
		p, have := prov[k.Code]
		labels := []any{conformance.Code(k.Code)}
		if have {
			labels = append(labels, conformance.Interface(p.iface))
			if p.simOnly != "" {
				labels = append(labels, conformance.SimOnly)
			}
		}
		entries = append(entries, Entry(fmt.Sprintf("%s %s (%s)", k.Code, k.Text, k.TextEN), append(labels, k.Code)...))
	}
	DescribeTable("result codes (002 §5): each is provoked from the client side", func(code string) {
		e := *ep
		k, _ := cat.Code(code)
		p, have := prov[code]
		switch {
		case !have && k.Unprovokable != "":
			Skip("unprovokable: " + k.Unprovokable)
		case !have:
			Fail("no provoker for documented code " + code + " and no reason it cannot be provoked")
		case p.simOnly != "":
			conformance.SkipUnlessEmbedded(e.target, p.simOnly)
		}
		resp, err := p.run(e)
		Expect(err).NotTo(HaveOccurred(), "the request must get a reply")
		Expect(resp.Status).To(Equal(http.StatusOK), "a coded answer travels with HTTP 200")
		Expect(resp.Reply).NotTo(BeNil(), "the reply must be an iPos reply: %q", resp.Body)
		Expect(catalog.FindingsError(proto.CheckResult(resp.Reply))).To(Succeed())
		Expect(resp.Reply.Result.ID).To(Equal(code), "result/id must be %s (%s, 002 §5); comment was %q", code, k.Text, resp.Reply.Result.Comment)
		if code != proto.CodeMethod && resp.Reply.ResponseType != "" {
			Expect(resp.Reply.ResponseType).To(Equal(proto.ResponseType(p.iface)))
		}
	}, entries)
}

func flows(cat *catalog.Catalogue, ep **env) {
	Describe("flows", conformance.Flow, func() {
		It("verify -> query shows the redeem -> cancel -> query shows it undone -> daily nets to zero",
			conformance.Interface(proto.CardVerify), conformance.Interface(proto.CardCancel), conformance.Interface(proto.CardDaily), func() {
				e := *ep
				h := e.freshTerminal()
				h.PosSeq = e.seq()
				ok(e.do(dailyReq(h, e.today()))) // close whatever the terminal had
				code := e.amountVoucher(5000)
				h.PosSeq = e.seq()
				v := verifyReq(h, code, "1200")
				ok(e.do(v))
				vseq := h.PosSeq

				q := ok(e.do(queryReq(e, code)))
				Expect(q.Query.VaStatus).To(Equal(strconv.Itoa(proto.VaInUse)))
				Expect(q.Verify).NotTo(BeNil(), "a voucher in use lists its verifications")
				Expect(q.Verify.Redeems).To(ContainElement(HaveField("PosSeq", vseq)))

				h.PosSeq = e.seq()
				ok(e.do(undoReq(proto.CardCancel, h, code, vseq)))
				q = ok(e.do(queryReq(e, code)))
				Expect(q.Query.RemainAmt).To(Equal("5000"), "the cancel restores the amount (erratum E-IPOS-CANCEL-RESTORES)")
				Expect(q.Query.VaStatus).To(Equal(strconv.Itoa(proto.VaNormal)), "nothing verified remains")
				if q.Verify != nil {
					Expect(q.Verify.Redeems).NotTo(ContainElement(HaveField("PosSeq", vseq)), "a cancelled verification is no longer a redeem")
				}
				h.PosSeq = e.seq()
				d := ok(e.do(dailyReq(h, e.today())))
				var num, amt int64
				for _, g := range d.Daily {
					num += fen(g.ValidateNum)
					amt += fen(g.ValidateAmt)
				}
				Expect(num).To(BeZero(), "act_validate_num = verifications - cancellations = 0")
				Expect(amt).To(BeZero(), "act_validate_amt = verified - cancelled = 0")
			})

		It("daily: two verifications and one cancel count 1; a second daily starts from zero", conformance.Interface(proto.CardDaily), func() {
			e := *ep
			h := e.freshTerminal()
			h.PosSeq = e.seq()
			ok(e.do(dailyReq(h, e.today())))
			code := e.amountVoucher(5000)
			var first string
			for i, amt := range []string{"700", "800"} {
				h.PosSeq = e.seq()
				if i == 0 {
					first = h.PosSeq
				}
				ok(e.do(verifyReq(h, code, amt)))
			}
			h.PosSeq = e.seq()
			ok(e.do(undoReq(proto.CardCancel, h, code, first)))
			h.PosSeq = e.seq()
			d := ok(e.do(dailyReq(h, e.today())))
			Expect(d.Daily).To(HaveLen(1))
			Expect(d.Daily[0].ValidateNum).To(Equal("1"), "2 verifications - 1 cancellation")
			Expect(d.Daily[0].ValidateAmt).To(Equal("800"))
			h.PosSeq = e.seq()
			d = ok(e.do(dailyReq(h, e.today())))
			Expect(d.Daily).To(BeEmpty(), "the previous daily closed the window (上次日结到本次日结)")
		})

		It("card_daily refuses a day after today", conformance.Interface(proto.CardDaily), conformance.Errata, func() {
			e := *ep
			h := e.header()
			today, err := time.Parse(proto.DayLayout, e.today())
			Expect(err).NotTo(HaveOccurred())
			tomorrow := today.AddDate(0, 0, 1).Format(proto.DayLayout)
			Expect(codeOf(e.do(dailyReq(h, tomorrow)))).To(Equal(proto.CodeDailyDay), "daily_day 必须小于等于当前日期 (erratum E-IPOS-DAILY-FUTURE)")
		})

		It("reversal after a lost reply restores the voucher; a resent reversal does not restore twice",
			conformance.Interface(proto.CardReversal), func() {
				e := *ep
				code := e.amountVoucher(3000)
				v := verifyReq(e.header(), code, "1000")
				x, err := v.AppendXML(nil)
				Expect(err).NotTo(HaveOccurred())
				_, _ = e.client().PostXML(context.Background(), proto.CardVerify, x) // the reply is "lost"
				org, _ := v.Get("pos_seq")
				rev := undoReq(proto.CardReversal, e.header(), code, org)
				ok(e.do(rev))
				Expect(ok(e.do(queryReq(e, code))).Query.RemainAmt).To(Equal("3000"), "the reversal restores the amount")
				By("the same reversal again (the POS did not see the first reply)")
				ok(e.do(rev))
				Expect(ok(e.do(queryReq(e, code))).Query.RemainAmt).To(Equal("3000"), "a resent reversal never restores twice")
				By("a cancel of the reversed verification")
				Expect(codeOf(e.do(undoReq(proto.CardCancel, e.header(), code, org)))).To(Equal(proto.CodeCancelled),
					"an undone verification cannot be undone again (erratum E-IPOS-REVERSAL-AFTER-CANCEL)")
				Expect(ok(e.do(queryReq(e, code))).Query.RemainAmt).To(Equal("3000"))
			})

		It("reversal of a verification that never arrived answers 0809", conformance.Interface(proto.CardReversal), func() {
			e := *ep
			Expect(codeOf(e.do(undoReq(proto.CardReversal, e.header(), e.amountVoucher(1000), e.seq())))).To(Equal(proto.CodeNoOriginal))
		})

		It("a double submit of one pos_seq moves money once", conformance.Interface(proto.CardVerify), func() {
			e := *ep
			code := e.amountVoucher(2000)
			v := verifyReq(e.header(), code, "500")
			var wg sync.WaitGroup
			replies := make([]string, 2)
			for i := range replies {
				wg.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					r, err := e.do(v)
					replies[i] = codeOf(r, err)
				}()
			}
			wg.Wait()
			ok(e.do(v))
			Expect(ok(e.do(queryReq(e, code))).Query.RemainAmt).To(Equal("1500"), "three submits of one pos_seq take 500 once")
			By("another request reusing the pos_seq")
			seq, _ := v.Get("pos_seq")
			other := verifyReq(e.header(), code, "700").With("pos_seq", seq)
			Expect(codeOf(e.do(other))).NotTo(Equal(proto.CodeOK), "pos_seq must be unique per merchant (002 §4.3)")
			Expect(ok(e.do(queryReq(e, code))).Query.RemainAmt).To(Equal("1500"))
		})

		It("gift card consume -> refund -> the trace list shows the consume refunded (status 2)",
			conformance.Interface(proto.WecardPosCancelCard), conformance.Interface(proto.WecardPosReturnd), conformance.Interface(proto.WecardGetTraceList), func() {
				e := *ep
				code := e.giftCash(1000)
				c := e.wecard(proto.WecardPosCancelCard)
				c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "400"
				r := ok(e.do(c.Request()))
				Expect(r.Info.Overplus).To(Equal("600"))
				rf := e.wecard(proto.WecardPosReturnd)
				rf.Code, rf.ConsumeSource, rf.OrgPosSeq = code, "退款渠道", c.PosSeq
				ok(e.do(rf.Request()))
				By("the card's balance is restored")
				g := e.wecard(proto.WecardGetCodeInfo)
				g.Code = code
				Expect(ok(e.do(g.Request())).Trace.Overplus).To(Equal("1000"))
				By("the trace list")
				l := e.wecard(proto.WecardGetTraceList)
				l.Code, l.PosID, l.StoreID = code, "", ""
				rows := ok(e.do(l.Request())).Rows
				Expect(rows).To(HaveLen(2))
				Expect(rows).To(ContainElement(SatisfyAll(HaveField("ReqSeq", c.PosSeq), HaveField("UseType", proto.UseConsume), HaveField("Status", proto.RowRefunded))),
					"the consume row is marked refunded (status 2)")
				Expect(rows).To(ContainElement(SatisfyAll(HaveField("UseType", proto.UseRefund), HaveField("OrgPosSeq", c.PosSeq), HaveField("Amount", "400"))),
					"a refund row points at its consume")
				By("a second refund of the same consume")
				rf2 := e.wecard(proto.WecardPosReturnd)
				rf2.Code, rf2.ConsumeSource, rf2.OrgPosSeq = code, "退款渠道", c.PosSeq
				Expect(codeOf(e.do(rf2.Request()))).NotTo(Equal(proto.CodeOK), "a consume is refunded once")
				Expect(ok(e.do(g.Request())).Trace.Overplus).To(Equal("1000"))
			})

		It("gift card: short balance 0325, cash card without amount 0305, revoked card 3037", conformance.Interface(proto.WecardPosCancelCard), func() {
			e := *ep
			code := e.giftCash(100)
			c := e.wecard(proto.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "101"
			Expect(codeOf(e.do(c.Request()))).To(Equal(proto.CodeBalanceShort))
			c = e.wecard(proto.WecardPosCancelCard)
			c.Code, c.ConsumeSource = code, "核销渠道"
			Expect(codeOf(e.do(c.Request()))).To(Equal(proto.CodeAmountNeeded))
			rv := e.wecard(proto.WecardPosRevoke)
			rv.Code, rv.ConsumeSource = code, "注销渠道"
			ok(e.do(rv.Request()))
			c = e.wecard(proto.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "1"
			Expect(codeOf(e.do(c.Request()))).To(Equal(proto.CodeCancelled))
		})
	})
}

// negative is one bad variant of an interface's request.
type negative struct {
	name string
	want string // result/id, or "4xx"
	make func(e *env, base proto.Request) []byte
}

func baseRequest(e *env, iface string) proto.Request {
	switch iface {
	case proto.BindPos:
		return proto.BindPosRequest{Header: proto.Header{ISSPID: e.isspid, PosID: e.posID, PosSeq: e.seq(), UserID: "user01", SystemID: e.systemID},
			Store: proto.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request()
	case proto.CardQuery:
		return queryReq(e, simulator.VoucherAmount)
	case proto.CardVerify:
		return verifyReq(e.header(), simulator.VoucherAmount, "1")
	case proto.CardCancel, proto.CardReversal:
		return undoReq(iface, e.header(), simulator.VoucherAmount, e.seq())
	case proto.CardDaily:
		return dailyReq(e.header(), e.today())
	}
	q := e.wecard(iface)
	q.Code, q.ConsumeSource, q.Amount = simulator.GiftCash, "渠道", "1"
	switch iface {
	case proto.WecardGetTraceList:
		q.PosID, q.StoreID, q.Amount, q.ConsumeSource = "", "", "", ""
	case proto.WecardGetCodeInfo:
		q.Amount, q.ConsumeSource = "", ""
	case proto.WecardGetPosSeqInfo:
		q.Code, q.Amount, q.ConsumeSource = "", "", ""
	case proto.WecardPosReturnd:
		q.OrgPosSeq = e.seq()
	case proto.WecardPosRevoke:
		q.Amount = ""
	}
	return q.Request()
}

// primary is a required element of each interface's own, and the code its
// absence gets.
func primaryField() map[string][2]string {
	return map[string][2]string{
		proto.BindPos:             {"store_info/store_name", proto.CodeStoreName},
		proto.CardQuery:           {"card_query_request/valid_info", proto.CodeValidInfo},
		proto.CardVerify:          {"card_verify_request/valid_info", proto.CodeValidInfo},
		proto.CardCancel:          {"card_cancel_request/org_pos_seq", proto.CodeOrgPosSeq},
		proto.CardReversal:        {"card_reversal_request/org_pos_seq", proto.CodeOrgPosSeq},
		proto.CardDaily:           {"card_daily_request/daily_day", proto.CodeDailyDay},
		proto.WecardGetCodeInfo:   {"code", proto.CodeFailed},
		proto.WecardGetTraceList:  {"s_time", proto.CodeSTime}, // e_time alone: s_time is missing
		proto.WecardPosCancelCard: {"code", proto.CodeFailed},
		proto.WecardGetPosSeqInfo: {"pos_seq", proto.CodeFailed},
		proto.WecardPosReturnd:    {"org_pos_seq", proto.CodeOrgPosSeq},
		proto.WecardPosRevoke:     {"consume_source", proto.CodeFailed},
	}
}

// overLong is a field of each interface sent one character past its table
// length (past the code's limit too, erratum E-IPOS-LEN-LIMITS).
func overLong() map[string][3]string {
	return map[string][3]string{
		proto.BindPos:             {"store_info/store_id", strings.Repeat("1", 21), proto.CodeStoreID},
		proto.CardQuery:           {"pos_id", strings.Repeat("1", 21), proto.CodePosID},
		proto.CardVerify:          {"card_verify_request/valid_info", strings.Repeat("1", 257), proto.CodeValidInfo},
		proto.CardCancel:          {"card_cancel_request/org_pos_seq", strings.Repeat("1", 33), proto.CodeOrgPosSeq},
		proto.CardReversal:        {"pos_seq", strings.Repeat("1", 33), proto.CodePosSeq},
		proto.CardDaily:           {"card_daily_request/daily_day", "202603011", proto.CodeDailyDay},
		proto.WecardGetCodeInfo:   {"system_id", "88888", proto.CodeSystemIDFormat},
		proto.WecardGetTraceList:  {"s_time", "201902140", proto.CodeSTime},
		proto.WecardPosCancelCard: {"pos_id", strings.Repeat("1", 21), proto.CodePosID},
		proto.WecardGetPosSeqInfo: {"pos_seq", strings.Repeat("1", 33), proto.CodePosSeq},
		proto.WecardPosReturnd:    {"store_id", strings.Repeat("1", 21), proto.CodeStoreID},
		proto.WecardPosRevoke:     {"isspid", "394930021", proto.CodeISSPIDFormat},
	}
}

// utf8Field is a text field of each interface: a single CJK character in
// UTF-8 (3 bytes) before '<' can never be valid GBK.
func utf8Field() map[string]string {
	return map[string]string{
		proto.BindPos: "store_info/store_name", proto.CardQuery: "user_id", proto.CardVerify: "user_id",
		proto.CardCancel: "user_id", proto.CardReversal: "user_id", proto.CardDaily: "user_id",
		proto.WecardGetCodeInfo: "transaction_id", proto.WecardGetTraceList: "transaction_id",
		proto.WecardPosCancelCard: "consume_source", proto.WecardGetPosSeqInfo: "transaction_id",
		proto.WecardPosReturnd: "consume_source", proto.WecardPosRevoke: "consume_source",
	}
}

func xmlOf(r proto.Request) []byte {
	GinkgoHelper()
	x, err := r.AppendXML(nil)
	Expect(err).NotTo(HaveOccurred())
	return x
}

func negativesFor(iface string) []negative {
	form := func(e *env, x []byte) []byte { return proto.FormBody(nil, []byte(e.key), x) }
	return []negative{
		{"malformed XML", proto.CodeBadXML, func(e *env, b proto.Request) []byte {
			x := xmlOf(b)
			return form(e, x[:len(x)-len("</business_trans>")+3])
		}},
		{"UTF-8 bytes declared GBK", proto.CodeBadXML, func(e *env, b proto.Request) []byte {
			x := xmlOf(b.With(utf8Field()[iface], "X"))
			x = bytes.Replace(x, []byte(">X<"), []byte(">店<"), 1)
			return form(e, x)
		}},
		{"missing system_id", proto.CodeSystemIDEmpty, func(e *env, b proto.Request) []byte {
			return form(e, xmlOf(b.Without("system_id")))
		}},
		{"missing " + primaryField()[iface][0], primaryField()[iface][1], func(e *env, b proto.Request) []byte {
			if iface == proto.WecardGetTraceList {
				return form(e, xmlOf(b.With("e_time", e.today())))
			}
			return form(e, xmlOf(b.Without(primaryField()[iface][0])))
		}},
		{"over-long " + overLong()[iface][0], overLong()[iface][2], func(e *env, b proto.Request) []byte {
			r := b.With(overLong()[iface][0], overLong()[iface][1])
			if iface == proto.WecardGetTraceList {
				r = r.With("e_time", e.today())
			}
			return form(e, xmlOf(r))
		}},
		{"bad MAC", proto.CodeBadMAC, func(e *env, b proto.Request) []byte {
			x := xmlOf(b)
			return gbkxml.FormBody(nil, x, badMAC(x))
		}},
		{"no mac parameter", proto.CodeBadMAC, func(e *env, b proto.Request) []byte {
			return bytes.SplitN(form(e, xmlOf(b)), []byte("&mac="), 2)[0]
		}},
		{"unknown isspid", proto.CodeNotAuthorised, func(e *env, b proto.Request) []byte {
			return form(e, xmlOf(b.With("isspid", "39490000")))
		}},
		{"body over 1 MiB", "4xx", func(e *env, b proto.Request) []byte {
			x := xmlOf(b.With("padding", strings.Repeat("x", sim.MaxBody)))
			return form(e, x)
		}},
	}
}

func negatives(cat *catalog.Catalogue, ep **env) {
	Describe("negative matrix", conformance.Negative, func() {
		for _, iface := range proto.Interfaces() {
			for _, n := range negativesFor(iface) {
				labels := []any{conformance.Interface(iface)}
				if n.want != "4xx" {
					labels = append(labels, conformance.Code(n.want))
				}
				if n.name == "unknown isspid" {
					labels = append(labels, conformance.Errata)
				}
				It(fmt.Sprintf("%s: %s answers %s, state unchanged", iface, n.name, n.want), append(labels, func() {
					e := *ep
					var before simulator.Totals
					if e.sim != nil {
						before = e.sim.Totals()
					}
					body := n.make(e, baseRequest(e, iface))
					resp, err := sendBody(e, iface, body)
					Expect(err).NotTo(HaveOccurred(), "bad input must get an answer, not a dropped connection")
					Expect(resp.Status).To(BeNumerically("<", 500), "bad input never gets a 5xx")
					if n.want == "4xx" {
						Expect(resp.Status).To(BeNumerically(">=", 400), "a body over 1 MiB is refused (no iPos code fits: a clean 4xx)")
					} else {
						Expect(resp.Reply).NotTo(BeNil(), "the answer must be an iPos reply: %q", resp.Body)
						Expect(catalog.FindingsError(proto.CheckResult(resp.Reply))).To(Succeed())
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

func tolerance(cat *catalog.Catalogue, ep **env) {
	Describe("tolerance", func() {
		It("a request with an element the table does not have is still served", conformance.Interface(proto.CardQuery), func() {
			e := *ep
			req := queryReq(e, e.amountVoucher(1000)).With("terminal_model", "PAX-A920")
			r := ok(e.do(req))
			checked(cat, req.Without("terminal_model"), r)
		})
		It("replies are GBK and parse by element name", conformance.Interface(proto.BindPos), func() {
			e := *ep
			req := baseRequest(e, proto.BindPos)
			r := ok(e.do(req))
			Expect(r.Doc.Encoding()).To(Equal(gbkxml.GBK), "002 §2: charset GBK")
		})
	})
}

func strictMock(cat *catalog.Catalogue, ep **env) {
	Describe("strict-mock mode", conformance.SimOnly, func() {
		It("records the violations of a client under test, and none for a conforming one", func() {
			e := *ep
			conformance.SkipUnlessEmbedded(e.target, "strict mode is a simulator feature")
			s, err := simulator.New(sim.Options{Clock: sim.NewManualClock(simStart()), Strict: true})
			Expect(err).NotTo(HaveOccurred())
			srv, err := sim.Start(s, sim.ListenOptions{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			c, err := client.New(client.Config{URL: srv.URL, Key: simulator.FixtureKey, Observe: conformance.Transcript()})
			Expect(err).NotTo(HaveOccurred())
			ok(c.Do(context.Background(), queryReq(e, simulator.VoucherAmount)))
			Expect(s.Violations()).To(BeEmpty(), "a conforming request records nothing")
			x := xmlOf(queryReq(e, simulator.VoucherAmount).With("user_id", strings.Repeat("u", 13)))
			_, err = c.PostBody(context.Background(), proto.CardQuery, gbkxml.FormBody(nil, x, badMAC(x)), "application/x-www-form-urlencoded")
			Expect(err).NotTo(HaveOccurred())
			rules := []string{}
			for _, v := range s.Violations() {
				rules = append(rules, v.Rule)
			}
			Expect(rules).To(ContainElements("charset", "access-6100"))
		})
	})
}
