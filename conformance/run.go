package conformance

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"
)

// Suite is one platform's conformance suite.
type Suite struct {
	Platform string
	// Register declares the platform's specs for target t with Ginkgo
	// (Describe/It/DescribeTable); it runs in Ginkgo's tree-construction
	// phase, before any spec. It returns a cleanup that stops whatever the
	// specs started (the embedded simulator), called after the run.
	Register func(t Target) (cleanup func())
	// Profiles, when set, names the readings in force for target t (e.g.
	// the sign-domain profile), so the report's manifest says which reading
	// a verdict was reached under.
	Profiles func(t Target) []string
	// TLS, when set, is the client TLS configuration the suite reaches a
	// real https target with (a client certificate, a private server CA),
	// so the preflight's handshake is the one the specs will make. Nil:
	// system roots, no client certificate.
	TLS func(t Target) (*tls.Config, error)
}

// RunOptions control one in-process run of one or more suites.
type RunOptions struct {
	LabelFilter string   // Ginkgo label filter, e.g. "platform:ipos && !slow"
	Focus       []string // regular expressions on the full spec text
	JUnitPath   string   // write a JUnit report here ("" = none)
	JSONPath    string   // write Ginkgo's JSON report here ("" = none)
	Verbose     bool     // Ginkgo -v
	Quiet       bool     // succinct output without skip notices (mutation children; the parent discards stdout)
	// Progress receives one line per finished spec, after one header line:
	// Header followed by how many specs will run.
	Progress io.Writer
	Header   string
	Seed     int64 // randomisation seed; 0 = Ginkgo's default
	// DryRun walks the spec tree without running any spec body: every
	// selected spec is reported passed (for listing specs, e.g. to check
	// that each waiver selects one).
	// OnReport receives Ginkgo's report of the whole run (for report.json
	// and index.html) before Run returns.
	OnReport func(ginkgo.Report)
	DryRun   bool
	// Console, when set, receives Ginkgo's own console reporter (failure
	// blocks with timelines and source paths) instead of stdout: paycert
	// certify discards it, or redacts it with -v.
	Console io.Writer
}

// CheckFilters validates a label filter and focus expressions the way
// Ginkgo will read them, so a bad one is a usage error before the run
// rather than Ginkgo's exit or a panic in the middle of it.
func CheckFilters(labelFilter string, focus []string) error {
	if labelFilter != "" {
		if _, err := types.ParseLabelFilter(labelFilter); err != nil {
			return fmt.Errorf("--label-filter %q: %s", labelFilter, labelFilterCause(err))
		}
	}
	for _, f := range focus {
		if _, err := regexp.Compile(f); err != nil {
			var re *syntax.Error
			if errors.As(err, &re) {
				return fmt.Errorf("--focus %q is not a regular expression: %s", f, re.Code)
			}
			return fmt.Errorf("--focus %q is not a regular expression: %v", f, err)
		}
	}
	return nil
}

// labelFilterCause rewords Ginkgo's label filter error, whose message is
// the filter with the bad character marked up for a terminal, then the
// cause: "missing set operation at character 5".
func labelFilterCause(err error) string {
	var ge types.GinkgoError
	if !errors.As(err, &ge) || ge.Message == "" {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return line
	}
	marked, cause, _ := strings.Cut(ge.Message, "\n")
	cause = strings.TrimSuffix(strings.TrimSpace(cause), ".")
	if cause != "" {
		cause = strings.ToLower(cause[:1]) + cause[1:]
	} else {
		cause = "not a label filter"
	}
	if i := strings.Index(marked, "{{underline}}"); i >= 0 {
		at := len([]rune(ginkgoMarkup.ReplaceAllString(marked[:i], ""))) + 1
		cause += fmt.Sprintf(" at character %d", at)
	}
	return cause
}

var ginkgoMarkup = regexp.MustCompile(`\{\{[^}]*\}\}`)

