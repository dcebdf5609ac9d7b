package catalog

import (
	"strings"
	"testing"
)

func validCatalogue() *Catalogue {
	return &Catalogue{
		Platform: "p",
		Interfaces: []Interface{
			{Name: "a", Fields: []Field{{Dir: Request, Path: "x", MinLen: 1, MaxLen: 4}, {Dir: Reply, Path: "y"}}},
			{Name: "b"},
		},
		Codes:      []Code{{Code: "0000"}, {Code: "0001"}},
		Errata:     []Erratum{{ID: "E-1", Reading: "r"}},
		FieldCodes: []FieldCode{{Path: "x", Code: "0001"}},
	}
}

// TestValidate: each mistake a hand-typed table makes is caught, and a
// clean table passes.
func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		spoil func(c *Catalogue)
		want  string // substring of the error; "" for no error
	}{
		{"clean", func(*Catalogue) {}, ""},
		{"duplicate interface", func(c *Catalogue) { c.Interfaces[1].Name = "a" }, `interface "a"`},
		{"empty interface name", func(c *Catalogue) { c.Interfaces[1].Name = "" }, `interface ""`},
		{"field without path", func(c *Catalogue) { c.Interfaces[0].Fields[1].Path = "" }, "lacks a path"},
		{"field without direction", func(c *Catalogue) { c.Interfaces[0].Fields[0].Dir = "" }, "lacks a path or direction"},
		{"min over max", func(c *Catalogue) { c.Interfaces[0].Fields[0].MinLen = 5 }, "min length 5 > max 4"},
		{"duplicate code", func(c *Catalogue) { c.Codes[1].Code = "0000" }, `code "0000"`},
		{"empty code", func(c *Catalogue) { c.Codes[0].Code = "" }, `code ""`},
		{"erratum without reading", func(c *Catalogue) { c.Errata[0].Reading = "" }, `erratum "E-1"`},
		{"duplicate erratum", func(c *Catalogue) { c.Errata = append(c.Errata, c.Errata[0]) }, `erratum "E-1"`},
		{"code equal to an interface name is no clash", func(c *Catalogue) { c.Codes[0].Code = "a" }, ""},
		{"field code of an undocumented code", func(c *Catalogue) { c.FieldCodes[0].Code = "0002" }, "code 0002 is not documented"},
		{"field code of no field", func(c *Catalogue) { c.FieldCodes[0].Path = "z" }, "no request field z in any interface"},
		{"field code of a reply field", func(c *Catalogue) { c.FieldCodes[0].Path = "y" }, "no request field y"},
		{"field code in the wrong interface", func(c *Catalogue) { c.FieldCodes[0].Interface = "b" }, "in interface b"},
		{"field code of an unknown breach", func(c *Catalogue) { c.FieldCodes[0].Breaches = []Breach{"odd"} }, `unknown breach "odd"`},
	} {
		c := validCatalogue()
		tt.spoil(c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err = %v, want it to mention %s", tt.name, err, tt.want)
		}
	}
}

func TestLookups(t *testing.T) {
	c := validCatalogue()
	if i, ok := c.Interface("a"); !ok || len(i.FieldsFor(Request)) != 1 || i.FieldsFor(Request)[0].Path != "x" || i.FieldsFor(Reply)[0].Path != "y" {
		t.Errorf("Interface(a) = %+v, %v", i, ok)
	}
	if _, ok := c.Interface("zz"); ok {
		t.Error("Interface(zz) found")
	}
	if k, ok := c.Code("0001"); !ok || k.Code != "0001" {
		t.Errorf("Code(0001) = %+v, %v", k, ok)
	}
	if _, ok := c.Code("9999"); ok {
		t.Error("Code(9999) found")
	}
}

// TestCodeFor: a row for the interface wins over a general row, a row
// limited to some breaches answers only those.
func TestCodeFor(t *testing.T) {
	c := validCatalogue()
	c.Codes = append(c.Codes, Code{Code: "0002"})
	c.FieldCodes = []FieldCode{
		{Path: "x", Code: "0001"},
		{Interface: "a", Path: "x", Breaches: []Breach{TooLong}, Code: "0002"},
	}
	for _, tt := range []struct {
		iface string
		b     Breach
		want  string
	}{
		{"a", TooLong, "0002"}, {"a", Missing, "0001"}, {"b", TooLong, "0001"},
	} {
		if r, ok := c.CodeFor(tt.iface, "x", tt.b); !ok || r.Code != tt.want {
			t.Errorf("CodeFor(%s, x, %s) = %+v, %v; want %s", tt.iface, tt.b, r, ok, tt.want)
		}
	}
	if r, ok := c.CodeFor("a", "y", Missing); ok {
		t.Errorf("CodeFor(a, y) = %+v: no row names y", r)
	}
}
