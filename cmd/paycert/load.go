package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/registry"
	"paycert/conformance"
	"paycert/load"
	"paycert/load/htmlreport"
)

// loadCommand is "paycert load": the load scenarios on vegeta.
func loadCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "load",
		Summary: "Load-test the signing and trade hot paths (vegeta), with SLO thresholds and ledger checks",
		Usage:   "load <scenario>|list|merge [flags]",
		Help: `Runs one load scenario at a constant rate for a bounded time, open model
(no coordinated omission), and streams every result to a vegeta gob file that
"vegeta report", "vegeta plot" and "paycert report load" read. With no --target
the scenario starts its platform's reference simulator on loopback, seeds what
the run needs, and checks the simulator's ledger afterwards.

The implementation under test is described as for certify: --config
paycert.yaml (its targets.<platform> section: URL, params such as keys, PKI,
cards, vouchers, and for a simulator its admin: endpoint, which the ledger
check reads). A --target that is not a loopback address needs --allow-remote;
a target from --config may be anywhere. What a target cannot support (a
missing param, a voucher or card without the balance the run needs) is
refused before anything is sent. Business failures (a non-success code in the
body) count as failures.

Exit status: 0 all passed; 99 an SLO threshold was breached (each breach is
named; by default fewer than 99% of requests successful is one, --success 0
turns that off); 1 the ledger or a sampled field check failed, or the run could
not start; 2 usage (a bad flag or config, a rate or duration out of bounds, a
target off loopback without --allow-remote).

Examples:
  paycert load list
  paycert load ipos-verify --rate 500 --duration 30s --p99 20ms --output ipos.bin
  paycert load hzcard-charge --rate 100 --duration 1m --config slo.yaml
  paycert load kakatong-consume --target http://127.0.0.1:8082/ --rate 200 --duration 10s
  paycert load ipos-verify --config paycert.yaml --rate 100 --duration 1m
  paycert load bill99-purchase --config paycert.yaml --rate 100 --duration 1m
  paycert load hzcard-charge --config sim.yaml --rate 20 --duration 10s   # from paycert sim hzcard --admin 127.0.0.1:0 --write-config sim.yaml
  paycert load ipos-verify --target http://10.0.0.5:8081/ --allow-remote --config paycert.yaml
  paycert load ipos-verify --shard 0/4 --start-at 2026-11-22T06:00:00Z --rate 2000 --output s0.bin
  paycert load merge s0.bin s1.bin s2.bin s3.bin --config slo.yaml`,
	}
	cmd.Subs = append(cmd.Subs, loadListCommand(), loadMergeCommand())
	for _, p := range platforms() {
		for _, sc := range p.Scenarios() {
			cmd.Subs = append(cmd.Subs, loadScenarioCommand(p.Name, sc))
		}
	}
	return cmd
}

func loadListCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "list",
		Summary: "List the scenarios, what each measures, and which are not available yet",
		Usage:   "load list",
		Help: `Prints every scenario with what one latency measures. A scenario whose platform
has not landed is listed as "not available yet" and refuses to run.

Examples:
  paycert load list`,
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) > 0 {
			return cli.Usagef("list takes no arguments")
		}
		tw := tabwriter.NewWriter(tio.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "SCENARIO\tSTATUS\tSTEPS\tWHAT\n")
		for _, sc := range registry.Scenarios(platforms()) {
			status := "available"
			if sc.Unavailable != "" {
				status = "NOT AVAILABLE YET (" + sc.Unavailable + ")"
			}
			steps := "-"
			if len(sc.Steps) > 0 {
				steps = strings.Join(sc.Steps, "→")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sc.Name, status, steps, sc.Summary)
		}
		return tw.Flush()
	}
	return cmd
}

// thresholdFlags registers the scenario-level SLO flags.
type thresholdFlags struct {
	p50, p90, p95, p99, max time.Duration
	success, rateRatio      ratioFlag
	config                  cli.MultiFlag
}

