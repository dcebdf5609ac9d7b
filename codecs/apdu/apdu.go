// Package apdu is ISO/IEC 7816-4 command and response framing (short and
// extended), the status-word table, the hex lists the Huzhou platform
// (seed 003) carries APDUs in, and builders and reply parsers for the
// PBOC/JT-T 978 electronic-purse commands of cards.md and seed 003
// appendix C. It knows no cryptography (see codecs/epurse).
package apdu

import (
	"errors"
	"fmt"
)

// MaxShortData and friends are the ISO 7816-4 length limits.
const (
	MaxShortData    = 255
	MaxShortLe      = 256
	MaxExtendedData = 65535
	MaxExtendedLe   = 65536
)

// NoLe marks a command that expects no response data (cases 1 and 3).
const NoLe = -1

// Command is a command APDU. Le is NoLe (-1) when no response data is
// expected, otherwise 0..65536; the short Le byte 00 means 256 and the
// extended 0000 means 65536, which is what ParseCommand returns for them.
// Le 0 is encoded as the maximum marker (short 00, extended 0000), the
// "whatever there is" request; ParseCommand never returns 0.
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Le               int
}

// Form selects the length encoding of a command.
type Form int

const (
	// Auto uses short lengths when they fit, extended otherwise.
	Auto Form = iota
	// Short forces short lengths (an error when they do not fit).
	Short
	// Extended forces extended lengths (a case 1 command has no lengths).
	Extended
)

// Bytes encodes c with Auto lengths. It returns nil for a command that
// cannot be encoded (data over 65535 bytes, Le out of range); Encode says why.
func (c Command) Bytes() []byte {
	b, err := c.Encode(Auto)
	if err != nil {
		return nil
	}
	return b
}

// String is the canonical uppercase hex of Bytes.
func (c Command) String() string { return upperHex(c.Bytes()) }

// Encode encodes c with the given length form.
func (c Command) Encode(form Form) ([]byte, error) {
	if c.Le < NoLe || c.Le > MaxExtendedLe {
		return nil, fmt.Errorf("apdu: encode %02X%02X: Le %d out of range -1..65536", c.CLA, c.INS, c.Le)
	}
	if len(c.Data) > MaxExtendedData {
		return nil, fmt.Errorf("apdu: encode %02X%02X: %d data bytes exceed 65535", c.CLA, c.INS, len(c.Data))
	}
	fitsShort := len(c.Data) <= MaxShortData && c.Le <= MaxShortLe
	ext := false
	switch form {
	case Auto:
		ext = !fitsShort
	case Short:
		if !fitsShort {
			return nil, fmt.Errorf("apdu: encode %02X%02X: %d data bytes / Le %d do not fit short lengths", c.CLA, c.INS, len(c.Data), c.Le)
		}
	case Extended:
		ext = true
	default:
		return nil, fmt.Errorf("apdu: unknown form %d", form)
	}
	out := make([]byte, 0, 4+3+len(c.Data)+2)
	out = append(out, c.CLA, c.INS, c.P1, c.P2)
	if len(c.Data) > 0 {
		if ext {
			out = append(out, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		} else {
			out = append(out, byte(len(c.Data)))
		}
		out = append(out, c.Data...)
	}
	if c.Le != NoLe {
		switch {
		case ext && len(c.Data) == 0:
			out = append(out, 0, byte(c.Le>>8), byte(c.Le)) // 65536 -> 0000
		case ext:
			out = append(out, byte(c.Le>>8), byte(c.Le))
		default:
			out = append(out, byte(c.Le)) // 256 and 0 -> 00
		}
	}
	return out, nil
}

// Case is the ISO 7816-4 case of c (1..4).
func (c Command) Case() int {
	switch {
	case len(c.Data) == 0 && c.Le == NoLe:
		return 1
	case len(c.Data) == 0:
		return 2
	case c.Le == NoLe:
		return 3
	default:
		return 4
	}
}

// ErrMalformed is wrapped by every ParseCommand error.
var ErrMalformed = errors.New("apdu: malformed command")

// ParseCommand decodes a command APDU of any case, short or extended. The
// lengths must account for every byte exactly; errors name what was found.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, fmt.Errorf("%w: %d bytes, need at least a 4-byte header", ErrMalformed, len(b))
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3], Le: NoLe}
	body := b[4:]
	n := len(body)
	switch {
	case n == 0: // case 1
		return c, nil
	case n == 1: // case 2S
		c.Le = shortLe(body[0])
		return c, nil
	case body[0] != 0: // case 3S or 4S
		lc := int(body[0])
		switch n {
		case 1 + lc:
		case 2 + lc:
			c.Le = shortLe(body[1+lc])
		default:
			return Command{}, fmt.Errorf("%w: header %X, Lc %02X (%d) leaves %d bytes after the header, want %d or %d",
				ErrMalformed, b[:4], body[0], lc, n, 1+lc, 2+lc)
		}
		c.Data = append([]byte(nil), body[1:1+lc]...)
		return c, nil
	case n == 3: // case 2E: 00 Le1 Le2
		c.Le = extLe(body[1], body[2])
		return c, nil
	case n < 3:
		return Command{}, fmt.Errorf("%w: header %X, body %X: extended length marker 00 needs 2 more length bytes", ErrMalformed, b[:4], body)
	default: // case 3E or 4E: 00 Lc1 Lc2 data [Le1 Le2]
		lc := int(body[1])<<8 | int(body[2])
		if lc == 0 {
			return Command{}, fmt.Errorf("%w: header %X: extended Lc 0000 with %d more bytes", ErrMalformed, b[:4], n-3)
		}
		switch n {
		case 3 + lc:
		case 5 + lc:
			c.Le = extLe(body[3+lc], body[4+lc])
		default:
			return Command{}, fmt.Errorf("%w: header %X, extended Lc %d leaves %d bytes after the header, want %d or %d",
				ErrMalformed, b[:4], lc, n, 3+lc, 5+lc)
		}
		c.Data = append([]byte(nil), body[3:3+lc]...)
		return c, nil
	}
}

