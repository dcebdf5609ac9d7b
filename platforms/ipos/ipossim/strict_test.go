package ipossim_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// strictCase is one request to a strict simulator: the code (or HTTP
// status) it must get and the one violation it must record, none when
// rule is "".
type strictCase struct {
	name  string
	body  func(t *testing.T) []byte
	code  string // result/id, or "413"
	iface string // the violation's interface
	path  string
	rule  string
	sec   string
	value string // part of the detail (the value, shortened)
}

func xmlBytes(t *testing.T, r ipos.Request) []byte {
	t.Helper()
	x, err := r.AppendXML(nil)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func signed(x []byte) []byte { return ipos.FormBody(nil, []byte(ipossim.FixtureKey), x) }

// utf8In puts s, in UTF-8, where r carries the marker value X: the body a
// client that forgot to transcode sends under its GBK declaration.
func utf8In(t *testing.T, r ipos.Request, path, s string) []byte {
	t.Helper()
	x := xmlBytes(t, r.With(path, "XMARKX"))
	return signed(bytes.Replace(x, []byte(">XMARKX<"), []byte(">"+s+"<"), 1))
}

func TestStrictRecordsEveryRefusal(t *testing.T) {
	const sec5, sec2 = "002 §5", "002 §2"
	query := func(seq string) ipos.Request {
		return ipos.CardQueryRequest{Header: header(seq), ValidInfo: ipossim.VoucherAmount}.Request()
	}
	bind := func(seq, posID, storeID, name string) ipos.Request {
		h := header(seq)
		h.PosID = posID
		return ipos.BindPosRequest{Header: h, Store: ipos.StoreInfo{StoreID: storeID, StoreName: name}}.Request()
	}
	cases := []strictCase{
		// (a) lengths in GBK bytes: a Chinese character is 2.
		{name: "user_id of 5 Chinese characters (10 GBK bytes, 15 UTF-8) is accepted",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, query("2026030100101").With("user_id", "收银员一号")))
			},
			code: ipos.CodeOK},
		{name: "user_id of 6 Chinese characters (12 GBK bytes) is accepted",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, query("2026030100102").With("user_id", "收银员一号甲")))
			},
			code: ipos.CodeOK},
		{name: "user_id of 7 Chinese characters (14 GBK bytes) is 5209",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, query("2026030100103").With("user_id", "收银员一号甲乙")))
			},
			code: ipos.CodeUserID, iface: ipos.CardQuery, path: "business_trans/user_id", rule: "too-long", sec: sec5, value: `"收银员一号甲乙"`},
		{name: "user_id of 13 ASCII bytes is 5209",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, query("2026030100104").With("user_id", strings.Repeat("u", 13))))
			},
			code: ipos.CodeUserID, iface: ipos.CardQuery, path: "business_trans/user_id", rule: "too-long", sec: sec5, value: `"uuuuuuuuuuuuu"`},
		{name: "bind_pos of a pos_id and store_id of 5 Chinese characters (10 GBK bytes) is accepted",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, bind("2026030100105", "终端一二三", "门店一二三", "翼码门店")))
			},
			code: ipos.CodeOK},
		{name: "pos_id of 6 Chinese characters (12 GBK bytes) is 5211",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, bind("2026030100106", "终端一二三四", "1511300001", "翼码门店")))
			},
			code: ipos.CodePosID, iface: ipos.BindPos, path: "business_trans/pos_id", rule: "too-long", sec: sec5, value: "终端一二三四"},
		{name: "store_info/store_id of 6 Chinese characters is 5210",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, bind("2026030100107", "1511300077", "门店一二三四", "翼码门店")))
			},
			code: ipos.CodeStoreID, iface: ipos.BindPos, path: "business_trans/store_info/store_id", rule: "too-long", sec: sec5, value: "门店一二三四"},

		// (b) a charset mismatch before any length or content rule.
		{name: "UTF-8 bind_pos declared GBK, valid GBK by chance (mojibake), is 6106 charset",
			body: func(t *testing.T) []byte {
				return utf8In(t, bind("2026030100108", "1511300078", "1511300078", "X"), "store_info/store_name", "门店名称")
			},
			code: ipos.CodeBadXML, iface: ipos.BindPos, path: "business_trans/store_info/store_name", rule: "charset", sec: sec2, value: "is UTF-8"},
		{name: "UTF-8 user_id of 6 characters declared GBK (18 bytes: was 5209) is 6106 charset",
			body: func(t *testing.T) []byte { return utf8In(t, query("2026030100109"), "user_id", "收银员一号甲") },
			code: ipos.CodeBadXML, iface: ipos.CardQuery, path: "business_trans/user_id", rule: "charset", sec: sec2, value: "is UTF-8"},
		{name: "invalid GBK before request_type: the interface is said unreadable",
			body: func(t *testing.T) []byte {
				return signed([]byte(`<?xml version="1.0" encoding="GBK"?><business_trans><a>店</a></business_trans>`))
			},
			code: ipos.CodeBadXML, iface: "(request_type not readable)", path: "business_trans/a", rule: "charset", sec: sec2, value: "not"},

		// (c) every refusal recorded, with its element.
		{name: "amount voucher verified without tx_amt is 0305",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, ipos.CardVerifyRequest{Header: header("2026030100110"), ValidInfo: ipossim.VoucherAmount}.Request()))
			},
			code: ipos.CodeAmountNeeded, iface: ipos.CardVerify, path: "business_trans/card_verify_request/tx_amt", rule: "missing",
			sec: "002 §3.3, §4.3", value: ipossim.VoucherAmount},
		{name: "cash gift card consumed without amount is 0305",
			body: func(t *testing.T) []byte {
				q := ipos.WecardRequest{Interface: ipos.WecardPosCancelCard, ISSPID: ipossim.FixtureISSPID, SystemID: ipossim.FixtureSystemID,
					PosID: ipossim.FixturePosID, StoreID: ipossim.FixtureStoreID, PosSeq: "2026030100111", Code: ipossim.GiftCash, ConsumeSource: "收银台"}
				return signed(xmlBytes(t, q.Request()))
			},
			code: ipos.CodeAmountNeeded, iface: ipos.WecardPosCancelCard, path: "business_trans/amount", rule: "missing",
			sec: "002 §3.9, §4.9", value: ipossim.GiftCash},
		{name: "a bad MAC names the mac parameter",
			body: func(t *testing.T) []byte {
				x := xmlBytes(t, query("2026030100112"))
				return ipos.FormBody(nil, []byte("wrong"), x)
			},
			code: ipos.CodeBadMAC, iface: ipos.CardQuery, path: "mac", rule: "mac", sec: sec2},
		{name: "a missing pos_id names pos_id, not 终端号",
			body: func(t *testing.T) []byte { return signed(xmlBytes(t, query("2026030100113").Without("pos_id"))) },
			code: ipos.CodePosID, iface: ipos.CardQuery, path: "business_trans/pos_id", rule: "missing", sec: sec5},
		{name: "malformed XML names its interface when request_type reads",
			body: func(t *testing.T) []byte {
				x := xmlBytes(t, query("2026030100114"))
				return signed(x[:len(x)-3])
			},
			code: ipos.CodeBadXML, iface: ipos.CardQuery, path: "", rule: "xml", sec: "002 §4"},
		{name: "a body over 1 MiB with Content-Length is 413",
			body: func(t *testing.T) []byte {
				return signed(xmlBytes(t, query("2026030100115").With("padding", strings.Repeat("x", sim.MaxBody))))
			},
			code: "413", iface: "(body over 1 MiB, not read)", rule: "too-large", sec: sec2, value: "Content-Length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, cl := start(t, sim.Options{Strict: true})
			resp, err := cl.PostBody(context.Background(), "", c.body(t), iposclient.ContentType)
			if err != nil {
				t.Fatal(err)
			}
			checkAnswer(t, resp.Status, resp.Reply, c.code)
			checkViolations(t, s.Violations(), c)
		})
	}
}

