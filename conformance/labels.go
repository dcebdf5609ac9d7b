package conformance

import (
	"strings"

	"github.com/onsi/ginkgo/v2"
)

// The label convention. Every spec carries its platform; specs about one
// interface or one result code carry those too, so "--label-filter
// 'platform:ipos && code:0325'" selects exactly the spec for that code and
// the report can build its interface × code matrix from labels alone.

// Platform labels a platform's top-level container: "platform:ipos".
func Platform(p string) ginkgo.Labels { return ginkgo.Label("platform:" + p) }

// Interface labels a spec that exercises one interface: "interface:card_verify".
func Interface(name string) ginkgo.Labels { return ginkgo.Label("interface:" + name) }

// Code labels a spec that provokes (or checks) one result code: "code:0325".
func Code(code string) ginkgo.Labels { return ginkgo.Label("code:" + code) }

// Errata labels a spec about a spec erratum (an ambiguity or a vector that
// does not verify); its outcome documents the reading chosen.
var Errata = ginkgo.Label("errata")

// Negative labels specs that send bad input.
var Negative = ginkgo.Label("negative")

// Slow labels specs that take seconds (flows with simulated waits).
var Slow = ginkgo.Label("slow")

// SimOnly labels specs that need the embedded simulator (fault injection,
// clock control, state inspection). Against a real endpoint they are skipped
// with the reason, never silently dropped.
var SimOnly = ginkgo.Label("sim-only")

// Flow labels multi-step business flows.
var Flow = ginkgo.Label("flow")

// The skip reasons that mean a spec does not apply to the target, as
// opposed to an applicable spec skipped for a missing param: the report's
// verdict tells them apart by these prefixes.
const (
	skipSimOnly      = "needs the embedded simulator: "
	skipUnprovokable = "unprovokable: "
)

// SkipUnlessEmbedded skips the current spec against a real endpoint, saying why.
func SkipUnlessEmbedded(t Target, why string) {
	if !t.Embedded() {
		ginkgo.Skip(skipSimOnly + why)
	}
}

// NotApplicable reports whether a spec skipped with this reason does not
// apply to its target (it needs the embedded simulator, or its code cannot
// be provoked by a client). Any other skip leaves an applicable spec unrun.
func NotApplicable(skipReason string) bool {
	return strings.HasPrefix(skipReason, skipSimOnly) || strings.HasPrefix(skipReason, skipUnprovokable)
}
