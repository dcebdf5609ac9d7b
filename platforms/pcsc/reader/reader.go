// Package reader is a thin PC/SC layer on github.com/ebfe/scard for card
// tests: list readers, wait for a card, connect, transmit, reconnect,
// disconnect, with torn transactions surfaced as typed errors.
//
// Every call that can block in pcscd is bounded: waits and connects by the
// caller's context, calls on a connected card by the session's context and
// a per-call timeout. pcsc-lite's SCardCancel (Context.Cancel) ends only a
// blocking SCardGetStatusChange, while SCardConnect and SCardBeginTransaction
// wait inside pcscd for as long as another client holds the reader in a
// transaction, and SCardTransmit for as long as the reader's driver does. So
// when a context ends, the call is cancelled and, if it does not return
// within a fraction of a second, abandoned: it goes on in the background on
// a PC/SC context of its own (each connection has one, so nothing else
// queues behind it) and whatever it obtains late is released.
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
	// ErrBusy: another PC/SC client holds the reader (in a transaction, or
	// connected exclusively) and did not let go before the deadline.
	ErrBusy = errors.New("reader busy")
)

// DefaultTimeout bounds each call on a connected card (transmit, status,
// reconnect, transaction) when Context.Timeout is zero. A contactless card
// may ask for up to ~5 s per command (FWI 14); nothing in a transit purse
// takes that long, so a call still running after 10 s is a hung reader.
const DefaultTimeout = 10 * time.Second

// cancelGrace is how long a call whose context ended is given to return
// after SCardCancel before it is abandoned: short enough that Ctrl-C ends a
// command well within a second.
const cancelGrace = 150 * time.Millisecond

