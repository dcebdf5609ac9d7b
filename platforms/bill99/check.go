package bill99

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"paycert/codecs/rsasig"
	"paycert/platforms/catalog"
)

// LengthMessage and FormatMessage are the platform's errorMessage for a
// field that is missing or of the wrong length, and for one of the wrong
// shape (B.MGW.0120, §5.3.3 sample). ValidateRequest puts them in the
// findings' Detail, so the simulator answers with them word for word.
func LengthMessage(element string) string {
	return "Data length of element[" + element + "] is incorrect!"
}

// FormatMessage: see LengthMessage.
func FormatMessage(element string) string {
	return "Data format of element[" + element + "] is incorrect!"
}

// reErrorCode is the shape of an errorCode (§5.3.3 samples). The numeric
// and amount shapes are checked by hand (catalog.IsDigits, amount): they run on every
// field of every request the simulator validates.
var reErrorCode = regexp.MustCompile(`^B\.MGW\.[0-9]{4}$`)

// ValidateRequest checks a request's fields against its table in the
// catalogue: presence (conditional "one of" pairs included), length in
// characters, numeric/amount/date shapes, and (for strict mode) unknown or
// duplicated elements. Findings come in table order, so the first one is
// what the platform reports; each one's Rule is "missing", "too-long",
// "too-short", "format", "unknown" or "duplicate", and its Detail is the
// errorMessage the platform words it with ("Data length of
// element[amount] is incorrect!").
func ValidateRequest(iface catalog.Interface, root *Node) []catalog.Finding {
	// The simulator runs this on every request: it scans the field table
	// in place instead of building maps of it, and formats messages only
	// for the errors it returns.
	var out []catalog.Finding
	add := func(path, rule, msg string) {
		out = append(out, catalog.Finding{Path: path, Rule: rule, Detail: msg, Section: iface.Section})
	}
	fields := iface.Fields
	for _, f := range fields {
		if f.Dir != catalog.Request {
			continue
		}
		name := f.Path[strings.LastIndex(f.Path, "/")+1:]
		v, ok := root.Lookup(f.Path)
		if !ok || v == "" {
			missing := f.Presence == catalog.Required
			if f.Presence == catalog.Conditional && strings.HasPrefix(f.Condition, "one of ") {
				// Missing only when every field of its "one of" group is.
				missing = true
				for _, alt := range fields {
					if alt.Dir == catalog.Request && alt.Presence == catalog.Conditional && alt.Condition == f.Condition && root.Get(alt.Path) != "" {
						missing = false
					}
				}
			}
			if missing {
				add(f.Path, "missing", LengthMessage(name))
			}
			continue
		}
		n := utf8.RuneCountInString(v)
		switch {
		case f.MaxLen > 0 && n > f.MaxLen:
			add(f.Path, "too-long", LengthMessage(name))
			continue
		case n < f.MinLen:
			add(f.Path, "too-short", LengthMessage(name))
			continue
		}
		if !shapeOK(f.Type, v) || !inDomain(name, v) {
			add(f.Path, "format", FormatMessage(name))
		}
	}
	// Unknown and duplicated elements: only the content element's leaves.
	content := contentOf(root, fields)
	if content == nil {
		return out
	}
	var seen map[string]bool // only for long (hostile) lists: see below
	if len(content.Children) > 32 {
		seen = make(map[string]bool, len(content.Children))
	}
	for i, c := range content.Children {
		var dup bool
		if seen != nil {
			dup = seen[c.Name]
			seen[c.Name] = true
		} else {
			for _, prev := range content.Children[:i] {
				if prev.Name == c.Name {
					dup = true
					break
				}
			}
		}
		if dup {
			add(content.Name+"/"+c.Name, "duplicate", fmt.Sprintf("Element[%s] appears more than once!", c.Name))
		}
		if !knownRequestField(fields, content.Name, c.Name) && c.Name != "extMap" && c.Name != "storablePan" {
			add(content.Name+"/"+c.Name, "unknown", fmt.Sprintf("Element[%s] is not defined for this interface", c.Name))
		}
	}
	return out
}

// knownRequestField reports whether the table has the request field
// parent/name, without building the path.
func knownRequestField(fields []catalog.Field, parent, name string) bool {
	for _, f := range fields {
		p := f.Path
		if f.Dir == catalog.Request && len(p) == len(parent)+1+len(name) && p[len(parent)] == '/' &&
			p[:len(parent)] == parent && p[len(parent)+1:] == name {
			return true
		}
	}
	return false
}