func addThresholdFlags(fs *flag.FlagSet) *thresholdFlags {
	t := &thresholdFlags{}
	fs.DurationVar(&t.p50, "p50", 0, "fail (exit 99) when the scenario's p50 latency is above this")
	fs.DurationVar(&t.p90, "p90", 0, "fail when p90 is above this")
	fs.DurationVar(&t.p95, "p95", 0, "fail when p95 is above this")
	fs.DurationVar(&t.p99, "p99", 0, "fail when p99 is above this")
	fs.DurationVar(&t.max, "max", 0, "fail when the slowest request is above this")
	fs.Var(&t.success, "success", "fail when the share of successful requests (0..1) is below this (default 0.99; 0 turns the check off)")
	fs.Var(&t.rateRatio, "rate-ratio", "fail when achieved/asked rate is below this (default 0.98; 0 turns the check off)")
	fs.Var(&t.config, "config", "YAML file of thresholds per scenario and step, or (paycert load <scenario>) the paycert.yaml of certify whose targets: section names the implementation; repeatable, one of each")
	return t
}

// resolve returns the thresholds and, when a --config file is a
// paycert.yaml (its top level has targets:), that file's path. The ratios
// are checked by ratioFlag as they are parsed.
func (t *thresholdFlags) resolve() (*load.SLO, load.Thresholds, string, error) {
	th := load.Thresholds{
		P50: load.Duration(t.p50), P90: load.Duration(t.p90), P95: load.Duration(t.p95), P99: load.Duration(t.p99),
		Max: load.Duration(t.max), MinSuccess: t.success.r, MinRateRatio: t.rateRatio.r,
	}
	var slo *load.SLO
	var targets string
	for _, f := range t.config {
		isTargets, err := hasTargets(f)
		if err != nil {
			return nil, th, "", err
		}
		switch {
		case isTargets && targets != "":
			return nil, th, "", cli.Usagef("--config %s: a second targets file (%s is the first)", f, targets)
		case isTargets:
			targets = f
		case slo != nil:
			return nil, th, "", cli.Usagef("--config %s: a second thresholds file", f)
		default:
			if slo, err = load.LoadSLO(f); err != nil {
				return nil, th, "", err
			}
		}
	}
	return slo, th, targets, nil
}

// hasTargets reports whether a YAML file's top level has a targets: key:
// then it is certify's paycert.yaml, not a thresholds file (whose keys are
// defaults: and scenarios:), so one flag takes either.
func hasTargets(path string) (bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("--config: %w", err)
	}
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(b, &top); err != nil {
		return false, nil // the thresholds loader says what is wrong with it
	}
	_, ok := top["targets"]
	return ok, nil
}

// ratioFlag is a threshold ratio that tells "--success 0" (off, on
// purpose) from no flag at all (the default applies).
type ratioFlag struct{ r load.Ratio }

func (f *ratioFlag) String() string {
	if f == nil || f.r == 0 {
		return ""
	}
	if f.r == load.Off {
		return "0"
	}
	return strconv.FormatFloat(float64(f.r), 'g', -1, 64)
}

func (f *ratioFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 1 {
		return fmt.Errorf("%q: want a ratio between 0 and 1 (0 turns the check off)", s)
	}
	f.r = load.Ratio(v)
	if v == 0 {
		f.r = load.Off
	}
	return nil
}

const sloHelp = `
Thresholds come from flags (scenario level) and from --config, a YAML file with
per-scenario and per-step thresholds; flags win:
  defaults: {success: 0.999}
  scenarios:
    hzcard-charge:
      p99: 300ms
      steps:
        confirm: {p99: 120ms, success: 0.999}
Unless a flag or the file says otherwise, at least 99% of the scenario's requests
must succeed and the achieved rate must reach 98% of the asked rate; 0 turns
either check off ("--success 0", "success: 0").`

