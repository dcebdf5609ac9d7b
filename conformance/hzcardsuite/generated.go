package hzcardsuite

// generated.go: the negatives generated from the catalogue (package
// conformance/negatives): every request field of every interface, broken
// each way its table row allows, signed again so the centre must judge the
// field itself.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/gbk"
	"paycert/conformance"
	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"paycert/platforms/hzcard"
	"paycert/platforms/wire"
)

// genRules is what seed 003's wire tells the generator: lengths in
// characters of the decoded JSON string (erratum E-HZ-LENGTH-UNIT), a
// string where an object belongs as the wrong type of an object, and the
// empty APDU fields left to the APDU rules.
func genRules() negatives.Rules {
	return negatives.Rules{
		Unit:    "characters",
		Len:     utf8.RuneCountInString,
		Success: []string{hzcard.CodeOK},
		WrongType: func(f catalog.Field) (string, bool) {
			if f.Type == "Obj" {
				return "A", true // a JSON string where the seed puts an object
			}
			return negatives.DefaultWrongType(f)
		},
		Omit: func(_ catalog.Interface, f catalog.Field, b catalog.Breach) string {
			if b == catalog.Empty && (f.Path == "data.apdulist" || f.Path == "data.apduresp") {
				return "an empty APDU list is not a breach: it reports a card that answered nothing (a tear, errata E-HZ-CONFIRM-TORN, E-HZ-RESULTS-IN-APDULIST), judged by the APDU rules (000026, 000081), and a bad-card return sends no commands"
			}
			return ""
		},
	}
}

// genCases are the suite's generated cases.
func genCases() []negatives.Case {
	cases, _ := negatives.Generate(hzcard.Catalogue(), genRules())
	return cases
}

func describeGenerated(f *conformance.Framework[*env]) {
	f.Generated("generated negatives (conformance/negatives): one field broken, signed again; the documented code, never a 5xx, nothing changed",
		genCases(), func(c negatives.Case) {
			ctx := f.Ctx()
			e := f.Env()
			b := e.genBase(ctx, c.Interface)
			body := e.breach(b, c)
			seen := 0
			if e.sim != nil {
				seen = len(e.sim.Violations())
			}
			status, code := e.sendRaw(ctx, c.Interface, body)
			conformance.ExpectAnswered(c, status, code)
			if b.probe != nil {
				Expect(b.probe(ctx)).To(Equal(b.want), "a refused %s changed the state the protocol shows", c.Interface)
			}
			if e.sim != nil {
				fresh := e.sim.Violations()[seen:]
				conformance.ExpectRecorded(c, fresh, code)
				// One field broken, one record: a centre that also flags a
				// valid field (the 14-character netid, counted in bytes) is
				// wrong about that field.
				Expect(fresh).To(HaveLen(1), "the strict centre records exactly the broken field")
			}
		})
}

// sendRaw posts a body and returns the HTTP status and the result code of
// a reply the client accepts as a reply (signed by the centre, well
// formed); a transport failure or a reply to drop fails the spec.
func (e *env) sendRaw(ctx context.Context, iface string, body []byte) (int, string) {
	_, err := e.client().Send(ctx, iface, body, nil)
	var pe *wire.ProtocolError
	switch {
	case err == nil:
		return 200, hzcard.CodeOK
	case wire.IsTransport(err):
		Fail(fmt.Sprintf("no answer to a bad %s request (a hang or a dropped connection): %v", iface, err))
	case errors.As(err, &pe):
		if pe.Status >= 500 {
			return pe.Status, ""
		}
		Fail(fmt.Sprintf("the answer to a bad %s request must be a signed, well-formed reply (§2.3, §2.5): %v", iface, err))
	}
	return 200, wire.Code(err)
}

// breach builds the case's request: the base's data in a fresh envelope
// (new joininstssn, now), the one field replaced or removed, then signed
// over the bad message unless the field is the signature itself.
func (e *env) breach(b *base, c negatives.Case) []byte {
	env := e.client().Envelope()
	env.NetID = genNetID
	msg, err := hzcard.EncodeRequest(env, b.data)
	Expect(err).NotTo(HaveOccurred())
	top, err := members(msg)
	Expect(err).NotTo(HaveOccurred())
	bad := badValue(c)
	if key, ok := cutData(c.Field.Path); ok {
		data, err := members(top.get("data"))
		Expect(err).NotTo(HaveOccurred(), "the base's data object")
		top = top.set("data", data.with(key, bad).bytes())
	} else {
		top = top.with(c.Field.Path, bad)
	}
	out := top.bytes()
	if c.Field.Path == "sign" {
		return out
	}
	signed, err := hzcard.SignMessage(e.instKey, e.cfg.Profile, out)
	Expect(err).NotTo(HaveOccurred(), "signing the bad request")
	return signed
}

// badValue is the case's value as JSON, nil to leave the member out.
func badValue(c negatives.Case) json.RawMessage {
	switch c.Breach {
	case catalog.Missing:
		return nil
	case catalog.Empty:
		if c.Field.Type == "Obj" {
			return json.RawMessage(`{}`)
		}
		return json.RawMessage(`""`)
	case catalog.WrongCharset:
		// The text in GBK, in a message that is UTF-8 (erratum
		// E-HZ-CHARSET): bytes the JSON string cannot hold as UTF-8.
		g, err := gbk.EncodeString(c.Value)
		Expect(err).NotTo(HaveOccurred())
		return append(append([]byte{'"'}, g...), '"')
	}
	s, err := hzcard.Marshal(c.Value)
	Expect(err).NotTo(HaveOccurred())
	return s
}

func cutData(path string) (string, bool) {
	if len(path) > 5 && path[:5] == "data." {
		return path[5:], true
	}
	return "", false
}

// object is a JSON object's members in the order they were written, so a
// breach changes one member and nothing else of the message.
type object []member

type member struct {
	key string
	raw json.RawMessage
}

func members(b []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: %.60s", b)
	}
	var o object
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		o = append(o, member{k.(string), raw})
	}
	return o, nil
}

func (o object) get(key string) []byte {
	for _, m := range o {
		if m.key == key {
			return m.raw
		}
	}
	return nil
}

// set replaces a member's value, or appends the member.
func (o object) set(key string, raw json.RawMessage) object {
	out := append(object(nil), o...)
	for i := range out {
		if out[i].key == key {
			out[i].raw = raw
			return out
		}
	}
	return append(out, member{key, raw})
}

// with is set, or the object without key when raw is nil.
func (o object) with(key string, raw json.RawMessage) object {
	if raw != nil {
		return o.set(key, raw)
	}
	var out object
	for _, m := range o {
		if m.key != key {
			out = append(out, m)
		}
	}
	return out
}

func (o object) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}