func contentOf(root *Node, fields []catalog.Field) *Node {
	for _, f := range fields {
		if f.Dir != catalog.Request {
			continue
		}
		if i := strings.Index(f.Path, "/"); i > 0 {
			return root.Child(f.Path[:i])
		}
	}
	return nil
}

// domainTable names the table inDomain checks name against.
func domainTable(name string) string {
	switch name {
	case "idType":
		return "4.10"
	case "bankId":
		return "4.12"
	case "cardOrg":
		return "4.11"
	case "txnType":
		return "4.9"
	}
	return "§4.4, §4.6"
}

// inDomain checks the elements whose values come from a closed table of the
// seed: idType (4.10), bankId (4.12), cardOrg (4.11), txnType (4.9),
// cardType and txnStatus (4.4, 4.6), expiredDate as MMYY.
func inDomain(name, v string) bool {
	switch name {
	case "cardOrg":
		_, ok := CardOrgs()[v]
		return ok
	case "idType":
		_, ok := IDTypes()[v]
		return ok
	case "bankId":
		_, ok := BankIDs()[v]
		return ok
	case "txnType":
		// Table 4.9 as a switch: TxnTypes() builds its map on every call,
		// and every purchase carries a txnType (TestTxnTypeDomain keeps
		// the two equal).
		switch v {
		case TxnPurchase, TxnInstalment, TxnPreAuth, TxnPreAuthFinish, TxnVoid, TxnRefund, TxnCardCheck, TxnRealName:
			return true
		}
		return false
	case "cardType":
		return v == CardCredit || v == CardDebit
	case "txnStatus":
		return v == TxnSucceeded || v == TxnFailed || v == TxnPending
	case "expiredDate":
		return len(v) == 4 && v[:2] >= "01" && v[:2] <= "12"
	}
	return true
}

func shapeOK(typ, v string) bool {
	switch typ {
	case tN:
		return catalog.IsDigits(v)
	case tAmt:
		return amount(v) && strings.Trim(v, "0.") != ""
	case tDT:
		_, err := time.Parse("20060102150405", v)
		return err == nil
	}
	return true
}

// amount reports whether v matches ^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$: yuan
// without leading zeros, at most two decimals.
func amount(v string) bool {
	whole, frac, dot := strings.Cut(v, ".")
	if !catalog.IsDigits(whole) || (len(whole) > 1 && whole[0] == '0') {
		return false
	}
	return !dot || (len(frac) >= 1 && len(frac) <= 2 && catalog.IsDigits(frac))
}

// Sections of seed 001 the reply rules come from.
const (
	secResult = "001 §5.3.3" // errorCode xor responseCode
	secMsg    = "001 §4"     // the MasMessage envelope of every interface
)

