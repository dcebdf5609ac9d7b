package catalog

import (
	"fmt"
	"slices"
)

// Breach is one way a request field can break its table row. The
// conformance suites generate one bad request per field and breach
// (conformance/negatives) and the strict mocks must record each.
type Breach string

const (
	Missing      Breach = "missing"       // a required element left out
	Empty        Breach = "empty"         // a required element present with no content
	TooLong      Breach = "too-long"      // one unit over MaxLen, counted as the seed counts
	TooShort     Breach = "too-short"     // one unit under MinLen
	WrongType    Breach = "wrong-type"    // letters in a number, an impossible date, an amount of the wrong scale
	WrongCharset Breach = "wrong-charset" // text in the charset the message does not declare
)

// Breaches lists every breach in the order reports draw them.
func Breaches() []Breach {
	return []Breach{Missing, Empty, TooLong, TooShort, WrongType, WrongCharset}
}

// FieldCode says which result code the seed names for a breach of a request
// field: iPos's "5211 终端号不能为空, 且长度不超过10" names pos_id's missing
// and too-long breaches. A breach no row covers gets no documented code: any
// documented error code is then accepted, and reported as such.
type FieldCode struct {
	Interface string   // "" for every interface that has the field
	Path      string   // the field's Path in the request table
	Breaches  []Breach // nil for every breach
	Code      string   // a code of the catalogue
	Section   string   // where the seed names it
}

// CodeFor returns the row that names the code for a breach of a request
// field of an interface: the first matching row, rows for the interface
// before rows for every interface.
func (c *Catalogue) CodeFor(iface, path string, b Breach) (FieldCode, bool) {
	var general *FieldCode
	for i, r := range c.FieldCodes {
		if r.Path != path || (r.Breaches != nil && !slices.Contains(r.Breaches, b)) {
			continue
		}
		switch r.Interface {
		case iface:
			return r, true
		case "":
			if general == nil {
				general = &c.FieldCodes[i]
			}
		}
	}
	if general != nil {
		return *general, true
	}
	return FieldCode{}, false
}

// validateFieldCodes checks every FieldCodes row names a documented code
// and a request field that exists (in its interface, or in some interface
// for a general row), so a typo cannot silently turn a documented code
// into "any error code".
func (c *Catalogue) validateFieldCodes() error {
	for _, r := range c.FieldCodes {
		if _, ok := c.Code(r.Code); !ok {
			return fmt.Errorf("catalog %s: field code %+v: code %s is not documented", c.Platform, r, r.Code)
		}
		for _, b := range r.Breaches {
			if !slices.Contains(Breaches(), b) {
				return fmt.Errorf("catalog %s: field code %+v: unknown breach %q", c.Platform, r, b)
			}
		}
		found := false
		for _, it := range c.Interfaces {
			if r.Interface != "" && it.Name != r.Interface {
				continue
			}
			for _, f := range it.FieldsFor(Request) {
				found = found || f.Path == r.Path
			}
		}
		if !found {
			return fmt.Errorf("catalog %s: field code %+v: no request field %s in %s", c.Platform, r, r.Path, orAll(r.Interface))
		}
	}
	return nil
}

func orAll(iface string) string {
	if iface == "" {
		return "any interface"
	}
	return "interface " + iface
}
