// Package conformance is the common ground of the four platform suites:
// how a suite learns its target, the label convention, transcripts attached
// to specs, and the in-process runner shared by "go test" and
// "paycert certify". See README.md in this directory.
package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"paycert/platforms/sim"
)

// Target is what one platform suite runs against.
type Target struct {
	Platform string `yaml:"-"`
	// URL of a real endpoint. Empty means the embedded reference simulator,
	// started in-process on a free loopback port.
	URL string `yaml:"url"`
	// Params carries platform-specific settings (keys, merchant and terminal
	// ids, certificate paths). Each suite documents the names it reads; values
	// may be secrets and are never printed or written into reports.
	Params map[string]string `yaml:"params"`
	// Faults to switch on in the embedded simulator (mutation runs).
	Faults []string `yaml:"-"`
	// Strict puts the embedded simulator in strict-mock mode.
	Strict bool `yaml:"strict"`
	// Admin is a simulator's loopback admin endpoint (paycert sim --admin),
	// where "paycert load" reads its ledger to check it after a run in
	// another process; certify does not read it. A real implementation has
	// none.
	Admin string `yaml:"admin,omitempty"`
}

// Embedded reports whether the target is the in-process simulator.
func (t Target) Embedded() bool { return t.URL == "" }

// Param returns a parameter or def when it is unset.
func (t Target) Param(name, def string) string {
	if v, ok := t.Params[name]; ok && v != "" {
		return v
	}
	return def
}

// String describes the target without its secrets.
func (t Target) String() string {
	if t.Embedded() {
		s := t.Platform + ": embedded simulator"
		if len(t.Faults) > 0 {
			s += " with faults " + strings.Join(t.Faults, ",")
		}
		return s
	}
	return t.Platform + ": " + t.URL
}

// Waiver marks a spec as an expected failure (issue 9): the report shows it,
// and flags a waived spec that passed.
type Waiver struct {
	Spec    string `yaml:"spec"`    // substring of the full spec text, or a label expression
	Reason  string `yaml:"reason"`  // why the failure is accepted
	Expires string `yaml:"expires"` // YYYY-MM-DD; an expired waiver no longer applies
}

// Config is paycert.yaml: per platform a target, plus waivers.
type Config struct {
	Targets map[string]Target `yaml:"targets"`
	Waivers []Waiver          `yaml:"waivers"`
}

// ParseTargetFlag parses "platform=URL" as given to --target.
func ParseTargetFlag(s string) (platform, url string, err error) {
	p, u, ok := strings.Cut(s, "=")
	if !ok || p == "" || u == "" {
		return "", "", fmt.Errorf("--target %q: want platform=URL, e.g. ipos=https://10.0.0.5:8443/ipos", s)
	}
	return p, u, nil
}

// Resolve returns the target for platform: the configured one, or the
// embedded simulator.
func (c Config) Resolve(platform string) Target {
	t := c.Targets[platform] // the zero Target (embedded) when not configured
	t.Platform = platform
	return t
}

// Platforms lists the configured platform names, sorted.
func (c Config) Platforms() []string {
	return slices.Sorted(maps.Keys(c.Targets))
}

// Param documents one entry of Target.Params that a suite reads.
type Param struct {
	Name string // the key under params:
	Doc  string // what it is and its default, one line
	// Secret marks a key, password, private key or card data: never to be
	// shared (paycert prints and reports no param value at all).
	Secret bool
	// Example is the value paycert.example.yaml shows; "" lists the param
	// commented out (optional, or only for some specs).
	Example string
	// Check, when set, validates a value before the first spec runs (a
	// certificate or key file that is missing, unreadable, in the wrong
	// format or with the wrong password), so a bad file is one line and exit
	// 2 rather than a hundred failed specs. It gets all of the target's
	// params (a .pfx needs its password param). Its error must not contain
	// the value of a secret param.
	Check func(value string, params map[string]string) error
}

// TargetDoc documents what a suite reads from a real target: the
// platform's section of paycert.example.yaml.
type TargetDoc struct {
	URL    string // an example endpoint URL
	Params []Param
}

// Check reports a TargetDoc without a URL or params, or with a param
// unnamed, undocumented or named twice.
func (d TargetDoc) Check() error {
	if d.URL == "" || len(d.Params) == 0 {
		return fmt.Errorf("no example URL or no params")
	}
	seen := map[string]bool{}
	for _, p := range d.Params {
		if p.Name == "" || p.Doc == "" || seen[p.Name] {
			return fmt.Errorf("param %q: unnamed, undocumented or listed twice", p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// MissingParams lists, in the documented order, the params doc documents
// for a real target that t does not give. Params documented as for the
// embedded simulator only are left out.
func (t Target) MissingParams(doc TargetDoc) []string {
	var out []string
	for _, p := range doc.Params {
		if strings.HasPrefix(p.Doc, "embedded only") {
			continue
		}
		if t.Params[p.Name] == "" {
			out = append(out, p.Name)
		}
	}
	return out
}

// FixtureText lists a simulator's fixture for a person setting up a client
// under test: each param of t (what "paycert sim --write-config" writes) in
// doc's order, with its value and the first clause of its documentation.
// Fixture values are public test data, printed on purpose.
func FixtureText(t Target, doc TargetDoc) string {
	var b strings.Builder
	b.WriteString("the params --write-config writes:\n")
	for _, p := range doc.Params {
		v, ok := t.Params[p.Name]
		if !ok || v == "" {
			continue
		}
		what, _, _ := strings.Cut(p.Doc, ";")
		if len(what) > 70 {
			cut := strings.LastIndex(what[:70], " ")
			if cut <= 0 {
				cut = 70
				for cut > 0 && !utf8.RuneStart(what[cut]) {
					cut-- // a Chinese description is cut between characters
				}
			}
			what = what[:cut] + "…"
		}
		if items := strings.Split(v, ","); len(items) > 4 && !strings.Contains(v, "-") {
			v = fmt.Sprintf("%s … %s (%d)", items[0], items[len(items)-1], len(items))
		}
		fmt.Fprintf(&b, "  %-21s %s  (%s)\n", p.Name, v, what)
	}
	return b.String()
}

// SimFixtureText is FixtureText for a freshly built simulator: what its
// SimTarget would write, for "paycert sim --help" and the start-up lines.
func SimFixtureText(s sim.Simulator, err error, simTarget func(sim.Simulator, string, string) (Target, error), doc TargetDoc) string {
	if err != nil {
		return "(the simulator did not start: " + err.Error() + ")"
	}
	t, err := simTarget(s, "", "")
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return FixtureText(t, doc)
}
