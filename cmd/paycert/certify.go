package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	gio "io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/onsi/ginkgo/v2"

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

Exit status: 0 only if every spec passed (failures accepted by an unexpired
waiver in the config excepted); 1 if any failed; 2 for usage errors.

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
		fs.Var(&faults, "fault", "switch on a simulator fault in every embedded target (used by 'paycert mutate')")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
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
		cfg := conformance.Config{Targets: map[string]conformance.Target{}}
		if *config != "" {
			if cfg, err = conformance.LoadConfig(*config); err != nil {
				return err
			}
		}
		resolved := map[string]conformance.Target{}
		for _, p := range ps {
			resolved[p.Name] = cfg.Resolve(p.Name)
		}
		for _, t := range targets {
			name, url, err := conformance.ParseTargetFlag(t)
			if err != nil {
				return cli.Usagef("%s", redact.URL(err.Error())) // a URL pasted without "platform=" may hold a password
			}
			tt, ok := resolved[name]
			if !ok {
				return cli.Usagef("--target %s: platform not selected (selected: %s)", name, registry.Names(ps))
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
		if *rerun != "" {
			f, err := failedSpecs(*rerun)
			if err != nil {
				return err
			}
			if len(f) == 0 {
				fmt.Fprintf(io.Stdout, "nothing to re-run: no spec failed in %s\n", *rerun)
				return nil
			}
			focusList = append(focusList, f...)
		}

		runID := newRunID(time.Now())
		dir := *out
		if dir == "" {
			dir = filepath.Join("reports", "out", runID)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("output directory: %w", err)
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
		fmt.Fprintf(io.Stdout, "paycert certify %s: %s\n", runID, strings.Join(targetLines, "; "))

		var ginkgoReport ginkgo.Report
		got := false
		opts := conformance.RunOptions{
			LabelFilter: *labels,
			Focus:       focusList,
			Console:     gio.Discard, // each failure is shown once, by the summary
			Verbose:     *verbose,
			Quiet:       *quiet,
			OnReport:    func(r ginkgo.Report) { ginkgoReport, got = r, true },
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
		waivers := cfg.Waivers
		rep := reports.Build(ginkgoReport, reports.Input{
			RunID: runID,
			Manifest: reports.Manifest{
				Version: version, Commit: commit, GoVersion: runtime.Version(), Host: hostname(),
				OSArch: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), Targets: targetLines,
				Profiles: profiles, LabelFilter: *labels, Command: "paycert certify " + strings.Join(redactArgs(cli.Args(ctx)), " "),
			},
			Catalogues: cats, Targets: resolved, Waivers: waivers, Now: time.Now(),
		})
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
		if rep.Verdict != "PASS" {
			return &cli.ExitError{Code: 1}
		}
		return nil
	}
	return cmd
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

func printSummary(io cli.IO, rep reports.Report, dir string) {
	tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "\nplatform\tspecs\tpassed\tfailed\twaived\tskipped\tcodes covered\n")
	for _, p := range rep.Platforms {
		covered, total := 0, 0
		for _, c := range p.Codes {
			total++
			if c.Status != reports.NotCovered {
				covered++
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d/%d\n", p.Name, p.Counts.Total, p.Counts.Passed, p.Counts.Failed,
			p.Counts.Waived, p.Counts.Skipped, covered, total)
	}
	tw.Flush()
	for _, p := range rep.Platforms {
		for _, s := range p.Specs {
			if s.Status == reports.Failed {
				fmt.Fprintf(io.Stdout, "\nFAILED  %s\n%s\n", s.Text, indent(s.Failure, "        "))
				if s.Location != "" {
					fmt.Fprintf(io.Stdout, "        at %s\n", s.Location)
				}
				if n := len(s.Exchanges); n > 0 {
					fmt.Fprintf(io.Stdout, "        %d exchanges: spec %s in %s\n", n, s.ID, filepath.Join(dir, rep.Transcripts))
				}
			}
			if s.Status == reports.WaivedPassed {
				fmt.Fprintf(io.Stdout, "WAIVED BUT PASSED (remove the waiver)  %s\n", s.Text)
			}
		}
	}
	fmt.Fprintf(io.Stdout, "\nverdict: %s — report: %s\n", rep.Verdict, filepath.Join(dir, "index.html"))
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

// failedSpecs reads an earlier run's report.json and returns focus regexps
// matching exactly its failed specs.
func failedSpecs(ref string) ([]string, error) {
	path := ref
	if !strings.HasSuffix(ref, ".json") {
		path = filepath.Join("reports", "out", ref, "report.json")
	}
	rep, err := reports.ReadReport(path)
	if err != nil {
		return nil, fmt.Errorf("--rerun-failed: %w", err)
	}
	var out []string
	for _, p := range rep.Platforms {
		for _, s := range p.Specs {
			if s.Status == reports.Failed {
				// Ginkgo matches focus against "<suite description> <spec text>".
				out = append(out, " "+regexp.QuoteMeta(s.Text)+"$")
			}
		}
	}
	return out, nil
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
