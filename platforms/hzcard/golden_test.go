package hzcard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"paycert/codecs/signdomain"
	"paycert/platforms/catalog"
)

// Golden tests over seed 003 (issue 2, "Proof"). Seed 003 has no sample
// messages, only field tables with enumerated values; testdata/seed holds
// one request and one reply per interface built from those tables (the
// README says which values are the seed's and which were filled in). Each
// fixture is signed SM3withSM2 under the package's test keys, so the
// envelope is complete: requests by the joining institution, replies by the
// centre. HZCARD_RESIGN=1 re-signs the fixtures after an edit.

// goldenCase is one interface: the typed data of its request and reply (nil
// when the interface has none).
type goldenCase struct {
	name     string
	req, rep any
	// check asserts seed values on the decoded data.
	check func(t *testing.T, req, rep any)
}

func goldenCases() []goldenCase {
	const card = "2253123456781234" // §5.1's sample card number
	return []goldenCase{
		{CardInfoQuery, &CardInfoQueryReq{}, &CardInfo{}, func(t *testing.T, q, r any) {
			req, rep := q.(*CardInfoQueryReq), r.(*CardInfo)
			cmds := strings.Split(string(req.APDUList), ",")
			// Appendix C's mandatory reads IDX_0001..IDX_0004, in order.
			want := []string{"00A404000E325041592E5359532E4444463031", "00A4040008A000000632010105", "805C000204", "00B0950000"}
			if !slices.Equal(cmds, want) || req.APDUNum != "4" || len(strings.Split(string(req.APDUResp), ",")) != 4 {
				t.Errorf("apdu fields %q %q %q", req.APDUNum, req.APDUList, req.APDUResp)
			}
			if rep.CardNo != card || rep.InitFlag != "01" || rep.InitFlagDesc != "启用" {
				t.Errorf("card info %+v", rep)
			}
		}},
		{ChargeOrderCreate, &OrderCreateReq{}, &APDUReply{}, func(t *testing.T, q, r any) {
			req, rep := q.(*OrderCreateReq), r.(*APDUReply)
			if req.CardNo != card || req.ChargeType != "01" || req.PayType != "10" || req.PayOrderNo == "" || req.TxnAmt != "5000" {
				t.Errorf("order create %+v", req)
			}
			// IDX_2002: 805000020B + 01 + amount (8 hex) + terminal (12).
			if last := lastAPDU(rep.APDUList); last != "805000020B01"+fmt.Sprintf("%08X", 5000)+"0000"+TestTermID {
				t.Errorf("INITIALIZE FOR LOAD %q does not follow IDX_2002 for 5000 fen on %s", last, TestTermID)
			}
		}},
		{ChargeOrderQuery, &OrderQueryReq{}, &OrderQueryRep{}, func(t *testing.T, q, r any) {
			req, rep := q.(*OrderQueryReq), r.(*OrderQueryRep)
			if req.RecNumPerPage != "20" || req.CurrPage != "1" || req.OrderBy != "0" {
				t.Errorf("paging %+v", req)
			}
			if rep.TotalNum != 1 || len(rep.OrderList) != 1 {
				t.Fatalf("order list %+v", rep)
			}
			it := rep.OrderList[0]
			if d, _ := Desc(OrderStates(), it.OrderState); d != it.OrderStateDesc {
				t.Errorf("orderstate %s %q, appendix G says %q", it.OrderState, it.OrderStateDesc, d)
			}
			if d, _ := Desc(OrderTypes(), it.OrderType); d != it.OrderTypeDesc {
				t.Errorf("ordertype %s %q, appendix F says %q", it.OrderType, it.OrderTypeDesc, d)
			}
			if d, _ := Desc(Channels(), it.ChnlID); d != it.ChnlIDDesc {
				t.Errorf("chnlid %s %q, appendix E says %q", it.ChnlID, it.ChnlIDDesc, d)
			}
		}},
		{ChargeOrderCancel, &OrderCancelReq{}, nil, func(t *testing.T, q, _ any) {
			if req := q.(*OrderCancelReq); req.CardNo != card || req.OrderNo == "" {
				t.Errorf("cancel %+v", req)
			}
		}},
		{CardChargeRequest, &ChargeReq{}, &APDUReply{}, func(t *testing.T, q, r any) {
			req, rep := q.(*ChargeReq), r.(*APDUReply)
			if req.APDUNum != "2" || req.Resp() == "" {
				t.Errorf("charge request apdu fields %+v", req)
			}
			// IDX_2003: 805200000B + date time (14) + MAC2 (8).
			if c := lastAPDU(rep.APDUList); !strings.HasPrefix(c, "805200000B"+rep.TxnDate) || len(c) != 10+14+8 {
				t.Errorf("CREDIT FOR LOAD %q does not follow IDX_2003", c)
			}
		}},
		{CardChargeConfirm, &ChargeReq{}, &Times{}, nil},
		{ChargeOrderManageRequest, &ChargeReq{}, &APDUReply{}, func(t *testing.T, _, r any) {
			// 4.7.2 lists no times: the typed reply leaves them out.
			if rep := r.(*APDUReply); rep.TxnDate != "" || rep.APDUNum != "3" {
				t.Errorf("manage reply %+v", rep)
			}
		}},
		{ChargeOrderManageConfirm, &ChargeReq{}, &Times{}, nil},
		{CardSaleRequest, &SaleReq{}, &SaleRep{}, func(t *testing.T, q, r any) {
			req, rep := q.(*SaleReq), r.(*SaleRep)
			if req.RealNameFlag != "Y" || req.PayType != "01" || req.CustInfo == nil || req.CustInfo.Name == "" {
				t.Errorf("sale request %+v", req)
			}
			// IDX_2001: 04D6950022 + file 0x15 (30 bytes) + MAC (4).
			if c := string(rep.APDUList); !strings.HasPrefix(c, "04D6950022") || len(c) != 10+68 {
				t.Errorf("UPDATE BINARY %q does not follow IDX_2001", c)
			}
		}},
		{CardSaleConfirm, &SaleConfirmReq{}, &SaleConfirmRep{}, func(t *testing.T, q, r any) {
			req, rep := q.(*SaleConfirmReq), r.(*SaleConfirmRep)
			if req.CardResult != "00" || req.RealNameFlag != "Y" {
				t.Errorf("sale confirm %+v", req)
			}
			if rep.CardPdpt != rep.OrgiCardPdpt {
				t.Errorf("deposit %s collected of %s", rep.CardPdpt, rep.OrgiCardPdpt)
			}
		}},
		{CardReturnApply, &ReturnApplyReq{}, &ReturnApplyRep{}, func(t *testing.T, q, r any) {
			req, rep := q.(*ReturnApplyReq), r.(*ReturnApplyRep)
			if req.ReturnType != "0" || req.CardBal != "1000" || rep.ReturnAmt != "1000" {
				t.Errorf("return %+v %+v", req, rep)
			}
			// IDX_2004's answer is 15 bytes and SW 9000; IDX_2005 is
			// 805401000F + serial (8) + date time (14) + MAC1 (8).
			if c := string(req.APDUList); len(c) != 30+4 {
				t.Errorf("INITIALIZE FOR PURCHASE response %q is not 15 bytes + SW", c)
			}
			if c := string(rep.APDUList); !strings.HasPrefix(c, "805401000F") || len(c) != 10+8+14+8 {
				t.Errorf("DEBIT FOR PURCHASE %q does not follow IDX_2005", c)
			}
		}},
		{CardReturnConfirm, &ReturnConfirmReq{}, &ReturnConfirmRep{}, nil},
	}
}

