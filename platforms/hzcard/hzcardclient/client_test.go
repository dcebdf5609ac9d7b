package hzcardclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"paycert/codecs/apdu"
	"paycert/codecs/signdomain"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// A reply the client cannot trust is dropped and reported as a protocol
// error (§2.3), and so is a status other than 200; a trusted failure is a
// wire.ResultError; no reply at all is a wire.TransportError.
func TestClientClassifiesReplies(t *testing.T) {
	centre, _ := hzcard.TestKey(hzcard.TestCentreKeyHex)
	other, _ := hzcard.TestKey(hzcard.TestOtherKeyHex)
	signed := func(k, code string) func() []byte {
		return func() []byte {
			key := centre
			if k == "other" {
				key = other
			}
			msg, _ := hzcard.EncodeReply(code, "text", nil)
			b, err := hzcard.SignMessage(key, signdomain.Default, msg)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	tests := []struct {
		name   string
		status int
		body   func() []byte
		want   string // "ok", "result", "protocol", "transport"
	}{
		{"signed success", 200, signed("centre", "000000"), "ok"},
		{"signed failure", 200, signed("centre", "000039"), "result"},
		{"unsigned", 200, func() []byte { b, _ := hzcard.EncodeReply("000000", "成功", nil); return b }, "protocol"},
		{"signed by another key", 200, signed("other", "000000"), "protocol"},
		{"code not in appendix D", 200, signed("centre", "123456"), "protocol"},
		{"not JSON", 200, func() []byte { return []byte("<html>") }, "protocol"},
		{"HTTP 500", 500, func() []byte { return []byte("oops") }, "protocol"},
		{"no reply", 0, nil, "transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write(tt.body())
			}))
			defer srv.Close()
			url := srv.URL
			if tt.body == nil {
				srv.Close() // refused: nothing listens there any more
			}
			c, err := New(Config{URL: url})
			if err != nil {
				t.Fatal(err)
			}
			err = c.ChargeOrderCancel(context.Background(), hzcard.OrderCancelReq{CardNo: "1", OrderNo: "2"})
			var re *wire.ResultError
			var pe *wire.ProtocolError
			var te *wire.TransportError
			got := "ok"
			switch {
			case errors.As(err, &re):
				got = "result"
			case errors.As(err, &pe):
				got = "protocol"
			case errors.As(err, &te):
				got = "transport"
			case err != nil:
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if pe != nil && pe.Status != max(tt.status, 200) {
				t.Errorf("protocol error status %d, want %d", pe.Status, tt.status)
			}
			if got == "result" && (re.Platform != hzcard.Platform || re.Code != "000039" || wire.Code(err) != "000039") {
				t.Errorf("result error %+v", re)
			}
		})
	}
}

type scripted struct {
	replies [][]byte
	n       int
}

func (s *scripted) Transmit([]byte) ([]byte, error) {
	r := s.replies[s.n]
	s.n++
	return r, nil
}

// A reader that returns fewer than two bytes with no error has lost the
// card (cards.md): Run reports a tear and stops.
func TestRunShortResponseIsTorn(t *testing.T) {
	c, err := New(Config{URL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	card := &scripted{replies: [][]byte{{0x90, 0x00}, {}, {0x90, 0x00}}}
	out, err := c.Run(card, "00A4040008A000000632010105,805C000204,805C000204")
	if !errors.Is(err, apdu.ErrTorn) {
		t.Fatalf("err %v, want a tear", err)
	}
	if len(out) != 1 || card.n != 2 {
		t.Fatalf("%d responses, %d commands sent; want 1 and 2", len(out), card.n)
	}
}

// Charge is safe to run concurrently on distinct cards and orders, and the
// centre's ledger balances afterwards.
func TestChargeConcurrent(t *testing.T) {
	s, err := hzcardsim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := New(Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		no := fmt.Sprintf("22539000000000%02d", w)
		card, err := s.AddCard(hzcardsim.CardSpec{CardNo: no, WalletMax: 1 << 30})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if _, err := c.Recharge(context.Background(), card, RechargeOptions{CardNo: no, Amount: 1000, PayOrderNo: fmt.Sprintf("W%d-%d", w, i)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	tot := s.Totals()
	if tot.Loaded != workers*rounds*1000 || tot.Outstanding != 0 || tot.Confirmed != workers*rounds {
		t.Fatalf("totals %+v", tot)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
}
