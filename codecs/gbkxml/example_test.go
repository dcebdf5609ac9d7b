package gbkxml_test

import (
	"fmt"

	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
)

// Build an iPos-style request in GBK, wrap it as a form body with its MAC,
// and read it back the way a simulator would.
func Example() {
	w := gbkxml.NewWriter(nil, gbkxml.GBK)
	w.Start("business_trans")
	w.Element("request_type", "bind_pos_request")
	w.Start("store_info")
	w.Element("store_name", "门店名称")
	w.End("store_info")
	w.End("business_trans")
	if err := w.Err(); err != nil {
		panic(err)
	}
	key := []byte("654321")
	body := gbkxml.FormBody(nil, w.Bytes(), mac.IPos(key, w.Bytes()))

	xmlBytes, sum, err := gbkxml.ParseFormBody(body)
	if err != nil {
		panic(err)
	}
	fmt.Println("MAC ok:", mac.VerifyIPos(key, xmlBytes, sum))
	doc, err := gbkxml.Parse(xmlBytes)
	if err != nil {
		panic(err)
	}
	name, _ := doc.Root().Get("store_info/store_name")
	fmt.Println(doc.Encoding(), doc.Root().Name, name)
	_, ok := doc.Root().Get("result/id")
	fmt.Println("has result/id:", ok)
	// Output:
	// MAC ok: true
	// GBK business_trans 门店名称
	// has result/id: false
}

// A peer's broken GBK is reported at its offset in the bytes received.
func ExampleParse_error() {
	msg := append([]byte(`<?xml version="1.0" encoding="GBK"?><a>`), 0xB3, '<', '/', 'a', '>')
	_, err := gbkxml.Parse(msg)
	fmt.Println(err)
	s, _ := gbk.DecodeString([]byte{0xB3, 0xC9, 0xB9, 0xA6})
	fmt.Println(s)
	// Output:
	// gbkxml: offset 39: invalid GBK: lead byte 0xB3 is followed by '<' (0x3C), which cannot continue a character
	// 成功
}