// CheckReply judges a reply's fields against the catalogue and the request
// that caused it (nil when the request was not a well-formed message, e.g.
// a negative spec's raw bytes); the suites, the load runner's sampled
// checks and the CLI share it. The interface is the one the reply was
// decoded for (Reply.Interface). It returns every finding, nil when the
// reply conforms:
//   - errorCode and responseCode never both (§5.3.3), and one of them present;
//   - every reply field within its table's length and shape;
//   - on 00, every required reply field present (E-BILL99-REPLY-REQUIRED);
//   - echoes equal the request (merchantId, customerId, externalRefNumber,
//     amount, entryTime...), storablePan = first 6 + last 4 of the pan.
//
// It only judges fields: parsing is DecodeReply's job, and the TR3
// signature is VerifyTR3's.
func CheckReply(cat *catalog.Catalogue, req *Node, rep *Reply) []catalog.Finding {
	var out []catalog.Finding
	add := func(path, rule, section, format string, a ...any) {
		out = append(out, catalog.Finding{Path: path, Rule: rule, Detail: fmt.Sprintf(format, a...), Section: section})
	}
	res := rep.Result
	if res.HasErrorCode && res.HasRespCode {
		add("", "both-codes", secResult, "both errorCode (%s) and responseCode (%s) present: §5.3.3 says never both", res.ErrorCode, res.ResponseCode)
	}
	if !res.HasErrorCode && !res.HasRespCode {
		add("", "no-code", secResult, "neither errorCode nor responseCode present")
	}
	if res.HasErrorCode && !reErrorCode.MatchString(res.ErrorCode) {
		add(ElError+"/errorCode", "format", secResult, "errorCode %q is not of the form B.MGW.NNNN", res.ErrorCode)
	}
	if v := rep.Doc.Root.Get("version"); v == "" {
		add("version", "missing", secMsg, "version missing")
	} else if v != Version {
		add("version", "value", secMsg, "version %q: the interface version is %s", v, Version)
	}
	in, ok := cat.Interface(rep.Interface)
	if !ok {
		add("", "unknown-interface", "", "unknown interface %q", rep.Interface)
		return out
	}
	for _, f := range in.FieldsFor(catalog.Reply) {
		if i := strings.Index(f.Path, "/pciInfos/pciInfo/"); i > 0 {
			out = append(out, checkList(rep.Doc.Root, f, in.Section, f.Path[:i+len("/pciInfos")], f.Path[i+len("/pciInfos/pciInfo/"):])...)
			continue
		}
		v, present := rep.Doc.Root.Lookup(f.Path)
		if res.HasErrorCode && strings.HasPrefix(f.Path, ElQryTxn+"/") {
			continue // the query's echo repeats the request, bad values included (§5.3.3 sample)
		}
		if strings.HasPrefix(f.Path, ElError+"/") || strings.HasSuffix(f.Path, "/responseCode") || strings.HasSuffix(f.Path, "/responseTextMessage") || f.Path == "version" {
			if present && f.MaxLen > 0 && utf8.RuneCountInString(v) > f.MaxLen {
				add(f.Path, "too-long", in.Section, "%d characters, table allows %d", utf8.RuneCountInString(v), f.MaxLen)
			}
			continue
		}
		if !present || v == "" {
			if res.OK() && (f.Presence == catalog.Required || (f.Presence == catalog.Conditional && strings.Contains(f.Condition, "00"))) {
				if strings.HasSuffix(f.Path, "/storableCardNo") && rep.Doc.Root.Get(strings.Replace(f.Path, "storableCardNo", "storablePan", 1)) != "" {
					continue // E-BILL99-STORABLE-NAME
				}
				add(f.Path, "missing", in.Section, "required on responseCode 00 but absent")
			}
			continue
		}
		n := utf8.RuneCountInString(v)
		if f.MaxLen > 0 && n > f.MaxLen {
			add(f.Path, "too-long", in.Section, "%q: length %d outside the table's %d..%d", v, n, f.MinLen, f.MaxLen)
		} else if n < f.MinLen {
			add(f.Path, "too-short", in.Section, "%q: length %d outside the table's %d..%d", v, n, f.MinLen, f.MaxLen)
		} else if !shapeOK(f.Type, v) {
			add(f.Path, "format", in.Section, "%q: not a %s", v, f.Type)
		} else if name := f.Path[strings.LastIndex(f.Path, "/")+1:]; !inDomain(name, v) {
			add(f.Path, "domain", in.Section, "%q: not a value of its table (%s)", v, domainTable(name))
		}
	}
	if req != nil {
		out = append(out, checkEchoes(in, req, rep)...)
	}
	return out
}

// checkList checks one field in every item of a list (pci_query's
// pciInfos); an empty list has nothing to check (E-BILL99-PCIQUERY-EMPTY).
func checkList(root *Node, f catalog.Field, section, listPath, name string) []catalog.Finding {
	var out []catalog.Finding
	list := root
	for _, p := range strings.Split(listPath, "/") {
		list = list.Child(p)
	}
	for i, item := range list.All("pciInfo") {
		path := fmt.Sprintf("%s/pciInfo[%d]/%s", listPath, i, name)
		v, ok := item.Lookup(name)
		if !ok || v == "" {
			if f.Presence == catalog.Required {
				out = append(out, catalog.Finding{Path: path, Rule: "missing", Detail: "required but absent", Section: section})
			}
			continue
		}
		n := utf8.RuneCountInString(v)
		if (f.MaxLen > 0 && n > f.MaxLen) || n < f.MinLen || !shapeOK(f.Type, v) {
			out = append(out, catalog.Finding{Path: path, Rule: "format", Section: section,
				Detail: fmt.Sprintf("%q: outside the table (%s, %d..%d)", v, f.Type, f.MinLen, f.MaxLen)})
		} else if !inDomain(name, v) {
			out = append(out, catalog.Finding{Path: path, Rule: "domain", Section: section,
				Detail: fmt.Sprintf("%q: not a value of its table (%s)", v, domainTable(name))})
		}
	}
	return out
}

