package bill99sim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"paycert/codecs/gbk"
	"paycert/codecs/rsasig"
	"paycert/platforms/bill99"
)

// notice is one TR3 to deliver until a correct TR4 comes back.
type notice struct {
	ref      string
	url      string
	result   bill99.TxnResult
	body     []byte
	sig      string
	attempts int
	nextAt   time.Time
	inFlight bool
	acked    bool
	gaveUp   bool
	log      []Delivery
}

// Delivery is one TR3 attempt.
type Delivery struct {
	Attempt int       // 1 = first delivery, 2..11 = resends
	At      time.Time // simulator clock
	URL     string
	Status  int    // HTTP status, 0 on transport failure
	TR4     bool   // a correct TR4 came back
	Err     string // transport error or why the reply is not a TR4
}

// Resend schedule (E-BILL99-TR3-RESEND): the wait after attempt k is
// 2^(k-1) minutes, for bill99.TR3Deliveries attempts.

func backoff(attempt int) time.Duration { return time.Duration(1<<(attempt-1)) * time.Minute }

func (s *Simulator) scheduleTR3(o *order) {
	if o.tr3URL == "" {
		return // "该功能需向销售申请开通,默认不开通": no address, no notice
	}
	r := bill99.TxnResult{TxnType: bill99.TxnPurchase, Amount: o.amount, MerchantID: o.merchant, TerminalID: o.terminal,
		EntryTime: o.entryTime, ExternalRefNumber: o.extRef, CustomerID: o.customer, TransTime: o.transTime,
		RefNumber: o.refNumber, ResponseCode: o.code, ResponseText: o.text, CardOrg: o.bin.CardOrg, Issuer: o.bin.Issuer,
		StorableCardNo: s.storable(o.pan), AuthorizationCode: o.authCode}
	body, sig, err := bill99.BuildTR3(s.PlatformKey(), r)
	if err != nil {
		s.logf("bill99 sim: TR3 for %s not built: %v", o.refNumber, err)
		return
	}
	if s.faults.Has(FaultTR3UTF8) {
		// The broken platform signs the UTF-8 text and then transcodes it.
		utf, derr := gbk.Decode(nil, body)
		if derr == nil {
			if raw, serr := rsasig.Sign(nil, s.PlatformKey(), utf); serr == nil {
				sig = rsasig.EncodeSignature(raw)
			}
		}
	}
	s.notices = append(s.notices, &notice{ref: o.refNumber, url: o.tr3URL, result: r, body: body, sig: sig, nextAt: s.clock.Now()})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Simulator) notifier() {
	defer close(s.done)
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.stop
		cancel()
	}()
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		case <-t.C:
		}
		s.deliverDue(ctx)
	}
}

func (s *Simulator) deliverDue(ctx context.Context) int {
	s.mu.Lock()
	s.settleDueLocked()
	now := s.clock.Now()
	var due []*notice
	for _, n := range s.notices {
		if !n.acked && !n.gaveUp && !n.inFlight && !now.Before(n.nextAt) {
			n.inFlight = true
			due = append(due, n)
		}
	}
	s.mu.Unlock()
	for _, n := range due {
		d := s.post(ctx, n)
		s.mu.Lock()
		n.inFlight = false
		n.attempts++
		d.Attempt = n.attempts
		d.At = now
		n.log = append(n.log, d)
		limit := bill99.TR3Deliveries
		if s.faults.Has(FaultResendStops3) {
			limit = 4
		}
		switch {
		case d.TR4:
			n.acked = true
		case n.attempts >= limit:
			n.gaveUp = true
			s.logf("bill99 sim: TR3 for %s given up after %d attempts", n.ref, n.attempts)
		default:
			n.nextAt = now.Add(backoff(n.attempts))
		}
		s.mu.Unlock()
	}
	return len(due)
}

func (s *Simulator) post(ctx context.Context, n *notice) Delivery {
	d := Delivery{URL: n.url}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(n.body))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	req.Header.Set("Content-Type", "text/xml; charset=GBK")
	req.Header.Set(bill99.SignatureHeader, n.sig)
	resp, err := s.client.Do(req)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	defer resp.Body.Close()
	d.Status = resp.StatusCode
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		d.Err = err.Error()
		return d
	}
	if resp.StatusCode != http.StatusOK {
		d.Err = "HTTP " + resp.Status
		return d
	}
	if s.faults.Has(FaultTR4Any200) {
		d.TR4 = true
		return d
	}
	if err := bill99.CheckTR4(n.result, body); err != nil {
		d.Err = err.Error()
		return d
	}
	d.TR4 = true
	return d
}

// Deliveries returns the TR3 attempts for an order's refNumber, and whether
// the notice was acknowledged or given up.
func (s *Simulator) Deliveries(refNumber string) (log []Delivery, acked, gaveUp bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.notices {
		if n.ref == refNumber {
			return append([]Delivery(nil), n.log...), n.acked, n.gaveUp
		}
	}
	return nil, false, false
}

// NextDelivery returns when the notice for refNumber is due next (zero when
// none is pending).
func (s *Simulator) NextDelivery(refNumber string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.notices {
		if n.ref == refNumber && !n.acked && !n.gaveUp {
			return n.nextAt
		}
	}
	return time.Time{}
}
