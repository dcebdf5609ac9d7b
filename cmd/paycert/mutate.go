package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/reports"
)

func mutateCommand() *cli.Command {
	var (
		out     *string
		jobs    *int
		timeout *time.Duration
		only    cli.MultiFlag
	)
	cmd := &cli.Command{
		Name:    "mutate",
		Summary: "Measure suite strength: run each suite once per simulator fault (kill matrix)",
		Usage:   "mutate [platform...|all] [--out DIR] [--jobs N]",
		Help: `Each simulator carries named faults: bugs a real implementation plausibly has
(a MAC over UTF-8 bytes, a duplicate accepted, a reversal that does not
restore...). For every fault, mutate runs that platform's suite against the
simulator with the fault switched on, in a child process (Ginkgo runs one suite
per process). A fault is killed when the suite fails. A baseline run without
faults must pass first, or the matrix would mean nothing.

Writes DIR/mutation.json (picked up by 'paycert certify' for the report) and
prints the matrix. Exit status 0 only if every fault was killed.

Examples:
  paycert mutate all
  paycert mutate ipos --jobs 2
  paycert mutate hzcard --fault reply-unsigned`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		out = fs.String("out", "reports/out/mutation", "output directory")
		jobs = fs.Int("jobs", 2, "child runs at a time")
		timeout = fs.Duration("timeout", 5*time.Minute, "limit per child run")
		only = nil
		fs.Var(&only, "fault", "run only these faults (repeatable)")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		ps, err := selectPlatforms(pos)
		if err != nil {
			return err
		}
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find own executable: %w", err)
		}
		type job struct {
			platform, fault, desc string
		}
		faults, err := platformFaults(ps, only)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		var todo []job
		for i, p := range ps {
			fl := faults[i]
			// Baseline first: a suite that fails without faults kills everything.
			res := runChild(ctx, self, *out, p.Name, "", *timeout)
			if res.Error != "" || !res.passed {
				return fmt.Errorf("%s: baseline run without faults did not pass (%s); fix that first: paycert certify %s",
					p.Name, firstNonEmpty(res.Error, strings.Join(res.KilledBy, "; ")), p.Name)
			}
			fmt.Fprintf(io.Stdout, "%s: baseline passed (%.1fs), %d faults\n", p.Name, res.Seconds, len(fl))
			for _, f := range fl {
				if len(only) > 0 && !contains(only, f.Name) {
					continue
				}
				todo = append(todo, job{p.Name, f.Name, f.Description})
			}
		}
		results := make([]reports.MutantResult, len(todo))
		sem := make(chan struct{}, max(1, *jobs))
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i, j := range todo {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				r := runChild(ctx, self, *out, j.platform, j.fault, *timeout)
				r.Description = j.desc
				results[i] = r.MutantResult
				mu.Lock()
				verdict := "killed"
				if !r.Killed {
					verdict = "SURVIVED"
				}
				if r.Error != "" {
					verdict = "ERROR: " + r.Error
				}
				fmt.Fprintf(io.Stdout, "  %-9s %-36s %s (%.1fs)\n", j.platform, j.fault, verdict, r.Seconds)
				mu.Unlock()
			}()
		}
		wg.Wait()
		m := reports.Mutation{Time: time.Now(), Mutants: results}
		if err := reports.WriteJSON(filepath.Join(*out, "mutation.json"), m); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "\nplatform\tfaults\tkilled\tsurvived\n")
		survived := 0
		for _, p := range ps {
			n, k := 0, 0
			for _, r := range results {
				if r.Platform == p.Name {
					n++
					if r.Killed {
						k++
					}
				}
			}
			survived += n - k
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", p.Name, n, k, n-k)
		}
		tw.Flush()
		if survived > 0 {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d fault(s) survived: the suite does not catch them", survived)}
		}
		fmt.Fprintf(io.Stdout, "every fault killed; matrix in %s\n", filepath.Join(*out, "mutation.json"))
		return nil
	}
	return cmd
}

type childResult struct {
	reports.MutantResult
	passed bool
}

// runChild runs "paycert certify <platform> --fault F" in a child process.
// Exit 0 = the suite passed (fault survived), 1 = it failed (killed); any
// other outcome is an error, never counted as a kill.
func runChild(ctx context.Context, self, out, platform, fault string, limit time.Duration) childResult {
	name := platform + "-baseline"
	if fault != "" {
		name = platform + "-" + fault
	}
	dir := filepath.Join(out, "runs", name)
	_ = os.RemoveAll(dir)
	args := []string{"certify", platform, "--out", dir, "--quiet", "--no-evidence", "--mutation", ""}
	if fault != "" {
		args = append(args, "--fault", fault)
	}
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	start := time.Now()
	c := exec.CommandContext(cctx, self, args...)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err == nil {
		if logf, err := os.Create(dir + ".log"); err == nil {
			c.Stdout, c.Stderr = logf, logf
			defer logf.Close()
		}
	}
	err := c.Run()
	r := childResult{MutantResult: reports.MutantResult{Platform: platform, Fault: fault, Seconds: time.Since(start).Seconds()}}
	var ee *exec.ExitError
	switch {
	case err == nil:
		r.passed = true
	case errors.As(err, &ee) && ee.ExitCode() == 1 && cctx.Err() == nil:
		r.Killed = true
		if rep, err := reports.ReadReport(filepath.Join(dir, "report.json")); err == nil {
			for _, p := range rep.Platforms {
				for _, s := range p.Specs {
					if s.Status == reports.Failed && len(r.KilledBy) < 3 {
						r.KilledBy = append(r.KilledBy, s.Text)
					}
				}
			}
		} else {
			r.Killed = false
			r.Error = "child exited 1 without a report (see " + dir + ".log)"
		}
	case cctx.Err() != nil:
		r.Error = fmt.Sprintf("timed out after %s (see %s.log)", limit, dir)
	default:
		r.Error = fmt.Sprintf("%v (see %s.log)", err, dir)
	}
	return r
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