func lastAPDU(l APDUs) string {
	s := strings.Split(string(l), ",")
	return s[len(s)-1]
}

func TestGoldenMessages(t *testing.T) {
	resign := os.Getenv("HZCARD_RESIGN") == "1"
	cat := Catalogue()
	instPub, err := TestPub(TestInstPubHex)
	if err != nil {
		t.Fatal(err)
	}
	centrePub, err := TestPub(TestCentrePubHex)
	if err != nil {
		t.Fatal(err)
	}
	cases := goldenCases()
	if len(cases) != len(InterfaceNames()) {
		t.Errorf("%d golden cases for %d interfaces", len(cases), len(InterfaceNames()))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			iface, ok := cat.Interface(tc.name)
			if !ok {
				t.Fatalf("no interface %s", tc.name)
			}
			reqFile, repFile := tc.name+"_request.json", tc.name+"_reply.json"
			if resign {
				signFixture(t, reqFile, TestInstKeyHex)
				signFixture(t, repFile, TestCentreKeyHex)
			}
			reqBody, repBody := readGolden(t, reqFile), readGolden(t, repFile)

			// Request: signature, field checks, typed decoding, re-encoding.
			if err := VerifyMessage(instPub, signdomain.Default, reqBody); err != nil {
				t.Errorf("request signature: %v", err)
			}
			for _, p := range CheckFields(iface, catalog.Request, reqBody) {
				t.Errorf("request: %v", p)
			}
			var req Request
			strictDecode(t, reqBody, &req)
			if req.JoinInstID != TestJoinInstID || req.AreaFlag != "00" || req.InstID != TestInstID || req.MchntID != TestMchntID ||
				req.TermID != TestTermID || req.ChnlID != TestChnlID || len(req.Sign) != 128 {
				t.Errorf("request envelope %+v", req)
			}
			data, err := DataBytes(req.Data)
			if err != nil {
				t.Fatal(err)
			}
			strictDecode(t, data, tc.req)
			out, err := EncodeRequest(req, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			out = withSign(t, out, req.Sign)
			want := jsonValue(t, reqBody)
			if tc.name == CardInfoQuery {
				// 4.1.1 types apdunum "int" (the fixture follows it);
				// Text re-encodes it as the string every other table
				// has (erratum E-HZ-APDULIST-FORMAT). The one difference.
				d := want.(map[string]any)["data"].(map[string]any)
				if n, ok := d["apdunum"].(float64); !ok || n != 4 {
					t.Errorf("4.1 fixture apdunum is %v, want the number 4", d["apdunum"])
				}
				d["apdunum"] = "4"
			}
			if got := jsonValue(t, out); !reflect.DeepEqual(got, want) {
				t.Errorf("request re-encodes to\n%s\nwant (as JSON values)\n%s", out, reqBody)
			}

			// Reply: ParseReply, VerifyReply (signature), CheckReply (code, text, fields).
			rep, err := ParseReply(repBody)
			if err != nil {
				t.Fatalf("ParseReply: %v", err)
			}
			if err := VerifyReply(&rep, centrePub, signdomain.Default); err != nil {
				t.Errorf("VerifyReply: %v", err)
			}
			for _, f := range CheckReply(cat, Call{Interface: tc.name}, &rep) {
				t.Errorf("CheckReply: %v", f)
			}
			if rep.Result != CodeOK || rep.ResultDesc != "成功" {
				t.Errorf("reply envelope %+v", rep)
			}
			for _, p := range CheckFields(iface, catalog.Reply, repBody) {
				t.Errorf("reply: %v", p)
			}
			var typed any
			if tc.rep != nil {
				rd, err := DataBytes(rep.Data)
				if err != nil {
					t.Fatal(err)
				}
				strictDecode(t, rd, tc.rep)
				typed = tc.rep
			} else if len(rep.Data) != 0 {
				t.Errorf("4.4.2 says the reply has no data; the fixture has %s", rep.Data)
			}
			out, err = EncodeReply(rep.Result, rep.ResultDesc, typed)
			if err != nil {
				t.Fatal(err)
			}
			out = withSign(t, out, rep.Sign)
			if got := jsonValue(t, out); !reflect.DeepEqual(got, jsonValue(t, repBody)) {
				t.Errorf("reply re-encodes to\n%s\nwant (as JSON values)\n%s", out, repBody)
			}
			if tc.check != nil {
				tc.check(t, tc.req, tc.rep)
			}
		})
	}
}