// checkEchoes compares what a reply repeats with the request.
func checkEchoes(in catalog.Interface, req *Node, rep *Reply) []catalog.Finding {
	var out []catalog.Finding
	rc := requestContent(req)
	if rc == nil || rep.Content == nil {
		return nil
	}
	add := func(name, format string, a ...any) {
		out = append(out, catalog.Finding{Path: rep.Content.Name + "/" + name, Rule: "mismatch", Detail: fmt.Sprintf(format, a...), Section: in.Section})
	}
	for _, name := range echoed(in.Name) {
		want := rc.Get(name)
		got, ok := rep.Content.Lookup(name)
		if ok && want != "" && got != want {
			add(name, "%s echoed as %q, request had %q", name, got, want)
		}
	}
	if in.Name == IfQueryTxn {
		for _, name := range []string{"externalRefNumber", "refNumber"} {
			if want := rc.Get(name); want != "" && rep.Result.OK() && rep.Content.Get(name) != want {
				add(name, "query result %s = %q, asked for %q", name, rep.Content.Get(name), want)
			}
		}
	}
	if pan := rc.Get("pan"); pan != "" && rep.Result.OK() {
		for _, name := range []string{"storablePan", "storableCardNo"} {
			if sp := rep.Content.Get(name); sp != "" && sp != StorablePan(pan) {
				add(name, "%s = %q, want first 6 + last 4 of the pan = %q", name, sp, StorablePan(pan))
			}
		}
	}
	if in.Name == IfPurchase && rep.Result.OK() && rep.Content.Get("interactiveStatus") != StatusTR2 {
		add("interactiveStatus", "interactiveStatus = %q, want TR2", rep.Content.Get("interactiveStatus"))
	}
	return out
}

// echoed lists the request fields a reply to iface repeats. A switch, not
// a map literal: the load runner checks replies with it.
func echoed(iface string) []string {
	switch iface {
	case IfIndAuth:
		return []string{"merchantId", "terminalId", "customerId", "externalRefNumber"}
	case IfIndAuthVerify:
		return []string{"merchantId", "customerId", "externalRefNumber"}
	case IfPurchase:
		return []string{"merchantId", "terminalId", "customerId", "externalRefNumber", "amount", "entryTime", "txnType"}
	case IfQueryTxn:
		return []string{"merchantId", "txnType"}
	case IfCardInfo:
		return []string{"cardNo"}
	case IfPciDel:
		return []string{"merchantId", "customerId", "bankId"}
	case IfPciQuery:
		return []string{"merchantId", "customerId"}
	}
	return nil
}

func requestContent(root *Node) *Node {
	for _, c := range root.Children {
		if c.Name != "version" {
			return c
		}
	}
	return nil
}

// Classification of a reply for load runs and the CLI.
type Class int

const (
	ClassSuccess  Class = iota // responseCode 00
	ClassPending               // C0/68: order pending
	ClassBusiness              // another responseCode
	ClassFormat                // an errorCode
	ClassBroken                // not a conforming reply at all
)

func (c Class) String() string {
	return [...]string{"success", "pending", "business-failure", "format-error", "broken"}[c]
}

// Classify reads a reply body of iface: its class and code. A body that does
// not parse, or carries both codes, is ClassBroken with an error.
func Classify(iface string, body []byte) (Class, string, error) {
	r, err := DecodeReply(iface, body)
	if err != nil {
		return ClassBroken, "", err
	}
	res := r.Result
	switch {
	case res.HasErrorCode && res.HasRespCode:
		return ClassBroken, res.ErrorCode, errors.New("both errorCode and responseCode")
	case res.HasErrorCode:
		return ClassFormat, res.ErrorCode, nil
	case !res.HasRespCode:
		return ClassBroken, "", errors.New("no errorCode and no responseCode")
	case res.OK():
		return ClassSuccess, res.ResponseCode, nil
	case res.Pending():
		return ClassPending, res.ResponseCode, nil
	}
	return ClassBusiness, res.ResponseCode, nil
}

// BuildTR3 renders a TR3 notice for result (GBK, §5.3.2) and signs the exact
// body bytes with the platform key. The signature travels base64 in
// SignatureHeader (E-BILL99-TR3-SIGNATURE).
func BuildTR3(key *rsa.PrivateKey, r TxnResult) (body []byte, signature string, err error) {
	return SignTR3(key, TR3Message(r))
}

// TR3Message is the MasMessage of a TR3 notice for result (§5.3.2).
func TR3Message(r TxnResult) *Node {
	m := NewMessage(Version)
	c := m.AddNode(ElTxn)
	c.Add("txnType", r.TxnType).Add("interactiveStatus", StatusTR3).Add("amount", r.Amount).Add("merchantId", r.MerchantID).
		Add("terminalId", r.TerminalID).Add("entryTime", r.EntryTime).Add("externalRefNumber", r.ExternalRefNumber).
		AddOpt("customerId", r.CustomerID).Add("transTime", r.TransTime).Add("refNumber", r.RefNumber).
		Add("responseCode", r.ResponseCode).Add("responseTextMessage", r.ResponseText).AddOpt("cardOrg", r.CardOrg).
		AddOpt("issuer", r.Issuer).AddOpt("storableCardNo", r.StorableCardNo).AddOpt("authorizationCode", r.AuthorizationCode)
	return m
}

