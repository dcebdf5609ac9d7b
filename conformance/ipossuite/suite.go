// Package ipossuite is the iPos (seed 002) conformance suite: a happy path per
// interface with every reply field checked against the catalogue, one
// table entry per result code, the business flows (verify/cancel/daily,
// reversal after a lost reply, double submit, gift-card consume/refund),
// and a negative matrix for every interface.
//
// Against the embedded simulator (the default) the suite seeds fresh
// vouchers, gift cards and terminals in-process, so specs never share
// state and run in any order. Against a real endpoint it reads these
// Target.Params (values may be secrets and are never printed):
//
//	key          the merchant's MAC key                (default: the fixture's)
//	isspid       merchant id                            (default 39493002)
//	system_id    system id                              (default 8888)
//	store_id     a store bound to this machine's IP     (default 1511300001)
//	pos_id       a terminal of that store               (default 1511300001)
//	voucher_amount  an amount voucher code with >= 10000 fen left
//	voucher_times   a times voucher code with >= 2 uses left
//	voucher_used    a times voucher with no use left (3038)
//	gift_cash    a cash WeChat gift card code with >= 1000 fen left
//	gift_revoke  comma-separated cash gift cards the suite may revoke (two per run)
//
// Those vouchers and cards are shared by every spec and every run: a spec
// reads the state it depends on (card_query's remain_amt, getcodeinfo's
// overplus) and derives its amounts from it, and undoes what it changes
// (a cancel for each verification, a refund for each consume) when it
// ends. paycert sim ipos --write-config writes the simulator's
// certification fixture as these params.
//
// Specs that need state a real endpoint cannot be asked for (an expired
// voucher, a merchant restricted to another IP, fault injection) are
// labelled sim-only and skipped there with the reason.
//
// The suite is written on conformance.Framework: the environment starts on
// the first spec that needs it, the framework audits the simulator's
// ledger and looks for simulator panics after every spec, and every call a
// spec makes to the target gets the spec's context, so a spec timeout or
// Ctrl-C cancels it.
package ipossuite

// suite.go: registration and the helpers every spec file shares. The specs
// are one topic per file: specs_happy.go (one happy path per interface),
// specs_codes.go (one entry per result code), specs_flows.go (multi-step
// business flows), specs_negative.go (the negative matrix), generated.go
// (the negatives generated from the catalogue, every field and breach),
// specs_tolerance.go (what a reader of replies must tolerate) and
// specs_strict.go (the simulator's strict-mock mode).

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/wire"
)

// Suite is the iPos suite.
func Suite() conformance.Suite {
	return conformance.Suite{Platform: ipos.Platform, Register: register}
}

func register(t conformance.Target) func() {
	f := conformance.NewFramework(t, ipos.Catalogue(), newEnv)
	f.Describe("iPos voucher platform (seed 002)", func() {
		happyPaths(f)
		codeTable(f)
		flows(f)
		negativeMatrix(f)
		generated(f)
		tolerance(f)
		strictMock(f)
	})
	return f.Close
}

// codeOf returns the result/id behind err (a *wire.ResultError), "0000"
// for nil, and the error itself for a failure without a code (no reply, or
// not an iPos reply), so an assertion on the code shows it.
func codeOf(_ *ipos.Reply, err error) string {
	if err == nil {
		return ipos.CodeOK
	}
	if c := wire.Code(err); c != "" {
		return c
	}
	return "error: " + err.Error()
}

// ok asserts a call succeeded (result/id 0000) and returns its reply.
func ok(r *ipos.Reply, err error) *ipos.Reply {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred(), "the request must succeed (result/id 0000)")
	return r
}

func verifyReq(h ipos.Header, code, amt string) ipos.Request {
	return ipos.CardVerifyRequest{Header: h, ValidInfo: code, EncodeType: ipos.EncodeAux, TxAmt: amt}.Request()
}

func queryReq(e *env, code string) ipos.Request {
	return ipos.CardQueryRequest{Header: e.header(), ValidInfo: code, EncodeType: ipos.EncodeAux}.Request()
}

func undoReq(iface string, h ipos.Header, code, org string) ipos.Request {
	return ipos.CardUndoRequest{Interface: iface, Header: h, ValidInfo: code, EncodeType: ipos.EncodeAux, OrgPosSeq: org}.Request()
}

func dailyReq(h ipos.Header, day string) ipos.Request {
	return ipos.CardDailyRequest{Header: h, DailyDay: day}.Request()
}

func (e *env) wecard(iface string) ipos.WecardRequest {
	return ipos.WecardRequest{Interface: iface, ISSPID: e.isspid, SystemID: e.systemID, PosID: e.posID,
		StoreID: e.storeID, PosSeq: e.seq(), TransactionID: e.seq()}
}

// wecardAt is wecard from the terminal of h.
func (e *env) wecardAt(h ipos.Header, iface string) ipos.WecardRequest {
	q := e.wecard(iface)
	q.PosID, q.StoreID = h.PosID, h.StoreID
	return q
}

// seqOf is the pos_seq req carries.
func seqOf(req ipos.Request) string {
	s, _ := req.Get("pos_seq")
	return s
}

// checked asserts a successful reply to req field by field against the
// interface's reply table (ipos.CheckReply); a failure lists every finding.
func checked(cat *catalog.Catalogue, req ipos.Request, r *ipos.Reply) {
	GinkgoHelper()
	Expect(catalog.FindingsError(ipos.CheckReply(cat, req, r))).To(Succeed(), "every reply field must match the %s reply table", req.Interface)
}

// enveloped asserts what every reply carries whatever its code: GBK,
// result/id and result/comment (ipos.CheckResult).
func enveloped(r *ipos.Reply) {
	GinkgoHelper()
	Expect(catalog.FindingsError(ipos.CheckResult(r))).To(Succeed(), "every reply carries the GBK declaration, result/id and result/comment (002 §2, §4)")
}

func fen(s string) int64 {
	GinkgoHelper()
	n, err := strconv.ParseInt(s, 10, 64)
	Expect(err).NotTo(HaveOccurred(), "amount %q must be an integer in fen", s)
	return n
}

// send posts req under the merchant's key, for a spec that judges the raw
// answer (status, body) itself.
func send(ctx context.Context, e *env, req ipos.Request) (*iposclient.Response, error) {
	x, err := req.AppendXML(nil)
	if err != nil {
		return nil, err
	}
	return e.client().PostXML(ctx, req.Interface, x)
}

// sendKey is send under another merchant's key.
func sendKey(ctx context.Context, e *env, key string, req ipos.Request) (*iposclient.Response, error) {
	x, err := req.AppendXML(nil)
	if err != nil {
		return nil, err
	}
	return e.clientKey(key).PostXML(ctx, req.Interface, x)
}

// sendBody posts body exactly as given (no MAC added).
func sendBody(ctx context.Context, e *env, iface string, body []byte) (*iposclient.Response, error) {
	return e.client().PostBody(ctx, iface, body, iposclient.ContentType)
}

// badMAC is a well-formed MAC under the wrong key.
func badMAC(xmlBytes []byte) string {
	sum := md5.Sum(append([]byte("not-the-key"), xmlBytes...))
	return hex.EncodeToString(sum[:])
}

func xmlOf(r ipos.Request) []byte {
	GinkgoHelper()
	x, err := r.AppendXML(nil)
	Expect(err).NotTo(HaveOccurred())
	return x
}
