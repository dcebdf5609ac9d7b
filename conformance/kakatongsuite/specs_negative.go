package kakatongsuite

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/wire"
)

// httpDo sends a request outside the client (negative tests send what no
// client would) and returns status, Content-Type and body. The exchange goes
// to the spec's transcript as a client's would, so a failing bad request
// shows its bytes in the report.
func httpDo(req *http.Request) (int, string, []byte) {
	ex := wire.Exchange{Interface: interfaceOf(req), Method: req.Method, URL: req.URL.String(), Charset: charsetOf(req), Start: time.Now()}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			ex.Request, _ = io.ReadAll(rc)
		}
	}
	record := conformance.Transcript()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ex.Err, ex.Duration = err.Error(), time.Since(ex.Start)
		record(ex)
	}
	Expect(err).NotTo(HaveOccurred(), "the gateway must answer, not drop the connection")
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ex.Status, ex.Reply, ex.Duration = resp.StatusCode, b, time.Since(ex.Start)
	record(ex)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// interfaceOf names the interface of a raw request: the REST method
// parameter, or the SOAP action's operation.
func interfaceOf(req *http.Request) string {
	if m := req.URL.Query().Get("method"); m != "" {
		return m
	}
	if _, params, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err == nil {
		if _, op, ok := strings.Cut(params["action"], "#"); ok {
			return op
		}
	}
	return "soap"
}

// charsetOf is the charset a raw request declares, GB2312 for a REST query
// (it declares none; the gateway reads GB2312 escapes).
func charsetOf(req *http.Request) string {
	if _, params, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err == nil && params["charset"] != "" {
		return strings.ToUpper(params["charset"])
	}
	return "GB2312"
}

