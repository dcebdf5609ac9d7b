// Package lab sets up the readers the hardware tests and `paycert card`
// run against: real PC/SC readers named by the lab (Resolve's rules), or a
// virtual lab (the vpcd bridge, software cards in slot 0 and slot 1, on the
// system's pcscd or on one started as a child) when none is named.
package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"paycert/codecs/apdu"
	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/pcscd"
	"paycert/platforms/pcsc/reader"
	"paycert/platforms/pcsc/vpcd"
)

// Slot is one reader of the lab. Bridge and Card are set for a virtual
// slot only; tests that must pull the card or inspect its state need them.
type Slot struct {
	Reader string
	Bridge *vpcd.Bridge
	Card   *cpucard.Card
}

// Virtual reports whether the slot's card is a software card.
func (s *Slot) Virtual() bool { return s.Bridge != nil }

// Lab is a PC/SC context with its slots, and the pcscd it started, if any.
type Lab struct {
	PC     *reader.Context
	Slots  []*Slot
	daemon *pcscd.Daemon
}

// VirtualAddr is the vpcd port of slot n (0 or 1).
func VirtualAddr(n int) string {
	if n == 1 {
		return vpcd.Slot1
	}
	return vpcd.Slot0
}

// VirtualReaderName finds the PC/SC name of vpcd slot n among readers
// (pcscd names them "Virtual PCD 00 00", "Virtual PCD 00 01").
func VirtualReaderName(readers []string, n int) (string, bool) {
	suffix := fmt.Sprintf(" %02d", n)
	for _, r := range readers {
		if strings.Contains(r, "Virtual PCD") && strings.HasSuffix(r, suffix) {
			return r, true
		}
	}
	return "", false
}

// StartVirtual inserts each card into vpcd slot 0, 1 in turn (wrapped by
// wrap when it is not nil, e.g. to trace APDUs), and waits until PC/SC sees
// every card. It uses the pcscd that serves the machine (a system service
// whose vpcd driver is installed) or, with none running, starts one as a
// child, failing clearly when it cannot (pcscd.Use).
func StartVirtual(ctx context.Context, cards []*cpucard.Card, wrap func(int, *cpucard.Card) vpcd.Card) (*Lab, error) {
	if len(cards) > 2 {
		return nil, fmt.Errorf("lab: vpcd has two slots, %d cards given", len(cards))
	}
	d, err := pcscd.Use(ctx)
	if err != nil {
		return nil, fmt.Errorf("lab: start pcscd: %w", err)
	}
	l, err := AttachVirtual(ctx, cards, wrap)
	if err != nil {
		d.Stop()
		if d.External() {
			return nil, fmt.Errorf("%w (the pcscd already running, e.g. the system service, was used: is vsmartcard-vpcd installed and was pcscd restarted since?)", err)
		}
		return nil, fmt.Errorf("%w\npcscd log (tail):\n%s", err, tail(d.Log(), 30))
	}
	l.daemon = d
	return l, nil
}

// AttachVirtual serves cards over vpcd against an already running pcscd.
func AttachVirtual(ctx context.Context, cards []*cpucard.Card, wrap func(int, *cpucard.Card) vpcd.Card) (*Lab, error) {
	if len(cards) > 2 {
		return nil, fmt.Errorf("lab: vpcd has two slots, %d cards given", len(cards))
	}
	l := &Lab{}
	for i, c := range cards {
		var served vpcd.Card = c
		if wrap != nil {
			served = wrap(i, c)
		}
		b := vpcd.New(served, VirtualAddr(i))
		if err := b.Insert(10 * time.Second); err != nil {
			l.Close()
			return nil, fmt.Errorf("lab: %w", err)
		}
		l.Slots = append(l.Slots, &Slot{Bridge: b, Card: c})
	}
	pc, err := reader.Establish()
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("lab: %w", err)
	}
	l.PC = pc
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for i, s := range l.Slots {
		if s.Reader, err = WaitVirtualReader(wctx, pc, i); err != nil {
			l.Close()
			return nil, fmt.Errorf("lab: %w", err)
		}
	}
	return l, nil
}

