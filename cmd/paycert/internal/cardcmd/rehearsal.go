package cardcmd

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/reader"
)

// The tear rehearsal: `card recharge --pause-before STEP` stops at a step
// until the person at the reader presses Enter, and `card virtual --state
// FILE` keeps the software card (files, balance, counters, proofs) across
// pulls and restarts, so the procedure can be rehearsed on the virtual
// card before it is done on a real one.

// cardPauseForPull is the pause of `card recharge --pause-before`: it tells
// the person what to do and waits for Enter on stdin (or for ctx to end).
func cardPauseForPull(ctx context.Context, tio cli.IO, readerName string) func(step string) error {
	lines := make(chan error, 1)
	in := bufio.NewReader(tio.Stdin)
	return func(step string) error {
		fmt.Fprintf(tio.Stdout, "Paused before %s. Pull the card from %s now (or leave it in), then press Enter...\n", step, readerName)
		go func() {
			_, err := in.ReadString('\n')
			if errors.Is(err, io.EOF) || errors.Is(err, os.ErrClosed) {
				err = errors.New("stdin closed before Enter: --pause-before needs a terminal")
			}
			lines <- err
		}()
		select {
		case err := <-lines:
			if err != nil {
				return err
			}
			fmt.Fprintf(tio.Stdout, "Resuming before %s.\n", step)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// cardGone reports whether the reader has seen the card leave. pcscd polls
// a reader about every 400 ms, so a card pulled just before Enter is looked
// for during up to a second before it counts as still there.
func cardGone(ctx context.Context, pc *reader.Context, name string) func() (bool, error) {
	return func() (bool, error) {
		deadline := time.Now().Add(time.Second)
		for {
			p, err := pc.Present(name)
			if err != nil {
				return false, err
			}
			if !p.Card {
				return true, nil
			}
			if time.Now().After(deadline) {
				return false, nil
			}
			select {
			case <-ctx.Done():
				return false, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
}

// cardVariant is the personalisation `card virtual` gives a new card;
// empty fields take the software card's defaults.
type cardVariant struct {
	cardNo   string
	balance  uint32
	aid      string // hex
	keyIndex string // hex
	cipher   string
}

func (v cardVariant) profile() (cpucard.Profile, error) {
	p := cpucard.Profile{PAN: v.cardNo, Balance: v.balance}
	if p.PAN == "" {
		p.PAN = "2253000000000100"
	}
	if v.aid != "" {
		aid, err := hex.DecodeString(v.aid)
		if err != nil {
			return p, cli.Usagef("--aid %q: not hex", v.aid)
		}
		p.AID = aid
	}
	if v.keyIndex != "" {
		ki, err := hex.DecodeString(v.keyIndex)
		if err != nil || len(ki) != 1 || ki[0] == 0 {
			return p, cli.Usagef("--key-index %q: want one byte of hex, 01 to FF", v.keyIndex)
		}
		p.KeyIndex = ki[0]
	}
	if v.cipher != "" {
		c, err := epurse.ParseCipher(v.cipher)
		if err != nil {
			return p, cli.Usagef("--cipher: %v", err)
		}
		p.Cipher = c
	}
	return p, nil
}

// given lists the personalisation flags that were set: they conflict with
// a state file that already holds the card.
func (v cardVariant) given(balanceSet bool) []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"--card-no", v.cardNo != ""}, {"--balance", balanceSet}, {"--aid", v.aid != ""}, {"--key-index", v.keyIndex != ""}, {"--cipher", v.cipher != ""}} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// cardLoadState reads a card state file; found is false when there is none.
func cardLoadState(path string) (c *cpucard.Card, found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("card state: %w", err)
	}
	var p cpucard.Persistent
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, true, fmt.Errorf("card state %s: %w", path, err)
	}
	c, err = cpucard.Restore(p, nil)
	if err != nil {
		return nil, true, fmt.Errorf("card state %s: %w", path, err)
	}
	return c, true, nil
}

// cardSaveState writes the state next to path and renames it over path, so
// a crash mid-write leaves the previous state, never half of one.
func cardSaveState(path string, p cpucard.Persistent) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("card state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("card state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("card state %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("card state %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("card state %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("card state %s: %w", path, err)
	}
	return nil
}

// cardVirtualCard is the card `card virtual` serves: the one in the state
// file when there is one (no personalisation flag may then be given), else
// a new card from the flags, written to the state file at once.
func cardVirtualCard(statePath string, v cardVariant, balanceSet bool) (card *cpucard.Card, origin string, err error) {
	if statePath != "" {
		c, found, err := cardLoadState(statePath)
		if err != nil {
			return nil, "", err
		}
		if found {
			if g := v.given(balanceSet); len(g) > 0 {
				return nil, "", cli.Usagef("%s: the state file %s already holds the card; drop the flag, or the file for a new card", strings.Join(g, ", "), statePath)
			}
			return c, "restored from " + statePath, nil
		}
	}
	p, err := v.profile()
	if err != nil {
		return nil, "", err
	}
	c, err := cpucard.New(p)
	if err != nil {
		return nil, "", cli.Usagef("%v", err)
	}
	if statePath == "" {
		return c, "new", nil
	}
	if err := cardSaveState(statePath, c.Export()); err != nil {
		return nil, "", err
	}
	return c, "new, kept in " + statePath, nil
}

// cardAID reads --aid: hex, 5 to 16 bytes (ISO 7816-4); "" is the default
// purse AID (nil).
func cardAID(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) < 5 || len(b) > 16 {
		return nil, cli.Usagef("--aid %q: want 5 to 16 bytes of hex", s)
	}
	return b, nil
}