func loadScenarioCommand(platform string, sc *load.Scenario) *cli.Command {
	status := ""
	if sc.Unavailable != "" {
		status = " [NOT AVAILABLE YET: " + sc.Unavailable + "]"
	}
	measures := sc.Measures
	if measures == "" {
		measures = "HTTP round trip"
	}
	var (
		rate       *float64
		duration   *time.Duration
		output     *string
		target     *string
		shard      *string
		startAt    *string
		workers    *uint64
		maxWorkers *uint64
		conns      *int
		keepalive  *bool
		timeout    *time.Duration
		maxReq     *uint64
		quiet      *bool
		remote     *bool
		th         *thresholdFlags
	)
	cmd := &cli.Command{
		Name:    sc.Name,
		Summary: sc.Summary + status,
		Usage:   "load " + sc.Name + " [--rate R] [--duration D] [--output FILE] [--target URL] [--shard i/N]",
		Help: fmt.Sprintf(`%.0[1]sOne latency measures: %[2]s.
%[3]s
Results stream to --output as they arrive (vegeta gob; a FILE.meta.json next to
it records the asked rate for merge and report). Ctrl-C stops sending early and
keeps, checks and writes what was measured. Every run is bounded: at most %[4]s,
and at most 1.05×rate×duration+10 requests (or --max-requests).

Sharding: --shard i/N runs the i-th of N shards: 1/N of --rate (give the total),
an attack name of its own, order numbers in its own range; give all shards the
same --start-at so the merged duration and rate are right, then
'paycert load merge' the files.
%[6]s

Examples:
  paycert load %[5]s --rate 50 --duration 10s
  paycert load %[5]s --rate 200 --duration 30s --p99 50ms --success 0.999 --output %[5]s.bin
  paycert load %[5]s --shard 1/3 --start-at 2026-11-22T06:00:00Z --rate 300 --duration 1m --output s1.bin`,
			sc.Summary+status, measures, stepsLine(sc), load.MaxDuration, sc.Name, sloHelp),
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		rate = fs.Float64("rate", 50, "total requests (or flows) per second, all shards together")
		duration = fs.Duration("duration", 10*time.Second, "how long to send (at most 1h)")
		output = fs.String("output", "", "results file, vegeta gob (default load-<scenario>[-shard-i-of-N].bin; \"none\" writes none)")
		target = fs.String("target", "", "URL of the implementation under test (default: targets."+platform+" of --config, else the embedded simulator); off loopback only with --allow-remote")
		remote = fs.Bool("allow-remote", false, "allow a --target that is not a loopback address (a target from --config is allowed anyway)")
		shard = fs.String("shard", "", "run shard i of N, e.g. 0/4")
		startAt = fs.String("start-at", "", "shared start time, RFC 3339 or Unix seconds (sharded runs)")
		workers = fs.Uint64("workers", 10, "initial workers")
		maxWorkers = fs.Uint64("max-workers", 0, "cap on workers; 0 = open model (capping hides stalls, and is reported)")
		conns = fs.Int("connections", 0, "idle connections kept per host (0: vegeta's default)")
		keepalive = fs.Bool("keepalive", true, "reuse connections")
		timeout = fs.Duration("timeout", 10*time.Second, "per request or flow")
		maxReq = fs.Uint64("max-requests", 0, "hard bound on requests of this run (default 1.05×rate×duration+10)")
		quiet = fs.Bool("quiet", false, "no progress line")
		th = addThresholdFlags(fs)
	}
	cmd.Run = func(ctx context.Context, tio cli.IO, pos []string) error {
		if len(pos) > 0 {
			return cli.Usagef("unexpected argument %q", pos[0])
		}
		if sc.Unavailable != "" {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("scenario %s is not available yet: %s", sc.Name, sc.Unavailable)}
		}
		slo, flags, targets, err := th.resolve()
		if err != nil {
			return err
		}
		p := load.Plan{
			Rate: *rate, Duration: *duration, MaxRequests: *maxReq, Workers: *workers, MaxWorkers: *maxWorkers,
			Connections: *conns, KeepAlive: *keepalive, Timeout: *timeout, Target: *target, AllowRemote: *remote, SLO: slo, Flags: flags,
			Version: version + " (" + commit + ")", Command: os.Args,
		}
		if targets != "" {
			if err := applyTargetConfig(&p, platform, targets); err != nil {
				return err
			}
		}
		if *shard != "" {
			if p.Shard, err = load.ParseShard(*shard); err != nil {
				return cli.Usagef("%v", err)
			}
		}
		if *startAt != "" {
			if p.StartAt, err = parseStartAt(*startAt); err != nil {
				return cli.Usagef("%v", err)
			}
		}
		switch *output {
		case "none":
		case "":
			p.Output = "load-" + sc.Name + ".bin"
			if p.Shard.Sharded() {
				p.Output = fmt.Sprintf("load-%s-shard-%d-of-%d.bin", sc.Name, p.Shard.Index, p.Shard.Count)
			}
		default:
			p.Output = *output
		}
		if !*quiet {
			p.Progress = tio.Stderr
		}
		if err := p.Validate(sc); err != nil {
			return cli.Usagef("%v", err)
		}
		fmt.Fprintf(tio.Stderr, "paycert load %s: %.1f/s for %s (this shard %.1f/s), target %s\n", sc.Name, p.Rate, p.Duration, p.ShardRate(), targetName(p.Target))
		rep, err := load.Run(ctx, sc, p)
		if err != nil {
			return err
		}
		if err := rep.WriteText(tio.Stdout); err != nil {
			return err
		}
		return runStatus(rep.Verdict())
	}
	return cmd
}