// Context is a PC/SC context: readers, their state, and connections.
type Context struct {
	ctx *scard.Context
	// Timeout bounds each call on the cards this context connects
	// (DefaultTimeout when zero).
	Timeout time.Duration
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

// waitFor blocks in SCardGetStatusChange until a card is present
// (present) or absent (!present). The end of ctx cancels the wait
// (SCardCancel); the one-second steps cover a cancel that lands between two
// calls, and a cancel meant for another wait on this context.
func (c *Context) waitFor(ctx context.Context, reader string, present bool) error {
	stop := context.AfterFunc(ctx, func() { _ = c.ctx.Cancel() })
	defer stop()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	for {
		if ctx.Err() != nil {
			return fmt.Errorf("wait on %q: %w", reader, ctx.Err())
		}
		err := c.ctx.GetStatusChange(rs, time.Second)
		switch {
		case err == nil:
			if (rs[0].EventState&scard.StatePresent != 0) == present {
				return nil
			}
		case errors.Is(err, scard.ErrTimeout), errors.Is(err, scard.ErrCancelled):
			continue // the state did not change (or the wait was cancelled): look again
		default:
			return fmt.Errorf("wait on %q: %w", reader, err)
		}
		rs[0].CurrentState = rs[0].EventState
	}
}

// call runs op, a PC/SC call that may block inside pcscd, until ctx ends.
// Then it cancels what SCardCancel can cancel on sctx and gives op
// cancelGrace to return; after that op is abandoned: call returns ctx's
// error, and late (never nil then) delivers op's own result when it comes.
// A context that has already ended does not start op.
func call(ctx context.Context, sctx *scard.Context, op func() error) (err error, late <-chan error) {
	if err := ctx.Err(); err != nil {
		return err, nil
	}
	done := make(chan error, 1)
	go func() { done <- op() }()
	select {
	case err := <-done:
		return err, nil
	case <-ctx.Done():
	}
	_ = sctx.Cancel()
	select {
	case err := <-done:
		if errors.Is(err, scard.ErrCancelled) {
			err = ctx.Err()
		}
		return err, nil
	case <-time.After(cancelGrace):
		return ctx.Err(), done
	}
}

// Card is a connected card. Its calls are bounded by the context it was
// connected with and by the timeout of its Context; they are not safe for
// concurrent use (one terminal drives one card).
type Card struct {
	reader  string
	sctx    *scard.Context // this connection's own PC/SC context
	card    *scard.Card
	session context.Context
	timeout time.Duration
	torn    bool         // a command was torn: the card is gone or unpowered
	late    <-chan error // set when a call was abandoned: it still runs in pcscd
	closed  bool         // Disconnect ran
}

// Connect connects exclusively with any protocol. While another client
// holds the reader it waits, for at most wait (the Context's timeout when
// zero) and until ctx ends: SCARD_E_SHARING_VIOLATION is retried, and pcscd
// itself makes SCardConnect wait out another client's transaction. A reader
// still held then gives ErrBusy. ctx is also the session: it bounds every
// later call on the card. pcscd may power-cycle an idle card on connect:
// select the application again in every session.
func (c *Context) Connect(ctx context.Context, reader string, wait time.Duration) (*Card, error) {
	return c.connect(ctx, reader, wait, scard.ShareExclusive)
}

// ConnectShared connects in shared mode, as a middleware does: other
// clients may connect too, and Begin holds the reader against them.
func (c *Context) ConnectShared(ctx context.Context, reader string, wait time.Duration) (*Card, error) {
	return c.connect(ctx, reader, wait, scard.ShareShared)
}

func (c *Context) connect(ctx context.Context, reader string, wait time.Duration, mode scard.ShareMode) (*Card, error) {
	op := "connect to " + reader
	if wait <= 0 {
		wait = c.timeout()
	}
	cctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	// A context per connection: a connect or transmit blocked inside pcscd
	// holds its context's lock in libpcsclite, and must not stall the
	// waits and state queries of c, nor another connection.
	sctx, err := scard.EstablishContext()
	if err != nil {
		return nil, fmt.Errorf("%s: connect to pcscd: %w", op, err)
	}
	for {
		var k *scard.Card
		err, late := call(cctx, sctx, func() (err error) {
			k, err = sctx.Connect(reader, mode, scard.ProtocolAny)
			return err
		})
		if late != nil {
			go func() { // release what the abandoned connect obtains, if anything
				if <-late == nil {
					_ = k.Disconnect(scard.LeaveCard)
				}
				_ = sctx.Release()
			}()
			return nil, busyOr(op, cctx.Err(), wait, "another PC/SC client holds it in a transaction")
		}
		if err == nil {
			return &Card{reader: reader, sctx: sctx, card: k, session: ctx, timeout: c.timeout()}, nil
		}
		if !errors.Is(err, scard.ErrSharingViolation) {
			_ = sctx.Release()
			return nil, wrap(op, err)
		}
		select {
		case <-cctx.Done():
			_ = sctx.Release()
			return nil, busyOr(op, cctx.Err(), wait, "another application has it connected exclusively")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// busyOr is the error of a call that ctx ended while the reader was held:
// ErrBusy at a deadline, the interruption itself on a cancel.
func busyOr(op string, ctxErr error, wait time.Duration, why string) error {
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w: %s and did not let go within %s (%w)", op, ErrBusy, why, wait, ctxErr)
	}
	return fmt.Errorf("%s: interrupted while the reader was held (%s): %w", op, why, ctxErr)
}

func (c *Context) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// do runs op on the card within the session's context and the per-call
// timeout. An abandoned call leaves the connection unusable: its state in
// pcscd is unknown, so later calls fail at once and Disconnect releases it
// in the background.
func (k *Card) do(ctx context.Context, name string, op func() error) error {
	if k.late != nil {
		return fmt.Errorf("%s on %s: %w (an earlier call on this connection never returned: reconnect)", name, k.reader, ErrTorn)
	}
	cctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	err, late := call(cctx, k.sctx, op)
	if late != nil {
		k.late = late
		why := "no answer within " + k.timeout.String()
		if ctx.Err() != nil {
			why = "interrupted"
		}
		// The command may or may not have reached the card: that is a torn
		// command, and recovering from it goes through the purse's proof.
		return fmt.Errorf("%s on %s: %w (%s): %w", name, k.reader, ErrTorn, why, err)
	}
	return wrap(name, err)
}

// Reader names the reader the card is in.
func (k *Card) Reader() string { return k.reader }

// ATR returns the card's answer to reset.
func (k *Card) ATR() ([]byte, error) {
	var st *scard.CardStatus
	err := k.do(k.session, "status", func() (err error) {
		st, err = k.card.Status()
		return err
	})
	if err != nil {
		return nil, err
	}
	return st.Atr, nil
}

// Transmit sends a C-APDU and returns the R-APDU (data and SW1SW2).
func (k *Card) Transmit(capdu []byte) ([]byte, error) {
	var r []byte
	err := k.do(k.session, fmt.Sprintf("transmit % X", capdu), func() (err error) {
		r, err = k.card.Transmit(capdu)
		return err
	})
	if err != nil {
		k.torn = k.torn || errors.Is(err, ErrTorn)
		return nil, err
	}
	if len(r) < 2 {
		k.torn = true
		return nil, fmt.Errorf("transmit % X: %d-byte response: %w", capdu, len(r), ErrTorn)
	}
	return r, nil
}

// Begin starts a PC/SC transaction: until End, no other client reaches the
// reader. While another client holds one it waits, at most wait (the
// Context's timeout when zero) and until the session ends, then ErrBusy.
func (k *Card) Begin(wait time.Duration) error {
	op := "begin transaction on " + k.reader
	if k.late != nil {
		return fmt.Errorf("%s: %w (an earlier call on this connection never returned: reconnect)", op, ErrTorn)
	}
	if wait <= 0 {
		wait = k.timeout
	}
	ctx, cancel := context.WithTimeout(k.session, wait)
	defer cancel()
	err, late := call(ctx, k.sctx, k.card.BeginTransaction)
	if late != nil {
		k.late = late
		return busyOr(op, ctx.Err(), wait, "another PC/SC client holds a transaction")
	}
	return wrap(op, err)
}

// End ends the transaction Begin started, leaving the card as it is.
func (k *Card) End() error {
	return k.do(context.WithoutCancel(k.session), "end transaction", func() error {
		return k.card.EndTransaction(scard.LeaveCard)
	})
}

// Reconnect re-establishes the connection, resetting the card when reset is
// true (selection and pending transactions are then lost).
func (k *Card) Reconnect(reset bool) error {
	d := scard.LeaveCard
	if reset {
		d = scard.ResetCard
	}
	return k.do(k.session, "reconnect", func() error {
		return k.card.Reconnect(scard.ShareExclusive, scard.ProtocolAny, d)
	})
}

// Disconnect ends the session and resets the card, so the next session
// starts from the state a terminal expects after a reset: nothing
// selected, no pending transaction. (With LeaveCard pcscd keeps the card
// powered for a while, and a session started within that time found the
// last one's selection.) After a torn command the card is gone or
// unpowered and is left alone: asking pcscd to reset it then blocks.
//
// Disconnect runs when a command ends, also on Ctrl-C: it is bounded by a
// second whatever the session's context, and after an abandoned call it
// returns at once and lets the connection go when that call returns.
func (k *Card) Disconnect() error {
	if k.closed {
		return nil
	}
	k.closed = true
	if k.late != nil {
		go func(late <-chan error) {
			<-late
			_ = k.card.Disconnect(scard.LeaveCard)
			_ = k.sctx.Release()
		}(k.late)
		return nil
	}
	d := scard.ResetCard
	if k.torn {
		d = scard.LeaveCard
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(k.session), min(k.timeout, time.Second))
	defer cancel()
	err, late := call(ctx, k.sctx, func() error { return k.card.Disconnect(d) })
	if late != nil {
		k.late = late
		go func() { <-late; _ = k.sctx.Release() }()
		return fmt.Errorf("disconnect from %s: no answer within %s; released in the background", k.reader, min(k.timeout, time.Second))
	}
	_ = k.sctx.Release()
	return wrap("disconnect", err)
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
	case errors.Is(err, scard.ErrSharingViolation):
		return fmt.Errorf("%s: %w: another application has it connected exclusively (%v)", op, ErrBusy, err)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}
