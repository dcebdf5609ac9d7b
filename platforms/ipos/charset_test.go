package ipos_test

import (
	"strings"
	"testing"

	"paycert/codecs/gbk"
	"paycert/platforms/ipos"
)

func gbkBytes(t *testing.T, s string) string {
	t.Helper()
	b, err := gbk.EncodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCheckCharset(t *testing.T) {
	const gbkDecl, utf8Decl = `<?xml version="1.0" encoding="GBK"?>`, `<?xml version="1.0" encoding="UTF-8"?>`
	doc := func(decl, name string) []byte {
		return []byte(decl + "<business_trans><request_type>bind_pos_request</request_type><store_info><store_name>" +
			name + "</store_name></store_info></business_trans>")
	}
	// mixed is GBK text in one element and UTF-8 text in another: the
	// whole is neither, and the element that is UTF-8 is named.
	mixed := func(addr string) []byte {
		return []byte(gbkDecl + "<business_trans><store_info><store_name>" + gbkBytes(t, "翼码测试门店") +
			"</store_name><store_addr>" + addr + "</store_addr></store_info></business_trans>")
	}
	const name = ipos.Root + "/store_info/store_name"
	cases := []struct {
		name    string
		xml     []byte
		refused bool
		detail  string // part of the finding's detail
		path    string // the element named
	}{
		{"ASCII declared GBK", doc(gbkDecl, "shop"), false, "", ""},
		{"GBK declared GBK", doc(gbkDecl, gbkBytes(t, "翼码测试门店")), false, "", ""},
		{"GBK whose bytes are also UTF-8 (石 is CA AF)", doc(gbkDecl, gbkBytes(t, "石")), false, "", ""},
		{"UTF-8 declared UTF-8", doc(utf8Decl, "翼码测试门店"), false, "", ""},
		{"UTF-8 declared GBK, valid GBK by chance (mojibake)", doc(gbkDecl, "门店名称"), true, "is UTF-8", name},
		{"UTF-8 declared GBK, invalid GBK", doc(gbkDecl, "店"), true, "is not", name},
		{"UTF-8 declared GB2312", doc(`<?xml version="1.0" encoding='gb2312'?>`, "门店名称"), true, "is UTF-8", name},
		{"one UTF-8 element among GBK ones, valid GBK by chance", mixed("翼码"), true, "is UTF-8", ipos.Root + "/store_info/store_addr"},
		{"one UTF-8 element among GBK ones, invalid GBK", mixed("翼"), true, "is not", ipos.Root + "/store_info/store_addr"},
		{"GBK in every element", mixed(gbkBytes(t, "湖州市吴兴区")), false, "", ""},
		{"GBK declared UTF-8", doc(utf8Decl, gbkBytes(t, "翼码测试门店")), true, "not UTF-8", name},
		{"GBK without a declaration", doc("", gbkBytes(t, "翼码测试门店")), true, "without an encoding declaration", name},
		{"unsupported declaration", doc(`<?xml version="1.0" encoding="Big5"?>`, "\xa4\xa4"), true, `"Big5"`, ipos.Root},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ipos.CheckCharset(c.xml)
			if (f != nil) != c.refused {
				t.Fatalf("CheckCharset = %v, want refused %v", f, c.refused)
			}
			if f == nil {
				return
			}
			if f.Rule != "charset" || f.Section != "002 §2" || f.Path != c.path || !strings.Contains(f.Detail, c.detail) {
				t.Errorf("finding %v, want rule charset, section 002 §2, path %s, detail with %q", f, c.path, c.detail)
			}
		})
	}
}

// No Chinese text of the catalogue (meanings, samples, code texts), nor
// their concatenation, is taken for UTF-8 once in GBK: the UTF-8 test of
// CheckCharset does not refuse real GBK text.
func TestCheckCharsetGBKCorpus(t *testing.T) {
	c := ipos.Catalogue()
	var texts []string
	for _, it := range c.Interfaces {
		texts = append(texts, it.Title)
		for _, f := range it.Fields {
			texts = append(texts, f.Meaning, f.Sample)
		}
	}
	for _, k := range c.Codes {
		texts = append(texts, k.Text)
	}
	texts = append(texts, strings.Join(texts, ""))
	n := 0
	for _, s := range texts {
		b, err := gbk.EncodeString(s)
		if err != nil || len(b) == len(s) {
			continue // not GBK, or ASCII
		}
		n++
		x := `<?xml version="1.0" encoding="GBK"?><business_trans><a>` + string(b) + `</a></business_trans>`
		if f := ipos.CheckCharset([]byte(x)); f != nil {
			t.Errorf("GBK text %q refused: %v", s, f)
		}
	}
	if n < 100 {
		t.Fatalf("only %d Chinese texts checked", n)
	}
}

func TestRequestTypeOf(t *testing.T) {
	for x, want := range map[string]string{
		"<business_trans><request_type>card_verify_request</request_type>": ipos.CardVerify,
		"<business_trans><request_type>nope_request</request_type>":        "",
		"<business_trans><request_type>card_verify":                        "",
		"\xb5\xea<request_type>bind_pos_request</request_type>":            ipos.BindPos,
		"": "",
	} {
		if got := ipos.RequestTypeOf([]byte(x)); got != want {
			t.Errorf("RequestTypeOf(%q) = %q, want %q", x, got, want)
		}
	}
}
