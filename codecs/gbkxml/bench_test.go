package gbkxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// The benchmark message: seed 002's bind_pos_request (4.1), 16 elements,
// with Chinese store fields, as a typed struct both sides fill or read.
const benchMessageUTF8 = `<?xml version="1.0" encoding="GBK"?><business_trans>` +
	`<request_type>bind_pos_request</request_type><isspid>39493002</isspid><pos_id>1511300001</pos_id>` +
	`<pos_seq>1511300000001</pos_seq><user_id>user01</user_id><system_id>8888</system_id>` +
	`<store_info><store_id>1511300001</store_id><store_name>门店名称</store_name><store_addr>福建省福州市鼓楼区门店地址</store_addr>` +
	`<contact>门店联系人</contact><contact_tel>13900000000</contact_tel><province>福建</province><city>福州</city><town>鼓楼</town>` +
	`</store_info></business_trans>`

type benchStore struct {
	StoreID    string `xml:"store_id"`
	StoreName  string `xml:"store_name"`
	StoreAddr  string `xml:"store_addr"`
	Contact    string `xml:"contact"`
	ContactTel string `xml:"contact_tel"`
	Province   string `xml:"province"`
	City       string `xml:"city"`
	Town       string `xml:"town"`
}

type benchRequest struct {
	XMLName     xml.Name   `xml:"business_trans"`
	RequestType string     `xml:"request_type"`
	ISSPID      string     `xml:"isspid"`
	PosID       string     `xml:"pos_id"`
	PosSeq      string     `xml:"pos_seq"`
	UserID      string     `xml:"user_id"`
	SystemID    string     `xml:"system_id"`
	Store       benchStore `xml:"store_info"`
}

var benchReq = benchRequest{
	RequestType: "bind_pos_request", ISSPID: "39493002", PosID: "1511300001", PosSeq: "1511300000001",
	UserID: "user01", SystemID: "8888",
	Store: benchStore{StoreID: "1511300001", StoreName: "门店名称", StoreAddr: "福建省福州市鼓楼区门店地址",
		Contact: "门店联系人", ContactTel: "13900000000", Province: "福建", City: "福州", Town: "鼓楼"},
}

func writeBenchRequest(w *Writer, r *benchRequest) {
	w.Start("business_trans")
	w.Element("request_type", r.RequestType)
	w.Element("isspid", r.ISSPID)
	w.Element("pos_id", r.PosID)
	w.Element("pos_seq", r.PosSeq)
	w.Element("user_id", r.UserID)
	w.Element("system_id", r.SystemID)
	w.Start("store_info")
	s := &r.Store
	w.Element("store_id", s.StoreID)
	w.Element("store_name", s.StoreName)
	w.Element("store_addr", s.StoreAddr)
	w.Element("contact", s.Contact)
	w.Element("contact_tel", s.ContactTel)
	w.Element("province", s.Province)
	w.Element("city", s.City)
	w.Element("town", s.Town)
	w.End("store_info")
	w.End("business_trans")
}

func readBenchRequest(doc *Doc, r *benchRequest) {
	root := doc.Root()
	r.RequestType, _ = root.Get("request_type")
	r.ISSPID, _ = root.Get("isspid")
	r.PosID, _ = root.Get("pos_id")
	r.PosSeq, _ = root.Get("pos_seq")
	r.UserID, _ = root.Get("user_id")
	r.SystemID, _ = root.Get("system_id")
	st := root.Child("store_info")
	s := &r.Store
	s.StoreID, _ = st.Get("store_id")
	s.StoreName, _ = st.Get("store_name")
	s.StoreAddr, _ = st.Get("store_addr")
	s.Contact, _ = st.Get("contact")
	s.ContactTel, _ = st.Get("contact_tel")
	s.Province, _ = st.Get("province")
	s.City, _ = st.Get("city")
	s.Town, _ = st.Get("town")
}

// stdlibWrite is the obvious way with the standard library: marshal to
// UTF-8, transcode with x/text, prepend the declaration.
func stdlibWrite(r *benchRequest) ([]byte, error) {
	body, err := xml.Marshal(r)
	if err != nil {
		return nil, err
	}
	gbkBody, err := simplifiedchinese.GBK.NewEncoder().Bytes(body)
	if err != nil {
		return nil, err
	}
	return append([]byte(`<?xml version="1.0" encoding="GBK"?>`), gbkBody...), nil
}

// stdlibRead: encoding/xml with an x/text CharsetReader for the declared GBK.
func stdlibRead(b []byte, r *benchRequest) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if !strings.EqualFold(label, "GBK") {
			return nil, fmt.Errorf("charset %q", label)
		}
		return simplifiedchinese.GBK.NewDecoder().Reader(in), nil
	}
	return d.Decode(r)
}

// TestBenchmarkPeersAgree makes sure both benchmark sides do the same work:
// same bytes out, same struct in.
func TestBenchmarkPeersAgree(t *testing.T) {
	w := NewWriter(nil, GBK)
	writeBenchRequest(w, &benchReq)
	if err := w.Err(); err != nil {
		t.Fatal(err)
	}
	std, err := stdlibWrite(&benchReq)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Bytes(), std) {
		t.Fatalf("Writer and encoding/xml disagree:\n%q\n%q", w.Bytes(), std)
	}
	if !bytes.Equal(w.Bytes(), mustGBK(t, benchMessageUTF8)) {
		t.Fatal("Writer output differs from benchMessageUTF8")
	}
	var a, b benchRequest
	doc, err := Parse(std)
	if err != nil {
		t.Fatal(err)
	}
	readBenchRequest(doc, &a)
	if err := stdlibRead(std, &b); err != nil {
		t.Fatal(err)
	}
	a.XMLName, b.XMLName = xml.Name{}, xml.Name{}
	if a != b || a.Store != benchReq.Store {
		t.Fatalf("decoded structs differ:\n%+v\n%+v", a, b)
	}
}

func BenchmarkXMLWrite(b *testing.B) {
	size := int64(len(mustGBK(b, benchMessageUTF8)))
	b.Run("paycert", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		w := NewWriter(nil, GBK)
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			w.Reset(buf[:0], GBK)
			writeBenchRequest(w, &benchReq)
			if w.Err() != nil {
				b.Fatal(w.Err())
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdlibWrite(&benchReq); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkXMLParse(b *testing.B) {
	in := mustGBK(b, benchMessageUTF8)
	b.Run("paycert", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		var r benchRequest
		for b.Loop() {
			doc, err := Parse(in)
			if err != nil {
				b.Fatal(err)
			}
			readBenchRequest(doc, &r)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			var r benchRequest
			if err := stdlibRead(in, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
