package kakatongsim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"paycert/codecs/gbk"
	"paycert/platforms/kakatong"
	"paycert/platforms/sim"
)

func newStrict(t *testing.T) *Simulator {
	t.Helper()
	s, err := New(sim.Options{Clock: sim.NewManualClock(time.Date(2026, 1, 5, 10, 0, 0, 0, cst)), Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// infoParams is a cIRequest updating the holder's Chinese name.
func infoParams(name string) map[string]string {
	return map[string]string{"LANG": "GB2312", "LICENSEKEY": LicenceKey, "COPNO": CopNo, "CARDNO": CardFirst, "USR_CH_NAME": name}
}

// TestHolderLengthsCountGB2312Bytes: the 64 of a holder field is GB2312
// bytes, so 32 Chinese characters fit and are stored, 33 do not, over REST
// and SOAP alike; strict mode records only the over-long one, naming the
// parameter, the value and the section.
func TestHolderLengthsCountGB2312Bytes(t *testing.T) {
	cases := []struct {
		name, value string
		ok          bool
	}{
		{"32 Chinese characters (64 bytes)", strings.Repeat("张", 32), true},
		{"22 Chinese characters (44 bytes, 66 in UTF-8)", strings.Repeat("张", 22), true},
		{"33 Chinese characters (66 bytes)", strings.Repeat("张", 33), false},
		{"63 letters and one character (65 bytes)", strings.Repeat("a", 63) + "张", false},
		{"64 letters", strings.Repeat("a", 64), true},
	}
	op, _ := kakatong.OperationFor(kakatong.MethodInfo)
	for _, tc := range cases {
		for _, soap := range []bool{false, true} {
			s := newStrict(t)
			var body []byte
			if soap {
				p := map[string]string{}
				rest := infoParams(tc.value)
				for _, name := range op.Params {
					rn := name
					if r, ok := op.REST[name]; ok {
						rn = r
					}
					if v, ok := rest[rn]; ok {
						p[name] = v
					}
				}
				req, err := kakatong.BuildSOAPRequest(op, p, "GB2312")
				if err != nil {
					t.Fatal(err)
				}
				rec := httptest.NewRecorder()
				r := httptest.NewRequest(http.MethodPost, kakatong.SOAPPath, bytes.NewReader(req))
				r.Header.Set("Content-Type", kakatong.SOAPContentType("GB2312", ""))
				s.ServeHTTP(rec, r)
				body = rec.Body.Bytes()
			} else {
				q := url.Values{"method": {kakatong.MethodInfo}}
				for k, v := range infoParams(tc.value) {
					q.Set(k, v)
				}
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, kakatong.RESTPath+"?"+q.Encode(), nil))
				body = rec.Body.Bytes()
			}
			s.mu.Lock()
			stored := s.cards[CardFirst].info.ChName
			s.mu.Unlock()
			if got := stored == tc.value; got != tc.ok {
				t.Errorf("%s (soap=%v): stored=%v, want %v; reply %s", tc.name, soap, got, tc.ok, body)
			}
			var tooLong []sim.Violation
			for _, v := range s.Violations() {
				if v.Rule == "parameter-too-long" {
					tooLong = append(tooLong, v)
				}
			}
			// SOAP parameters are judged as REST ones (the SOAP
			// operation names them alike for cIRequest).
			switch {
			case tc.ok && len(tooLong) != 0:
				t.Errorf("%s (soap=%v): a value within 64 GB2312 bytes was recorded: %+v", tc.name, soap, tooLong)
			case !tc.ok && (len(tooLong) != 1 || tooLong[0].Path != "USR_CH_NAME" || tooLong[0].Code != kakatong.CodeFailed || tooLong[0].Value == "" ||
				!strings.HasPrefix(tooLong[0].Detail, "USR_CH_NAME: parameter-too-long: at most 64 GB2312 bytes") ||
				tooLong[0].Section != "000 修改/查询个人信息接口规范"):
				t.Errorf("%s (soap=%v): recorded %+v, want one parameter-too-long naming USR_CH_NAME, its value, section and code 00", tc.name, soap, tooLong)
			}
		}
	}
}

// TestSOAPCharsetMismatch: a body not in the charset it declares is
// refused as a charset mismatch (非法操作) before any parameter is judged
// (its over-long name is never reported), and recorded once in strict mode
// naming the parameter; a body in its declared charset is served.
func TestSOAPCharsetMismatch(t *testing.T) {
	op, _ := kakatong.OperationFor(kakatong.MethodInfo)
	params := func(name string) map[string]string {
		p := map[string]string{}
		rest := infoParams(name)
		for _, n := range op.Params {
			rn := n
			if r, ok := op.REST[n]; ok {
				rn = r
			}
			if v, ok := rest[rn]; ok {
				p[n] = v
			}
		}
		return p
	}
	utf8Body, err := kakatong.BuildSOAPRequest(op, params(strings.Repeat("张", 40)), kakatong.CharsetUTF8)
	if err != nil {
		t.Fatal(err)
	}
	gbBody, err := kakatong.BuildSOAPRequest(op, params("张三"), "GB2312")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(utf8Body, []byte(`encoding="UTF-8"`)) || !bytes.Contains(gbBody, []byte(`encoding="GB2312"`)) {
		t.Fatalf("BuildSOAPRequest declarations changed:\n%s\n%s", utf8Body[:60], gbBody[:60])
	}
	noDecl := func(b []byte) []byte { return b[bytes.Index(b, []byte("?>"))+2:] }
	cases := []struct {
		name, ct string
		body     []byte
		mismatch string // "" = served
	}{
		{"UTF-8 declared GB2312 in the XML declaration", "GB2312", bytes.Replace(utf8Body, []byte(`encoding="UTF-8"`), []byte(`encoding="GB2312"`), 1), "declared GB2312, the body is UTF-8"},
		{"UTF-8 declared GB2312 by Content-Type only", "GB2312", noDecl(utf8Body), "declared GB2312, the body is UTF-8"},
		{"GB2312 declared UTF-8", "UTF-8", bytes.Replace(gbBody, []byte(`encoding="GB2312"`), []byte(`encoding="UTF-8"`), 1), "declared UTF-8, the body is not UTF-8"},
		{"GB2312 declared GB2312", "GB2312", gbBody, ""},
		{"GB2312 by Content-Type only", "GB2312", noDecl(gbBody), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStrict(t)
			rec := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, kakatong.SOAPPath, bytes.NewReader(tc.body))
			r.Header.Set("Content-Type", kakatong.SOAPContentType(tc.ct, ""))
			s.ServeHTTP(rec, r)
			vs := s.Violations()
			if tc.mismatch == "" {
				if rec.Code != http.StatusOK || len(vs) != 0 {
					t.Fatalf("a body in its declared charset: HTTP %d, violations %+v\n%s", rec.Code, vs, rec.Body)
				}
				if got := s.cards[CardFirst].info.ChName; got != "张三" {
					t.Fatalf("stored name %q", got)
				}
				return
			}
			// E-KAKATONG-CHARSET-CODE: the operation is still answered,
			// with 非法操作, and the parameter holding the misread text is
			// the one recorded.
			reply, err := kakatong.ParseSOAPReply(op, rec.Header().Get("Content-Type"), rec.Body.Bytes())
			if rec.Code != http.StatusOK || err != nil || reply.Code() != kakatong.CodeIllegal {
				t.Fatalf("HTTP %d (%v), want 200 answering 非法操作: %s", rec.Code, err, rec.Body)
			}
			if len(vs) != 1 || vs[0].Rule != "charset-mismatch" || vs[0].Path != "USR_CH_NAME" || vs[0].Code != kakatong.CodeIllegal || vs[0].Value == "" ||
				!strings.Contains(vs[0].Detail, tc.mismatch) || !strings.Contains(vs[0].Detail, "(000 SOAP示范") {
				t.Fatalf("recorded %+v, want one charset-mismatch naming USR_CH_NAME, its value and code, citing the SOAP sample", vs)
			}
			if s.cards[CardFirst].info.ChName != "" {
				t.Fatal("a refused body changed the holder")
			}
		})
	}
}

// TestGBKLen pins the unit: GB2312 bytes, UTF-8 bytes when GBK cannot
// encode the string.
func TestGBKLen(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"abc", 3}, {"张三", 4}, {"a张", 3}, {"😀", 4}} {
		if got := kakatong.GBKLen(tc.s); got != tc.want {
			t.Errorf("GBKLen(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
	if b, _ := gbk.EncodeString("张"); len(b) != 2 {
		t.Fatal("codecs/gbk changed")
	}
}
