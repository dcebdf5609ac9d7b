package conformance

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// Env is what a platform suite's environment tells the framework.
type Env interface {
	// Simulator returns the embedded simulator the environment started, or
	// nil against a real endpoint (a nil interface or a nil pointer alike:
	// an env may return its *Simulator field as it is).
	Simulator() sim.Simulator
}

// Framework is the per-suite object every platform suite is written
// against (the Kubernetes e2e framework is the model): it owns the lazily
// started environment, the target and its params, the checks run after
// every spec on every platform (the simulator's ledger audit, simulator
// panics), and the context every network call of a spec receives, which
// Ginkgo cancels when the spec times out or the run is interrupted (Ctrl-C).
//
// Specs run one at a time in a process (paycert never runs Ginkgo in
// parallel in-process), so the framework holds the running node's context
// in one field.
type Framework[E Env] struct {
	Target    Target
	Catalogue *catalog.Catalogue
	lazy      *Lazy[E]

	mu     sync.Mutex
	ctx    context.Context // the running node's SpecContext; nil between nodes
	panics int             // simulator-panic violations already reported
}

// NewFramework returns the framework of one suite for target t. start
// builds the environment (the embedded simulator on a loopback port, or
// clients for a real endpoint) the first time a spec asks for it, so a label
// filter that selects no spec of the platform starts nothing.
func NewFramework[E Env](t Target, cat *catalog.Catalogue, start func(Target) (E, func() error, error)) *Framework[E] {
	return &Framework[E]{Target: t, Catalogue: cat, lazy: NewLazy(func() (E, func() error, error) { return start(t) })}
}

// Env returns the environment, starting it on first use. Called from a
// spec, a start failure fails that spec (and every later one) with the cause.
func (f *Framework[E]) Env() E { return f.lazy.Get() }

// Close stops the environment if it was started; a suite's Register
// returns it as its cleanup.
func (f *Framework[E]) Close() { f.lazy.Close() }

// Embedded reports whether the target is the in-process simulator.
func (f *Framework[E]) Embedded() bool { return f.Target.Embedded() }

// SkipUnlessEmbedded skips the running spec against a real endpoint, saying why.
func (f *Framework[E]) SkipUnlessEmbedded(why string) { SkipUnlessEmbedded(f.Target, why) }

// Ctx is the context of the running spec node: give it to every network
// call. Outside a node (tree construction) it is context.Background().
func (f *Framework[E]) Ctx() context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ctx == nil {
		return context.Background()
	}
	return f.ctx
}

func (f *Framework[E]) enter(ctx context.Context) func() {
	f.mu.Lock()
	prev := f.ctx
	f.ctx = ctx
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.ctx = prev
		f.mu.Unlock()
	}
}

// Describe declares the suite's top-level container, labelled with the
// platform, and the checks that follow every spec in it: against the
// embedded simulator, its ledger must balance (money is never created or
// lost) and it must not have panicked. The checks run only when the
// environment was started: a spec that needs none starts none.
func (f *Framework[E]) Describe(text string, body func()) bool {
	ginkgo.GinkgoHelper() // the container points at the suite's call
	return ginkgo.Describe(text, Platform(f.Target.Platform), func() {
		ginkgo.AfterEach(func() {
			e, ok := f.lazy.Started()
			if !ok {
				return
			}
			s := e.Simulator()
			if s == nil || reflect.ValueOf(s).IsNil() {
				return
			}
			gomega.Expect(s.Audit()).To(gomega.Succeed(), "the simulator's ledger must balance after every spec (money is never created or lost)")
			vs := s.Violations()
			var found []sim.Violation
			for _, v := range vs {
				if v.Rule == "simulator-panic" {
					found = append(found, v)
				}
			}
			f.mu.Lock()
			fresh := found[min(f.panics, len(found)):]
			f.panics = len(found)
			f.mu.Unlock()
			for _, v := range fresh {
				ginkgo.Fail(fmt.Sprintf("the simulator panicked serving %s (a simulator bug): %s", v.Interface, v.Detail))
			}
		})
		body()
	})
}

// It is ginkgo.It whose body runs with Ctx() set to the spec's context.
// The body is func(), func(SpecContext) or func(context.Context).
func (f *Framework[E]) It(text string, args ...any) bool {
	ginkgo.GinkgoHelper()
	return ginkgo.It(text, f.wrapNode(args)...)
}

// BeforeEach is ginkgo.BeforeEach with Ctx() set, for setup that calls the target.
func (f *Framework[E]) BeforeEach(args ...any) bool {
	ginkgo.GinkgoHelper()
	return ginkgo.BeforeEach(f.wrapNode(args)...)
}

// AfterEach is ginkgo.AfterEach with Ctx() set, for cleanup that calls the
// target (unbind, undo, reverse what a spec changed).
func (f *Framework[E]) AfterEach(args ...any) bool {
	ginkgo.GinkgoHelper()
	return ginkgo.AfterEach(f.wrapNode(args)...)
}

