package main

import (
	"fmt"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/registry"
	"paycert/conformance"
	"paycert/platforms/sim"
)

// selectPlatforms resolves names ("all" or empty = every platform) against
// the registry (platforms_list.go).
func selectPlatforms(names []string) ([]registry.Platform, error) {
	all := platforms()
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		return all, nil
	}
	var out []registry.Platform
	for _, n := range names {
		p, ok := registry.Find(all, n)
		if !ok {
			return nil, cli.Usagef("%s", conformance.UnknownPlatform(n, registry.NameList(all)))
		}
		out = append(out, p)
	}
	return out, nil
}

// faultNames lists a platform's simulator faults by building a simulator
// with no fault switched on.
func faultNames(p registry.Platform) ([]sim.Fault, error) {
	s, err := p.NewSimulator(sim.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s simulator: %w", p.Name, err)
	}
	return s.Faults(), nil
}

// platformFaults returns the faults of each of ps, or a usage error when one
// of names is a fault of none of them: found before anything runs, so a
// misspelt --fault is not a mutate matrix with nothing in it, a certify run
// failing every spec, or a simulator that will not start.
func platformFaults(ps []registry.Platform, names []string) ([][]sim.Fault, error) {
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
			return nil, cli.Usagef("--fault %s is not a fault of %s; 'paycert sim <platform> --list-faults' lists them", n, registry.Names(ps))
		}
	}
	return faults, nil
}
