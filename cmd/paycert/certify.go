package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	gio "io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/registry"
	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/reports"
	"paycert/reports/redact"
)

// version and commit are set by the Makefile (-ldflags -X).
var (
	version = "dev"
	commit  = "unknown"
)

func certifyCommand() *cli.Command {
	var (
		targets, faults cli.MultiFlag
		config          *string
		out             *string
		labels          *string
		focus           *string
		rerun           *string
		mutation        *string
		verbose         *bool
		quiet           *bool
		noEvidence      *bool
		listSpecs       *bool
	)
	cmd := &cli.Command{
		Name:    "certify",
		Summary: "Run the conformance suites and write the certification report",
		Usage:   "certify [platform...] [--target p=URL]... [--config paycert.yaml] [--out DIR]",
		Help: `Runs the conformance suites of the named platforms (default: all four) in this
process. Without a target a platform is certified against its embedded
reference simulator on a loopback port; --target or the config file points a
platform at a real endpoint (keys, ids and certificates go in the config's
params; they are never printed or written into reports).

Writes into --out (default reports/out/<run-id>/): junit.xml for CI systems
(one testsuite per platform), ginkgo.json (Ginkgo's own report), report.json
(platform → interface → spec, with codes, and the exchanges of failed specs),
transcripts.jsonl (the exact bytes of every exchange, by spec id),
index.html (open it from disk) and evidence.tar.gz (everything, with a
SHA256SUMS manifest). Secret params and URL userinfo are replaced by *** in
all of them and on the console. Progress is printed per spec; the summary
shows each failure once. Load
reports written into <out>/load/ ('paycert report load --output <out>/load/x.html')
before the report is written are linked from it, and the latest 'paycert mutate'
kill matrix is included.

Before the first spec everything is checked, one line per problem: platform
names, the config (its shape, params each platform documents, target URLs,
certificate and key files, waivers: a reason, an expiry in the future, a spec
they select), --target, --label-filter and --focus. Then each real target
must answer (DNS, TCP, TLS handshake); if one does not, the run stops with
one line naming it, and no run directory is written.

Verdict and exit status:
  PASS        0  every spec that applies to the targets ran and passed (a
                 failure under an unexpired waiver counts as passed, shown
                 as waived)
  FAIL        1  a spec failed (also: a target did not answer the preflight)
  INCOMPLETE  3  nothing failed, but applicable specs were skipped (missing
                 params) or the run was partial (--label-filter, --focus,
                 platforms of the config not run)
  usage/config errors exit 2, nothing run.
Specs that do not apply to a target (sim-only specs against a real endpoint,
codes a client cannot provoke) are skipped without making a run incomplete.
The banner and the console say "N of M specs ran". --rerun-failed RUN re-runs
RUN's failures against the same targets and reports the combination: RUN's
results with the re-run specs' results in their place, judged again.

Label filters select specs: platform:<p>, interface:<name>, code:<code>,
errata, negative, flow, slow, sim-only.

Examples:
  paycert certify                                   # all platforms, embedded simulators
  paycert certify ipos kakatong
  paycert certify ipos --label-filter 'code:0325 || code:3044'
  paycert certify bill99 --config lab.yaml          # real endpoint, keys from lab.yaml
  paycert certify --rerun-failed 20261122T050102Z-1a2b   # only what failed last time`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		targets, faults = nil, nil
		fs.Var(&targets, "target", "point a platform at a real endpoint: platform=URL (repeatable)")
		config = fs.String("config", "", "paycert.yaml with targets, params and waivers")
		out = fs.String("out", "", "output directory (default reports/out/<run-id>)")
		labels = fs.String("label-filter", "", "Ginkgo label filter, e.g. 'platform:ipos && !slow'")
		focus = fs.String("focus", "", "only specs whose full text matches this regular expression")
		rerun = fs.String("rerun-failed", "", "run only the specs that failed in an earlier run (run id or report.json path)")
		mutation = fs.String("mutation", "reports/out/mutation/mutation.json", "include this mutation kill matrix in the report when it exists")
		verbose = fs.Bool("v", false, "verbose Ginkgo output (every spec, transcripts of failures)")
		quiet = fs.Bool("quiet", false, "no per-spec progress lines")
		noEvidence = fs.Bool("no-evidence", false, "skip evidence.tar.gz")
		listSpecs = fs.Bool("list-specs", false, "print the selected specs (text and labels, JSON lines) without running any, e.g. to write waivers")
		fs.Var(&faults, "fault", "switch on a simulator fault in every embedded target (used by 'paycert mutate')")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		now := time.Now()
		// The earlier run of --rerun-failed decides the platforms when none
		// are named, and must have certified the same targets.
		var prev *reports.Report
		if *rerun != "" {
			r, err := readRun(*rerun)
			if err != nil {
				return cli.Usagef("--rerun-failed: %v", err)
			}
			prev = &r
			if len(pos) == 0 {
				for _, p := range r.Platforms {
					pos = append(pos, p.Name)
				}
			}
		}
		ps, err := selectPlatforms(pos)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return errors.New("no platform suites are built into this binary")
		}
		if _, err := platformFaults(ps, faults); err != nil {
			return err
		}

		// Everything is validated before the first spec: every problem is
		// one line, and any of them is exit 2 with nothing run or written.
		var problems []string
		cfg := conformance.Config{Targets: map[string]conformance.Target{}}
		if *config != "" {
			c, err := conformance.LoadConfig(*config)
			if err != nil {
				problems = append(problems, conformance.ConfigErrors(err)...)
			} else {
				cfg = c
				problems = append(problems, conformance.ConfigErrors(cfg.Validate(targetDocs(), now))...)
			}
		}
		resolved := map[string]conformance.Target{}
		for _, p := range ps {
			resolved[p.Name] = cfg.Resolve(p.Name)
		}
		for _, t := range targets {
			name, url, err := conformance.ParseTargetFlag(t)
			if err != nil {
				problems = append(problems, redact.URL(err.Error())) // a URL pasted without "platform=" may hold a password
				continue
			}
			tt, ok := resolved[name]
			switch {
			case !ok && !slices.Contains(registry.NameList(platforms()), name):
				problems = append(problems, "--target "+name+": "+conformance.UnknownPlatform(name, registry.NameList(platforms())))
				continue
			case !ok:
				problems = append(problems, fmt.Sprintf("--target %s: platform not selected (selected: %s)", name, registry.Names(ps)))
				continue
			}
			if err := conformance.CheckURL(url); err != nil {
				problems = append(problems, fmt.Sprintf("--target %s: %v", name, err))
			}
			tt.URL = url
			resolved[name] = tt
		}
		for name, t := range resolved {
			t.Faults = faults
			resolved[name] = t
		}
		// Every value a suite documents as secret, and URL userinfo, is
		// redacted from the console and every file of the run.
		rd := runRedactor(ps, resolved)
		console := redact.NewWriter(io.Stdout, rd, consoleLine)
		defer console.Flush()
		io.Stdout = console
		var focusList []string
		if *focus != "" {
			focusList = append(focusList, *focus)
		}
		if err := conformance.CheckFilters(*labels, focusList); err != nil {
			problems = append(problems, err.Error())
		}
		if prev != nil {
			problems = append(problems, sameTargets(*prev, resolved)...)
		}
		if *listSpecs {
			if len(problems) > 0 {
				return printProblems(io, problems)
			}
			return listSpecsRun(io, ps, resolved, *labels, focusList)
		}
		if len(problems) == 0 && len(cfg.Waivers) > 0 {
			problems = append(problems, unmatchedWaivers(ctx, cfg.Waivers)...)
		}
		if len(problems) > 0 {
			return printProblems(io, problems)
		}

		// Partial runs: at best INCOMPLETE.
		var partial []string
		if *labels != "" {
			partial = append(partial, "--label-filter '"+*labels+"'")
		}
		if *focus != "" {
			partial = append(partial, "--focus '"+*focus+"'")
		}
		for _, name := range cfg.Platforms() {
			if _, ok := resolved[name]; !ok {
				partial = append(partial, "config target "+name+" not run")
			}
		}
		if prev != nil {
			f := failedSpecs(*prev)
			if len(f) == 0 {
				fmt.Fprintf(io.Stdout, "nothing to re-run: no spec failed in %s (its verdict: %s)\n", prev.RunID, prev.Verdict)
				return verdictExit(prev.Verdict)
			}
			focusList = append(focusList, f...)
		}

		var suites []conformance.Suite
		var cats []*catalog.Catalogue
		var targetLines, profiles []string
		for _, p := range ps {
			st := p.Suite()
			if st.Profiles != nil {
				profiles = append(profiles, st.Profiles(resolved[p.Name])...)
			}
			suites = append(suites, st)
			cats = append(cats, p.Catalogue())
			targetLines = append(targetLines, resolved[p.Name].String())
		}
		// Against a target, say up front which documented params are not
		// given: the specs that need them will skip (the summary counts
		// them per param), and the verdict will be INCOMPLETE.
		for _, p := range ps {
			if t := resolved[p.Name]; !t.Embedded() {
				if missing := t.MissingParams(p.Target()); len(missing) > 0 {
					fmt.Fprintf(io.Stdout, "%s: %d documented params not given (the specs that need them skip; the summary counts them): %s\n",
						p.Name, len(missing), strings.Join(missing, ", "))
				}
			}
		}
		// A target that does not answer at all would fail every spec with
		// the same cause: one line, exit 1, and no run directory.
		if lines := preflight(ctx, suites, resolved); len(lines) > 0 {
			for _, l := range lines {
				fmt.Fprintf(io.Stderr, "paycert certify: %s\n", l)
			}
			return &cli.ExitError{Code: 1}
		}

		runID := newRunID(now)
		dir := *out
		if dir == "" {
			dir = filepath.Join("reports", "out", runID)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("output directory: %w", err)
		}

		var ginkgoReport ginkgo.Report
		got := false
		opts := conformance.RunOptions{
			LabelFilter: *labels,
			Focus:       focusList,
			Console:     gio.Discard, // each failure is shown once, by the summary
			Verbose:     *verbose,
			Quiet:       *quiet,
			OnReport:    func(r ginkgo.Report) { ginkgoReport, got = r, true },
			Header:      fmt.Sprintf("paycert certify %s: %s", runID, strings.Join(targetLines, "; ")),
		}
		if !*quiet {
			opts.Progress = io.Stdout
		}
		if *verbose {
			opts.Console = io.Stdout // redacted, source paths trimmed
		}
		conformance.Run(suites, resolved, opts)
		if !got {
			return errors.New("the suite did not produce a report (see the output above)")
		}
		in := reports.Input{
			RunID: runID,
			Manifest: reports.Manifest{
				Version: version, Commit: commit, GoVersion: runtime.Version(), Host: hostname(),
				OSArch: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), Targets: targetLines,
				Profiles: profiles, LabelFilter: *labels, Command: "paycert certify " + strings.Join(redactArgs(cli.Args(ctx)), " "),
			},
			Catalogues: cats, Targets: resolved, Waivers: cfg.Waivers, Now: time.Now(), Partial: partial,
		}
		rep := reports.Build(ginkgoReport, in)
		if prev != nil {
			rep = reports.Combine(*prev, rep, in)
		}
		rd.Walk(&rep)
		if err := reports.MoveTranscripts(dir, &rep); err != nil {
			return err
		}
		if err := reports.WriteGinkgoJSON(filepath.Join(dir, "ginkgo.json"), ginkgoReport, rep.Transcripts, rd.String); err != nil {
			return err
		}
		if m, err := readMutation(*mutation); err == nil {
			rep.Mutation = m
		}
		rep.Load = findLoadReports(dir)
		if err := writeReport(dir, rep, !*noEvidence); err != nil {
			return err
		}
		printSummary(io, rep, dir)
		return verdictExit(rep.Verdict)
	}
	return cmd
}