// A body over the cap sent chunked (no Content-Length) is refused by the
// handler's read, and recorded the same way.
func TestStrictRecordsChunkedTooLarge(t *testing.T) {
	s, err := ipossim.New(sim.Options{Strict: true, Clock: sim.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	body := io.MultiReader(strings.NewReader("xml="), strings.NewReader(strings.Repeat("x", sim.MaxBody+1)))
	resp, err := http.Post(srv.URL, iposclient.ContentType, body) // an io.Reader of unknown length: chunked
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
	checkViolations(t, s.Violations(), strictCase{iface: "(body over 1 MiB, not read)", rule: "too-large", sec: "002 §2", value: "chunked"})
}

func checkAnswer(t *testing.T, status int, r *ipos.Reply, code string) {
	t.Helper()
	if code == "413" {
		if status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", status)
		}
		return
	}
	if r == nil {
		t.Fatalf("status %d, no iPos reply", status)
	}
	if r.Result.ID != code {
		t.Fatalf("answered %s (%s), want %s", r.Result.ID, r.Result.Comment, code)
	}
}

func checkViolations(t *testing.T, vs []sim.Violation, c strictCase) {
	t.Helper()
	if c.rule == "" {
		if len(vs) != 0 {
			t.Fatalf("a conforming request recorded %+v", vs)
		}
		return
	}
	if len(vs) != 1 {
		t.Fatalf("recorded %d violations, want 1: %+v", len(vs), vs)
	}
	v := vs[0]
	wantCode := c.code
	if wantCode == "413" {
		wantCode = ""
	}
	if v.Interface != c.iface || v.Path != c.path || v.Rule != c.rule || v.Section != c.sec || v.Code != wantCode ||
		!strings.Contains(v.Detail, c.value) {
		t.Errorf("recorded %+v,\nwant interface %q path %q rule %q section %q code %q, detail with %q",
			v, c.iface, c.path, c.rule, c.sec, wantCode, c.value)
	}
	// A violation of an element that was sent quotes what was sent.
	if strings.HasPrefix(c.path, "business_trans/") && c.rule != "missing" && v.Value == "" {
		t.Errorf("recorded %+v: no value quoted for %s", v, c.path)
	}
}
