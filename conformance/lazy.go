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

	once  sync.Once
	val   T
	stop  func() error
	err   error
	close sync.Once
}

// NewLazy wraps a start function returning the value and its stop function.
func NewLazy[T any](start func() (T, func() error, error)) *Lazy[T] {
	return &Lazy[T]{start: start}
}

// Get returns the environment, starting it on first use. Called from a spec,
// a start failure fails that spec (and every later one) with the cause.
func (l *Lazy[T]) Get() T {
	l.once.Do(func() { l.val, l.stop, l.err = l.start() })
	if l.err != nil {
		ginkgo.Fail("environment did not start: " + l.err.Error())
	}
	return l.val
}

// Close stops the environment if it was started.
func (l *Lazy[T]) Close() {
	l.close.Do(func() {
		if l.stop != nil {
			_ = l.stop()
		}
	})
}