// verdictExit is the exit status of a verdict: PASS 0, FAIL 1,
// INCOMPLETE 3 (2 is taken by usage and config errors).
func verdictExit(v string) error {
	switch v {
	case reports.VerdictPass:
		return nil
	case reports.VerdictIncomplete:
		return &cli.ExitError{Code: 3}
	}
	return &cli.ExitError{Code: 1}
}

// printProblems prints each validation problem on its own line: exit 2.
func printProblems(io cli.IO, problems []string) error {
	for _, p := range problems {
		fmt.Fprintf(io.Stderr, "paycert certify: %s\n", p)
	}
	fmt.Fprintf(io.Stderr, "paycert certify: nothing was run (see 'paycert certify --help')\n")
	return &cli.ExitError{Code: 2}
}

// targetDocs maps each platform to its documented target (URL and params).
func targetDocs() map[string]conformance.TargetDoc {
	docs := map[string]conformance.TargetDoc{}
	for _, p := range platforms() {
		docs[p.Name] = p.Target()
	}
	return docs
}

// sameTargets refuses to combine a rerun with an earlier run of other
// targets: the combination would certify neither. Simulator faults aside:
// on the embedded simulator a fault stands for the bug being fixed.
func sameTargets(prev reports.Report, resolved map[string]conformance.Target) []string {
	var out []string
	for _, pp := range prev.Platforms {
		t, ok := resolved[pp.Name]
		if !ok {
			continue
		}
		t.Faults = nil
		was, _, _ := strings.Cut(pp.Target, " with faults ")
		if now := t.String(); now != was {
			out = append(out, fmt.Sprintf("--rerun-failed: run %s certified %q, this run would certify %q; give the same --config/--target", prev.RunID, pp.Target, now))
		}
	}
	return out
}

