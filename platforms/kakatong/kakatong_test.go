package kakatong

import (
	"strings"
	"testing"

	"paycert/platforms/catalog"
)

func TestCatalogue(t *testing.T) {
	c := Catalogue()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	var lic, ret int
	for _, k := range c.Codes {
		switch k.Kind {
		case "licence":
			lic++
		case "trade":
			ret++
		}
		if k.Text == "" || k.TextEN == "" {
			t.Errorf("code %s lacks a Chinese or English text", k.Code)
		}
	}
	if lic != 5 {
		t.Errorf("licence codes: %d, want 0-4", lic)
	}
	if ret != 62 {
		t.Errorf("return codes: %d, want 60 numbered (00-28, 31-32, 40-47, 50-68, 70-71) + 非法操作 + 此卡已冻结 = 62", ret)
	}
	if len(Rows()) != 24 {
		t.Errorf("rows: %d, want 24", len(Rows()))
	}
	for _, e := range c.Errata {
		if !strings.HasPrefix(e.ID, "E-KAKATONG-") || e.Where == "" {
			t.Errorf("erratum %+v: want an E-KAKATONG- id and a Where", e)
		}
	}
}

func TestRowFor(t *testing.T) {
	tests := []struct {
		typ, mode     string
		ok, known     bool
		name, undoFor string
	}{
		{"0022", "1", true, true, "储值消费", ""},
		{"0022", "0", true, true, "消费撤销", "0022/1"},
		{"0034", "0", true, true, "积分消费撤销", "0034/1"},
		{"1103", "1", true, true, "网银储值撤销", "1103/0"},
		{"0400", "-", true, true, "交易冲正", ""},
		{"0400", "", true, true, "交易冲正", ""},
		{"0022", "2", false, true, "", ""},
		{"9999", "0", false, false, "", ""},
	}
	for _, tc := range tests {
		r, ok, known := RowFor(tc.typ, tc.mode)
		if ok != tc.ok || known != tc.known || r.Name != tc.name {
			t.Errorf("RowFor(%s,%s) = %q %v %v, want %q %v %v", tc.typ, tc.mode, r.Name, ok, known, tc.name, tc.ok, tc.known)
		}
		if tc.undoFor != "" {
			f, ok := UndoOf(r)
			if !ok || f.Type+"/"+f.Mode != tc.undoFor {
				t.Errorf("UndoOf(%s/%s) = %s/%s, want %s", tc.typ, tc.mode, f.Type, f.Mode, tc.undoFor)
			}
		}
	}
}

func TestParseReplyForms(t *testing.T) {
	tests := []struct {
		name, body, code string
		wrapped          bool
		wantErr          bool
	}{
		{"wrapped (later samples)", `<?xml version="1.0" encoding="UTF-8" ?><TradeResult><Record><PayInForm>11</PayInForm><PayInResult>(11)交易成功！</PayInResult><Stance>00006698</Stance><Integral>200</Integral><Points /><CardNo>1680115500000125</CardNo><TradeName>储值充值</TradeName></Record></TradeResult>`, "11", true, false},
		{"unwrapped (first sample)", "<TradeResult>\n<PayInForm>11</PayInForm>\n<PayInResult>交易成功！</PayInResult>\n<Stance>00000860</Stance>\n<Integral>100</Integral>\n<Points/>\n</TradeResult>", "11", false, false},
		{"GB2312 declared", "<?xml version=\"1.0\" encoding=\"GB2312\"?><TradeResult><Record><PayInForm>07</PayInForm><PayInResult>\xd0\xa3\xd1\xe9</PayInResult></Record></TradeResult>", "07", true, false},
		{"GB2312 bytes declared UTF-8", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><TradeResult><Record><PayInForm>07</PayInForm><PayInResult>\xd0\xa3\xd1\xe9</PayInResult></Record></TradeResult>", "", false, true},
		{"wrong root", `<Result><PayInForm>11</PayInForm></Result>`, "", false, true},
		// An element beside <Record> is kept in Extra (a warning for the
		// caller), not a reason to refuse the reply (E-KAKATONG-RECORD-WRAPPER).
		{"unknown element beside Record", `<TradeResult><Record><PayInForm>11</PayInForm></Record><ServerTime>2026-01-05</ServerTime></TradeResult>`, "11", true, false},
		{"element with children beside Record", `<TradeResult><Record><PayInForm>11</PayInForm></Record><X><Y/></X></TradeResult>`, "", false, true},
		{"repeated field", `<TradeResult><Record><PayInForm>11</PayInForm><PayInForm>12</PayInForm></Record></TradeResult>`, "", false, true},
	}
	for _, tc := range tests {
		r, err := ParseReply(MethodTrade, []byte(tc.body))
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err = %v, want error %v", tc.name, err, tc.wantErr)
			continue
		}
		if err == nil && (r.Code() != tc.code || r.Wrapped != tc.wrapped) {
			t.Errorf("%s: code %q wrapped %v, want %q %v", tc.name, r.Code(), r.Wrapped, tc.code, tc.wrapped)
		}
		if wantExtra := strings.Contains(tc.name, "unknown element"); err == nil && (len(r.Extra) == 1) != wantExtra {
			t.Errorf("%s: Extra = %q", tc.name, r.Extra)
		} else if wantExtra && r.Extra[0] != "TradeResult/ServerTime=2026-01-05" {
			t.Errorf("%s: Extra = %q, want the path and the example", tc.name, r.Extra)
		}
	}
}

