package hzcard

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"paycert/codecs/signdomain"
)

// Data returns the message's data member scanned as an object, and false
// when the message did not scan or has no data object (absent, null, or
// the string form, which DataBytes unwraps).
func (r Received) Data() (signdomain.Object, bool) {
	return r.data, r.hasData
}

// DecodeData decodes a scanned data object into v as json.Unmarshal
// would, for the data types of the charge flow (*OrderCreateReq,
// *ChargeReq, *APDUReply, *Times), when every member is a plain string
// (plainString: no escapes) under the exact json name of one of v's
// fields; it reports false, leaving v unchanged, for anything else (another
// type, a number, null, an array, an escape, an unknown or differently-cased
// key), which the caller then decodes with encoding/json. A load profile of
// hzcard-charge showed these decodes at ~2 % of a signed round trip.
func DecodeData(o signdomain.Object, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	p, ok := plans()[rv.Type().Elem()]
	if !ok || p.hasRaw {
		return false // an envelope, or a type the hand codecs do not know
	}
	return decodePlain(o, rv.Elem())
}

// decodePlain decodes o into v (addressable, a type plans() knows) as
// json.Unmarshal would, when every member is a plain string under the
// exact json name of one of v's fields, a json.RawMessage field taking any
// value as it is; it reports false, leaving v unchanged, for anything else.
func decodePlain(o signdomain.Object, v reflect.Value) bool {
	p, ok := plans()[v.Type()]
	if !ok {
		return false
	}
	// Every member is checked before any is set, so a decline leaves v as
	// it was; the fields found are remembered for the second pass (an
	// object with more members than any message type has fields is
	// declined: it has a duplicate, which encoding/json then reads).
	n := o.Len()
	var found [32]int
	if n > len(found) {
		return false
	}
	next := 0 // members mostly come in declaration order: try the next field before the map
	for i := range n {
		k, plain, val := o.Member(i)
		if !plain {
			return false
		}
		j := next
		if j >= len(p.list) || p.list[j].name != string(k) {
			var ok bool
			if j, ok = p.byName[string(k)]; !ok { // no allocation: a map lookup by string(bytes)
				return false
			}
		}
		next = j + 1
		switch f := &p.list[j]; {
		case f.raw:
			// any JSON value, embedded as it is
		case !plainString(val):
			return false
		case f.pointer && !v.FieldByIndex(f.index).IsNil():
			// encoding/json writes through a pointer field it finds set; a
			// nil one gets a fresh value per member, as here.
			return false
		}
		found[i] = j
	}
	for i := range n {
		_, _, val := o.Member(i)
		f := &p.list[found[i]]
		fv := v.FieldByIndex(f.index)
		switch {
		case f.raw:
			fv.SetBytes(append(json.RawMessage(nil), val...))
			continue
		case f.pointer:
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		fv.SetString(string(val[1 : len(val)-1])) // the last of duplicate keys wins, as in encoding/json
	}
	return true
}

// field is one field of a message type: its json name, where it is, and
// how it is written and read.
type field struct {
	name      string
	index     []int
	omitempty bool
	pointer   bool // *APDUs: written when set, read into a fresh value
	raw       bool // json.RawMessage: embedded as it is, any value read; DecodeData declines the type
}

// len is the encoded length of f's value in v, for sizing a buffer.
func (f field) len(v reflect.Value) int {
	fv := v.FieldByIndex(f.index)
	switch {
	case f.pointer:
		if fv.IsNil() {
			return 0
		}
		return fv.Elem().Len()
	default:
		return fv.Len()
	}
}

// plan is a message type's fields, in declaration order and by json name.
type plan struct {
	list   []field
	byName map[string]int // index into list
	hasRaw bool
}

// plans maps each message type the hand codecs handle (the envelopes and
// the charge flow's data types) to its fields in declaration order, read
// from the struct tags: the json names are written there and nowhere else.
// A field is a string kind (string, Text, APDUs, whose UnmarshalJSON takes a
// plain string's bytes as they are), *APDUs or json.RawMessage; the tests
// fail on a type with any other (the table is built on first use).
var plans = sync.OnceValue(func() map[reflect.Type]plan {
	raw := reflect.TypeOf(json.RawMessage(nil))
	out := map[reflect.Type]plan{}
	for _, v := range []any{Request{}, Reply{}, OrderCreateReq{}, ChargeReq{}, APDUReply{}, Times{}} {
		t := reflect.TypeOf(v)
		p := plan{byName: map[string]int{}}
		for _, sf := range reflect.VisibleFields(t) {
			if sf.Anonymous || !sf.IsExported() {
				continue // an embedded struct's fields are listed themselves; Reply's scan is not on the wire
			}
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			f := field{name: name, index: sf.Index, omitempty: opts == "omitempty"}
			switch ft := sf.Type; {
			case ft == raw:
				f.raw, p.hasRaw = true, true
			case ft.Kind() == reflect.Pointer && ft.Elem() == reflect.TypeOf(APDUs("")):
				f.pointer = true
			case ft.Kind() != reflect.String:
				panic("hzcard: the hand codecs cannot take " + t.Name() + "." + sf.Name)
			}
			if name == "" || name == "-" || opts != "" && opts != "omitempty" {
				panic("hzcard: the hand codecs cannot take the tag of " + t.Name() + "." + sf.Name)
			}
			p.byName[name] = len(p.list)
			p.list = append(p.list, f)
		}
		out[t] = p
	}
	return out
})