// applyTargetConfig reads certify's paycert.yaml and takes the platform's
// target from it: its URL (unless --target gives one), params and admin
// endpoint. A target a file names was chosen deliberately: it may be remote.
func applyTargetConfig(p *load.Plan, platform, path string) error {
	c, err := conformance.LoadConfig(path)
	if err != nil {
		return &cli.ExitError{Code: 2, Err: err}
	}
	docs := map[string]conformance.TargetDoc{}
	for _, pl := range platforms() {
		docs[pl.Name] = pl.Target()
	}
	if err := c.Validate(docs, time.Now()); err != nil {
		return &cli.ExitError{Code: 2, Err: err}
	}
	t, ok := c.Targets[platform]
	if !ok {
		return cli.Usagef("--config %s has no targets.%s section", path, platform)
	}
	if p.Target == "" || p.Target == t.URL {
		p.Target, p.AllowRemote = t.URL, true
	}
	p.Params, p.Admin = t.Params, t.Admin
	return nil
}

func stepsLine(sc *load.Scenario) string {
	if len(sc.Steps) == 0 {
		return ""
	}
	return "Steps: " + strings.Join(sc.Steps, " → ") + " (results per step and per flow; thresholds per step in --config)."
}

func targetName(t string) string {
	if t == "" {
		return "embedded simulator on loopback"
	}
	return t
}

func runStatus(v load.Verdict) error {
	if v.Exit == load.ExitPass {
		return nil
	}
	return &cli.ExitError{Code: v.Exit, Err: errors.New(strings.ToLower(v.Status) + ": " + v.Why)}
}

func parseStartAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	return time.Time{}, fmt.Errorf("start-at %q: want RFC 3339 (2026-11-22T06:00:00Z) or Unix seconds", s)
}