// TestGoldenSeedForms builds the forms the seed's own tables describe where
// the catalogue reads them otherwise, and asserts what the package makes of
// each, naming the erratum that records the reading.
func TestGoldenSeedForms(t *testing.T) {
	cat := Catalogue()
	ids := map[string]bool{}
	for _, e := range cat.Errata {
		ids[e.ID] = true
	}
	tests := []struct {
		name, iface string
		dir         catalog.Direction
		file        string
		edit        func(top, data map[string]any)
		erratum     string
		problems    []string // "path:rule" CheckFields must report, exactly
	}{
		{"4.5.1 as tabled: no apdunum/apdulist/apduresp", CardChargeRequest, catalog.Request, "cardChargeRequest_request.json",
			func(_, d map[string]any) { delete(d, "apdunum"); delete(d, "apdulist"); delete(d, "apduresp") },
			"E-HZ-CHARGE-APDU", []string{"data.apdunum:missing", "data.apdulist:missing", "data.apduresp:missing"}},
		{"4.3.2 as spelled: paytypedessc", ChargeOrderQuery, catalog.Reply, "chargeOrderQuery_reply.json",
			func(_, d map[string]any) {
				it := d["orderlist"].([]any)[0].(map[string]any)
				it["paytypedessc"] = it["paytypedesc"]
				delete(it, "paytypedesc")
			},
			"E-HZ-PAYTYPEDESC", []string{"data.orderlist[0].paytypedesc:missing"}},
		{"custinfo typed String (见 4.3.1)", CardReturnApply, catalog.Request, "cardReturnApply_request.json",
			func(_, d map[string]any) { d["custinfo"] = "张三" },
			"E-HZ-CUSTINFO", []string{"data.custinfo:not-object"}},
		{"§2.4 data typed String: data as a JSON string", ChargeOrderCreate, catalog.Request, "chargeOrderCreate_request.json",
			func(top, d map[string]any) {
				b, _ := json.Marshal(d)
				top["data"] = string(b)
			},
			"E-HZ-DATA-OBJECT", nil},
		{"4.2.2 apdulist typed jsonlist: a JSON array", ChargeOrderCreate, catalog.Reply, "chargeOrderCreate_reply.json",
			func(_, d map[string]any) {
				var l []any
				for _, c := range strings.Split(d["apdulist"].(string), ",") {
					l = append(l, c)
				}
				d["apdulist"] = l
			},
			"E-HZ-APDULIST-FORMAT", nil},
		{"4.1.1 apdunum typed int", CardInfoQuery, catalog.Request, "cardInfoQuery_request.json",
			func(_, d map[string]any) { d["apdunum"] = 4 },
			"E-HZ-APDULIST-FORMAT", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !ids[tc.erratum] {
				t.Errorf("erratum %s is not in Catalogue().Errata", tc.erratum)
			}
			iface, _ := cat.Interface(tc.iface)
			var top map[string]any
			if err := json.Unmarshal(readGolden(t, tc.file), &top); err != nil {
				t.Fatal(err)
			}
			tc.edit(top, top["data"].(map[string]any))
			msg, err := Marshal(top)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range CheckFields(iface, tc.dir, msg) {
				got = append(got, p.Path+":"+p.Rule)
			}
			slices.Sort(got)
			want := slices.Clone(tc.problems)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("CheckFields = %q, want %q", got, want)
			}
			if len(tc.problems) > 0 {
				return
			}
			// Accepted forms decode to the same typed data as the fixture.
			var env struct {
				Data json.RawMessage `json:"data"`
			}
			strictLoose(t, msg, &env)
			a, err := DataBytes(env.Data)
			if err != nil {
				t.Fatal(err)
			}
			strictLoose(t, readGolden(t, tc.file), &env)
			b, err := DataBytes(env.Data)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range goldenCases() {
				if c.name != tc.iface {
					continue
				}
				typ := reflect.TypeOf(c.req)
				if tc.dir == catalog.Reply {
					typ = reflect.TypeOf(c.rep)
				}
				x, y := reflect.New(typ.Elem()).Interface(), reflect.New(typ.Elem()).Interface()
				strictDecode(t, a, x)
				strictDecode(t, b, y)
				if !reflect.DeepEqual(x, y) {
					t.Errorf("seed form decodes to %+v, the fixture to %+v", x, y)
				}
			}
		})
	}
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seed", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signFixture re-signs a fixture in place (HZCARD_RESIGN=1).
func signFixture(t *testing.T, name, keyHex string) {
	t.Helper()
	k, err := TestKey(keyHex)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := SignMessage(k, signdomain.Default, readGolden(t, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "seed", name), signed, 0o644); err != nil {
		t.Fatal(err)
	}
}

// strictDecode decodes JSON refusing members the target does not have, so
// a fixture field the typed message drops is a failure, not a silent loss.
func strictDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode into %T: %v\n%s", v, err, b)
	}
}

func strictLoose(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func withSign(t *testing.T, msg []byte, sign string) []byte {
	t.Helper()
	out, err := signdomain.SetSign(msg, sign)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return v
}
