package scenario

import (
	"context"
	"fmt"
	"sync"
	"time"

	"paycert/codecs/gbkxml"
	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/load"
	"paycert/load/flow"
	"paycert/platforms/hzcard"
	"paycert/platforms/ipos"
)

// The signing scenarios are function-call attacks: each iteration builds a
// complete, signed request in memory and nothing goes on the network, so a
// latency is exactly the cost of building and signing (and verifying) one
// request. Successful steps record code 200 so that "vegeta report" counts
// them as successes; a failed signature records 0 and the error.

const funcNote = "function-call attack: latency = building and signing one complete request in memory (no network)"

// hzSigner holds the Huzhou test institution's keys.
type hzSigner struct {
	key *sm2.PrivateKey
	pub *sm2.PublicKey
}

func newHZSigner() (*hzSigner, error) {
	k, err := hzcard.TestKey(hzcard.TestInstKeyHex)
	if err != nil {
		return nil, fmt.Errorf("hzcard test key: %w", err)
	}
	p, err := hzcard.TestPub(hzcard.TestInstPubHex)
	if err != nil {
		return nil, fmt.Errorf("hzcard test public key: %w", err)
	}
	return &hzSigner{key: k, pub: p}, nil
}

// orderCreate builds the signed orderCreate request (seed 003 §4.2.1) for
// one unique id: a fresh joininstssn, the test institution's envelope.
func (h *hzSigner) orderCreate(stamp string, id uint64, now time.Time) ([]byte, error) {
	req := hzcard.Request{
		JoinInstID: hzcard.TestJoinInstID, JoinInstSSN: fmt.Sprintf("%s%011d", stamp[len(stamp)-8:], id), AreaFlag: hzcard.TestAreaFlag,
		ReqDate: now.Format("20060102"), ReqTime: now.Format("150405"), InstID: hzcard.TestInstID,
		MchntID: hzcard.TestMchntID, NetID: hzcard.TestNetID, TermID: hzcard.TestTermID, TermSeq: fmt.Sprintf("%06d", id%1_000_000),
		OprID: hzcard.TestOprID, BatchNo: "000001", ChnlID: hzcard.TestChnlID,
	}
	msg, err := hzcard.EncodeRequest(req, hzcard.OrderCreateReq{CardNo: "3100000000000001", ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay, TxnAmt: "100"})
	if err != nil {
		return nil, err
	}
	return hzcard.SignMessage(h.key, signdomain.SignEmpty, msg)
}

func ok200(err error) flow.Outcome {
	if err != nil {
		return flow.Outcome{Err: err}
	}
	return flow.Outcome{Code: 200}
}

// SM2Sign signs Huzhou orderCreate requests.
func SM2Sign() *load.Scenario {
	return &load.Scenario{
		Name:     "sm2-sign",
		Summary:  "SM3withSM2-sign complete Huzhou orderCreate requests (function call, no network)",
		Measures: funcNote,
		Steps:    []string{"sign"},
		Setup: func(ctx context.Context, env *load.Env) (*load.Workload, error) {
			h, err := newHZSigner()
			if err != nil {
				return nil, err
			}
			return &load.Workload{Note: funcNote, Flow: &load.FlowWork{Do: func(ctx context.Context, id uint64, it *flow.Iteration) {
				it.Step("sign", func(context.Context) flow.Outcome {
					msg, err := h.orderCreate(env.Stamp, id, time.Now())
					if err == nil && env.Checks.Sample() {
						env.Checks.Record(hzcard.VerifyMessage(h.pub, signdomain.SignEmpty, msg))
					}
					return ok200(err)
				})
			}}}, nil
		},
	}
}

// SM2SignVerify signs a request and verifies it as the receiver does, as
// two steps so each has its own figures.
func SM2SignVerify() *load.Scenario {
	return &load.Scenario{
		Name:     "sm2-sign-verify",
		Summary:  "SM2-sign a Huzhou request, then verify it as the receiver does (function call, two steps)",
		Measures: funcNote + "; the verify step checks the signature the sign step made",
		Steps:    []string{"sign", "verify"},
		Setup: func(ctx context.Context, env *load.Env) (*load.Workload, error) {
			h, err := newHZSigner()
			if err != nil {
				return nil, err
			}
			return &load.Workload{Note: funcNote, Flow: &load.FlowWork{Do: func(ctx context.Context, id uint64, it *flow.Iteration) {
				var msg []byte
				it.Step("sign", func(context.Context) flow.Outcome {
					var err error
					msg, err = h.orderCreate(env.Stamp, id, time.Now())
					return ok200(err)
				})
				it.Step("verify", func(context.Context) flow.Outcome {
					err := hzcard.VerifyMessage(h.pub, signdomain.SignEmpty, msg)
					if env.Checks.Sample() {
						env.Checks.Record(err) // the receiver's check of what the sign step made
					}
					return ok200(err)
				})
			}}}, nil
		},
	}
}

// IPosMAC builds GBK card_verify requests and their MAC'd form bodies.
func IPosMAC() *load.Scenario {
	return &load.Scenario{
		Name:     "ipos-mac",
		Summary:  "Build GBK card_verify XML and its md5(key+xml+key) form body (function call, no network)",
		Measures: funcNote,
		Steps:    []string{"mac"},
		Setup: func(ctx context.Context, env *load.Env) (*load.Workload, error) {
			key := []byte(iposFixtureKey)
			fixture := iposTargetOf(&load.Env{})
			pool := &sync.Pool{New: func() any { return gbkxml.NewWriter(nil, gbkxml.GBK) }}
			return &load.Workload{Note: funcNote, Flow: &load.FlowWork{Do: func(ctx context.Context, id uint64, it *flow.Iteration) {
				it.Step("mac", func(context.Context) flow.Outcome {
					w := pool.Get().(*gbkxml.Writer)
					defer pool.Put(w)
					q := iposVerifyRequest(fixture, env.Stamp, id, iposFixtureVoucher, 1)
					x, err := q.AppendXML(w, nil)
					if err != nil {
						return flow.Outcome{Err: err}
					}
					body := ipos.FormBody(nil, key, x)
					if env.Checks.Sample() {
						env.Checks.Record(checkFormMAC(key, body))
					}
					return flow.Outcome{Code: 200, BytesOut: uint64(len(body))}
				})
			}}}, nil
		},
	}
}
