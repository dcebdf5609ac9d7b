package main

import (
	"fmt"
	"sort"
	"strings"

	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// platform ties one platform's catalogue, simulator and suite together for
// the generic commands (sim, certify, mutate, report). It is the only place
// that knows all four; everything else is per platform.
type platform struct {
	name      string
	catalogue func() *catalog.Catalogue
	newSim    func(sim.Options) (sim.Simulator, error)
	suite     func() conformance.Suite
}

// selectPlatforms resolves names ("all" or empty = every platform).
func selectPlatforms(names []string) ([]platform, error) {
	all := platforms()
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		return all, nil
	}
	var out []platform
	for _, n := range names {
		p, ok := findPlatform(all, n)
		if !ok {
			return nil, Usagef("unknown platform %q (known: %s)", n, platformNames(all))
		}
		out = append(out, p)
	}
	return out, nil
}

func findPlatform(all []platform, name string) (platform, bool) {
	for _, p := range all {
		if p.name == name {
			return p, true
		}
	}
	return platform{}, false
}

func platformNames(all []platform) string {
	var n []string
	for _, p := range all {
		n = append(n, p.name)
	}
	sort.Strings(n)
	return strings.Join(n, ", ")
}

// faultNames lists a platform's simulator faults by building a simulator
// with no fault switched on.
func faultNames(p platform) ([]sim.Fault, error) {
	s, err := p.newSim(sim.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s simulator: %w", p.name, err)
	}
	return s.Faults(), nil
}

// platformFaults returns the faults of each of ps, or a usage error when one
// of names is a fault of none of them: found before anything runs, so a
// misspelt --fault is not a mutate matrix with nothing in it, a certify run
// failing every spec, or a simulator that will not start.
func platformFaults(ps []platform, names []string) ([][]sim.Fault, error) {
	faults := make([][]sim.Fault, len(ps))
	known := map[string]bool{}
	for i, p := range ps {
		var err error
		if faults[i], err = faultNames(p); err != nil {
			return nil, err
		}
		for _, f := range faults[i] {
			known[f.Name] = true
		}
	}
	for _, n := range names {
		if !known[n] {
			return nil, Usagef("--fault %s is not a fault of %s; 'paycert sim <platform> --list-faults' lists them", n, platformNames(ps))
		}
	}
	return faults, nil
}
