// Package reader is a thin PC/SC layer on github.com/ebfe/scard for card
// tests: list readers, wait for a card, connect, transmit, reconnect,
// disconnect, with torn transactions surfaced as typed errors.
//
// A card that vanishes mid-command shows up in one of three ways: Transmit
// returns fewer than two bytes with no error, or SCARD_E_NOT_TRANSACTED, or
// SCARD_W_REMOVED_CARD / SCARD_E_NO_SMARTCARD. All three are ErrTorn (the
// last two also ErrRemoved), so a caller can recover through the purse's
// transaction proof instead of guessing.
package reader

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ebfe/scard"

	"paycert/codecs/apdu"
)

var (
	// ErrTorn: the command may or may not have been applied by the card.
	// It matches apdu.ErrTorn too, the one torn signal the software card,
	// the terminal and the platform clients test for.
	ErrTorn = fmt.Errorf("reader: %w", apdu.ErrTorn)
	// ErrRemoved: there is no card in the reader (any more).
	ErrRemoved = errors.New("card removed")
	// ErrNoReaders: PC/SC knows no reader.
	ErrNoReaders = errors.New("no PC/SC readers")
)

// Context is a PC/SC context.
type Context struct {
	ctx *scard.Context
}

// Establish connects to pcscd.
func Establish() (*Context, error) {
	c, err := scard.EstablishContext()
	if err != nil {
		return nil, fmt.Errorf("connect to pcscd: %w (is pcscd running?)", err)
	}
	return &Context{ctx: c}, nil
}

// Release closes the context.
func (c *Context) Release() error { return c.ctx.Release() }

// Readers lists reader names.
func (c *Context) Readers() ([]string, error) {
	rs, err := c.ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) || (err == nil && len(rs) == 0) {
		return nil, ErrNoReaders
	}
	if err != nil {
		return nil, fmt.Errorf("list readers: %w", err)
	}
	return rs, nil
}

// Presence is what a reader reports without connecting.
type Presence struct {
	Card  bool   // a card is in the reader
	InUse bool   // another application holds it exclusively
	Mute  bool   // a card is present but did not answer reset
	ATR   []byte // the card's ATR, when present
}

// Present asks the reader's state without waiting.
func (c *Context) Present(reader string) (Presence, error) {
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	if err := c.ctx.GetStatusChange(rs, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		return Presence{}, fmt.Errorf("state of %q: %w", reader, err)
	}
	e := rs[0].EventState
	p := Presence{Card: e&scard.StatePresent != 0, InUse: e&scard.StateExclusive != 0, Mute: e&scard.StateMute != 0}
	if p.Card {
		p.ATR = append([]byte(nil), rs[0].Atr...)
	}
	return p, nil
}

// WaitForCard blocks until a card is present in reader, or ctx ends.
func (c *Context) WaitForCard(ctx context.Context, reader string) error {
	return c.waitFor(ctx, reader, true)
}

// WaitForRemoval blocks until reader is empty, or ctx ends.
func (c *Context) WaitForRemoval(ctx context.Context, reader string) error {
	return c.waitFor(ctx, reader, false)
}

// waitFor polls the reader's state in 250 ms steps, so that ctx is
// honoured, until a card is present (present) or absent (!present).
func (c *Context) waitFor(ctx context.Context, reader string, present bool) error {
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	for {
		err := c.ctx.GetStatusChange(rs, 250*time.Millisecond)
		switch {
		case err == nil:
			if (rs[0].EventState&scard.StatePresent != 0) == present {
				return nil
			}
		case errors.Is(err, scard.ErrTimeout):
		default:
			return fmt.Errorf("wait on %q: %w", reader, err)
		}
		rs[0].CurrentState = rs[0].EventState
		if ctx.Err() != nil {
			return fmt.Errorf("wait on %q: %w", reader, ctx.Err())
		}
	}
}

// Card is a connected card.
type Card struct {
	reader string
	card   *scard.Card
	torn   bool // a command was torn: the card is gone or unpowered
}

// Connect connects exclusively with any protocol. pcscd may power-cycle an
// idle card on connect: select the application again in every session.
func (c *Context) Connect(reader string) (*Card, error) {
	k, err := c.ctx.Connect(reader, scard.ShareExclusive, scard.ProtocolAny)
	if err != nil {
		return nil, wrap("connect to "+reader, err)
	}
	return &Card{reader: reader, card: k}, nil
}

// Reader names the reader the card is in.
func (k *Card) Reader() string { return k.reader }

// ATR returns the card's answer to reset.
func (k *Card) ATR() ([]byte, error) {
	st, err := k.card.Status()
	if err != nil {
		return nil, wrap("status", err)
	}
	return st.Atr, nil
}

// Transmit sends a C-APDU and returns the R-APDU (data and SW1SW2).
func (k *Card) Transmit(capdu []byte) ([]byte, error) {
	r, err := k.card.Transmit(capdu)
	if err != nil {
		err = wrap(fmt.Sprintf("transmit % X", capdu), err)
		k.torn = k.torn || errors.Is(err, ErrTorn)
		return nil, err
	}
	if len(r) < 2 {
		k.torn = true
		return nil, fmt.Errorf("transmit % X: %d-byte response: %w", capdu, len(r), ErrTorn)
	}
	return r, nil
}

// Reconnect re-establishes the connection, resetting the card when reset is
// true (selection and pending transactions are then lost).
func (k *Card) Reconnect(reset bool) error {
	d := scard.LeaveCard
	if reset {
		d = scard.ResetCard
	}
	return wrap("reconnect", k.card.Reconnect(scard.ShareExclusive, scard.ProtocolAny, d))
}

// Disconnect ends the session and resets the card, so the next session
// starts from the state a terminal expects after a reset: nothing
// selected, no pending transaction. (With LeaveCard pcscd keeps the card
// powered for a while, and a session started within that time found the
// last one's selection.) After a torn command the card is gone or
// unpowered and is left alone: asking pcscd to reset it then blocks.
func (k *Card) Disconnect() error {
	d := scard.ResetCard
	if k.torn {
		d = scard.LeaveCard
	}
	return wrap("disconnect", k.card.Disconnect(d))
}

// wrap maps PC/SC errors to the typed errors of this package.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, scard.ErrNotTransacted):
		return fmt.Errorf("%s: %w (%v)", op, ErrTorn, err)
	case errors.Is(err, scard.ErrResetCard):
		return fmt.Errorf("%s: %w (card was reset by another session: %v)", op, ErrTorn, err)
	case errors.Is(err, scard.ErrRemovedCard), errors.Is(err, scard.ErrNoSmartcard):
		return fmt.Errorf("%s: %w: %w (%v)", op, ErrTorn, ErrRemoved, err)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}
