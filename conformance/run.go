package conformance

import (
	"fmt"
	"io"
	"os"
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
}

// RunOptions control one in-process run of one or more suites.
type RunOptions struct {
	LabelFilter string   // Ginkgo label filter, e.g. "platform:ipos && !slow"
	Focus       []string // regular expressions on the full spec text
	JUnitPath   string   // write a JUnit report here ("" = none)
	JSONPath    string   // write Ginkgo's JSON report here ("" = none)
	Verbose     bool     // Ginkgo -v
	Quiet       bool     // succinct output without skip notices (mutation children; the parent discards stdout)
	Progress    io.Writer
	Seed        int64 // randomisation seed; 0 = Ginkgo's default
	// OnReport receives Ginkgo's report of the whole run (for report.json
	// and index.html) before Run returns.
	OnReport func(ginkgo.Report)
	// Console, when set, receives Ginkgo's own console reporter (failure
	// blocks with timelines and source paths) instead of stdout: paycert
	// certify discards it, or redacts it with -v.
	Console io.Writer
}

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
		registerProgress(o.Progress)
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

// registerProgress prints one line per finished spec: platform, done/total,
// failures so far, so a long certification run shows where it is.
func registerProgress(w io.Writer) {
	var (
		mu             sync.Mutex
		total, done, n int
	)
	ginkgo.ReportBeforeSuite(func(r ginkgo.Report) {
		total = r.PreRunStats.SpecsThatWillRun
		fmt.Fprintf(w, "running %d specs\n", total)
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
		fmt.Fprintf(w, "[%4d/%d] %s %s  (failures so far: %d)\n", done, total, mark, r.FullText(), n)
	})
}