func negativeSpecs(f *framework) {
	type restCase struct {
		name string
		mut  func(q string, e *env, card string) string // the query after "method=cTRequest&" is q
		code string                                     // "" = any documented non-success code
	}
	repl := func(name, val string) func(string, *env, string) string {
		return func(q string, _ *env, _ string) string {
			var out []string
			for _, kv := range strings.Split(q, "&") {
				if strings.HasPrefix(kv, name+"=") {
					if val == "\x00drop" {
						continue
					}
					kv = name + "=" + val
				}
				out = append(out, kv)
			}
			return strings.Join(out, "&")
		}
	}
	cases := []restCase{
		{"missing LICENSEKEY", repl("LICENSEKEY", "\x00drop"), kakatong.LicenceInvalid},
		{"over-long LICENSEKEY (600 characters)", repl("LICENSEKEY", strings.Repeat("A", 600)), kakatong.LicenceIllegal},
		{"LICENSEKEY with markup", repl("LICENSEKEY", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"), kakatong.LicenceIllegal},
		{"missing CARDNO", repl("CARDNO", "\x00drop"), kakatong.CodeBadCardNo},
		{"CARDNO with 17 digits", repl("CARDNO", "16801155000001250"), kakatong.CodeBadCardNo},
		{"CARDNO with a quote", repl("CARDNO", "168011550000012%27"), kakatong.CodeBadCardNo},
		{"CARDNO with an encoded NUL", repl("CARDNO", "168011550000%0012"), kakatong.CodeBadCardNo},
		{"missing AMOUNT", repl("AMOUNT", "\x00drop"), kakatong.CodeBadAmount},
		{"non-numeric AMOUNT", repl("AMOUNT", "abc"), kakatong.CodeBadAmount},
		{"AMOUNT with a decimal point", repl("AMOUNT", "1.00"), kakatong.CodeBadAmount},
		{"negative AMOUNT", repl("AMOUNT", "-100"), kakatong.CodeBadAmount},
		{"zero AMOUNT", repl("AMOUNT", "0"), kakatong.CodeBadAmount},
		{"AMOUNT of 13 digits", repl("AMOUNT", "1234567890123"), kakatong.CodeBadAmount},
		{"AMOUNT with a full-width digit", repl("AMOUNT", "%EF%BC%91"), kakatong.CodeBadAmount},
		{"missing TRADETYPE", repl("TRADETYPE", "\x00drop"), kakatong.CodeBadTradeType},
		{"unknown TRADETYPE", repl("TRADETYPE", "0099"), kakatong.CodeBadTradeType},
		{"bad TRADEMODE", repl("TRADEMODE", "x"), kakatong.CodeBadTradeMode},
		{"unknown POSCODE", repl("POSCODE", "99999999"), kakatong.CodeBadTerminal},
		{"over-long POSCODE", repl("POSCODE", strings.Repeat("1", 300)), kakatong.CodeBadTerminal},
		{"wrong CARDPWD", repl("CARDPWD", "00000000000000000000000000000000"), kakatong.CodeBadPassword},
		{"missing CARDPWD", repl("CARDPWD", "\x00drop"), kakatong.CodeBadPassword},
		{"COPNO of another merchant", repl("COPNO", "1156"), kakatong.LicenceWrongWeb},
		{"bad percent-encoding", func(q string, _ *env, _ string) string { return q + "&ITEMCODE=%zz" }, kakatong.CodeIllegal},
		{"repeated AMOUNT", func(q string, _ *env, _ string) string { return q + "&AMOUNT=1" }, kakatong.CodeIllegal},
		{"unknown method", func(q string, _ *env, _ string) string {
			return strings.Replace(q, "method=cTRequest", "method=dropTables", 1)
		}, kakatong.CodeIllegal},
		{"no method", func(q string, _ *env, _ string) string { return strings.Replace(q, "method=cTRequest&", "", 1) }, kakatong.CodeIllegal},
		{"undo with a malformed STANCE_REV", func(q string, _ *env, _ string) string {
			return strings.Replace(repl("STANCE_REV", "1%27%3B--")(q, nil, ""), "TRADEMODE=1", "TRADEMODE=0", 1)
		}, kakatong.CodeNoStance},
	}
	var entries []TableEntry
	for _, c := range cases {
		entries = append(entries, Entry(c.name, conformance.Code(c.code), c))
	}
	f.DescribeTable("negative matrix (REST cTRequest): the documented code, no 5xx, nothing moves", conformance.Negative, func(ctx SpecContext, tc restCase) {
		e := f.Env()
		c := e.client()
		card := e.card()
		u := c.RESTURL(kakatong.MethodTrade, c.TradeParams(kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: e.amount()}))
		base, q, _ := strings.Cut(u, "?")
		var bal0, pts0 int64
		if e.sim != nil {
			var err error
			bal0, pts0, err = e.sim.CardBalance(card)
			Expect(err).NotTo(HaveOccurred())
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"?"+tc.mut(q, e, card), nil)
		Expect(err).NotTo(HaveOccurred())
		status, _, body := httpDo(req)
		Expect(status).To(Equal(http.StatusOK), "a bad parameter is answered with a code, not HTTP %d: %s", status, body)
		r, err := kakatong.ParseReply(kakatong.MethodTrade, body)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Code()).To(Equal(tc.code), "%s must be answered %s (%s)", tc.name, tc.code, kakatong.CodeOf(tc.code).TextEN)
		e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Code: tc.code})
		if e.sim != nil {
			bal, pts, _ := e.sim.CardBalance(card)
			Expect([]int64{bal, pts}).To(Equal([]int64{bal0, pts0}), "a refused request must not move the card")
		}
	}, entries)

	Describe("negative SOAP and HTTP", conformance.Negative, func() {
		soapPost := func(e *env, ct string, body []byte) (int, string, []byte) {
			req, err := http.NewRequestWithContext(f.Ctx(), http.MethodPost, e.url+kakatong.SOAPPath, bytes.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", ct)
			return httpDo(req)
		}
		faultOf := func(body []byte) string {
			doc, err := gbkxml.Parse(body)
			Expect(err).NotTo(HaveOccurred(), "a fault must be well-formed XML: %s", body)
			v, ok := doc.Root().Get("Body/Fault/Code/Value")
			Expect(ok).To(BeTrue(), "want a SOAP 1.2 fault, got %s", body)
			return v
		}
		f.It("a SOAP 1.1 call gets a VersionMismatch fault, not a 5xx", func() {
			e := f.Env()
			body := []byte(`<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><k:soapCardTrade xmlns:k="urn:kakatong:gateway"/></s:Body></s:Envelope>`)
			status, _, b := soapPost(e, "text/xml; charset=UTF-8", body)
			Expect(status).To(BeNumerically("<", 500))
			Expect(faultOf(b)).To(HaveSuffix("VersionMismatch"))
			status, _, b = soapPost(e, "application/soap+xml; charset=UTF-8", body)
			Expect(status).To(BeNumerically("<", 500))
			Expect(faultOf(b)).To(HaveSuffix("VersionMismatch"))
		})
		f.It("malformed XML, an unknown operation and GB2312 bytes declared UTF-8 get a Sender fault", func() {
			e := f.Env()
			for _, body := range [][]byte{
				[]byte(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><k:soapCardTrade>`),
				[]byte(`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><k:dropTables xmlns:k="urn:kakatong:gateway"/></env:Body></env:Envelope>`),
				append([]byte(`<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><k:soapCardInfo xmlns:k="urn:kakatong:gateway"><k:USR_CH_NAME>`), 0xD5, 0xC5, 0xC8, 0xFD, '<', '/', 'k', ':', 'U'),
			} {
				status, _, b := soapPost(e, "application/soap+xml; charset=UTF-8", body)
				Expect(status).To(BeNumerically("<", 500))
				Expect(faultOf(b)).To(HaveSuffix("Sender"))
			}
		})
		f.It("a SOAP body over 1 MiB is refused with 413", func() {
			e := f.Env()
			status, _, _ := soapPost(e, "application/soap+xml; charset=UTF-8", bytes.Repeat([]byte("A"), 1<<20+10))
			Expect(status).To(Equal(http.StatusRequestEntityTooLarge))
		})
		f.It("over-long SOAP parameters get the same codes as REST", func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			r := must(c.SOAP(ctx, kakatong.OpTrade, kakatongclient.Params{"lickey": e.key, "trade_code": kakatong.TypeConsume, "trade_mode": kakatong.ModeConsume,
				"cd_no": strings.Repeat("1", 5000), "cd_pwd": e.pwd, "tmn_no": e.pos, "trad_amount": "100"}))
			Expect(r.Code()).To(Equal(kakatong.CodeBadCardNo))
			r = must(c.SOAP(ctx, kakatong.OpTrade, kakatongclient.Params{"lickey": strings.Repeat("K", 5000)}))
			Expect(r.Licence).To(Equal(kakatong.LicenceIllegal))
		})
		f.It("wrong HTTP methods get 405, unknown paths 404, and a huge URL a 4xx", func(ctx SpecContext) {
			e := f.Env()
			for _, tc := range []struct {
				method, path string
				want         int
			}{
				{http.MethodPost, kakatong.RESTPath + "?method=cTRequest", http.StatusMethodNotAllowed},
				{http.MethodGet, kakatong.SOAPPath, http.StatusMethodNotAllowed},
				{http.MethodDelete, kakatong.WSDLPath, http.StatusMethodNotAllowed},
				{http.MethodGet, "/s/nothing", http.StatusNotFound},
			} {
				req, err := http.NewRequestWithContext(ctx, tc.method, e.url+tc.path, nil)
				Expect(err).NotTo(HaveOccurred())
				status, _, _ := httpDo(req)
				Expect(status).To(Equal(tc.want), "%s %s", tc.method, tc.path)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url+kakatong.RESTPath+"?method=cTRequest&CARDNO="+strings.Repeat("9", 100_000), nil)
			Expect(err).NotTo(HaveOccurred())
			status, _, _ := httpDo(req)
			Expect(status).To(BeNumerically(">=", 400))
			Expect(status).To(BeNumerically("<", 500))
		})
		f.It("every reply is UTF-8 XML that says so, also with LANG=GB2312 (E-KAKATONG-SOAP-CHARSET)", conformance.Errata, func(ctx SpecContext) {
			e := f.Env()
			c := e.client(lang("GB2312"))
			u := c.RESTURL(kakatong.MethodTrade, c.TradeParams(kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: e.card(), Password: e.pwd}))
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			Expect(err).NotTo(HaveOccurred())
			_, ct, body := httpDo(req)
			Expect(strings.ToLower(ct)).To(ContainSubstring("charset=utf-8"))
			Expect(string(body)).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`))
			Expect(string(body)).To(ContainSubstring("交易成功！"), "the Chinese text must be UTF-8 bytes")
		})
	})
}

