package ipos

import (
	"fmt"
	"strings"
	"time"

	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
	"paycert/platforms/catalog"
)

// TimeLayout is trans_time's yyyymmddhh24miss.
const TimeLayout = "20060102150405"

// DayLayout is daily_day's, s_time's and e_time's yyyymmdd.
const DayLayout = "20060102"

// Length limits that errata replace (E-IPOS-REDEEM-POSSEQ-LEN,
// E-IPOS-GOODS-NO-LEN): the table's figure contradicts its own sample.
func erratumMaxLen(path string) (int, bool) {
	switch path {
	case Root + "/verify_info/redeem/pos_seq", Root + "/daily_info/goods_list/goods_custom_no":
		return 32, true
	}
	return 0, false
}

// CheckResult checks what every reply must carry whatever its outcome: the
// GBK declaration, a four-character result/id and a non-empty
// result/comment of at most 64 bytes (002 §4, every table). It returns
// every finding; none means the envelope conforms.
func CheckResult(r *Reply) []catalog.Finding {
	var fs []catalog.Finding
	if enc := r.Doc.Encoding(); enc != gbkxml.GBK {
		fs = append(fs, catalog.Finding{Path: Root, Rule: "charset", Section: "002 §2",
			Detail: fmt.Sprintf("reply is declared %s (%q); 002 §2 sets the charset to GBK", enc, r.Doc.EncodingLabel())})
	}
	if id, ok := r.Doc.Root().Get("result/id"); !ok {
		fs = append(fs, catalog.Finding{Path: Root + "/result/id", Rule: "missing", Section: "002 §4",
			Detail: "result/id must be present with 4 characters"})
	} else if len(id) != 4 {
		fs = append(fs, catalog.Finding{Path: Root + "/result/id", Rule: "format", Section: "002 §4",
			Detail: fmt.Sprintf("result/id must have 4 characters, got %q", id)})
	}
	if c, ok := r.Doc.Root().Get("result/comment"); !ok || c == "" {
		fs = append(fs, catalog.Finding{Path: Root + "/result/comment", Rule: "missing", Section: "002 §4",
			Detail: "result/comment must be present and non-empty (响应码解释, 必填)"})
	} else if n := GBKLen(c); n > 64 {
		fs = append(fs, catalog.Finding{Path: Root + "/result/comment", Rule: "too-long", Section: "002 §4",
			Detail: fmt.Sprintf("result/comment is %d GBK bytes, over String(64)", n)})
	}
	return fs
}

