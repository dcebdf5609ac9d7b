package conformance

import (
	"sync"

	"github.com/onsi/ginkgo/v2"
)

// Lazy starts a suite's environment (typically the embedded simulator on a
// loopback port, or a client for a real endpoint) the first time a spec asks
// for it, so a label filter that selects no spec of a platform starts
// nothing. Close stops it; the suite returns Close as its cleanup.
type Lazy[T any] struct {
	start func() (T, func() error, error)

	mu      sync.Mutex
	started bool // start ran (whatever it returned)
	val     T
	stop    func() error
	err     error
	closed  bool
}

// NewLazy wraps a start function returning the value and its stop function.
func NewLazy[T any](start func() (T, func() error, error)) *Lazy[T] {
	return &Lazy[T]{start: start}
}

// Get returns the environment, starting it on first use. Called from a spec,
// a start failure fails that spec (and every later one) with the cause.
func (l *Lazy[T]) Get() T {
	l.mu.Lock()
	if !l.started {
		l.started = true
		l.val, l.stop, l.err = l.start()
	}
	v, err := l.val, l.err
	l.mu.Unlock()
	if err != nil {
		ginkgo.Fail("environment did not start: " + err.Error())
	}
	return v
}

// Started returns the environment without starting it: ok is false when no
// spec asked for it yet or it failed to start.
func (l *Lazy[T]) Started() (val T, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.val, l.started && l.err == nil
}

// Close stops the environment if it was started.
func (l *Lazy[T]) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	if l.stop != nil {
		_ = l.stop()
	}
}
