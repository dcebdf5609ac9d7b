package conformance

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// fakeSim is a simulator whose ledger and panics a spec sets.
type fakeSim struct {
	mu       sync.Mutex
	auditErr error
	vs       []sim.Violation
}

func (s *fakeSim) ServeHTTP(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }
func (s *fakeSim) Faults() []sim.Fault                              { return nil }
func (s *fakeSim) Violations() []sim.Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.vs)
}
func (s *fakeSim) Audit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.auditErr
	s.auditErr = nil // the next spec starts balanced
	return err
}

type fakeEnv struct{ sim *fakeSim }

func (e *fakeEnv) Simulator() sim.Simulator {
	if e.sim == nil {
		return nil
	}
	return e.sim
}

// TestFramework runs a small suite on the framework through Run, as
// paycert certify does, and checks each spec's outcome and labels: the
// after-each ledger and panic checks fail the spec that broke them, Ctx()
// is the spec's own context (cancelled by a spec timeout, so a hung call
// ends), and CodeTable labels and skips by rule.
func TestFramework(t *testing.T) {
	cat := &catalog.Catalogue{Platform: "fake", Codes: []catalog.Code{
		{Code: "00", Text: "成功", TextEN: "success"},
		{Code: "01", Text: "超时", Unprovokable: "an upstream timeout"},
		{Code: "02", Text: "无"},
		{Code: "03", Text: "夹具"},
	}}
	s := &fakeSim{}
	var sawCtx context.Context
	suite := Suite{Platform: "fake", Register: func(tg Target) func() {
		f := NewFramework(tg, cat, func(Target) (*fakeEnv, func() error, error) {
			return &fakeEnv{sim: s}, func() error { return nil }, nil
		})
		f.Describe("fake platform", func() {
			f.It("passes with a balanced ledger", func() { f.Env() })
			f.It("breaks the ledger", func() {
				f.Env()
				s.mu.Lock()
				s.auditErr = errors.New("balance 10 fen short")
				s.mu.Unlock()
			})
			f.It("makes the simulator panic", func() {
				f.Env()
				s.mu.Lock()
				s.vs = append(s.vs, sim.Violation{Interface: "/x", Rule: "simulator-panic", Detail: "boom"})
				s.mu.Unlock()
			})
			f.It("passes after a panic was reported once", func() { f.Env() })
			f.It("gets the spec context", func() {
				sawCtx = f.Ctx()
				gomega.Expect(sawCtx.Err()).NotTo(gomega.HaveOccurred())
			})
			f.It("ends a hung call at its timeout", ginkgo.NodeTimeout(200*time.Millisecond), func() {
				<-f.Ctx().Done()
			})
			f.DescribeTable("a table", func(n int) {
				gomega.Expect(f.Ctx()).NotTo(gomega.Equal(context.Background()))
				gomega.Expect(n).To(gomega.Equal(1))
			}, ginkgo.Entry("one", 1))
			f.CodeTable("codes", map[string]Provoker[*fakeEnv]{
				"00": {Interface: "query", Check: func(ctx context.Context, e *fakeEnv) {
					gomega.Expect(ctx).To(gomega.Equal(f.Ctx()))
				}},
				"03": {Interface: "trade", SimOnly: "needs a fixture card", Labels: Negative, Check: func(context.Context, *fakeEnv) {}},
				"99": {Interface: "trade", Check: func(context.Context, *fakeEnv) {}},
			})
		})
		return f.Close
	}}
	var rep ginkgo.Report
	Run([]Suite{suite}, map[string]Target{"fake": {URL: "http://127.0.0.1:1"}}, RunOptions{Quiet: true, OnReport: func(r ginkgo.Report) { rep = r }})

	got := map[string]types.SpecState{}
	labels := map[string][]string{}
	for _, sr := range rep.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		got[sr.LeafNodeText] = sr.State
		labels[sr.LeafNodeText] = sr.Labels()
		// A spec points at the suite's line, not at the framework's
		// wrapper, so a failure and the report lead to the spec.
		if f := sr.LeafNodeLocation.FileName; !strings.HasSuffix(f, "framework_test.go") {
			t.Errorf("spec %q is located in %s, want the suite file that declared it", sr.LeafNodeText, f)
		}
	}
	want := map[string]types.SpecState{
		"passes with a balanced ledger":          types.SpecStatePassed,
		"breaks the ledger":                      types.SpecStateFailed,
		"makes the simulator panic":              types.SpecStateFailed,
		"passes after a panic was reported once": types.SpecStatePassed,
		"gets the spec context":                  types.SpecStatePassed,
		"ends a hung call at its timeout":        types.SpecStateTimedout,
		"one":                                    types.SpecStatePassed,
		"00 成功 (success)":                        types.SpecStatePassed,
		"01 超时":                                  types.SpecStateSkipped,
		"02 无":                                   types.SpecStateFailed,
		"03 夹具":                                  types.SpecStateSkipped, // sim-only against a target
		"every code provoker names a documented code": types.SpecStateFailed, // "99"
	}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("spec %q: state %v, want %v", name, got[name], st)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ran %d specs, want %d: %v", len(got), len(want), got)
	}
	if sawCtx == nil || sawCtx.Err() == nil {
		t.Errorf("Ctx() in a spec must be the spec's context, cancelled once the spec ended")
	}
	for name, want := range map[string][]string{
		"00 成功 (success)": {"code:00", "interface:query", "platform:fake"},
		"03 夹具":           {"code:03", "interface:trade", "negative", "platform:fake", "sim-only"},
		"01 超时":           {"code:01", "platform:fake"},
	} {
		l := slices.Clone(labels[name])
		slices.Sort(l)
		if strings.Join(l, ",") != strings.Join(want, ",") {
			t.Errorf("spec %q: labels %v, want %v", name, l, want)
		}
	}
}