func shortLe(b byte) int {
	if b == 0 {
		return MaxShortLe
	}
	return int(b)
}

func extLe(hi, lo byte) int {
	le := int(hi)<<8 | int(lo)
	if le == 0 {
		return MaxExtendedLe
	}
	return le
}

// Response is a response APDU: data, then SW1SW2.
type Response struct {
	Data []byte
	SW   SW
}

// Bytes encodes r as data‖SW1‖SW2.
func (r Response) Bytes() []byte {
	out := make([]byte, 0, len(r.Data)+2)
	out = append(out, r.Data...)
	return append(out, byte(r.SW>>8), byte(r.SW))
}

// String is the canonical uppercase hex of Bytes.
func (r Response) String() string { return upperHex(r.Bytes()) }

// OK reports SW 9000.
func (r Response) OK() bool { return r.SW == SWOK }

// ErrTorn is the torn-transaction signal: a response shorter than the two
// status bytes means the card went away mid-command (cards.md: PC/SC may
// return an empty response with no error). Whether the command took effect
// is unknown and must be resolved (GET TRANSACTION PROOF for the purse).
var ErrTorn = errors.New("apdu: torn transaction: response shorter than SW1SW2")

// TornError carries the bytes that did arrive; it matches ErrTorn with
// errors.Is.
type TornError struct {
	Got []byte
}

func (e *TornError) Error() string {
	return fmt.Sprintf("apdu: torn transaction: %d-byte response %X, need at least SW1SW2", len(e.Got), e.Got)
}

// Is makes errors.Is(err, ErrTorn) true.
func (e *TornError) Is(target error) bool { return target == ErrTorn }

// ParseResponse splits a response APDU into data and SW. Fewer than 2
// bytes is a *TornError (errors.Is ErrTorn).
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, &TornError{Got: append([]byte(nil), b...)}
	}
	n := len(b) - 2
	return Response{Data: append([]byte(nil), b[:n]...), SW: SW(b[n])<<8 | SW(b[n+1])}, nil
}

// SWError is a non-9000 status word returned as an error by helpers that
// expect success.
type SWError struct {
	Command string // the command's name, e.g. "CREDIT FOR LOAD"
	SW      SW
}

func (e *SWError) Error() string { return fmt.Sprintf("apdu: %s: status %s", e.Command, e.SW) }
