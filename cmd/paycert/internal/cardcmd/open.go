package cardcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/reader"
)

// This file is how a card command gets its card: which reader, the wait
// for a card and for the reader to be free, and the bound of every call.
// Every step ends when the command's context does (Ctrl-C), within a
// fraction of a second, and releases the reader.

// cardPickReader resolves --reader by lab.Resolve's rules (a name, a unique
// part of one, NAME#i or #i; a dual-interface reader's SAM slot only when
// named); with no name, the only reader, or the only one holding a card.
func cardPickReader(pc *reader.Context, name string) (string, error) {
	rs, err := cardReaders(pc)
	if err != nil {
		return "", err
	}
	if name != "" {
		return lab.Resolve(rs, name)
	}
	if len(rs) == 1 {
		return rs[0], nil
	}
	var withCard []string
	for _, r := range rs {
		if p, err := pc.Present(r); err == nil && p.Card {
			withCard = append(withCard, r)
		}
	}
	if len(withCard) == 1 {
		return withCard[0], nil
	}
	return "", cli.Usagef("%d readers attached (%s): name one with --reader", len(rs), strings.Join(rs, "; "))
}

// cardOpen is the start of every command that talks to a card: a PC/SC
// context whose calls on the card take at most timeout each, the reader
// --reader names (cardPickReader) and, within wait, a connection to the
// card in it. On success the caller owns the context and the card
// (Disconnect the card, then Release the context); on failure both are
// already released.
func cardOpen(ctx context.Context, io cli.IO, name string, wait, timeout time.Duration) (*reader.Context, string, *reader.Card, error) {
	if wait <= 0 || timeout <= 0 {
		return nil, "", nil, cli.Usagef("--wait and --timeout must be positive durations (e.g. 30s), got %s and %s", wait, timeout)
	}
	pc, err := reader.Establish()
	if err != nil {
		return nil, "", nil, err
	}
	pc.Timeout = timeout
	r, err := cardPickReader(pc, name)
	if err == nil {
		var k *reader.Card
		if k, err = cardConnect(ctx, io, pc, r, wait); err == nil {
			return pc, r, k, nil
		}
	}
	pc.Release()
	return nil, "", nil, err
}

// cardConnect waits up to wait for a card in the reader and for the reader
// to be free, and connects (lab.Open).
func cardConnect(ctx context.Context, io cli.IO, pc *reader.Context, name string, wait time.Duration) (*reader.Card, error) {
	if p, err := pc.Present(name); err == nil && !p.Card {
		fmt.Fprintf(io.Stderr, "waiting up to %s for a card in %s...\n", wait, name)
	}
	k, err := lab.Open(ctx, pc, name, wait)
	switch {
	case errors.Is(err, reader.ErrBusy):
		return nil, fmt.Errorf("%w; close that application (pcsc_scan, a browser, a middleware) or give a longer --wait", err)
	case ctx.Err() != nil && err != nil:
		return nil, fmt.Errorf("interrupted: %w", err)
	}
	return k, err
}

// cardReconnect waits for the card to be back after it left mid-command and
// answer a SELECT of the purse. pcscd may not have noticed the removal yet
// (the card can be back before its next poll), so a connection that fails
// or a card that does not answer is retried until wait has passed.
func cardReconnect(ctx context.Context, pc *reader.Context, name string, aid []byte, wait time.Duration) (*reader.Card, error) {
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var last error
	for {
		if err := pc.WaitForCard(wctx, name); err != nil {
			if last == nil {
				last = err
			}
			return nil, fmt.Errorf("the card did not come back within %s: %w", wait, last)
		}
		k, err := pc.Connect(ctx, name, max(time.Until(deadlineOf(wctx)), 100*time.Millisecond))
		if err == nil {
			if _, err = (&terminal.Terminal{T: k, AID: aid}).SelectPurse(); err == nil {
				return k, nil
			}
			k.Disconnect()
		}
		last = err
		select {
		case <-wctx.Done():
			return nil, fmt.Errorf("the card did not come back within %s: %w", wait, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func deadlineOf(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