// Run registers every suite against its target and runs them in this
// process. Ginkgo allows one RunSpecs per process: a caller that needs many
// runs (one per simulator fault) re-executes itself as a child per run.
func Run(suites []Suite, targets map[string]Target, o RunOptions) bool {
	var cleanups []func()
	for _, s := range suites {
		t := targets[s.Platform]
		t.Platform = s.Platform
		cleanups = append(cleanups, s.Register(t))
	}
	defer func() {
		for _, c := range cleanups {
			if c != nil {
				c()
			}
		}
	}()
	if o.Progress != nil {
		registerProgress(o.Progress, o.Header)
	}
	if !o.Verbose {
		// Ginkgo's own reporter would add its header, a dot per spec and its
		// summary to the progress lines and paycert's summary; the verdict
		// and every failure are in those already. -v keeps Ginkgo's output.
		prev := formatter.ColorableStdOut
		formatter.ColorableStdOut = io.Discard
		defer func() { formatter.ColorableStdOut = prev }()
	}
	if o.OnReport != nil {
		ginkgo.ReportAfterSuite("paycert report", func(r ginkgo.Report) { o.OnReport(r) })
	}
	if o.Console != nil {
		// RunSpecs hands this writer to its reporter; Ginkgo runs once
		// per process, so setting it here affects this run only.
		formatter.ColorableStdOut = o.Console
	}
	gomega.RegisterFailHandler(ginkgo.Fail)
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.LabelFilter = o.LabelFilter
	sc.FocusStrings = o.Focus
	sc.DryRun = o.DryRun
	if o.Seed != 0 {
		sc.RandomSeed = o.Seed
	}
	rc.JUnitReport = o.JUnitPath
	rc.JSONReport = o.JSONPath
	rc.NoColor = true
	rc.Verbose = o.Verbose
	rc.Succinct = !o.Verbose
	rc.SilenceSkips = o.Quiet
	return ginkgo.RunSpecs(failer{}, "paycert", sc, rc)
}

// RunTest runs one suite from a thin _test.go, so "go test" and
// "paycert certify" share one set of specs. The target is the embedded
// simulator unless PAYCERT_TARGET_<PLATFORM> names a URL; Ginkgo's
// -ginkgo.* flags apply as usual.
func RunTest(t *testing.T, s Suite) {
	target := Target{Platform: s.Platform, URL: os.Getenv("PAYCERT_TARGET_" + strings.ToUpper(s.Platform))}
	if f := os.Getenv("PAYCERT_FAULTS"); f != "" {
		target.Faults = strings.Split(f, ",")
	}
	cleanup := s.Register(target)
	if cleanup != nil {
		t.Cleanup(cleanup)
	}
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, "paycert "+s.Platform)
}

// failer satisfies Ginkgo's testing interface outside "go test"; the
// result travels through RunSpecs's return value.
type failer struct{}

func (failer) Fail() {}

// registerProgress prints the header line with the number of specs that
// will run, then one line per finished spec: done/total, outcome, spec text,
// and on a failure how many failed so far, so a long certification run shows
// where it is.
func registerProgress(w io.Writer, header string) {
	var (
		mu             sync.Mutex
		total, done, n int
	)
	ginkgo.ReportBeforeSuite(func(r ginkgo.Report) {
		total = r.PreRunStats.SpecsThatWillRun
		if header != "" {
			header += " — "
		}
		fmt.Fprintf(w, "%s%d specs to run\n", header, total)
	})
	ginkgo.ReportAfterEach(func(r ginkgo.SpecReport) {
		if r.State == types.SpecStateSkipped && r.Failure.Message == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done++
		mark := "ok  "
		switch {
		case r.State.Is(types.SpecStateFailureStates):
			n++
			mark = "FAIL"
		case r.State == types.SpecStateSkipped:
			mark = "skip"
		case r.State == types.SpecStatePending:
			mark = "pend"
		}
		width := len(fmt.Sprint(total))
		line := fmt.Sprintf("[%*d/%d] %s %s", width, done, total, mark, r.FullText())
		if mark == "FAIL" {
			line += fmt.Sprintf("  (%d failed so far)", n)
		}
		fmt.Fprintln(w, line)
	})
}