// preflight checks each real target answers; one line per target that
// does not.
func preflight(ctx context.Context, suites []conformance.Suite, targets map[string]conformance.Target) []string {
	var out []string
	for _, s := range suites {
		t := targets[s.Platform]
		t.Platform = s.Platform
		if t.Embedded() {
			continue
		}
		var tc *tls.Config
		if s.TLS != nil {
			c, err := s.TLS(t)
			if err != nil {
				out = append(out, fmt.Sprintf("%s target: client TLS: %v", s.Platform, err))
				continue
			}
			tc = c
		}
		if err := conformance.Preflight(ctx, t, tc, 5*time.Second); err != nil {
			out = append(out, err.Error())
		}
	}
	return out
}

// specInfo is one spec as --list-specs prints it (JSON lines).
type specInfo struct {
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
}

// listSpecsRun walks the spec tree without running a spec (Ginkgo's dry
// run) and prints each selected spec as a JSON line.
func listSpecsRun(io cli.IO, ps []registry.Platform, resolved map[string]conformance.Target, labels string, focus []string) error {
	var suites []conformance.Suite
	for _, p := range ps {
		suites = append(suites, p.Suite())
	}
	var rep ginkgo.Report
	conformance.Run(suites, resolved, conformance.RunOptions{
		LabelFilter: labels, Focus: focus, DryRun: true, Quiet: true,
		OnReport: func(r ginkgo.Report) { rep = r },
	})
	enc := json.NewEncoder(io.Stdout)
	for _, sr := range rep.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt || sr.State == types.SpecStateSkipped {
			continue
		}
		if err := enc.Encode(specInfo{Text: sr.FullText(), Labels: sr.Labels()}); err != nil {
			return err
		}
	}
	return nil
}