// SignTR3 renders a TR3 message in GBK and signs the exact body bytes with
// the platform key (E-BILL99-TR3-SIGNATURE, E-BILL99-TR3-DECL).
func SignTR3(key *rsa.PrivateKey, m *Node) (body []byte, signature string, err error) {
	body, err = EncodeGBK(m)
	if err != nil {
		return nil, "", err
	}
	sig, err := rsasig.Sign(nil, key, body)
	if err != nil {
		return nil, "", fmt.Errorf("bill99: sign TR3: %w", err)
	}
	return body, rsasig.EncodeSignature(sig), nil
}

// VerifyTR3Signature checks the signature of a TR3 notice over the exact
// body bytes with the platform certificate's key: the first thing a
// merchant does, before it believes any byte of the body.
func VerifyTR3Signature(pub *rsa.PublicKey, body []byte, signature string) error {
	if signature == "" {
		return fmt.Errorf("bill99: TR3 without %s header", SignatureHeader)
	}
	sig, err := rsasig.DecodeSignature(signature)
	if err != nil {
		return fmt.Errorf("bill99: TR3 signature: %w", err)
	}
	if err := rsasig.Verify(pub, body, sig); err != nil {
		return fmt.Errorf("bill99: TR3: %w", err)
	}
	return nil
}

// TR3Findings judges a (signature-checked) TR3 notice's fields against the
// §5.3.2 table iface (the catalogue's tr3_notice): presence, lengths,
// shapes. Unknown and duplicated elements are left out, as the simulator
// leaves them for requests (a notice may gain elements); an unparsable
// body has no findings here (VerifyTR3 refuses it).
func TR3Findings(iface catalog.Interface, body []byte) []catalog.Finding {
	doc, err := Parse(body)
	if err != nil {
		return nil
	}
	var out []catalog.Finding
	for _, f := range ValidateRequest(iface, doc.Root) {
		if f.Rule != "unknown" && f.Rule != "duplicate" {
			out = append(out, f)
		}
	}
	return out
}

// VerifyTR3 checks a TR3 notice as a merchant must: the signature over the
// exact body bytes with the platform certificate's key, then the message
// itself (a TxnMsgContent with interactiveStatus TR3). It returns the notice.
func VerifyTR3(pub *rsa.PublicKey, body []byte, signature string) (TxnResult, error) {
	if err := VerifyTR3Signature(pub, body, signature); err != nil {
		return TxnResult{}, err
	}
	doc, err := Parse(body)
	if err != nil {
		return TxnResult{}, fmt.Errorf("bill99: TR3 body: %w", err)
	}
	c := doc.Root.Child(ElTxn)
	if c == nil {
		return TxnResult{}, errors.New("bill99: TR3 without TxnMsgContent")
	}
	r := TxnResultOf(c)
	if r.InteractiveStatus != StatusTR3 || r.RefNumber == "" {
		return TxnResult{}, fmt.Errorf("bill99: not a TR3 (interactiveStatus %q, refNumber %q)", r.InteractiveStatus, r.RefNumber)
	}
	return r, nil
}

// CheckTR4 reports whether body is a correct TR4 for the TR3 tr3
// (E-BILL99-TR3-RESEND): a MasMessage TxnMsgContent, interactiveStatus
// TR4, same refNumber and merchantId.
func CheckTR4(tr3 TxnResult, body []byte) error {
	doc, err := Parse(body)
	if err != nil {
		return fmt.Errorf("TR4: %w", err)
	}
	c := doc.Root.Child(ElTxn)
	if c == nil {
		return errors.New("TR4 without TxnMsgContent")
	}
	if s := c.Get("interactiveStatus"); s != StatusTR4 {
		return fmt.Errorf("TR4 interactiveStatus %q, want TR4", s)
	}
	if got := c.Get("refNumber"); got != tr3.RefNumber {
		return fmt.Errorf("TR4 refNumber %q, TR3 had %q", got, tr3.RefNumber)
	}
	if got := c.Get("merchantId"); got != tr3.MerchantID {
		return fmt.Errorf("TR4 merchantId %q, TR3 had %q", got, tr3.MerchantID)
	}
	return nil
}
