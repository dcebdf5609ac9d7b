package catalog

import (
	"errors"
	"strings"
)

// Finding is one rule a message breaks, in the words a certification report
// shows: where (the element or JSON path), which rule, what was seen. Every
// platform's CheckReply returns []Finding (catalogue and request in, findings
// out), so the suites, the load runner's sampled field checks and the strict
// mocks read the same shape for all four platforms.
type Finding struct {
	Path    string // element or JSON path: "business_trans/result/id", "data.cardno"; "" for the message as a whole
	Rule    string // short stable rule name: "missing", "too-long", "format", "unknown-code", "mismatch", "signature", ...
	Detail  string // what was seen and what the spec wants, for a person
	Section string // where in the seed the rule is, when known: "002 §4.3"
}

// String renders "path: rule: detail (section)".
func (f Finding) String() string {
	var b strings.Builder
	if f.Path != "" {
		b.WriteString(f.Path)
		b.WriteString(": ")
	}
	b.WriteString(f.Rule)
	if f.Detail != "" {
		b.WriteString(": ")
		b.WriteString(f.Detail)
	}
	if f.Section != "" {
		b.WriteString(" (")
		b.WriteString(f.Section)
		b.WriteString(")")
	}
	return b.String()
}

// FindingsError joins findings into one error, nil when there are none, for
// callers that only need pass/fail with the reasons.
func FindingsError(fs []Finding) error {
	if len(fs) == 0 {
		return nil
	}
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = errors.New(f.String())
	}
	return errors.Join(errs...)
}

// IsDigits reports whether s is one or more ASCII decimal digits: the
// "Number"/"N" field type of every seed.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