// unmatchedWaivers lists every spec of every platform in a child process
// (Ginkgo runs one suite tree per process) and names the waivers that
// select none: a misspelt waiver would otherwise be silently ignored.
func unmatchedWaivers(ctx context.Context, ws []conformance.Waiver) []string {
	self, err := os.Executable()
	if err != nil {
		return []string{"waivers: cannot list the specs to check them: " + err.Error()}
	}
	c := exec.CommandContext(ctx, self, "certify", "--list-specs")
	var stderr strings.Builder
	c.Stderr = &stderr
	b, err := c.Output()
	if err != nil {
		return []string{fmt.Sprintf("waivers: cannot list the specs to check them: %v %s", err, firstLine(stderr.String()))}
	}
	var specs []specInfo
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var s specInfo
		if json.Unmarshal([]byte(line), &s) == nil {
			specs = append(specs, s)
		}
	}
	var out []string
	for i, w := range ws {
		if !slices.ContainsFunc(specs, func(s specInfo) bool { return w.Matches(s.Text, s.Labels) }) {
			out = append(out, fmt.Sprintf("waiver %d (%q): matches no spec of any platform ('paycert certify --list-specs' lists them)", i+1, w.Spec))
		}
	}
	return out
}

func writeReport(dir string, rep reports.Report, evidence bool) error {
	if err := reports.WriteJSON(filepath.Join(dir, "report.json"), rep); err != nil {
		return fmt.Errorf("write report.json: %w", err)
	}
	if err := writeJUnit(filepath.Join(dir, "junit.xml"), rep); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "index.html"))
	if err != nil {
		return fmt.Errorf("write index.html: %w", err)
	}
	if err := reports.WriteHTML(f, rep); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if evidence {
		if _, err := reports.WriteEvidence(dir); err != nil {
			return err
		}
	}
	return nil
}