func loadMergeCommand() *cli.Command {
	var (
		output *string
		rate   *float64
		th     *thresholdFlags
	)
	cmd := &cli.Command{
		Name:    "merge",
		Summary: "Merge shard results and check the thresholds on the merged data",
		Usage:   "load merge FILE... [--output merged.bin] [--rate R] [--config slo.yaml] [--p99 D]",
		Help: `Reads the gob files of the shards of one distributed run (each with its own
attack names, as --shard writes them), prints the merged figures per scenario
and step, checks the thresholds on the merged data, and optionally writes one
merged gob file (with a FILE.meta.json that lets 'paycert report load' judge
it as merge did: merge's thresholds, the shards' ledger and field checks).
The asked rate is the sum of the shards' FILE.meta.json rates
(or --rate). A file cut short by a killed shard is merged up to its last whole
result, with a warning. The same attack name in two files is refused.

Exit status: 0 passed, 99 a threshold was breached, 1 the files could not be merged.
` + sloHelp + `

Examples:
  paycert load merge results/*.bin
  paycert load merge s0.bin s1.bin --p99 50ms --success 0.999 --output all.bin
  paycert report load all.bin --output load.html`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		output = fs.String("output", "", "write the merged results to this gob file")
		rate = fs.Float64("rate", 0, "total asked rate (default: the sum of the meta files')")
		th = addThresholdFlags(fs)
	}
	cmd.Run = func(_ context.Context, tio cli.IO, files []string) error {
		if len(files) == 0 {
			return cli.Usagef("merge needs the shard result files")
		}
		slo, flags, targets, err := th.resolve()
		if err != nil {
			return err
		}
		if targets != "" {
			return cli.Usagef("merge takes a thresholds --config, not a targets file (%s)", targets)
		}
		var out *os.File
		if *output != "" {
			if out, err = os.Create(*output); err != nil {
				return err
			}
			defer out.Close()
		}
		var w io.Writer
		if out != nil {
			w = out
		}
		rep, err := load.Merge(files, w, slo, flags, *rate)
		if err != nil {
			return err
		}
		if out != nil {
			if err := out.Close(); err != nil {
				return err
			}
			// The merged file's own meta: 'paycert report load' then judges the
			// distributed run as merge did (thresholds, shards' ledgers).
			m := rep.Meta(os.Args)
			m.Version = version + " (" + commit + ")"
			if err := load.WriteMeta(*output, m); err != nil {
				return err
			}
		}
		if err := rep.WriteText(tio.Stdout); err != nil {
			return err
		}
		if len(rep.Breaches) > 0 {
			return runStatus(load.Judge(rep.Outcomes, nil))
		}
		return nil
	}
	return cmd
}

// reportLoadCommand is "paycert report load": the HTML page of load results.
func reportLoadCommand() *cli.Command {
	var (
		output *string
		title  *string
	)
	cmd := &cli.Command{
		Name:    "load",
		Summary: "Write a self-contained HTML page of load results",
		Usage:   "report load RESULTS... [--output load.html] [--title T]",
		Help: `Reads vegeta gob result files (from 'paycert load', 'paycert load merge' or
'vegeta attack') and writes one HTML page with no external assets. It opens
with the verdict (PASS, SLO BREACHED, FAIL, or NO VERDICT for a run that
recorded no ledger or field-check result: killed, or vegeta's own file), then
per file: the thresholds (want / got / met), the SLO breaches, the ledger and
field checks, generator-lag and worker-cap warnings, the paycert version,
command line and target (from FILE.meta.json), and per scenario and step the
percentiles (computed as the console computes them), latency over time, a
latency histogram, throughput and the errors. Each file is a run of its own
(its own series and verdict): to see the shards of one run as one, merge them
with 'paycert load merge --output' and report the merged file.

Examples:
  paycert report load load-ipos-verify.bin
  paycert load merge s0.bin s1.bin s2.bin --output all.bin && paycert report load all.bin --title "iPos 3×500/s"
  paycert report load before.bin after.bin --output compare.html`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		output = fs.String("output", "load-report.html", "HTML file to write (\"-\" for stdout)")
		title = fs.String("title", "paycert load report", "page title")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, files []string) error {
		if len(files) == 0 {
			return cli.Usagef("report load needs at least one results file")
		}
		r := htmlreport.New(*title)
		for _, f := range files {
			if err := r.AddFile(f); err != nil {
				return err
			}
		}
		if *output == "-" {
			return r.WriteHTML(tio.Stdout)
		}
		f, err := os.Create(*output)
		if err != nil {
			return err
		}
		if err := r.WriteHTML(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(tio.Stdout, "wrote %s\n", *output)
		return nil
	}
	return cmd
}
