package kakatongsim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
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
		var fs []finding
		if s.strict {
			fs = requestFindings(s.cat, method, params, true)
		}
		out = s.handle(method, params)
		s.recordFindings(method, fs, codeOf(out))
	}
	body := s.renderREST(out)
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	_, _ = w.Write(body)
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
	if msg := charsetMismatch(body, declared); msg != "" && !s.faults.Has(FaultCharsetSkipped) {
		s.refuseCharset(w, body, declared, label, msg, fault)
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
	var fs []finding
	if s.strict {
		fs = requestFindings(s.cat, op.Name, call.Params, false)
	}
	out := s.handle(op.Method, params)
	s.recordFindings(op.Name, fs, codeOf(out))
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

// refuseCharset answers a SOAP body that is not in the charset it declares
// (E-KAKATONG-CHARSET-CODE): read in the charset it really is in, the
// envelope names its operation, which is answered 非法操作 in its reply
// shape and the declared charset, and each parameter holding non-ASCII
// text (the bytes the declaration misreads) is recorded as a
// charset-mismatch; an envelope that cannot be read even so gets a Sender
// fault, recorded against the declaration.
func (s *Simulator) refuseCharset(w http.ResponseWriter, body []byte, declared, label, msg string, fault func(int, string, string)) {
	const section = "000 SOAP示范 ('encoding'=>'GB2312'), E-KAKATONG-SOAP-CHARSET"
	call, op, ok := readMismatched(body)
	if !ok {
		s.violateFinding("soap", catalog.Finding{Path: label, Rule: "charset-mismatch", Detail: msg, Section: section})
		fault(http.StatusBadRequest, "Sender", "charset mismatch: "+msg)
		return
	}
	var fs []finding
	for _, name := range call.Order {
		if v := call.Params[name]; !isASCII(v) {
			fs = append(fs, finding{Finding: catalog.Finding{Path: name, Rule: "charset-mismatch", Detail: msg, Section: section}, Value: sim.Short(v)})
		}
	}
	if len(fs) == 0 {
		fs = append(fs, finding{Finding: catalog.Finding{Path: label, Rule: "charset-mismatch", Detail: msg, Section: section}})
	}
	s.recordFindings(op.Name, fs, kakatong.CodeIllegal)
	out := s.result(op.Method, "", kakatong.CodeIllegal, nil, map[string]string{})
	charset := kakatong.CharsetUTF8
	if kakatong.IsGBCharset(declared) {
		charset = strings.ToUpper(declared)
	}
	resp, err := kakatong.BuildSOAPResponse(op, out.records, "", charset)
	if err != nil {
		fault(http.StatusBadRequest, "Sender", "charset mismatch: "+msg)
		return
	}
	w.Header().Set("Content-Type", kakatong.SOAPContentType(charset, ""))
	_, _ = w.Write(resp)
}

// readMismatched reads a SOAP body in the charset it is really in (UTF-8,
// else GB2312/GBK), whatever it declares, and returns its call when it
// names a known operation.
func readMismatched(body []byte) (*kakatong.SOAPCall, kakatong.Operation, bool) {
	text := body
	if !utf8.Valid(body) {
		dec, err := gbk.Decode(nil, body)
		if err != nil {
			return nil, kakatong.Operation{}, false
		}
		text = dec
	}
	if bytes.HasPrefix(bytes.TrimSpace(text), []byte("<?xml")) {
		if end := bytes.Index(text, []byte("?>")); end > 0 {
			text = append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), text[end+2:]...)
		}
	}
	call, err := kakatong.ParseSOAPRequest(text)
	if err != nil {
		return nil, kakatong.Operation{}, false
	}
	op, ok := kakatong.OperationFor(call.Op)
	return call, op, ok && op.Name == call.Op
}

func isASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return false
		}
	}
	return true
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