func wsdlSpecs(f *framework) {
	Describe("WSDL", conformance.Interface(kakatong.OpTrade), func() {
		for _, path := range []string{kakatong.SOAPPath + "?wsdl", kakatong.WSDLPath} {
			f.It("GET "+path+" describes every operation with a SOAP 1.2 binding at "+kakatong.SOAPPath, func(ctx SpecContext) {
				e := f.Env()
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.url+path, nil)
				Expect(err).NotTo(HaveOccurred())
				status, _, body := httpDo(req)
				Expect(status).To(Equal(http.StatusOK))
				doc, err := gbkxml.Parse(body)
				Expect(err).NotTo(HaveOccurred())
				root := doc.Root()
				Expect(root.Name).To(Equal("definitions"))
				var ops []string
				for _, o := range root.Child("portType").All("operation") {
					n, _ := o.Attr("name")
					ops = append(ops, n)
				}
				var want []string
				for _, o := range kakatong.Operations() {
					want = append(want, o.Name)
				}
				Expect(ops).To(Equal(want))
				b := root.Child("binding").Child("binding")
				Expect(b).NotTo(BeNil())
				Expect(b.Prefix).To(Equal("soap12"))
				loc, _ := root.Find("service/port/address").Attr("location")
				Expect(loc).To(HaveSuffix(kakatong.SOAPPath))
			})
		}
	})
}
