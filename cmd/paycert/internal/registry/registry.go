// Package registry describes a platform to paycert: one Platform value per
// platform holds every piece the CLI, the suites, the load runner and the
// example config need. The table of values is cmd/paycert/platforms_list.go;
// everything that lists platforms (sim/certify/mutate resolution, the root
// command, "paycert load", paycert.example.yaml) is derived from it, so a
// new platform is one entry there. Check says what an entry lacks.
package registry

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"paycert/cmd/paycert/internal/cli"
	"paycert/conformance"
	"paycert/load"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// Platform is one platform and its pieces.
type Platform struct {
	// Name is the short name typed on the command line, the suite's and
	// the catalogue's Platform, and the key under targets: in paycert.yaml.
	Name string
	// Title is the platform's name in prose: "Huzhou transit card". The
	// seed document's title is the catalogue's (SeedTitle).
	Title string
	// Catalogue builds the catalogue: every interface, field and code of
	// the seed, and the errata (platforms/<p>.Catalogue).
	Catalogue func() *catalog.Catalogue
	// NewSimulator builds the reference simulator
	// (platforms/<p>/<p>sim.New, adapted to the interface).
	NewSimulator func(sim.Options) (sim.Simulator, error)
	// SimTarget is the simulator's config writer: the target section an
	// outside client needs to certify against a running simulator served
	// at url (URL, fixture ids, keys, PKI files written into dir, cards,
	// vouchers), for "paycert sim <p> --write-config"
	// (conformance/<p>suite.SimTarget).
	SimTarget func(s sim.Simulator, url, dir string) (conformance.Target, error)
	// Suite is the conformance suite (conformance/<p>suite.Suite).
	Suite func() conformance.Suite
	// Target documents what the suite reads from a real target: an example
	// URL and every param (conformance/<p>.TargetDoc); paycert.example.yaml
	// is generated from it.
	Target func() conformance.TargetDoc
	// Scenarios are the platform's load scenarios (load/scenario), signing
	// hot paths included: SM2 belongs to hzcard, the iPos MAC to ipos.
	Scenarios func() []*load.Scenario
	// Command is "paycert <name>": one client call to the platform.
	Command func() *cli.Command
	// Fixture tells a client of "paycert sim <name>" what it needs: the
	// simulator's fixture (ids, keys, cards, vouchers, test PKI), printed
	// by "paycert sim --help" and at start-up (<p>sim.FixtureText, or the
	// suite's, built from what SimTarget writes).
	Fixture func() string
}

// SeedTitle is the title of the specification the platform implements, as
// its catalogue gives it.
func (p Platform) SeedTitle() string { return p.Catalogue().Title }

// Seed names the seed document and its version, as the catalogue gives it.
func (p Platform) Seed() string { return p.Catalogue().Seed }

// Check reports every piece an entry of ps lacks or gets wrong, each error
// naming the platform and the piece: a nil constructor, no scenarios, a
// catalogue that does not validate or names another platform, a suite or
// command of another name, an undocumented target, and names (platforms,
// scenarios) used twice.
func Check(ps []Platform) error {
	var errs []error
	bad := func(p Platform, format string, a ...any) {
		name := p.Name
		if name == "" {
			name = "(unnamed)"
		}
		errs = append(errs, fmt.Errorf("platform %s: %s", name, fmt.Sprintf(format, a...)))
	}
	names := map[string]bool{}
	scenarios := map[string]string{}
	for _, p := range ps {
		switch {
		case p.Name == "":
			bad(p, "no Name")
		case names[p.Name]:
			bad(p, "Name used by two entries")
		}
		names[p.Name] = true
		if p.Title == "" {
			bad(p, "no Title")
		}
		if p.Catalogue == nil {
			bad(p, "no Catalogue")
		} else if c := p.Catalogue(); c == nil {
			bad(p, "Catalogue returns nil")
		} else {
			if c.Platform != p.Name {
				bad(p, "Catalogue is of platform %q", c.Platform)
			}
			if c.Title == "" || c.Seed == "" {
				bad(p, "Catalogue has no Title or Seed")
			}
			if err := c.Validate(); err != nil {
				bad(p, "Catalogue does not validate: %v", err)
			}
		}
		if p.NewSimulator == nil {
			bad(p, "no NewSimulator")
		}
		if p.SimTarget == nil {
			bad(p, "no SimTarget (the simulator's config writer)")
		}
		if p.Fixture == nil {
			bad(p, "no Fixture (what a client of paycert sim needs)")
		}
		if p.Suite == nil {
			bad(p, "no Suite")
		} else if s := p.Suite(); s.Platform != p.Name || s.Register == nil {
			bad(p, "Suite is of platform %q (Register set: %v)", s.Platform, s.Register != nil)
		}
		if p.Target == nil {
			bad(p, "no Target (the example config section)")
		} else if err := p.Target().Check(); err != nil {
			bad(p, "Target: %v", err)
		}
		if p.Scenarios == nil {
			bad(p, "no Scenarios")
		} else if sc := p.Scenarios(); len(sc) == 0 {
			bad(p, "Scenarios returns none")
		} else {
			for _, s := range sc {
				switch {
				case s == nil || s.Name == "":
					bad(p, "a scenario without a name")
				case scenarios[s.Name] != "":
					bad(p, "scenario %s is also %s's", s.Name, scenarios[s.Name])
				case s.Summary == "":
					bad(p, "scenario %s has no Summary", s.Name)
				case s.Unavailable == "" && s.Setup == nil:
					bad(p, "scenario %s is available but has no Setup", s.Name)
				}
				if s != nil && s.Name != "" && scenarios[s.Name] == "" {
					scenarios[s.Name] = p.Name
				}
			}
		}
		if p.Command == nil {
			bad(p, "no Command")
		} else if c := p.Command(); c == nil || c.Name != p.Name {
			bad(p, "Command is not \"paycert %s\"", p.Name)
		}
	}
	return errors.Join(errs...)
}

// Find returns the platform called name.
func Find(ps []Platform, name string) (Platform, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p, true
		}
	}
	return Platform{}, false
}

// Names lists the platforms' names, sorted, for messages: "bill99, hzcard".
func Names(ps []Platform) string { return strings.Join(NameList(ps), ", ") }

// NameList is the platforms' names, sorted.
func NameList(ps []Platform) []string {
	var n []string
	for _, p := range ps {
		n = append(n, p.Name)
	}
	sort.Strings(n)
	return n
}

// Titles lists the platforms' titles in prose, in table order:
// "Kakatong, 99bill, iPos and Huzhou transit card".
func Titles(ps []Platform) string {
	var t []string
	for _, p := range ps {
		t = append(t, p.Title)
	}
	if len(t) < 2 {
		return strings.Join(t, "")
	}
	return strings.Join(t[:len(t)-1], ", ") + " and " + t[len(t)-1]
}

// Scenarios lists every platform's load scenarios, in table order.
func Scenarios(ps []Platform) []*load.Scenario {
	var out []*load.Scenario
	for _, p := range ps {
		out = append(out, p.Scenarios()...)
	}
	return out
}

// Commands lists the platforms' commands, in table order.
func Commands(ps []Platform) []*cli.Command {
	var out []*cli.Command
	for _, p := range ps {
		out = append(out, p.Command())
	}
	return out
}
