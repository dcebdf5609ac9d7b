package sim

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"time"
)

// Harden wraps a simulator's handler with the guards every simulator needs:
// bodies over MaxBody get 413 before the handler reads them, and a panic is
// turned into a 500 and recorded as a violation of the simulator itself (a
// panic is always a simulator bug; suites fail on a 5xx).
func Harden(h http.Handler, rec *Recorder) http.Handler { return HardenStrict(h, rec, nil) }

// HardenStrict is Harden for a simulator in strict-mock mode: a body it
// refuses for its declared Content-Length, before the handler sees it, is
// also recorded in rec as tooLarge describes it. Without this a client
// that declares its oversized body would go unreported while one that sends
// it chunked (refused by the handler's read, which records it) would not.
// A nil tooLarge records nothing: Harden.
func HardenStrict(h http.Handler, rec *Recorder, tooLarge func(r *http.Request) Violation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBody {
			if tooLarge != nil && rec != nil {
				rec.Record(tooLarge(r))
			}
			http.Error(w, "request body over 1 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				if rec != nil {
					rec.Record(Violation{Time: time.Now(), Interface: r.URL.Path, Rule: "simulator-panic",
						Detail: fmt.Sprintf("%v\n%s", p, debug.Stack())})
				}
				http.Error(w, "simulator bug (panic): see violations", http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// IsBodyTooLarge reports whether err came from reading a body over MaxBody,
// so a handler can answer with its platform's documented code.
func IsBodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// Server is a simulator served on a loopback port.
type Server struct {
	URL  string // "http://127.0.0.1:PORT" or "https://..."
	Addr string // "127.0.0.1:PORT"
	srv  *http.Server
}

// ListenOptions tune Listen.
type ListenOptions struct {
	Addr        string      // default "127.0.0.1:0" (a free loopback port)
	TLS         *tls.Config // serve HTTPS with this config
	AllowRemote bool        // permit a non-loopback bind address (never by default)
	// HandshakeFailed, when set, is told of every TLS handshake that
	// failed, with the client's address and the handshake's own error
	// (x509 errors intact), so a strict mock can record a refused client
	// certificate without changing how it is refused. The server's error
	// log is not enough: it holds only the error's text.
	HandshakeFailed func(remote net.Addr, err error)
}

// HandshakeObserver is implemented by TLS simulators that want to hear of
// failed handshakes (99bill's strict mock records refused client
// certificates); Start wires it to ListenOptions.HandshakeFailed.
type HandshakeObserver interface {
	HandshakeFailed(remote net.Addr, err error)
}

// Listen serves h on a loopback address and returns once the port is bound.
func Listen(h http.Handler, o ListenOptions) (*Server, error) {
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if !o.AllowRemote && !IsLoopback(host) {
		return nil, fmt.Errorf("listen address %q is not loopback: simulators bind 127.0.0.1/::1 unless remote binding is asked for explicitly", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	scheme := "http"
	if o.TLS != nil {
		ln = tls.NewListener(ln, o.TLS)
		scheme = "https"
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0), // TLS handshake refusals are expected in suites
	}
	if o.TLS != nil && o.HandshakeFailed != nil {
		srv.ConnState = func(c net.Conn, st http.ConnState) {
			tc, ok := c.(*tls.Conn)
			if !ok || st != http.StateClosed || tc.ConnectionState().HandshakeComplete {
				return
			}
			// The server attempted the handshake first thing and it failed:
			// Handshake on the closed conn returns that stored error.
			if err := tc.Handshake(); err != nil {
				o.HandshakeFailed(c.RemoteAddr(), err)
			}
		}
	}
	go srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	a := ln.Addr().String()
	return &Server{URL: scheme + "://" + a, Addr: a, srv: srv}, nil
}

// Close stops the server and its connections.
func (s *Server) Close() error { return s.srv.Close() }

// IsLoopback reports whether host names a loopback address.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Start serves a simulator on loopback, over TLS when it asks for it. A
// simulator's ServeHTTP is already wrapped in Harden by its constructor, so
// the guards hold however it is served (httptest, Start, the load runner).
func Start(s Simulator, o ListenOptions) (*Server, error) {
	if ts, ok := s.(TLSSimulator); ok && o.TLS == nil {
		o.TLS = ts.TLSConfig()
	}
	if ho, ok := s.(HandshakeObserver); ok && o.HandshakeFailed == nil {
		o.HandshakeFailed = ho.HandshakeFailed
	}
	return Listen(s, o)
}
