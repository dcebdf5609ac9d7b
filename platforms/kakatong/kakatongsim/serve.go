package kakatongsim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
	"paycert/platforms/sim"
)

func (s *Simulator) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case kakatong.RESTPath:
		s.serveREST(w, r)
	case kakatong.WSDLPath:
		s.serveWSDL(w, r)
	case kakatong.SOAPPath:
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if _, ok := r.URL.Query()["wsdl"]; ok {
				s.serveWSDL(w, r)
				return
			}
		}
		s.serveSOAP(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Simulator) serveWSDL(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the WSDL is read with GET", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	_, _ = w.Write(kakatong.WSDL("http://" + r.Host + kakatong.SOAPPath))
}

// serveREST answers GET /s/get?method=... with a UTF-8 <TradeResult>.
func (s *Simulator) serveREST(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the REST gateway is called with GET", http.StatusMethodNotAllowed)
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	method := ""
	params := map[string]string{}
	illegal := err != nil
	if err != nil {
		s.violate("rest", "bad-url-encoding", err.Error())
	}
	for k, vs := range q {
		if len(vs) > 1 {
			s.violate("rest", "repeated-parameter", k)
			illegal = true
		}
		v := vs[0]
		if !utf8.ValidString(v) {
			// A PHP page in GB2312 urlencodes GB2312 bytes; read them as
			// such rather than refuse a Chinese holder name.
			dec, derr := gbk.DecodeString([]byte(v))
			if derr != nil {
				s.violate("rest", "bad-charset", k)
				illegal = true
				continue
			}
			s.violate("rest", "gb2312-in-url", k)
			v = dec
		}
		params[k] = v
	}
	method = params["method"]
	delete(params, "method")
	known := false
	for _, m := range kakatong.Methods() {
		known = known || m == method
	}
	var out outcome
	if illegal || !known {
		s.violate("rest", "unknown-method", method)
		out = s.result(kakatong.MethodTrade, params["LANG"], kakatong.CodeIllegal, params, map[string]string{})
	} else {
		s.strictREST(method, params)
		out = s.handle(method, params)
	}
	body := s.renderREST(out)
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	_, _ = w.Write(body)
}

// strictREST records what a conforming client would not send, one
// violation per finding, the parameter named in the Detail.
func (s *Simulator) strictREST(method string, p map[string]string) {
	if !s.strict {
		return
	}
	for _, f := range requestFindings(s.cat, method, p) {
		s.violateFinding(method, f)
	}
}

