package wire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadBody: whatever length is declared, ReadBody returns io.ReadAll's
// bytes and error (after an error, a prefix of the stream, as io.ReadAll).
func TestReadBody(t *testing.T) {
	body := strings.Repeat("0123456789abcdef", 50) // 800 bytes
	boom := errors.New("boom")
	readers := map[string]func() io.Reader{
		"plain":      func() io.Reader { return strings.NewReader(body) },
		"one byte":   func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
		"data+EOF":   func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) },
		"error":      func() io.Reader { return io.MultiReader(strings.NewReader(body[:300]), iotest.ErrReader(boom)) },
		"timeout":    func() io.Reader { return iotest.TimeoutReader(strings.NewReader(body)) },
		"empty":      func() io.Reader { return strings.NewReader("") },
		"half":       func() io.Reader { return iotest.HalfReader(strings.NewReader(body)) },
		"limited":    func() io.Reader { return io.LimitReader(strings.NewReader(body), 500) },
		"limited+1":  func() io.Reader { return io.LimitReader(strings.NewReader(body), 801) },
		"short body": func() io.Reader { return strings.NewReader(body[:10]) },
	}
	for name, r := range readers {
		want, werr := io.ReadAll(r())
		for _, declared := range []int64{-1, 0, 1, 10, 799, 800, 801, 5000, 1 << 30} {
			got, err := ReadBody(r(), declared, 1<<20)
			if werr != nil && err == werr && strings.HasPrefix(body, string(got)) {
				continue // how much came before the error depends on the read sizes
			}
			if !bytes.Equal(got, want) || err != werr {
				t.Errorf("%s, declared %d: %d bytes, %v; io.ReadAll %d bytes, %v", name, declared, len(got), err, len(want), werr)
			}
		}
	}
}