// printSummary prints the per-platform table (specs that ran, outcomes,
// and what the codes' specs showed), each failure once, and the verdict
// with "N of M specs ran".
func printSummary(io cli.IO, rep reports.Report, dir string) {
	tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "\nplatform\tran\tpassed\tfailed\twaived\tskipped\tnot selected\tn/a\tcodes passed\tfailed\tskipped\tnot provokable\tnot run\n")
	row := func(name string, k reports.Completeness, c reports.Counts, v reports.Coverage) {
		fmt.Fprintf(tw, "%s\t%d of %d\t%d\t%d\t%d\t%d\t%d\t%d\t%d of %d\t%d\t%d\t%d\t%d\n", name, k.Ran, k.Specs,
			c.Passed+c.WaivedPassed, c.Failed, c.Waived, k.Skipped, k.NotSelected, k.NotApplicable,
			v.Passed, v.Codes, v.Failed, v.Skipped, v.NotProvokable, v.NotRun)
	}
	for _, p := range rep.Platforms {
		row(p.Name, p.Completeness, p.Counts, p.Coverage)
	}
	if len(rep.Platforms) > 1 {
		row("total", rep.Completeness, rep.Counts, rep.Coverage)
	}
	tw.Flush()
	// Applicable skips are grouped by reason: fifty specs waiting for one
	// param are one line, and the report lists them.
	type skip struct {
		platform, reason string
	}
	var skips []skip
	nSkips := map[skip]int{}
	for _, p := range rep.Platforms {
		for _, s := range p.Specs {
			switch {
			case s.Status == reports.Failed:
				fmt.Fprintf(io.Stdout, "\nFAILED  %s\n%s\n", s.Text, indent(s.Failure, "        "))
				if s.Location != "" {
					fmt.Fprintf(io.Stdout, "        at %s\n", s.Location)
				}
				if n := len(s.Exchanges); n > 0 {
					fmt.Fprintf(io.Stdout, "        %d exchanges: spec %s in %s\n", n, s.ID, filepath.Join(dir, rep.Transcripts))
				}
			case s.Status == reports.WaivedPassed:
				fmt.Fprintf(io.Stdout, "WAIVED BUT PASSED (remove the waiver)  %s\n", s.Text)
			case (s.Status == reports.Skipped || s.Status == reports.Pending) && !s.NotApplicable:
				k := skip{p.Name, firstLine(s.Skip)}
				if k.reason == "" {
					k.reason = string(s.Status)
				}
				if nSkips[k] == 0 {
					skips = append(skips, k)
				}
				nSkips[k]++
			}
		}
	}
	for _, k := range skips {
		fmt.Fprintf(io.Stdout, "SKIPPED %s: %d specs: %s\n", k.platform, nSkips[k], k.reason)
	}
	if len(rep.CombinedFrom) == 2 {
		fmt.Fprintf(io.Stdout, "\ncombined result of run %s and this re-run of its failures (%s)\n", rep.CombinedFrom[0], rep.CombinedFrom[1])
	}
	fmt.Fprintf(io.Stdout, "\nverdict: %s\nreport: %s\n", reports.RanLine(rep), filepath.Join(dir, "index.html"))
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
}

