package hzcard

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"paycert/platforms/catalog"
)

// checkFieldsMaps is CheckFields as it was before it looked members up in
// the sign-domain scan: every object decoded into a map. It is the oracle
// the scan-based checker must agree with, problems and details included.
func checkFieldsMaps(iface catalog.Interface, dir catalog.Direction, msg []byte) []Problem {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(msg, &top); err != nil {
		return []Problem{{Path: "", Rule: "not-json", Detail: err.Error()}}
	}
	var data map[string]json.RawMessage
	if raw, ok := top["data"]; ok {
		b, err := DataBytes(raw)
		if err != nil {
			return []Problem{{Path: "data", Rule: "not-object", Detail: err.Error()}}
		}
		if b != nil {
			if err := json.Unmarshal(b, &data); err != nil {
				return []Problem{{Path: "data", Rule: "not-object", Detail: err.Error()}}
			}
		}
	}
	var out []Problem
	for _, f := range iface.Fields {
		if f.Dir != dir {
			continue
		}
		switch {
		case f.Path == "data":
			continue
		case strings.Contains(f.Path, "[]."):
			list, member, _ := strings.Cut(strings.TrimPrefix(f.Path, "data."), "[].")
			raw, ok := data[list]
			if !ok {
				continue
			}
			var items []map[string]json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				out = append(out, Problem{Path: "data." + list, Rule: "not-list", Detail: err.Error()})
				continue
			}
			for i, it := range items {
				out = append(out, checkValue(f, fmt.Sprintf("data.%s[%d].%s", list, i, member), members{m: it}, member)...)
			}
		case strings.HasPrefix(f.Path, "data."):
			out = append(out, checkValue(f, f.Path, members{m: data}, strings.TrimPrefix(f.Path, "data."))...)
		default:
			out = append(out, checkValue(f, f.Path, members{m: top}, f.Path)...)
		}
	}
	return out
}

// sameAsMaps fails t when CheckFields and the map oracle disagree on msg
// for any interface and direction.
func sameAsMaps(t *testing.T, cat *catalog.Catalogue, msg []byte) {
	t.Helper()
	for _, it := range cat.Interfaces {
		for _, dir := range []catalog.Direction{catalog.Request, catalog.Reply} {
			got, want := CheckFields(it, dir, msg), checkFieldsMaps(it, dir, msg)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s of %q:\n got %v\nwant %v", it.Name, dir, msg, got, want)
			}
		}
	}
}

func TestCheckFieldsAsMaps(t *testing.T) {
	cat := Catalogue()
	for _, msg := range []string{
		`{"joininstid":"00000001","data":{"cardno":"3305000000000001","txnamt":"1000","apdunum":2,"apdulist":["9000","9000"]},"sign":""}`,
		`{"result":"000000","resultdesc":"成功","data":{"orderno":"1","apdunum":"1","apdulist":"9000"},"sign":"AB"}`,
		`{"data":"{\"cardno\":\"1\"}","sign":"AB"}`,
		`{"data":"{\"cardno\":","sign":"AB"}`,
		`{"data":{"cardno":"1","cardno":"22"},"data":{"orderno":null},"sign":""}`,
		`{"sign":"a","sign":"b","reqdate":"2026"}`,
		`{"sign":1}`, `null`, `[]`, `{"data":[]}`, `{"data":" "}`, `{"d\u0061ta":{"c\u0061rdno":"x"}}`,
		`{"data":{"orderlist":[{"orderno":1}]}}`,
	} {
		sameAsMaps(t, cat, []byte(msg))
	}
}
