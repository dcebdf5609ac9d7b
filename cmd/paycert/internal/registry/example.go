package registry

import (
	"bytes"
	"fmt"
	"strconv"
)

// exampleHeader and exampleWaivers frame the generated targets.
const (
	exampleHeader = `# paycert.yaml — point the suites at real endpoints (paycert certify --config paycert.yaml).
# A platform left out is certified against its embedded simulator. Params may be secrets:
# paycert never prints them or writes them into reports. Each suite's package doc lists
# the params it reads (conformance/<platform>/); a param commented out is optional or
# needed only by some specs.
#
# Generated from the platform registry (cmd/paycert/platforms_list.go):
#   go test ./cmd/paycert -run TestExampleConfig -update
`
	exampleWaivers = `# Expected failures: accepted until they expire; a waived spec that passes is flagged.
waivers:
  - spec: "code:9998"
    reason: the lab cannot make the upstream time out
    expires: 2026-12-31
`
)

// ExampleConfig is paycert.example.yaml: per platform, in table order, an
// example target with every param its suite documents, then a waiver.
func ExampleConfig(ps []Platform) []byte {
	var b bytes.Buffer
	b.WriteString(exampleHeader)
	b.WriteString("targets:\n")
	for _, p := range ps {
		d := p.Target()
		fmt.Fprintf(&b, "  # %s: %s\n  #   seed %s\n", p.Title, p.SeedTitle(), p.Seed())
		fmt.Fprintf(&b, "  %s:\n    url: %s\n    params:\n", p.Name, d.URL)
		for _, q := range d.Params {
			doc := q.Doc
			if q.Secret {
				doc += " [secret]"
			}
			fmt.Fprintf(&b, "      # %s\n", doc)
			if q.Example == "" {
				fmt.Fprintf(&b, "      # %s: \"\"\n", q.Name)
			} else {
				fmt.Fprintf(&b, "      %s: %s\n", q.Name, strconv.Quote(q.Example))
			}
		}
	}
	b.WriteString(exampleWaivers)
	return b.Bytes()
}
