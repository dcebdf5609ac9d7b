// Package catalog holds the types every platform catalogue is written in:
// interfaces with their fields, result codes, and the errata register. A
// platform package builds one Catalogue from literals (its single table of
// truth); the simulator, the client, the conformance suite and the report all
// read that table, so nothing re-types a field length or a code text.
package catalog

import "fmt"

// Presence says whether a field must appear.
type Presence string

const (
	Required    Presence = "required"
	Optional    Presence = "optional"
	Conditional Presence = "conditional" // required under a condition named in Field.Condition
)

// Direction separates request fields from reply fields of one interface.
type Direction string

const (
	Request Direction = "request"
	Reply   Direction = "reply"
)

// Field is one row of a spec's field table.
type Field struct {
	Dir       Direction
	Path      string   // element path ("business_trans/card_info/card_id") or JSON path ("data.cardno")
	Type      string   // as the spec writes it: "String", "Number", "Amount", "Date(YYYYMMDD)", ...
	MinLen    int      // 0 when the spec gives none
	MaxLen    int      // 0 when the spec gives none
	Presence  Presence // required / optional / conditional
	Condition string   // for Conditional: when it is required
	Meaning   string   // the spec's description, translated or quoted
	Sample    string   // a sample value from the spec, when it has one
}

// Interface is one operation of a platform (an endpoint, a method, a SOAP
// operation or a message type).
type Interface struct {
	Name    string // stable identifier used in labels: "card_verify", "cTRequest", "purchase"
	Title   string // the spec's own name, e.g. "卡券验证"
	Section string // where in the seed, e.g. "002 §4.3"
	Path    string // URL path or method selector
	Fields  []Field
}

// FieldsFor returns the fields of one direction.
func (i Interface) FieldsFor(d Direction) []Field {
	var out []Field
	for _, f := range i.Fields {
		if f.Dir == d {
			out = append(out, f)
		}
	}
	return out
}

// Code is one documented result code.
type Code struct {
	Code    string // exactly as on the wire: "0000", "6100", "B.MGW.0001", "000071"
	Text    string // the spec's text (Chinese as in the seed)
	TextEN  string // English rendering
	Kind    string // the spec's grouping: "trade", "access", "business", "format", "licence", ...
	Section string // where in the seed
	// Unprovokable, when set, says why a client cannot make a conforming
	// server return this code (e.g. an upstream timeout); the suite lists such
	// codes instead of dropping them silently.
	Unprovokable string
}

// Erratum records a place where a seed is silent, lossy or contradicts itself,
// and the reading paycert chose. The report shows the whole register.
type Erratum struct {
	ID      string // stable, e.g. "E-IPOS-DAILY-ROOT"
	Seed    string // seed file and section, e.g. "002 §4.6"
	Issue   string // what the spec says (or fails to say)
	Reading string // what paycert does
	Where   string // package or file that implements the reading
}

// Catalogue is everything one platform's spec defines that paycert checks.
type Catalogue struct {
	Platform string // short name used in labels and flags: "ipos", "kakatong", "bill99", "hzcard"
	Title    string
	Seed     string // seed file and version
	// Document is the specification as its readers know it: title, version
	// and date as printed on its cover. Reports show it instead of the seed
	// file name, which means nothing to a manager.
	Document   string
	Interfaces []Interface
	Codes      []Code
	Errata     []Erratum
	// FieldCodes names the code the seed gives each breach of a request
	// field, where it names one (see FieldCode).
	FieldCodes []FieldCode
}

// Interface returns the interface with the given name.
func (c *Catalogue) Interface(name string) (Interface, bool) {
	for _, i := range c.Interfaces {
		if i.Name == name {
			return i, true
		}
	}
	return Interface{}, false
}

// Code returns the documented code, if any.
func (c *Catalogue) Code(code string) (Code, bool) {
	for _, k := range c.Codes {
		if k.Code == code {
			return k, true
		}
	}
	return Code{}, false
}

// Validate checks the catalogue for the mistakes a hand-typed table makes:
// duplicate names or codes, fields without a path, errata without a reading.
func (c *Catalogue) Validate() error {
	seen := map[string]bool{}
	for _, i := range c.Interfaces {
		if i.Name == "" || seen["i:"+i.Name] {
			return fmt.Errorf("catalog %s: interface %q empty or duplicated", c.Platform, i.Name)
		}
		seen["i:"+i.Name] = true
		for _, f := range i.Fields {
			if f.Path == "" || (f.Dir != Request && f.Dir != Reply) {
				return fmt.Errorf("catalog %s: interface %s: field %+v lacks a path or direction", c.Platform, i.Name, f)
			}
			if f.MaxLen != 0 && f.MinLen > f.MaxLen {
				return fmt.Errorf("catalog %s: interface %s: field %s: min length %d > max %d", c.Platform, i.Name, f.Path, f.MinLen, f.MaxLen)
			}
		}
	}
	for _, k := range c.Codes {
		if k.Code == "" || seen["c:"+k.Code] {
			return fmt.Errorf("catalog %s: code %q empty or duplicated", c.Platform, k.Code)
		}
		seen["c:"+k.Code] = true
	}
	for _, e := range c.Errata {
		if e.ID == "" || e.Reading == "" || seen["e:"+e.ID] {
			return fmt.Errorf("catalog %s: erratum %q lacks an id or a reading, or is duplicated", c.Platform, e.ID)
		}
		seen["e:"+e.ID] = true
	}
	return c.validateFieldCodes()
}