// consoleLine keeps the build machine's directories off the console: Go
// source paths become repository-relative, the working directory "." (Ginkgo
// names it in its -v header).
func consoleLine(s string) string {
	s = reports.TrimSourcePaths(s)
	if wd, err := os.Getwd(); err == nil && len(wd) > 1 {
		s = strings.ReplaceAll(s, wd, ".")
	}
	return s
}

func writeJUnit(path string, rep reports.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write junit.xml: %w", err)
	}
	if err := reports.WriteJUnit(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runRedactor collects the secrets of every target of the run: the params
// each suite documents as secret (conformance.Param.Secret) and URL
// userinfo.
func runRedactor(ps []registry.Platform, targets map[string]conformance.Target) *redact.Redactor {
	var secrets []string
	for _, p := range ps {
		secrets = append(secrets, targets[p.Name].Secrets(p.Target())...)
	}
	return redact.New(secrets...)
}

func newRunID(t time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "unknown"
	}
	return h
}

// readRun reads an earlier run's report.json: a run id under reports/out,
// or the path of a report.json.
func readRun(ref string) (reports.Report, error) {
	path := ref
	if !strings.HasSuffix(ref, ".json") {
		path = filepath.Join("reports", "out", ref, "report.json")
	}
	return reports.ReadReport(path)
}

// failedSpecs returns focus regexps matching exactly the failed specs of
// an earlier run.
func failedSpecs(rep reports.Report) []string {
	var out []string
	for _, p := range rep.Platforms {
		for _, s := range p.Specs {
			if s.Status == reports.Failed {
				// Ginkgo matches focus against "<suite description> <spec text>".
				out = append(out, " "+regexp.QuoteMeta(s.Text)+"$")
			}
		}
	}
	return out
}

func readMutation(path string) (*reports.Mutation, error) {
	var m reports.Mutation
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// findLoadReports links HTML load reports placed under dir/load/.
func findLoadReports(dir string) []reports.LoadReport {
	matches, _ := filepath.Glob(filepath.Join(dir, "load", "*.html"))
	var out []reports.LoadReport
	for _, m := range matches {
		rel, _ := filepath.Rel(dir, m)
		out = append(out, reports.LoadReport{Title: filepath.Base(m), Path: filepath.ToSlash(rel)})
	}
	return out
}

// redactArgs hides values that look like secrets in the echoed command.
func redactArgs(args []string) []string {
	secret := regexp.MustCompile(`(?i)key|secret|password|pwd`)
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if name, _, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") && secret.MatchString(name) {
			out[i] = name + "=***"
		} else if i > 0 && strings.HasPrefix(args[i-1], "-") && !strings.Contains(args[i-1], "=") && secret.MatchString(args[i-1]) {
			out[i] = "***"
		}
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