// CheckReply checks a successful reply to req field by field against the
// interface's reply table in cat: every required (and applicable
// conditional) element present, every present element within its type and
// length, the echoes of isspid/pos_id/pos_seq/transaction_id, the time
// formats and the sums. It returns every finding, each with the element's
// path, the rule and the seed section; none means the reply conforms.
// Decoding the body is DecodeReply's job (iPos replies carry no MAC,
// erratum E-IPOS-REPLY-MAC). For a failure reply use CheckResult: a
// platform answering an access error may not know the request's fields to
// echo.
func CheckReply(cat *catalog.Catalogue, req Request, r *Reply) []catalog.Finding {
	it, ok := cat.Interface(req.Interface)
	if !ok {
		return []catalog.Finding{{Rule: "unknown-interface", Detail: fmt.Sprintf("no interface %q in the catalogue", req.Interface)}}
	}
	root := r.Doc.Root()
	var fs []catalog.Finding
	bad := func(path, rule, section, format string, a ...any) {
		fs = append(fs, catalog.Finding{Path: path, Rule: rule, Detail: fmt.Sprintf(format, a...), Section: section})
	}

	want := ResponseType(req.Interface)
	if r.ResponseType != want && !(req.Interface == CardDaily && r.ResponseType == RequestType(CardDaily)) {
		bad(Root+"/response_type", "mismatch", it.Section, "response_type must be %s, got %q", want, r.ResponseType)
	}
	fs = append(fs, CheckResult(r)...)
	applies := func(f catalog.Field) bool {
		switch f.Condition {
		case verifySuccessCondition, consumeSuccessCondtn:
			return r.Result.OK()
		case amountTypeCondition:
			return r.Query != nil && r.Query.UseType == "0"
		case timesTypeCondition:
			return r.Query != nil && r.Query.UseType == "1"
		case verifiedCondition:
			return r.Query != nil && (r.Query.VaStatus == "2" || r.Query.VaStatus == "3")
		}
		return false
	}
	for _, f := range it.Fields {
		if f.Dir != catalog.Reply {
			continue
		}
		rel := strings.TrimPrefix(f.Path, Root+"/")
		nodes := nodesAt(root, rel)
		mustHave := f.Presence == catalog.Required || (f.Presence == catalog.Conditional && applies(f))
		if mustHave && len(nodes) == 0 {
			// A repeated row's fields are required in each row that exists;
			// the row itself is counted by its own rule.
			if !strings.Contains(rel, "/redeem/") || len(nodesAt(root, "verify_info/redeem")) == 0 {
				bad(f.Path, "missing", it.Section, "%s is required%s but absent", rel, cond(f))
			}
		}
		if f.Type == "array" {
			continue
		}
		max := f.MaxLen
		if m, ok := erratumMaxLen(f.Path); ok {
			max = m
		}
		for _, n := range nodes {
			if mustHave && strings.Contains(rel, "/redeem/") && n.Text == "" {
				bad(f.Path, "missing", it.Section, "%s is required in every redeem row", rel)
			}
			if max > 0 {
				if l := GBKLen(n.Text); l > max {
					bad(f.Path, "too-long", it.Section, "%s is %d GBK bytes, over %s(%d): %q", rel, l, f.Type, max, n.Text)
				}
			}
			if f.Type == "Number" && n.Text != "" && !catalog.IsDigits(n.Text) {
				bad(f.Path, "format", it.Section, "%s must be a Number, got %q", rel, n.Text)
			}
		}
	}
	// Every row of a repeated group must carry its required fields.
	if applies(catalog.Field{Condition: verifiedCondition}) {
		for i, rd := range root.Find("verify_info").All("redeem") {
			for _, name := range []string{"store_id", "pos_id", "pos_seq", "store_name", "trans_time"} {
				if rd.Child(name) == nil {
					bad(fmt.Sprintf("%s/verify_info/redeem[%d]/%s", Root, i+1, name), "missing", "002 §4.2",
						"verify_info/redeem[%d]/%s is required", i+1, name)
				}
			}
		}
		if r.Verify != nil && r.Verify.Count != fmt.Sprint(len(r.Verify.Redeems)) {
			bad(Root+"/verify_info/count", "mismatch", "002 §4.2", "verify_info/count %q must equal the number of redeem rows (%d)", r.Verify.Count, len(r.Verify.Redeems))
		}
	}

	for _, echo := range []string{"isspid", "pos_id", "pos_seq", "transaction_id"} {
		sent, ok := req.Get(echo)
		if !ok {
			continue
		}
		if !hasReplyField(it, echo) {
			continue
		}
		if got, present := root.Get(echo); present && got != sent {
			bad(Root+"/"+echo, "mismatch", it.Section, "%s must echo the request's %q, got %q", echo, sent, got)
		}
	}
	if v, ok := root.Get("trans_time"); ok {
		if _, err := time.Parse(TimeLayout, v); err != nil {
			bad(Root+"/trans_time", "format", it.Section, "trans_time %q is not yyyymmddhh24miss", v)
		}
	}
	if r.Query != nil && r.Query.EndUseTime != "" {
		if _, err := time.Parse(TimeLayout, r.Query.EndUseTime); err != nil {
			bad(Root+"/query_info/end_use_time", "format", it.Section, "query_info/end_use_time %q is not yyyymmddhh24miss", r.Query.EndUseTime)
		}
	}
	if r.Query != nil && r.Result.OK() {
		if r.Query.UseType != "0" && r.Query.UseType != "1" {
			bad(Root+"/query_info/use_type", "format", it.Section, "query_info/use_type must be 0 or 1, got %q", r.Query.UseType)
		}
		if !strings.Contains("0123", r.Query.VaStatus) || len(r.Query.VaStatus) != 1 {
			bad(Root+"/query_info/va_status", "format", it.Section, "query_info/va_status must be 0, 1, 2 or 3, got %q", r.Query.VaStatus)
		}
	}
	if req.Interface == CardVerify && r.Addition != nil && r.Addition.TxAmt != "" {
		if sent, ok := req.Get("card_verify_request/tx_amt"); ok && sent != r.Addition.TxAmt {
			bad(Root+"/addition_info/tx_amt", "mismatch", it.Section, "addition_info/tx_amt %q must equal the request's tx_amt %q", r.Addition.TxAmt, sent)
		}
	}
	if r.Info != nil && r.Result.OK() && r.Info.Type == "3" {
		bal, b1 := atoi(r.Info.Balance)
		amt, b2 := atoi(r.Info.Amount)
		over, b3 := atoi(r.Info.Overplus)
		if !b1 || !b2 || !b3 || bal-amt != over {
			bad(Root+"/info/overplus", "mismatch", it.Section, "info: balance %q - amount %q must equal overplus %q", r.Info.Balance, r.Info.Amount, r.Info.Overplus)
		}
	}
	return fs
}

func cond(f catalog.Field) string {
	if f.Condition == "" {
		return ""
	}
	return ", when " + f.Condition
}

func hasReplyField(it catalog.Interface, rel string) bool {
	// it.Fields filtered in place: FieldsFor's copy was 5 % of the bytes a
	// load run allocated (every sampled reply asks this several times).
	for _, f := range it.Fields {
		if f.Dir == catalog.Reply && len(f.Path) == len(Root)+1+len(rel) && strings.HasPrefix(f.Path, Root+"/") && strings.HasSuffix(f.Path, rel) {
			return true
		}
	}
	return false
}

// nodesAt returns every element at a path, following repeated elements
// ("list/row/id" yields the id of every row).
func nodesAt(n *gbkxml.Node, path string) []*gbkxml.Node {
	cur := []*gbkxml.Node{n}
	for _, seg := range strings.Split(path, "/") {
		var next []*gbkxml.Node
		for _, c := range cur {
			next = append(next, c.All(seg)...)
		}
		cur = next
	}
	return cur
}

// GBKLen is the length of s in GBK bytes, which is what the tables'
// String(n) and Number(n) limits count (002 §2: the charset is GBK). A
// string GBK cannot encode counts its UTF-8 bytes; the charset check
// reports it elsewhere.
func GBKLen(s string) int {
	b, err := gbk.EncodeString(s)
	if err != nil {
		return len(s) // not GBK-encodable: count UTF-8 bytes, the GBK check fails elsewhere
	}
	return len(b)
}

func atoi(s string) (int64, bool) {
	if !catalog.IsDigits(s) || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// ParseFen parses an amount in fen: decimal digits, at most 16 (Number(16)).
func ParseFen(s string) (int64, bool) {
	if len(s) > 16 {
		return 0, false
	}
	return atoi(s)
}
