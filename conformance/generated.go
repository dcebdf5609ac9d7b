package conformance

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"paycert/conformance/negatives"
	"paycert/platforms/sim"
)

// Generated registers one spec per generated negative case (package
// negatives), labelled "generated", "negative", "interface:<i>",
// "field:<path>" and "breach:<b>", so the report can draw its field
// coverage matrix from labels as it draws the code matrix. run sends the
// case and checks it; it runs with Ctx() set like any f.It body. The cases
// run against the embedded simulator and against a target alike: a
// generated case is never sim-only.
func (f *Framework[E]) Generated(text string, cases []negatives.Case, run func(c negatives.Case)) bool {
	ginkgo.GinkgoHelper()
	return ginkgo.Describe(text, ginkgo.Label("generated"), func() {
		for _, c := range cases {
			f.It(c.Name(), ginkgo.Label(c.Labels()...), func() { run(c) })
		}
	})
}

// ExpectAnswered checks the answer to a generated case: an HTTP status
// below 500 (a bad request is the client's fault, never the server's) and
// the code the case wants.
func ExpectAnswered(c negatives.Case, status int, code string) {
	ginkgo.GinkgoHelper()
	gomega.Expect(status).To(gomega.BeNumerically("<", 500), "a bad request (%s %s) must never get a 5xx", c.Field.Path, c.Breach)
	if !c.Want.Accepts(code) {
		ginkgo.Fail(fmt.Sprintf("%s %s (%s): answered %q, want %s", c.Field.Path, c.Breach, c.Detail, code, c.Want))
	}
}

// ExpectRecorded checks what a strict mock recorded for one generated case
// (fresh: the violations recorded while serving it): exactly one violation
// names the field, with its rule and the seed section, the value where the
// case sent one, and the code answered where the simulator gave one.
func ExpectRecorded(c negatives.Case, fresh []sim.Violation, answered string) {
	ginkgo.GinkgoHelper()
	var mine []sim.Violation
	for _, v := range fresh {
		if v.Path == c.Field.Path || strings.HasSuffix(v.Path, "/"+c.Field.Path) || strings.HasSuffix(v.Path, "."+c.Field.Path) {
			mine = append(mine, v)
		}
	}
	if len(mine) != 1 {
		ginkgo.Fail(fmt.Sprintf("the strict mock recorded %d violations naming %s for %s %s, want 1; it recorded: %s",
			len(mine), c.Field.Path, c.Field.Path, c.Breach, describe(fresh)))
	}
	v := mine[0]
	gomega.Expect(v.Rule).NotTo(gomega.BeEmpty(), "the violation names the rule broken: %+v", v)
	gomega.Expect(v.Section).NotTo(gomega.BeEmpty(), "the violation names the seed section: %+v", v)
	if c.Value != "" {
		gomega.Expect(v.Value).NotTo(gomega.BeEmpty(), "the violation quotes the value sent: %+v", v)
	}
	if v.Code != "" {
		gomega.Expect(v.Code).To(gomega.Equal(answered), "the violation names the code answered: %+v", v)
	}
}

func describe(vs []sim.Violation) string {
	if len(vs) == 0 {
		return "nothing"
	}
	var parts []string
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("%s %s %s (%s)", v.Interface, v.Path, v.Rule, v.Detail))
	}
	return strings.Join(parts, "; ")
}