// WaitVirtualReader waits, until ctx ends, for pcscd to list the reader of
// vpcd slot n (it polls the driver every ~400 ms) and to see a card in it,
// and returns the reader's name.
func WaitVirtualReader(ctx context.Context, pc *reader.Context, n int) (string, error) {
	for {
		rs, err := pc.Readers()
		if err != nil && !errors.Is(err, reader.ErrNoReaders) {
			return "", err
		}
		if name, ok := VirtualReaderName(rs, n); ok {
			if err := pc.WaitForCard(ctx, name); err != nil {
				return "", fmt.Errorf("pcscd does not see the card in %s: %w", name, err)
			}
			return name, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("pcscd shows no vpcd reader for slot %d (readers %q): is the vsmartcard-vpcd driver installed?", n, rs)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Attach uses real readers named by the lab (Resolve's rules) against the
// running pcscd.
func Attach(names ...string) (*Lab, error) {
	pc, err := reader.Establish()
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	l := &Lab{PC: pc}
	rs, err := pc.Readers()
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("lab: %w", err)
	}
	for _, n := range names {
		name, err := Resolve(rs, n)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("lab: %w", err)
		}
		l.Slots = append(l.Slots, &Slot{Reader: name})
	}
	return l, nil
}

// Resolve finds the reader a lab names (readers in PC/SC's order, the order
// `paycert card list` numbers them in), by the first rule that applies:
//
//   - "#N": the N-th reader, counting from 0;
//   - the reader's exact name;
//   - "TEXT#N": the N-th (from 0) of the readers whose name contains TEXT;
//   - TEXT: the only reader whose name contains it (ignoring case). When
//     several do and all but one are SAM slots, the one that is not: a
//     dual-interface reader lists its card slot ("PICC", "CL", "Contact")
//     and its SAM slot, and a transit card is never in the SAM slot, which
//     holds the terminal's PSAM. A SAM slot is taken only by name or index.
//
// Anything else is an error listing the candidates with their indices.
func Resolve(readers []string, name string) (string, error) {
	if n, ok := strings.CutPrefix(name, "#"); ok {
		i, err := strconv.Atoi(n)
		if err != nil || i < 0 || i >= len(readers) {
			return "", fmt.Errorf("no reader %s: there are %d (%s)", name, len(readers), numbered(readers, ""))
		}
		return readers[i], nil
	}
	for _, r := range readers {
		if r == name {
			return r, nil
		}
	}
	text, index := name, -1
	if i := strings.LastIndexByte(name, '#'); i > 0 {
		if n, err := strconv.Atoi(name[i+1:]); err == nil && n >= 0 {
			text, index = name[:i], n
		}
	}
	var hits []string
	for _, r := range readers {
		if strings.Contains(strings.ToLower(r), strings.ToLower(text)) {
			hits = append(hits, r)
		}
	}
	switch {
	case len(hits) == 0:
		return "", fmt.Errorf("no reader matches %q (readers: %s)", text, numbered(readers, ""))
	case index >= len(hits):
		return "", fmt.Errorf("%q matches %d readers, so there is no %s (%s)", text, len(hits), name, numbered(hits, text))
	case index >= 0:
		return hits[index], nil
	case len(hits) == 1:
		return hits[0], nil
	}
	var cards []string
	for _, r := range hits {
		if !samSlot.MatchString(r) {
			cards = append(cards, r)
		}
	}
	if len(cards) == 1 {
		return cards[0], nil
	}
	return "", fmt.Errorf("%q matches %d readers: name one exactly, or by index (%s)", text, len(hits), numbered(hits, text))
}

// samSlot matches the SAM slot of a dual-interface reader ("… SAM] 00 01",
// "… SAM Reader 00 01").
var samSlot = regexp.MustCompile(`\bSAM\b`)

// numbered lists readers as `TEXT#i "name"` (or `#i "name"` with no text).
func numbered(readers []string, text string) string {
	parts := make([]string, len(readers))
	for i, r := range readers {
		parts[i] = fmt.Sprintf("%s#%d %q", text, i, r)
	}
	return strings.Join(parts, ", ")
}

// Connect waits (at most wait, and until ctx ends) for a card in slot i and
// connects to it (Open); ctx is the session.
func (l *Lab) Connect(ctx context.Context, i int, wait time.Duration) (*reader.Card, error) {
	return Open(ctx, l.PC, l.Slots[i].Reader, wait)
}

// ErrNoCard: no card came within the wait.
var ErrNoCard = errors.New("no card")

// Open is how every session starts: wait for a card in the reader, then
// connect to it exclusively, both within wait (ErrNoCard, or reader.ErrBusy
// while another PC/SC client holds the reader), and both cut short when ctx
// ends. ctx is the session: it bounds every call on the card.
func Open(ctx context.Context, pc *reader.Context, name string, wait time.Duration) (*reader.Card, error) {
	deadline := time.Now().Add(wait)
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := pc.WaitForCard(wctx, name); err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w in %s after %s", ErrNoCard, name, wait)
		}
		return nil, err
	}
	k, err := pc.Connect(ctx, name, max(time.Until(deadline), 100*time.Millisecond))
	if errors.Is(err, reader.ErrBusy) {
		return nil, fmt.Errorf("%w: %s was held by another PC/SC client (a transaction or an exclusive connection) for the whole %s wait", reader.ErrBusy, name, wait)
	}
	return k, err
}