// requestFindings judges the parameters of a REST request against the
// catalogue, in the shape CheckReply judges replies: the parameter as the
// path, a stable rule, the seed section.
func requestFindings(cat *catalog.Catalogue, method string, p map[string]string) []catalog.Finding {
	iface, _ := cat.Interface(method)
	var fs []catalog.Finding
	add := func(path, rule, detail string) {
		fs = append(fs, catalog.Finding{Path: path, Rule: rule, Detail: detail, Section: iface.Section})
	}
	allowed := map[string]bool{}
	for _, f := range iface.FieldsFor(catalog.Request) {
		allowed[f.Path] = true
		v, ok := p[f.Path]
		if f.Presence == catalog.Required && !ok {
			add(f.Path, "missing-parameter", "required by the parameter table")
		}
		// Lengths count GB2312 bytes, as the gateway does (kakatong.GBKLen):
		// 32 Chinese characters fill a 64-byte holder field.
		if n := kakatong.GBKLen(v); f.MaxLen > 0 && n > f.MaxLen {
			add(f.Path, "parameter-too-long", fmt.Sprintf("at most %d GB2312 bytes, got %d: %q", f.MaxLen, n, short(v)))
		}
	}
	if method == kakatong.MethodTrade {
		for _, k := range kakatong.TradeExtraParams() {
			allowed[k] = true
		}
	}
	var unknown []string
	for k := range p {
		if !allowed[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown) // a stable order for the report
	for _, k := range unknown {
		add(k, "unknown-parameter", "not a parameter of "+method)
	}
	if pw := p["CARDPWD"]; method == kakatong.MethodTrade && len(pw) == kakatong.PasswordLen && catalog.IsDigits(pw) {
		add("CARDPWD", "plain-password", "CARDPWD must be md5 of the password, not the password itself")
	}
	if strings.Contains(p["AMOUNT"], ".") {
		add("AMOUNT", "decimal-amount", "AMOUNT is fen without a decimal point: "+p["AMOUNT"])
	}
	return fs
}

// renderREST writes the XML reply: UTF-8, fields wrapped in <Record>.
func (s *Simulator) renderREST(out outcome) []byte {
	enc := gbkxml.UTF8
	lie := s.faults.Has(FaultGB2312Undeclared) && kakatong.IsChinese(out.lang)
	if lie {
		enc = gbkxml.GBK
	}
	w := gbkxml.NewWriter(nil, enc)
	w.Start("TradeResult")
	recs := out.records
	if out.licence != "" {
		var rec kakatong.Record
		rec.Set(kakatong.CodeField(out.method), out.licence)
		if out.method == kakatong.MethodTrade || out.method == kakatong.MethodStream {
			rec.Set("PayInResult", kakatong.Text(s.code(out.licence), s.lang(out.lang), ""))
		}
		recs = []kakatong.Record{rec}
	}
	// A stream of several records keeps <Record> in the root profile: bare
	// fields of several trades could not be told apart.
	wrap := !s.faults.Has(FaultNoRecordWrapper) && (!s.root || len(recs) > 1)
	for _, rec := range recs {
		if wrap {
			w.Start("Record")
		}
		for _, n := range rec.Names {
			w.Element(n, rec.Values[n])
		}
		if wrap {
			w.End("Record")
		}
	}
	w.End("TradeResult")
	b := w.Bytes()
	if err := w.Err(); err != nil {
		// Only a text the encoder cannot hold gets here; answer 00
		// rather than a broken body.
		s.logf("kakatong simulator: render: %v", err)
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><TradeResult><Record><PayInForm>00</PayInForm></Record></TradeResult>`)
	}
	if lie {
		b = []byte(strings.Replace(string(b), `encoding="GBK"`, `encoding="UTF-8"`, 1))
	}
	return b
}

// serveSOAP answers a SOAP 1.2 call in the request's charset.
func (s *Simulator) serveSOAP(w http.ResponseWriter, r *http.Request) {
	fault := func(status int, code, reason string) {
		w.Header().Set("Content-Type", kakatong.SOAPContentType(kakatong.CharsetUTF8, ""))
		w.WriteHeader(status)
		_, _ = w.Write(kakatong.BuildSOAPFault(code, reason))
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		fault(http.StatusMethodNotAllowed, "Sender", "SOAP calls are POSTed; GET "+kakatong.SOAPPath+"?wsdl reads the WSDL")
		return
	}
	mt, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if sim.IsBodyTooLarge(err) {
			fault(http.StatusRequestEntityTooLarge, "Sender", "request body over 1 MiB")
			return
		}
		fault(http.StatusBadRequest, "Sender", "reading the request: "+err.Error())
		return
	}
	if mt != "application/soap+xml" {
		s.violate("soap", "not-soap-1.2", "Content-Type "+r.Header.Get("Content-Type"))
		// SOAP 1.2 §5.4.7 asks for 500 here; the gateway answers 400, so
		// no bad request ever earns a 5xx.
		fault(http.StatusBadRequest, "VersionMismatch", "the gateway speaks SOAP 1.2 (Content-Type application/soap+xml)")
		return
	}
	// The charset before anything else (E-KAKATONG-SOAP-CHARSET): a body
	// that is not in the charset it declares is refused as such, before
	// any parameter is read, so no length or content rule judges mojibake.
	declared, label := soapDeclaredCharset(body, ctParams["charset"])
	if msg := charsetMismatch(body, declared); msg != "" {
		s.violateFinding("soap", catalog.Finding{Path: label, Rule: "charset-mismatch", Detail: msg, Section: "000 SOAP示范 ('encoding'=>'GB2312'), E-KAKATONG-SOAP-CHARSET"})
		fault(http.StatusBadRequest, "Sender", "charset mismatch: "+msg)
		return
	}
	// A GB2312 body without an XML declaration is labelled only by its
	// Content-Type: convert it before parsing.
	if kakatong.IsGBCharset(ctParams["charset"]) && !strings.HasPrefix(strings.TrimSpace(string(body[:min(len(body), 64)])), "<?xml") {
		dec, derr := gbk.Decode(nil, body)
		if derr != nil { // charsetMismatch has refused it: kept for safety
			fault(http.StatusBadRequest, "Sender", "body is not "+ctParams["charset"]+": "+derr.Error())
			return
		}
		body = dec
	}
	call, err := kakatong.ParseSOAPRequest(body)
	if err != nil {
		if errors.Is(err, kakatong.ErrSOAPVersion) {
			fault(http.StatusBadRequest, "VersionMismatch", err.Error())
			return
		}
		fault(http.StatusBadRequest, "Sender", err.Error())
		return
	}
	op, ok := kakatong.OperationFor(call.Op)
	if !ok || op.Name != call.Op {
		fault(http.StatusBadRequest, "Sender", "unknown operation "+call.Op)
		return
	}
	if call.OpNS != kakatong.TargetNS {
		s.violate(op.Name, "wrong-namespace", "operation element in namespace "+call.OpNS)
	}
	charset := kakatong.CharsetUTF8
	switch {
	case kakatong.IsGBCharset(call.Label):
		charset = strings.ToUpper(call.Label)
	case call.Label == "" && kakatong.IsGBCharset(ctParams["charset"]):
		charset = strings.ToUpper(ctParams["charset"])
	}
	params := map[string]string{}
	known := map[string]bool{}
	for _, name := range op.Params {
		known[name] = true
		v, ok := call.Params[name]
		if !ok {
			continue
		}
		if rest, ok := op.REST[name]; ok {
			name = rest
		}
		params[name] = v
	}
	for _, name := range call.Order {
		if !known[name] {
			s.violate(op.Name, "unknown-parameter", name)
		}
	}
	out := s.handle(op.Method, params)
	recs, lic := out.records, out.licence
	if lic != "" && s.faults.Has(FaultSOAPArrayLicence) {
		var rec kakatong.Record
		rec.Set(kakatong.CodeField(op.Method), lic)
		recs, lic = []kakatong.Record{rec}, ""
	}
	resp, err := kakatong.BuildSOAPResponse(op, recs, lic, charset)
	if err != nil {
		fault(http.StatusBadRequest, "Sender", "the reply cannot be written in "+charset+": "+err.Error())
		return
	}
	w.Header().Set("Content-Type", kakatong.SOAPContentType(charset, ""))
	_, _ = w.Write(resp)
}

// soapDeclaredCharset is the charset a SOAP body declares: its XML
// declaration's encoding, else the Content-Type charset, else UTF-8 (the
// XML default); label names where the declaration is, for the record.
func soapDeclaredCharset(body []byte, ctCharset string) (charset, label string) {
	head := body[:min(len(body), 200)]
	if bytes.HasPrefix(bytes.TrimSpace(head), []byte("<?xml")) {
		if end := bytes.Index(head, []byte("?>")); end > 0 {
			decl := string(head[:end])
			if i := strings.Index(decl, "encoding="); i >= 0 && i+len("encoding=")+1 < len(decl) {
				rest := decl[i+len("encoding="):]
				if q := rest[0]; q == '"' || q == '\'' {
					if j := strings.IndexByte(rest[1:], q); j >= 0 {
						return rest[1 : 1+j], "?xml/@encoding"
					}
				}
			}
		}
	}
	if ctCharset != "" {
		return ctCharset, "Content-Type/charset"
	}
	return kakatong.CharsetUTF8, "?xml/@encoding"
}

// charsetMismatch says how body breaks the charset it declares, "" when
// it does not: UTF-8 declared GB2312/GBK, bytes GB2312 cannot decode, or
// bytes that are not the UTF-8 declared.
func charsetMismatch(body []byte, declared string) string {
	switch {
	case kakatong.IsGBCharset(declared):
		if kakatong.UTF8DeclaredGB(body) {
			return fmt.Sprintf("declared %s, the body is UTF-8", short(declared))
		}
		if _, err := gbk.Decode(nil, body); err != nil {
			return fmt.Sprintf("declared %s, the body is not: %v", short(declared), err)
		}
	case strings.EqualFold(declared, kakatong.CharsetUTF8) || strings.EqualFold(declared, "UTF8"):
		if !utf8.Valid(body) {
			return "declared UTF-8, the body is not UTF-8 (GB2312 bytes undeclared?)"
		}
	}
	return ""
}

// short keeps a recorded value readable.
func short(v string) string {
	const max = 40
	if r := []rune(v); len(r) > max {
		return string(r[:max]) + "…"
	}
	return v
}
