package bill99_test

import (
	"crypto/rand"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/codecs/gbk"
	"paycert/codecs/rsasig"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
)

func TestCatalogue(t *testing.T) {
	c := bill99.Catalogue()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	counts := []struct {
		name      string
		got, want int
	}{
		{"interfaces (7 + TR3)", len(c.Interfaces), 8},
		{"txnTypes 4.9", len(bill99.TxnTypes()), 8},
		{"ID types 4.10", len(bill99.IDTypes()), 14},
		{"card organisations 4.11", len(bill99.CardOrgs()), 6},
		{"bank ids 4.12 (SHB listed twice)", len(bill99.BankIDs()), 92},
		{"important-field rules 4.13", len(bill99.ImportantFields()), 10},
	}
	for _, x := range counts {
		if x.got != x.want {
			t.Errorf("%s: %d, want %d", x.name, x.got, x.want)
		}
	}
	for _, code := range []string{"00", "C0", "68", "T3", "T6", "M1", "M7", "L8", "TC", "I8", "HW", "ZG", "B.MGW.0001", "B.MGW.0120", "B.MGW.0170"} {
		if _, ok := c.Code(code); !ok {
			t.Errorf("code %s missing", code)
		}
	}
	for _, e := range c.Errata {
		if !strings.HasPrefix(e.ID, "E-BILL99-") || e.Where == "" {
			t.Errorf("erratum %+v", e)
		}
	}
}

// TestSamples decodes the seed's sample replies (repaired where extraction
// mangled them; each file says what) and checks them with CheckReply: the
// catalogue and the samples must agree, or the disagreement is an erratum.
// TestPathOfMatchesCatalogue: PathOf gives every interface the path of its
// catalogue row (the TR3 notice, posted to the merchant's tr3Url, none), and
// nothing to a name the catalogue does not have.
func TestPathOfMatchesCatalogue(t *testing.T) {
	for _, in := range bill99.Catalogue().Interfaces {
		want := in.Path
		if in.Name == bill99.IfTR3 {
			want = ""
		}
		if got := bill99.PathOf(in.Name); got != want {
			t.Errorf("PathOf(%q) = %q, the catalogue says %q", in.Name, got, in.Path)
		}
	}
	if got := bill99.PathOf("no_such_interface"); got != "" {
		t.Errorf("PathOf of an unknown interface = %q, want \"\"", got)
	}
}

// TestRequestContentMatchesCatalogue: every request field of an interface
// in the catalogue (but the MasMessage version) sits under its
// RequestContent element, and InterfaceAt finds each interface from its
// path and element and nothing from a path with another's element.
func TestRequestContentMatchesCatalogue(t *testing.T) {
	for _, in := range bill99.Catalogue().Interfaces {
		el := bill99.RequestContent(in.Name)
		if el == "" {
			t.Errorf("RequestContent(%q) is empty", in.Name)
			continue
		}
		for _, f := range in.FieldsFor(catalog.Request) {
			if f.Path != "version" && !strings.HasPrefix(f.Path, el+"/") {
				t.Errorf("%s: request field %s is not under RequestContent %s", in.Name, f.Path, el)
			}
		}
		if in.Name == bill99.IfTR3 {
			continue // posted to the merchant, not to the platform
		}
		if got := bill99.InterfaceAt(in.Path, el); got != in.Name {
			t.Errorf("InterfaceAt(%q, %q) = %q, want %q", in.Path, el, got, in.Name)
		}
	}
	for _, tc := range [][2]string{{bill99.PathQueryTxn, bill99.ElTxn}, {bill99.PathPurchase, bill99.ElQryTxn}, {"/no/such", bill99.ElTxn}} {
		if got := bill99.InterfaceAt(tc[0], tc[1]); got != "" {
			t.Errorf("InterfaceAt(%q, %q) = %q, want \"\"", tc[0], tc[1], got)
		}
	}
	if got := bill99.RequestContent("no_such_interface"); got != "" {
		t.Errorf("RequestContent of an unknown interface = %q, want \"\"", got)
	}
}

