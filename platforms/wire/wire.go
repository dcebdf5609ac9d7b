// Package wire describes one request/reply exchange as it crossed the wire.
// Clients report every exchange to an Observer; the conformance suites attach
// them to the spec that made them, so a failure shows the exact bytes.
package wire

import "time"

// Exchange is one request and its reply, byte for byte.
type Exchange struct {
	Interface string            `json:"interface"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Request   []byte            `json:"request"`
	Status    int               `json:"status"` // HTTP status, 0 when no reply arrived
	Reply     []byte            `json:"reply"`
	Charset   string            `json:"charset"` // "GBK", "GB2312", "UTF-8": how to show the bytes to a person
	Header    map[string]string `json:"header,omitempty"`
	Err       string            `json:"error,omitempty"` // transport error, if any
	Start     time.Time         `json:"start"`
	Duration  time.Duration     `json:"duration"`
}

// Observer receives every exchange a client makes. It must be safe for
// concurrent use when the client is.
type Observer func(Exchange)
