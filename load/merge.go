package load

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// MergeReport is the outcome of merging shard results.
type MergeReport struct {
	Files     int
	Results   uint64
	Stats     []*Stats
	Outcomes  []Outcome // every threshold checked on the merged data
	Breaches  []Breach
	Asked     map[string]float64 // total asked rate per scenario (from the meta files or --rate)
	Truncated []string           // files cut short by a killed shard
	Warnings  []string
	metas     []*Meta               // per file, nil where it has none
	th        map[string]Thresholds // the thresholds checked, per group
}

// Failed reports whether the merged run breached a threshold.
func (m *MergeReport) Failed() bool { return len(m.Breaches) > 0 }

// WriteText prints the merged report.
func (m *MergeReport) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "merged %d results from %d files\n", m.Results, m.Files)
	if err := WriteText(w, m.Stats); err != nil {
		return err
	}
	for _, t := range m.Truncated {
		fmt.Fprintf(w, "warning: %s was cut short (a killed shard); its whole results are included\n", t)
	}
	for _, x := range m.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	for _, b := range m.Breaches {
		fmt.Fprintln(w, b)
	}
	return nil
}

// Merge reads shard result files, optionally writes them as one gob stream
// to out (nil: none), and checks the thresholds on the merged data. Each
// file's asked rate comes from its meta file; rate > 0 overrides the total
// for every scenario. Two files holding the same attack name are refused:
// that is two unsharded runs, or one shard run twice, and their sum would
// be meaningless.
func Merge(files []string, out io.Writer, slo *SLO, flags Thresholds, rate float64) (*MergeReport, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("merge: no results files")
	}
	rep := &MergeReport{Files: len(files), Asked: map[string]float64{}}
	agg := NewAggregator()
	owner := map[string]string{} // attack name -> file
	var enc vegeta.Encoder
	if out != nil {
		enc = vegeta.NewEncoder(out)
	}
	var firsts []time.Time
	listed := map[string]bool{}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			if listed[abs] {
				return nil, fmt.Errorf("merge: %s listed twice", f)
			}
			listed[abs] = true
		}
		meta, ok, err := ReadMeta(f)
		if err != nil {
			return nil, err
		}
		if ok {
			rep.Asked[meta.Scenario] += meta.Rate
			rep.metas = append(rep.metas, &meta)
		} else {
			rep.metas = append(rep.metas, nil)
		}
		var first time.Time
		n, trunc, err := ReadResults(f, func(r *vegeta.Result) error {
			if o, seen := owner[r.Attack]; seen && o != f {
				return fmt.Errorf("merge: attack %q is in both %s and %s: run shards with --shard i/N so each has its own name", r.Attack, o, f)
			}
			owner[r.Attack] = f
			if first.IsZero() || r.Timestamp.Before(first) {
				first = r.Timestamp
			}
			agg.Add(r)
			if enc != nil {
				if err := enc.Encode(r); err != nil {
					return fmt.Errorf("merge: writing: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		rep.Results += n
		if trunc {
			rep.Truncated = append(rep.Truncated, f)
		}
		if !first.IsZero() {
			firsts = append(firsts, first)
		}
	}
	if len(firsts) > 1 {
		sort.Slice(firsts, func(i, j int) bool { return firsts[i].Before(firsts[j]) })
		if spread := firsts[len(firsts)-1].Sub(firsts[0]); spread > time.Second {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("shards started %s apart: use a shared --start-at, or the merged rate and duration are wrong", spread.Round(time.Millisecond)))
		}
	}
	if rate > 0 {
		for _, s := range agg.All() {
			rep.Asked[s.Scenario] = rate
		}
	}
	rep.Stats = agg.All()
	rep.Outcomes = EvaluateAll(rep.Stats, slo, flags, rep.Asked)
	rep.th = map[string]Thresholds{}
	for _, s := range rep.Stats {
		rep.th[s.Group] = slo.For(s.Scenario, s.Step, flags)
	}
	rep.Breaches = Breaches(rep.Outcomes)
	return rep, nil
}

// Meta is the meta file of the merged results: the shards' asked rates
// summed, the thresholds merge checked, and their ledger and field-check
// results combined, so that "paycert report load merged.bin" judges the
// distributed run as merge did. The result is left out (the page then says
// NO VERDICT) when a shard recorded none: a killed shard's ledger is not
// known to be right.
func (m *MergeReport) Meta(command []string) Meta {
	out := Meta{Shard: fmt.Sprintf("merged from %d files", m.Files), Command: command, Thresholds: m.th}
	var scenarios, targets, versions []string
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	res := &RunResult{}
	var ledgers []string
	for _, x := range m.metas {
		if x == nil || x.Result == nil {
			res = nil
			if x == nil {
				continue
			}
		}
		add(&scenarios, x.Scenario)
		add(&targets, "target "+x.Target)
		add(&versions, "version "+x.Version)
		if d, err := time.ParseDuration(x.Duration); err == nil {
			if cur, _ := time.ParseDuration(out.Duration); d > cur {
				out.Duration = x.Duration
			}
		}
		if out.StartAt.IsZero() || (!x.StartAt.IsZero() && x.StartAt.Before(out.StartAt)) {
			out.StartAt = x.StartAt
		}
		if res == nil || x.Result == nil {
			continue
		}
		r := x.Result
		ledgers = append(ledgers, fmt.Sprintf("shard %s: %s", x.Shard, r.Ledger))
		res.LedgerFailed = res.LedgerFailed || r.LedgerFailed
		res.Checked += r.Checked
		res.CheckFailed += r.CheckFailed
		res.CheckErrors = append(res.CheckErrors, r.CheckErrors...)
		res.LateHits += r.LateHits
		res.MaxLag = max(res.MaxLag, r.MaxLag)
		res.CapHits += r.CapHits
		res.MaxWorkers = max(res.MaxWorkers, r.MaxWorkers)
		res.Starved += r.Starved
		res.Interrupted = res.Interrupted || r.Interrupted
	}
	out.Scenario = strings.Join(scenarios, ", ")
	for _, sc := range scenarios {
		out.Rate += m.Asked[sc]
	}
	out.Target = strings.TrimPrefix(strings.Join(targets, "; "), "target ")
	out.Version = strings.TrimPrefix(strings.Join(versions, "; "), "version ")
	if res != nil && len(ledgers) > 0 {
		res.Ledger = strings.Join(ledgers, "; ")
		out.Result = res
	}
	return out
}
