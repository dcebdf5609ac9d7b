package conformance

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"time"
)

// Preflight checks that a real target answers at all before any spec runs:
// its host resolves, a TCP connection opens, and for https a TLS handshake
// completes with tc (nil: system roots, no client certificate). A target
// that fails here would fail every spec with the same cause, so the run
// stops with one line instead. The embedded simulator needs no preflight.
func Preflight(ctx context.Context, t Target, tc *tls.Config, timeout time.Duration) error {
	if t.Embedded() {
		return nil
	}
	u, err := url.Parse(t.URL)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Platform, err)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%s target %s does not answer: %s", t.Platform, u.Redacted(), dialCause(err, u.Hostname(), addr, timeout))
	}
	defer conn.Close()
	if u.Scheme != "https" {
		return nil
	}
	if tc == nil {
		tc = &tls.Config{}
	} else {
		tc = tc.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = u.Hostname()
	}
	tconn := tls.Client(conn, tc)
	if err := tconn.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("%s target %s does not answer: TLS handshake with %s failed: %s", t.Platform, u.Redacted(), addr, tlsCause(err, timeout))
	}
	return nil
}

// dialCause says why a connection did not open, in words.
func dialCause(err error, host, addr string, timeout time.Duration) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("host %s not found (DNS)", host)
		}
		return fmt.Sprintf("host %s cannot be resolved (DNS: %s)", host, dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused by %s (nothing listens there)", addr)
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Sprintf("no answer from %s within %s", addr, timeout)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("%s is unreachable (no route)", addr)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return fmt.Sprintf("cannot connect to %s: %v", addr, op.Err)
	}
	return fmt.Sprintf("cannot connect to %s: %v", addr, err)
}

func tlsCause(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Sprintf("no TLS answer within %s", timeout)
	case errors.As(err, new(tls.RecordHeaderError)):
		return "the server does not speak TLS (is the URL http://?)"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