func TestCheckReplyFindsSwappedFields(t *testing.T) {
	row, _, _ := RowFor("0022", "1")
	good := `<TradeResult><Record><PayInForm>11</PayInForm><PayInResult>Transaction succeeded!</PayInResult><Stance>00000001</Stance><Integral>99800</Integral><Points></Points><CardNo>1680115500000126</CardNo><TradeName>储值消费</TradeName></Record></TradeResult>`
	tests := []struct {
		name, body string
		ok         bool
	}{
		{"good", good, true},
		{"points and balance swapped", strings.Replace(strings.Replace(good, "<Integral>99800</Integral>", "<Integral></Integral>", 1), "<Points></Points>", "<Points>99800</Points>", 1), false},
		{"six-digit stance", strings.Replace(good, "00000001", "000001", 1), false},
		{"Chinese text without LANG", strings.Replace(good, "Transaction succeeded!", "交易成功！", 1), false},
		{"unwrapped", strings.NewReplacer("<Record>", "", "</Record>", "").Replace(good), false},
		{"other card", strings.Replace(good, "1680115500000126", "1680115500000127", 1), false},
	}
	for _, tc := range tests {
		r, err := ParseReply(MethodTrade, []byte(tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fs := CheckReply(Catalogue(), Expect{Method: MethodTrade, Row: &row, CardNo: "1680115500000126", Code: "11"}, r)
		if (len(fs) == 0) != tc.ok {
			t.Errorf("%s: CheckReply = %v, want ok %v", tc.name, catalog.FindingsError(fs), tc.ok)
		}
		// A finding says where and which rule, so a report can file it.
		for _, f := range fs {
			if f.Path == "" || f.Rule == "" || f.Section == "" {
				t.Errorf("%s: finding %+v lacks a path, rule or section", tc.name, f)
			}
		}
	}
}

func TestSOAPRoundTrip(t *testing.T) {
	op, _ := OperationFor(OpTrade)
	for _, cs := range []string{CharsetGB2312, CharsetUTF8} {
		req, err := BuildSOAPRequest(op, map[string]string{"lickey": "K", "cd_no": "1", "item_code": "中文"}, cs)
		if err != nil {
			t.Fatal(err)
		}
		call, err := ParseSOAPRequest(req)
		if err != nil {
			t.Fatalf("%s: %v\n%s", cs, err, req)
		}
		if call.Op != OpTrade || call.Params["item_code"] != "中文" || call.OpNS != TargetNS || (cs == CharsetGB2312) != (call.Label == "GB2312") {
			t.Errorf("%s: decoded %+v", cs, call)
		}
		var rec Record
		rec.Set("PayInForm", "11")
		rec.Set("TradeName", "储值消费")
		resp, err := BuildSOAPResponse(op, []Record{rec}, "", cs)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseSOAPReply(op, SOAPContentType(cs, ""), resp)
		if err != nil || r.Code() != "11" || r.First().V("TradeName") != "储值消费" {
			t.Errorf("%s: reply %+v, %v", cs, r, err)
		}
		if _, err := ParseSOAPReply(op, SOAPContentType(CharsetUTF8, ""), resp); (err == nil) != (cs == CharsetUTF8) {
			t.Errorf("%s body labelled UTF-8 in Content-Type: err = %v", cs, err)
		}
		lic, _ := BuildSOAPResponse(op, nil, "3", cs)
		r, err = ParseSOAPReply(op, SOAPContentType(cs, ""), lic)
		if err != nil || r.Licence != "3" {
			t.Errorf("%s: licence reply %+v, %v", cs, r, err)
		}
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte(`<TradeResult><Record><PayInForm>11</PayInForm></Record></TradeResult>`))
	f.Add([]byte(`<?xml version="1.0" encoding="GB2312"?><TradeResult><PayInForm>11</PayInForm></TradeResult>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseReply(MethodTrade, b)
		if err == nil {
			_ = CheckReply(Catalogue(), Expect{Method: r.Method}, r)
		}
	})
}

func FuzzParseSOAPRequest(f *testing.F) {
	op, _ := OperationFor(OpTrade)
	b, _ := BuildSOAPRequest(op, map[string]string{"lickey": "NV41VDlSNldhFTFeYw0z", "cd_no": "1680115500000126"}, CharsetGB2312)
	f.Add(b)
	f.Add([]byte(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseSOAPRequest(b)
		_, _ = ParseSOAPReply(op, "application/soap+xml; charset=GB2312", b)
	})
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{{"200", 200, true}, {"110.00", 11000, true}, {"0.05", 5, true}, {"1.5", 0, false}, {"", 0, false}, {"-1", 0, false}, {"1e3", 0, false}}
	for _, tc := range tests {
		got, err := ParseAmount(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAmount(%q) = %d, %v", tc.in, got, err)
		}
	}
	if FormatYuan(11000) != "110.00" || FormatYuan(5) != "0.05" {
		t.Error("FormatYuan")
	}
}
