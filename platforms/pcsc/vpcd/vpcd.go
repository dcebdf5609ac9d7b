// Package vpcd serves a software card to pcscd through the vsmartcard
// virtual reader driver (Debian's vsmartcard-vpcd), so PC/SC applications see
// it in a reader like a real card.
//
// The driver listens on TCP (35963 for slot 0, 35964 for slot 1); the card
// side connects to it. Every message is framed as a 2-byte big-endian length
// and a payload. A 1-byte payload is a control code: 00 power off, 01 power
// on, 02 reset (no reply), 04 get ATR (reply: the ATR, framed). Any other
// payload is a C-APDU answered with a framed R-APDU. Closing the connection is
// removing the card; connecting again is inserting it.
package vpcd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Default vpcd ports on loopback for the two slots.
const (
	Slot0 = "127.0.0.1:35963"
	Slot1 = "127.0.0.1:35964"
)

// Control codes of the vpcd protocol.
const (
	ctrlPowerOff = 0x00
	ctrlPowerOn  = 0x01
	ctrlReset    = 0x02
	ctrlGetATR   = 0x04
)

// Card is what the bridge serves. platforms/cpucard.Card satisfies it.
// Transmit returning an error means the card vanished mid-command (a tear):
// the bridge then drops the connection, as pulling the card would.
type Card interface {
	ATR() []byte
	PowerOn() []byte
	PowerOff()
	Reset() []byte // warm reset; returns the ATR
	Transmit(capdu []byte) ([]byte, error)
}

// Bridge connects one card to one vpcd slot.
type Bridge struct {
	addr string
	card Card

	mu      sync.Mutex
	conn    net.Conn
	done    chan struct{}
	lastErr error
	apdus   int
}

// New returns a bridge for card on the vpcd slot at addr (Slot0 or Slot1).
func New(card Card, addr string) *Bridge {
	return &Bridge{addr: addr, card: card}
}

// Insert connects to the driver, i.e. puts the card in the reader. It
// retries while pcscd is still loading the driver, until timeout.
func (b *Bridge) Insert(timeout time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil {
		return nil
	}
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", b.addr, time.Second)
		if err == nil {
			b.conn = c
			b.done = make(chan struct{})
			go b.serve(c, b.done)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("vpcd: insert card into %s: %w (is pcscd running with the vpcd driver?)", b.addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Remove pulls the card out of the reader.
func (b *Bridge) Remove() {
	b.mu.Lock()
	c, done := b.conn, b.done
	b.conn = nil
	b.mu.Unlock()
	if c != nil {
		c.Close()
		<-done
	}
}

// Inserted reports whether the card is in the reader. A tear removes it.
func (b *Bridge) Inserted() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conn != nil
}

// APDUs returns how many C-APDUs the card has answered.
func (b *Bridge) APDUs() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.apdus
}

// Err returns the error that ended the last connection, if any (nil after a
// plain Remove).
func (b *Bridge) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastErr
}

func (b *Bridge) serve(c net.Conn, done chan struct{}) {
	defer close(done)
	err := b.loop(c)
	c.Close()
	b.mu.Lock()
	if b.conn == c { // not removed on purpose: the card vanished or the driver went away
		b.conn = nil
		b.lastErr = err
	}
	b.mu.Unlock()
}

func (b *Bridge) loop(c net.Conn) error {
	var hdr [2]byte
	buf := make([]byte, 0, 512)
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("vpcd: read frame header: %w", err)
		}
		n := int(binary.BigEndian.Uint16(hdr[:]))
		buf = buf[:n]
		if _, err := io.ReadFull(c, buf); err != nil {
			return fmt.Errorf("vpcd: read %d-byte frame: %w", n, err)
		}
		if n == 1 {
			switch buf[0] {
			case ctrlPowerOff:
				b.card.PowerOff()
			case ctrlPowerOn:
				b.card.PowerOn()
			case ctrlReset:
				b.card.Reset()
			case ctrlGetATR:
				if err := writeFrame(c, b.card.ATR()); err != nil {
					return err
				}
			default:
				return fmt.Errorf("vpcd: unknown control code %02X", buf[0])
			}
			continue
		}
		rapdu, err := b.card.Transmit(append([]byte(nil), buf...))
		if err != nil {
			// The card vanished mid-command: drop the connection without a
			// reply, as a card pulled from a real reader does.
			return fmt.Errorf("vpcd: card torn: %w", err)
		}
		b.mu.Lock()
		b.apdus++
		b.mu.Unlock()
		if err := writeFrame(c, rapdu); err != nil {
			return err
		}
	}
}

func writeFrame(w io.Writer, p []byte) error {
	if len(p) > 0xFFFF {
		return fmt.Errorf("vpcd: frame of %d bytes is too long", len(p))
	}
	f := make([]byte, 2+len(p))
	binary.BigEndian.PutUint16(f, uint16(len(p)))
	copy(f[2:], p)
	if _, err := w.Write(f); err != nil {
		return fmt.Errorf("vpcd: write frame: %w", err)
	}
	return nil
}
