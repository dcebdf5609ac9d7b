package wire

import (
	"errors"
	"fmt"
)

// The three ways a call to a platform can fail, shared by every client so a
// suite, the load runner and the CLI tell them apart the same way for all
// four platforms:
//
//   - *TransportError: no HTTP reply arrived (refused, reset, timeout, TLS
//     handshake refused). Nothing can be said about the endpoint's protocol.
//   - *ProtocolError: a reply arrived but breaks the protocol: an HTTP status
//     other than the one the spec carries replies with, an unparsable body,
//     a bad MAC or signature, a missing result element, both errorCode and
//     responseCode. The reply must be dropped.
//   - *ResultError: a conforming reply whose result code is not a success.
//     Code(err) returns it.
//
// A non-200 status is a protocol error, not a transport one: bytes were
// exchanged and the endpoint spoke HTTP, but not the platform's protocol.

// TransportError is a call that got no HTTP reply.
type TransportError struct {
	Platform  string // "ipos", "kakatong", "bill99", "hzcard"
	Interface string // the interface or method called
	Err       error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: transport: %v", e.Platform, e.Interface, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// ProtocolError is a reply that breaks the protocol.
type ProtocolError struct {
	Platform  string
	Interface string
	Status    int // the HTTP status of the reply
	Err       error
}

func (e *ProtocolError) Error() string {
	if e.Status != 0 && e.Status != 200 {
		return fmt.Sprintf("%s %s: protocol violation (HTTP %d): %v", e.Platform, e.Interface, e.Status, e.Err)
	}
	return fmt.Sprintf("%s %s: protocol violation: %v", e.Platform, e.Interface, e.Err)
}

func (e *ProtocolError) Unwrap() error { return e.Err }

// ResultError is a conforming reply whose result is not a success.
type ResultError struct {
	Platform  string
	Interface string
	Code      string // exactly as on the wire: "0325", "B.MGW.0001", "000031"
	Text      string // the reply's own description of the code, if any
}

func (e *ResultError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("%s %s: result %s", e.Platform, e.Interface, e.Code)
	}
	return fmt.Sprintf("%s %s: result %s (%s)", e.Platform, e.Interface, e.Code, e.Text)
}

// Code returns the result code carried by err, "" when err is not (or does
// not wrap) a *ResultError.
func Code(err error) string {
	var re *ResultError
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

// IsTransport reports whether err is (or wraps) a *TransportError.
func IsTransport(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}

// IsProtocol reports whether err is (or wraps) a *ProtocolError.
func IsProtocol(err error) bool {
	var pe *ProtocolError
	return errors.As(err, &pe)
}