// TestCheckReplyEchoes: the §4.3 sample reply echoes the sample request;
// a request that differs in an echoed field, or a pan whose first 6 + last
// 4 are not the storableCardNo, is reported.
func TestCheckReplyEchoes(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rep, err := bill99.DecodeReply(bill99.IfPurchase, read("purchase_reply.xml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, field, value string
		want               string // in the problems; "" = none
	}{
		{"the sample request", "", "", ""},
		{"another amount", "amount", "10.01", `amount echoed as "10"`},
		{"another customer", "customerId", "33150002", `customerId echoed as "33150001"`},
		{"another terminal", "terminalId", "00002013", `terminalId echoed as "00002012"`},
		{"a pan that is not the storableCardNo's", "pan", "6217001234567890", "first 6 + last 4"},
		{"an unechoed field", "tr3Url", "https://example.com/tr3", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := bill99.Parse(read("purchase_request.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.field != "" {
				c := doc.Content()
				if n := c.Child(tt.field); n != nil {
					n.Text = tt.value
				} else {
					c.Add(tt.field, tt.value)
				}
			}
			probs := catalog.FindingsError(bill99.CheckReply(bill99.Catalogue(), doc.Root, rep))
			got := ""
			if probs != nil {
				got = probs.Error()
			}
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("findings %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSamples(t *testing.T) {
	c := bill99.Catalogue()
	cases := []struct {
		file, iface, code string
	}{
		{"ind_auth_reply.xml", bill99.IfIndAuth, "00"},
		{"purchase_reply.xml", bill99.IfPurchase, "00"},
		{"purchase_tc.xml", bill99.IfPurchase, "TC"},
		{"purchase_error.xml", bill99.IfPurchase, "B.MGW.0120"},
		{"query_reply.xml", bill99.IfQueryTxn, "00"},
		{"query_error.xml", bill99.IfQueryTxn, "B.MGW.0170"},
		{"card_info_reply.xml", bill99.IfCardInfo, "00"},
		{"pci_query_reply.xml", bill99.IfPciQuery, "00"},
	}
	for _, x := range cases {
		t.Run(x.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", x.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := bill99.DecodeReply(x.iface, b)
			if err != nil {
				t.Fatal(err)
			}
			if r.Result.Code() != x.code {
				t.Fatalf("code %q, want %q", r.Result.Code(), x.code)
			}
			if p := bill99.CheckReply(c, nil, r); len(p) > 0 {
				t.Fatalf("sample breaks the catalogue: %v", p)
			}
			// Re-encoding keeps every element and value.
			again, err := bill99.Parse(bill99.Encode(r.Doc.Root))
			if err != nil {
				t.Fatal(err)
			}
			if flat(again.Root) != flat(r.Doc.Root) {
				t.Fatalf("round trip changed the message:\n%s\n%s", flat(r.Doc.Root), flat(again.Root))
			}
		})
	}
}

func flat(n *bill99.Node) string {
	var b strings.Builder
	var walk func(*bill99.Node, string)
	walk = func(n *bill99.Node, p string) {
		p += "/" + n.Name
		if len(n.Children) == 0 {
			b.WriteString(p + "=" + n.Text + "\n")
		}
		for _, c := range n.Children {
			walk(c, p)
		}
	}
	walk(n, "")
	return b.String()
}

func TestParseRejects(t *testing.T) {
	for name, in := range map[string]string{
		"lower-case root":  `<masMessage xmlns="` + bill99.Namespace + `"><version>1.0</version></masMessage>`,
		"wrong namespace":  `<MasMessage xmlns="urn:x"><version>1.0</version></MasMessage>`,
		"no namespace":     `<MasMessage><version>1.0</version></MasMessage>`,
		"unclosed":         `<MasMessage xmlns="` + bill99.Namespace + `"><version>`,
		"two roots":        `<MasMessage xmlns="` + bill99.Namespace + `"/><MasMessage xmlns="` + bill99.Namespace + `"/>`,
		"bad GBK":          `<?xml version="1.0" encoding="GBK"?><MasMessage xmlns="` + bill99.Namespace + "\"><v>\x81</v></MasMessage>",
		"unknown encoding": `<?xml version="1.0" encoding="EBCDIC"?><MasMessage xmlns="` + bill99.Namespace + `"/>`,
		"empty":            ``,
	} {
		if _, err := bill99.Parse([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestValidateRequest(t *testing.T) {
	c := bill99.Catalogue()
	in, _ := c.Interface(bill99.IfPurchase)
	good := bill99.PurchaseRequest{MerchantID: "104110045112012", TerminalID: "00002012", CustomerID: "c", ExternalRefNumber: "r",
		EntryTime: "20190111151320", Amount: "10.5", PayToken: "8120000000000700000"}
	cases := []struct {
		name string
		mod  func(*bill99.PurchaseRequest)
		rule string
	}{
		{"valid", func(*bill99.PurchaseRequest) {}, ""},
		{"amount with 3 decimals", func(r *bill99.PurchaseRequest) { r.Amount = "1.005" }, "format"},
		{"zero amount", func(r *bill99.PurchaseRequest) { r.Amount = "0.00" }, "format"},
		{"bad entryTime", func(r *bill99.PurchaseRequest) { r.EntryTime = "20191311151320" }, "format"},
		{"33-char customerId", func(r *bill99.PurchaseRequest) { r.CustomerID = strings.Repeat("a", 33) }, "too-long"},
		{"short payToken", func(r *bill99.PurchaseRequest) { r.PayToken = "1300177" }, "too-short"},
		{"missing payToken", func(r *bill99.PurchaseRequest) { r.PayToken = "" }, "missing"},
		{"32 Chinese characters fit MAX(32)", func(r *bill99.PurchaseRequest) { r.Ext1 = strings.Repeat("今", 32) }, ""},
		{"bankId outside 4.12", func(r *bill99.PurchaseRequest) { r.BankID = "XYZ" }, "format"},
		{"bankId from 4.12", func(r *bill99.PurchaseRequest) { r.BankID = "CMB" }, ""},
		{"txnType outside 4.9", func(r *bill99.PurchaseRequest) { r.TxnType = "ABC" }, "format"},
	}
	for _, x := range cases {
		r := good
		x.mod(&r)
		errs := bill99.ValidateRequest(in, r.Message())
		got := ""
		if len(errs) > 0 {
			got = errs[0].Rule
		}
		if got != x.rule {
			t.Errorf("%s: first error %q (%v), want %q", x.name, got, errs, x.rule)
		}
	}
	// Query: one of externalRefNumber/refNumber.
	q, _ := c.Interface(bill99.IfQueryTxn)
	if errs := bill99.ValidateRequest(q, bill99.QueryRequest{MerchantID: "104110045112012"}.Message()); len(errs) == 0 || errs[0].Rule != "missing" {
		t.Errorf("query without either reference: %v", errs)
	}
	if errs := bill99.ValidateRequest(q, bill99.QueryRequest{MerchantID: "104110045112012", RefNumber: "000012846461"}.Message()); len(errs) != 0 {
		t.Errorf("query by refNumber alone: %v", errs)
	}
	_ = catalog.Request
}

func TestTR3SignatureOverExactBytes(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	n := bill99.TxnResult{TxnType: "PUR", Amount: "10", MerchantID: "104110045112012", TerminalID: "00002012", EntryTime: "20160126145908",
		ExternalRefNumber: "20160126145859", TransTime: "20160126145942", RefNumber: "000012846461", ResponseCode: "00",
		ResponseText: "交易成功", CardOrg: "CU", Issuer: "建设银行", StorableCardNo: "6217009100", AuthorizationCode: "584559"}
	body, sig, err := bill99.BuildTR3(k, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `encoding="GBK"`) {
		t.Error("TR3 does not declare GBK")
	}
	if _, err := gbk.DecodeString(body); err != nil {
		t.Fatalf("TR3 is not GBK: %v", err)
	}
	got, err := bill99.VerifyTR3(&k.PublicKey, body, sig)
	if err != nil || got.Issuer != "建设银行" || got.RefNumber != n.RefNumber {
		t.Fatalf("verify: %v %+v", err, got)
	}
	utf, _ := gbk.DecodeString(body)
	utfSig, _ := rsasig.Sign(nil, k, []byte(utf))
	if _, err := bill99.VerifyTR3(&k.PublicKey, body, rsasig.EncodeSignature(utfSig)); err == nil {
		t.Error("a signature over the UTF-8 form verified against the GBK bytes")
	}
	tr4, _ := os.ReadFile(filepath.Join("testdata", "tr4.xml"))
	if err := bill99.CheckTR4(n, tr4); err != nil {
		t.Errorf("seed's TR4 sample rejected: %v", err)
	}
	if err := bill99.CheckTR4(bill99.TxnResult{RefNumber: "1", MerchantID: n.MerchantID}, tr4); err == nil {
		t.Error("TR4 for another refNumber accepted")
	}
}

func TestClassify(t *testing.T) {
	for _, x := range []struct {
		file  string
		class bill99.Class
	}{
		{"purchase_reply.xml", bill99.ClassSuccess}, {"purchase_tc.xml", bill99.ClassBusiness}, {"purchase_error.xml", bill99.ClassFormat},
	} {
		b, _ := os.ReadFile(filepath.Join("testdata", x.file))
		if c, _, _ := bill99.Classify(bill99.IfPurchase, b); c != x.class {
			t.Errorf("%s: %v, want %v", x.file, c, x.class)
		}
	}
	if c, _, err := bill99.Classify(bill99.IfPurchase, []byte("<html>")); c != bill99.ClassBroken || err == nil {
		t.Errorf("garbage classified %v", c)
	}
	if got := bill99.StorablePan("6217003320034459100"); got != "6217009100" {
		t.Errorf("StorablePan = %s", got)
	}
	if got := bill99.ShortPhone("18771210000"); got != "1870000" {
		t.Errorf("ShortPhone = %s", got)
	}
}

func FuzzDecodeReply(f *testing.F) {
	for _, name := range []string{"purchase_reply.xml", "query_error.xml", "pci_query_reply.xml", "tr4.xml"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		f.Add(b)
	}
	c := bill99.Catalogue()
	in, _ := c.Interface(bill99.IfPurchase)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := bill99.DecodeReply(bill99.IfQueryTxn, b)
		if err != nil {
			return
		}
		_ = bill99.CheckReply(c, r.Doc.Root, r)
		_ = bill99.ValidateRequest(in, r.Doc.Root)
		_, _, _ = bill99.Classify(bill99.IfPurchase, b)
		if _, err := bill99.Parse(bill99.Encode(r.Doc.Root)); err != nil {
			t.Fatalf("re-encoding a parsed message does not parse: %v", err)
		}
	})
}

// TestRequestSamples: the seed's request samples (repaired as each file
// says) pass the catalogue's request tables, and the typed builders produce
// the same elements and values.
func TestRequestSamples(t *testing.T) {
	c := bill99.Catalogue()
	cases := []struct {
		file, iface string
		typed       *bill99.Node
	}{
		{"ind_auth_request.xml", bill99.IfIndAuth, bill99.IndAuthRequest{MerchantID: "104110045112012", TerminalID: "00002012", CustomerID: "fj2030",
			ExternalRefNumber: "d2f3f42g", Pan: "6217003320034459100", CardHolderName: "小强", IDType: "0", CardHolderID: "32058219870706111X", PhoneNO: "13500000000"}.Message()},
		{"verify_request.xml", bill99.IfIndAuthVerify, bill99.VerifyRequest{MerchantID: "104110045112012", TerminalID: "00002012", CustomerID: "33150001",
			ExternalRefNumber: "20160127140727", Pan: "6217003320034459100", ValidCode: "960398", Token: "1300177", PhoneNO: "13500000000"}.Message()},
		{"purchase_request.xml", bill99.IfPurchase, nil},
		{"query_request.xml", bill99.IfQueryTxn, nil},
		{"pci_del_request.xml", bill99.IfPciDel, nil},
		{"pci_query_request.xml", bill99.IfPciQuery, bill99.PciQueryRequest{MerchantID: "104110045112012", CustomerID: "33150003", CardType: "0002"}.Message()},
	}
	for _, x := range cases {
		t.Run(x.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", x.file))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := bill99.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			in, _ := c.Interface(x.iface)
			for _, fe := range bill99.ValidateRequest(in, doc.Root) {
				t.Errorf("sample breaks the table: %v", fe)
			}
			if x.typed != nil && nonEmpty(flat(x.typed)) != nonEmpty(flat(doc.Root)) {
				t.Errorf("typed builder differs from the sample:\n%s\nvs\n%s", flat(x.typed), flat(doc.Root))
			}
		})
	}
}

// nonEmpty drops empty elements (the samples send <storablePan></storablePan>
// where the builders omit them) and sorts nothing: order must agree too.
func nonEmpty(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" && !strings.HasSuffix(l, "=") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
