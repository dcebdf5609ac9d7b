package hzcard

import (
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
	fields, ok := plainTypes()[rv.Type().Elem()]
	if !ok {
		return false
	}
	// Every member is checked before any is set, so a decline leaves v as
	// it was.
	n := o.Len()
	for i := range n {
		k, plain, val := o.Member(i)
		if !plain || !plainString(val) {
			return false
		}
		f, ok := fields[string(k)] // no allocation: a map lookup by string(bytes)
		if !ok {
			return false
		}
		// encoding/json writes through a pointer field it finds set; a nil
		// one gets a fresh value per member, as here.
		if f.pointer && !rv.Elem().FieldByIndex(f.index).IsNil() {
			return false
		}
	}
	for i := range n {
		k, _, val := o.Member(i)
		f := fields[string(k)]
		fv := rv.Elem().FieldByIndex(f.index)
		if f.pointer {
			fv.Set(reflect.New(fv.Type().Elem()))
			fv = fv.Elem()
		}
		fv.SetString(string(val[1 : len(val)-1])) // the last of duplicate keys wins, as in encoding/json
	}
	return true
}

// plainField is where a json name of a data type lands.
type plainField struct {
	index   []int
	pointer bool // *APDUs: set through a new pointer
}

// plainTypes maps each data type DecodeData handles to its fields by json
// name, read from the struct tags (the one place the names are written).
// Only string-kinded fields qualify — string, Text and APDUs, whose
// UnmarshalJSON takes a plain string's bytes as they are — and *APDUs; a
// type with any other field is left to encoding/json.
var plainTypes = sync.OnceValue(func() map[reflect.Type]map[string]plainField {
	out := map[reflect.Type]map[string]plainField{}
	for _, v := range []any{OrderCreateReq{}, ChargeReq{}, APDUReply{}, Times{}} {
		t := reflect.TypeOf(v)
		fields := map[string]plainField{}
		for _, f := range reflect.VisibleFields(t) {
			if f.Anonymous {
				continue // an embedded struct's fields are listed themselves
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			ft, ptr := f.Type, false
			if ft.Kind() == reflect.Pointer {
				ft, ptr = ft.Elem(), true
			}
			if name == "" || name == "-" || ft.Kind() != reflect.String || ptr && ft != reflect.TypeOf(APDUs("")) {
				panic("hzcard: DecodeData cannot take " + t.Name() + "." + f.Name)
			}
			fields[name] = plainField{index: f.Index, pointer: ptr}
		}
		out[t] = fields
	}
	return out
})