// Reinsert puts a virtual slot's card back (after Remove or a tear) and
// waits until PC/SC sees it.
func (l *Lab) Reinsert(ctx context.Context, i int) error {
	s := l.Slots[i]
	if !s.Virtual() {
		return fmt.Errorf("lab: slot %d (%s) is a real reader: put the card back by hand", i, s.Reader)
	}
	// A tear drops the connection from the card side; wait until pcscd has
	// noticed, or a re-insertion could be mistaken for the old card.
	if err := l.PC.WaitForRemoval(ctx, s.Reader); err != nil {
		return err
	}
	if err := s.Bridge.Insert(10 * time.Second); err != nil {
		return err
	}
	return l.PC.WaitForCard(ctx, s.Reader)
}

// Remove pulls a virtual slot's card and waits until PC/SC has noticed.
func (l *Lab) Remove(ctx context.Context, i int) error {
	s := l.Slots[i]
	if !s.Virtual() {
		return fmt.Errorf("lab: slot %d (%s) is a real reader: pull the card by hand", i, s.Reader)
	}
	s.Bridge.Remove()
	return l.PC.WaitForRemoval(ctx, s.Reader)
}

// Started reports whether the lab runs its own pcscd (a child process).
func (l *Lab) Started() bool { return l.daemon != nil && !l.daemon.External() }

// DaemonLog is the tail of the child pcscd's log ("" without one).
func (l *Lab) DaemonLog(lines int) string {
	if !l.Started() {
		return ""
	}
	return tail(l.daemon.Log(), lines)
}

// Close removes the virtual cards, releases PC/SC and stops the pcscd the
// lab started. It never leaves a daemon behind.
func (l *Lab) Close() error {
	for _, s := range l.Slots {
		if s.Bridge != nil {
			s.Bridge.Remove()
		}
	}
	if l.PC != nil {
		l.PC.Release()
		l.PC = nil
	}
	if l.daemon != nil {
		err := l.daemon.Stop()
		l.daemon = nil
		return err
	}
	return nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Traced wraps a software card so every command it answers is printed:
// what `paycert card virtual` shows while a lab exercises the card.
type Traced struct {
	Card  *cpucard.Card
	Label string // e.g. "slot 0"

	mu sync.Mutex
	W  io.Writer
}

// NewTraced returns a tracing wrapper printing to w.
func NewTraced(c *cpucard.Card, label string, w io.Writer) *Traced {
	return &Traced{Card: c, Label: label, W: w}
}

func (t *Traced) printf(format string, a ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.W, "%s %s: ", time.Now().Format("15:04:05.000"), t.Label)
	fmt.Fprintf(t.W, format, a...)
}

// ATR implements vpcd.Card.
func (t *Traced) ATR() []byte { return t.Card.ATR() }

// PowerOn implements vpcd.Card.
func (t *Traced) PowerOn() []byte { t.printf("power on\n"); return t.Card.PowerOn() }

// PowerOff implements vpcd.Card.
func (t *Traced) PowerOff() { t.printf("power off\n"); t.Card.PowerOff() }

// Reset implements vpcd.Card.
func (t *Traced) Reset() []byte { t.printf("reset\n"); return t.Card.Reset() }

// Transmit implements vpcd.Card, printing the command and the response.
func (t *Traced) Transmit(capdu []byte) ([]byte, error) {
	name := "command"
	if c, err := apdu.ParseCommand(capdu); err == nil && apdu.Name(c) != "" {
		name = apdu.Name(c)
	}
	r, err := t.Card.Transmit(capdu)
	if err != nil {
		t.printf("> %-26s %X\n", name, capdu)
		t.printf("< no response: %v\n", err)
		return r, err
	}
	resp, perr := apdu.ParseResponse(r)
	meaning := ""
	if perr == nil {
		meaning = resp.SW.Meaning()
	}
	t.printf("> %-26s %X\n", name, capdu)
	t.printf("< %X  %s\n", r, meaning)
	return r, nil
}

// The software card is what the bridge serves.
var _ vpcd.Card = (*cpucard.Card)(nil)

// Swap puts another software card into virtual slot i (the old one is
// pulled first), as a tech swaps cards in a reader.
func (l *Lab) Swap(ctx context.Context, i int, c *cpucard.Card, wrap func(int, *cpucard.Card) vpcd.Card) error {
	s := l.Slots[i]
	if !s.Virtual() {
		return fmt.Errorf("lab: slot %d (%s) is a real reader: swap the card by hand", i, s.Reader)
	}
	if s.Bridge.Inserted() {
		if err := l.Remove(ctx, i); err != nil {
			return err
		}
	}
	var served vpcd.Card = c
	if wrap != nil {
		served = wrap(i, c)
	}
	s.Bridge, s.Card = vpcd.New(served, VirtualAddr(i)), c
	if err := s.Bridge.Insert(10 * time.Second); err != nil {
		return err
	}
	return l.PC.WaitForCard(ctx, s.Reader)
}
