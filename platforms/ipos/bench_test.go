package ipos_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"io"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
	"paycert/platforms/ipos"
)

// The benchmarks of issue 2 that land with the message types: the load
// runner's hot path on each side of a card_verify, against the standard
// library doing the same job (encoding/xml + x/text GBK + md5 of the
// concatenation). Values are the seed's own sample (002 §4.3).

var benchKey = []byte("654321")

func benchVerify() ipos.CardVerifyRequest {
	return ipos.CardVerifyRequest{Header: ipos.Header{ISSPID: "39493002", PosID: "1511300001", StoreID: "1511300001",
		PosSeq: "1511300000001", UserID: "user01", SystemID: "8888"},
		ValidInfo: "1234567890123456", EncodeType: "099", TxAmt: "1000"}
}

// stdVerifyRequest is the same request for encoding/xml.
type stdVerifyRequest struct {
	XMLName     xml.Name `xml:"business_trans"`
	RequestType string   `xml:"request_type"`
	ISSPID      string   `xml:"isspid"`
	PosID       string   `xml:"pos_id"`
	StoreID     string   `xml:"store_id"`
	PosSeq      string   `xml:"pos_seq"`
	UserID      string   `xml:"user_id,omitempty"`
	SystemID    string   `xml:"system_id"`
	Body        struct {
		ValidInfo  string `xml:"valid_info"`
		EncodeType string `xml:"encode_type,omitempty"`
		TxAmt      string `xml:"tx_amt,omitempty"`
	} `xml:"card_verify_request"`
}

func stdRequest(q ipos.CardVerifyRequest) *stdVerifyRequest {
	s := &stdVerifyRequest{RequestType: "card_verify_request", ISSPID: q.ISSPID, PosID: q.PosID, StoreID: q.StoreID,
		PosSeq: q.PosSeq, UserID: q.UserID, SystemID: q.SystemID}
	s.Body.ValidInfo, s.Body.EncodeType, s.Body.TxAmt = q.ValidInfo, q.EncodeType, q.TxAmt
	return s
}

const gbkDecl = `<?xml version="1.0" encoding="GBK"?>`

func stdEncode(s *stdVerifyRequest) ([]byte, string, error) {
	u, err := xml.Marshal(s)
	if err != nil {
		return nil, "", err
	}
	x, err := simplifiedchinese.GBK.NewEncoder().Bytes(append([]byte(gbkDecl), u...))
	if err != nil {
		return nil, "", err
	}
	concat := make([]byte, 0, 2*len(benchKey)+len(x))
	concat = append(append(append(concat, benchKey...), x...), benchKey...)
	sum := md5.Sum(concat)
	return x, hex.EncodeToString(sum[:]), nil
}

func BenchmarkIPosRequestEncode(b *testing.B) {
	q := benchVerify()
	b.Run("paycert", func(b *testing.B) {
		var w gbkxml.Writer
		buf := make([]byte, 0, 512)
		var m []byte
		b.ReportAllocs()
		for b.Loop() {
			x, err := q.AppendXML(&w, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
			m = mac.AppendIPos(m[:0], benchKey, x)
			buf = x
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := stdEncode(stdRequest(q)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// stdVerifyReply is card_verify_response for encoding/xml.
type stdVerifyReply struct {
	XMLName      xml.Name `xml:"business_trans"`
	ResponseType string   `xml:"response_type"`
	ISSPID       string   `xml:"isspid"`
	PosID        string   `xml:"pos_id"`
	PosSeq       string   `xml:"pos_seq"`
	SysSeq       string   `xml:"sys_seq"`
	TransTime    string   `xml:"trans_time"`
	SystemID     string   `xml:"system_id"`
	Addition     *struct {
		PrintText string `xml:"print_text"`
		TxAmt     string `xml:"tx_amt"`
	} `xml:"addition_info"`
	Query *struct {
		OrderID        string `xml:"order_id"`
		BatchNo        string `xml:"batch_no"`
		BatchName      string `xml:"batch_name"`
		BatchShortName string `xml:"batch_short_name"`
		UseType        string `xml:"use_type"`
		VaStatus       string `xml:"va_status"`
		EndUseTime     string `xml:"end_use_time"`
		RemainAmt      string `xml:"remain_amt"`
		RemainTimes    string `xml:"remain_times"`
		Price          string `xml:"price"`
	} `xml:"query_info"`
	Result struct {
		ID      string `xml:"id"`
		Comment string `xml:"comment"`
	} `xml:"result"`
}

func stdDecode(b []byte) (*stdVerifyReply, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		return transform.NewReader(in, simplifiedchinese.GBK.NewDecoder()), nil
	}
	var r stdVerifyReply
	return &r, d.Decode(&r)
}

func BenchmarkIPosResponseDecode(b *testing.B) {
	body := readSample(b, "card_verify_response")
	b.Run("paycert", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := ipos.DecodeReply(body)
			if err != nil || r.Query == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := stdDecode(body)
			if err != nil || r.Query == nil {
				b.Fatal(err)
			}
		}
	})
}

// Both sides must produce the same thing, or the comparison means nothing.
func TestBenchBaselinesAgree(t *testing.T) {
	q := benchVerify()
	var w gbkxml.Writer
	x, err := q.AppendXML(&w, nil)
	if err != nil {
		t.Fatal(err)
	}
	sx, smac, err := stdEncode(stdRequest(q))
	if err != nil {
		t.Fatal(err)
	}
	if string(x) != string(sx) || mac.IPos(benchKey, x) != smac {
		t.Errorf("paycert and stdlib encodings differ:\n%s\n%s", x, sx)
	}
	body := readSample(t, "card_verify_response")
	r, err := ipos.DecodeReply(body)
	if err != nil {
		t.Fatal(err)
	}
	s, err := stdDecode(body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Query.BatchName != s.Query.BatchName || r.Addition.PrintText != s.Addition.PrintText || r.Result != (ipos.Result(s.Result)) ||
		r.Query.RemainAmt != s.Query.RemainAmt || r.TransTime != s.TransTime {
		t.Errorf("decoders disagree: %+v %+v / %+v %+v", r.Query, r.Result, s.Query, s.Result)
	}
}