// DescribeTable is ginkgo.DescribeTable whose body runs with Ctx() set to
// the entry's spec context. The body may take a SpecContext first or not.
func (f *Framework[E]) DescribeTable(text string, args ...any) bool {
	ginkgo.GinkgoHelper()
	out := make([]any, 0, len(args))
	for _, a := range args {
		if v := reflect.ValueOf(a); v.Kind() == reflect.Func && !isEntry(a) {
			a = f.wrapTableBody(v)
		}
		out = append(out, a)
	}
	return ginkgo.DescribeTable(text, out...)
}

func isEntry(a any) bool {
	_, ok := a.(ginkgo.TableEntry)
	return ok
}

var (
	specContextType = reflect.TypeOf((*ginkgo.SpecContext)(nil)).Elem()
	contextType     = reflect.TypeOf((*context.Context)(nil)).Elem()
)

// wrapNode replaces the body of an It/BeforeEach/AfterEach with one taking
// the SpecContext (which makes the node interruptible) and setting Ctx().
func (f *Framework[E]) wrapNode(args []any) []any {
	out := make([]any, 0, len(args))
	for _, a := range args {
		switch body := a.(type) {
		case func():
			a = func(ctx ginkgo.SpecContext) { defer f.enter(ctx)(); body() }
		case func(ginkgo.SpecContext):
			a = func(ctx ginkgo.SpecContext) { defer f.enter(ctx)(); body(ctx) }
		case func(context.Context):
			a = func(ctx ginkgo.SpecContext) { defer f.enter(ctx)(); body(ctx) }
		}
		out = append(out, a)
	}
	return out
}

// wrapTableBody returns a table body taking a SpecContext first that sets
// Ctx() and calls body (passing the context on when body takes one).
func (f *Framework[E]) wrapTableBody(body reflect.Value) any {
	t := body.Type()
	takesCtx := t.NumIn() > 0 && (t.In(0).Implements(specContextType) || t.In(0) == contextType)
	in := []reflect.Type{specContextType}
	for i := 0; i < t.NumIn(); i++ {
		if i == 0 && takesCtx {
			continue
		}
		in = append(in, t.In(i))
	}
	out := make([]reflect.Type, t.NumOut())
	for i := range out {
		out[i] = t.Out(i)
	}
	ft := reflect.FuncOf(in, out, t.IsVariadic())
	return reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
		ctx := args[0].Interface().(ginkgo.SpecContext)
		defer f.enter(ctx)()
		if !takesCtx {
			args = args[1:]
		}
		if t.IsVariadic() {
			return body.CallSlice(args)
		}
		return body.Call(args)
	}).Interface()
}

// Provoker makes the target answer one result code and checks the reply.
type Provoker[E Env] struct {
	// Interface is the interface whose reply carries the code: the report's
	// interface × code matrix files the code there. A provoker that makes
	// earlier calls to set the state up names the call that answers the code.
	Interface string
	// SimOnly says why provoking the code needs the embedded simulator (its
	// fixture, its clock, a fault); "" when any endpoint can be provoked.
	SimOnly string
	// Labels are extra labels for the entry, e.g. Negative for a code only
	// bad input provokes.
	Labels ginkgo.Labels
	// Check provokes the code and asserts the reply (Gomega, ctx from the spec).
	Check func(ctx context.Context, e E)
}

// CodeTable declares one table entry per result code of the catalogue,
// labelled by rule: code:<code>, interface:<i> when a provoker names one,
// sim-only when it needs the embedded simulator. A code without a provoker
// is skipped with the catalogue's reason when it is unprovokable and fails
// otherwise; a provoker for a code the catalogue lacks fails its own spec.
func (f *Framework[E]) CodeTable(text string, provokers map[string]Provoker[E]) bool {
	ginkgo.GinkgoHelper() // entries point at the suite's CodeTable call, not here
	var entries []any
	for _, k := range f.Catalogue.Codes {
		labels := []any{Code(k.Code)}
		if p, ok := provokers[k.Code]; ok {
			if p.Interface != "" {
				labels = append(labels, Interface(p.Interface))
			}
			if p.SimOnly != "" {
				labels = append(labels, SimOnly)
			}
			if len(p.Labels) > 0 {
				labels = append(labels, p.Labels)
			}
		}
		name := k.Code + " " + k.Text
		if k.TextEN != "" {
			name += " (" + k.TextEN + ")"
		}
		entries = append(entries, ginkgo.Entry(name, append(labels, k.Code)...))
	}
	f.It("every code provoker names a documented code", func() {
		for code := range provokers {
			_, ok := f.Catalogue.Code(code)
			gomega.Expect(ok).To(gomega.BeTrue(), "the suite provokes %s, which the catalogue does not document", code)
		}
	})
	return ginkgo.DescribeTable(text, append([]any{func(ctx ginkgo.SpecContext, code string) {
		defer f.enter(ctx)()
		k, _ := f.Catalogue.Code(code)
		p, have := provokers[code]
		switch {
		case !have && k.Unprovokable != "":
			ginkgo.Skip(skipUnprovokable + k.Unprovokable)
		case !have:
			ginkgo.Fail("no provoker for documented code " + code + " and no reason it cannot be provoked")
		case p.SimOnly != "":
			f.SkipUnlessEmbedded(p.SimOnly)
		}
		p.Check(ctx, f.Env())
	}}, entries...)...)
}
