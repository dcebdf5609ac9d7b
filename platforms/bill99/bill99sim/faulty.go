package bill99sim

import (
	"slices"
	"strings"
	"unicode/utf8"

	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
)

// faulty applies the validation faults to the findings of
// bill99.ValidateRequest: each one is a plausible slip of a hand-written
// validator (issue 17), and the generated negatives must notice it.
func (s *Simulator) faulty(iface catalog.Interface, root *bill99.Node, findings []catalog.Finding) []catalog.Finding {
	if s.faults.Has(FaultEmptyPresent) {
		findings = slices.DeleteFunc(findings, func(f catalog.Finding) bool {
			_, present := root.Lookup(f.Path)
			return f.Rule == "missing" && present
		})
	}
	if s.faults.Has(FaultNumberLetters) {
		findings = slices.DeleteFunc(findings, func(f catalog.Finding) bool {
			fd, ok := requestField(iface, f.Path)
			return f.Rule == "format" && ok && fd.Type == "Number"
		})
	}
	if s.faults.Has(FaultLengthBytes) {
		reqs := iface.FieldsFor(catalog.Request)
		for _, fd := range reqs {
			v := root.Get(fd.Path)
			if fd.MaxLen > 0 && len(v) > fd.MaxLen && utf8.RuneCountInString(v) <= fd.MaxLen {
				name := fd.Path[strings.LastIndex(fd.Path, "/")+1:]
				findings = append(findings, catalog.Finding{Path: fd.Path, Rule: "too-long", Detail: bill99.LengthMessage(name), Section: iface.Section})
			}
		}
		// In table order, as a validator counting bytes would find them: the
		// first is the one the reply names.
		index := func(path string) int {
			return slices.IndexFunc(reqs, func(f catalog.Field) bool { return f.Path == path })
		}
		slices.SortStableFunc(findings, func(a, b catalog.Finding) int { return index(a.Path) - index(b.Path) })
	}
	return findings
}

func requestField(iface catalog.Interface, path string) (catalog.Field, bool) {
	for _, f := range iface.FieldsFor(catalog.Request) {
		if f.Path == path {
			return f, true
		}
	}
	return catalog.Field{}, false
}

// interfaceOf names the interface of a message posted to path whose
// element el ("TxnMsgContent/customerId") could not be parsed, or the path
// when the element does not tell.
func (s *Simulator) interfaceOf(path, el string) string {
	content, _, _ := strings.Cut(el, "/")
	if name := bill99.InterfaceAt(path, content); name != "" {
		return name
	}
	return path
}
