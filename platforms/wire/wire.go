// Package wire describes one request/reply exchange as it crossed the wire.
// Clients report every exchange to an Observer; the conformance suites attach
// them to the spec that made them, so a failure shows the exact bytes.
package wire

import (
	"io"
	"time"
)

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

// ReadBody is io.ReadAll with its buffer sized from the length the peer
// declared (an HTTP Content-Length; -1 when unknown): io.ReadAll starts at
// 512 bytes and grows, so a Huzhou charge message (~700 bytes) cost two or
// three buffers. The declared length only sizes the buffer, up to maxHint: the
// bytes and the error are io.ReadAll's (after a read error, the prefix read
// before it, whose length depends on the read sizes, as with io.ReadAll).
func ReadBody(r io.Reader, declared, maxHint int64) ([]byte, error) {
	if declared <= 0 || declared > maxHint {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, declared+1) // +1: the read that meets EOF needs no growth
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the growth
		}
	}
}
