package kakatongclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

func start(t *testing.T) (*kakatongsim.Simulator, *Client, *[]wire.Exchange) {
	t.Helper()
	s, err := kakatongsim.New(sim.Options{Clock: sim.NewManualClock(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	var seen []wire.Exchange
	c, err := New(Config{URL: srv.URL, LicenceKey: kakatongsim.LicenceKey, CopNo: kakatongsim.CopNo, PosCode: kakatongsim.PosCode,
		Observe: func(ex wire.Exchange) { seen = append(seen, ex) }})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, &seen
}

func TestLoadPlanNeverRepeatsATriple(t *testing.T) {
	p := LoadPlan{Cards: []string{"a", "b", "c"}, Terminals: []string{"t1", "t2"}, BaseAmount: 100}
	seen := map[string]bool{}
	for i := uint64(0); i < 10_000; i++ {
		c, pos, amt := p.Purchase(i, "")
		k := fmt.Sprint(c, "|", pos, "|", amt)
		if seen[k] {
			t.Fatalf("request %d repeats card %s terminal %s amount %d", i, c, pos, amt)
		}
		seen[k] = true
	}
}

func TestConsumeRequestsAgainstSimulator(t *testing.T) {
	s, c, _ := start(t)
	cards, err := s.SeedLoad("16809999", 4, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	plan := LoadPlan{Cards: cards, Password: kakatongsim.Password}
	ctx := context.Background()
	var want int64
	for i := uint64(0); i < 40; i++ {
		build := c.ConsumeRequest
		if i%2 == 1 {
			build = c.SOAPConsumeRequest
		}
		req, err := build(ctx, plan, i)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var o Outcome
		if i%2 == 1 {
			o, err = ClassifySOAP(kakatong.OpTrade, resp.Header.Get("Content-Type"), body)
		} else {
			o, err = Classify(kakatong.MethodTrade, body)
		}
		if err != nil || !o.Success || o.Code != "11" {
			t.Fatalf("request %d: %+v %v\n%s", i, o, err, body)
		}
		_, _, amt := plan.Purchase(i, "")
		want += amt
	}
	if tot := s.Totals(); tot.Consumed != want || tot.Trades != 40 {
		t.Errorf("totals %+v, want consumed %d in 40 trades", tot, want)
	}
	if err := s.Audit(); err != nil {
		t.Error(err)
	}
}

func TestErrorsSeparateTransportProtocolAndResult(t *testing.T) {
	_, c, seen := start(t)
	ctx := context.Background()
	r, err := c.Trade(ctx, Trade{Type: "0022", Mode: "1", CardNo: kakatongsim.CardFirst, Password: "000000", Amount: "100"})
	var re *wire.ResultError
	if wire.Code(err) != kakatong.CodeBadPassword || r == nil || !errors.As(err, &re) || re.Platform != "kakatong" || re.Interface != kakatong.MethodTrade {
		t.Errorf("wrong password: %v, want a kakatong cTRequest *wire.ResultError 07 with the reply", err)
	}
	if _, err := c.TradeSOAP(ctx, Trade{Type: "0011", Mode: "0", CardNo: kakatongsim.CardFirst, Password: kakatongsim.Password}); err != nil {
		t.Errorf("SOAP query: %v", err)
	}
	bad, _ := New(Config{URL: "http://127.0.0.1:1", Timeout: time.Second})
	_, err = bad.Trade(ctx, Trade{Type: "0011", Mode: "0"})
	if !wire.IsTransport(err) || wire.IsProtocol(err) {
		t.Errorf("refused connection: %T %v, want *wire.TransportError", err, err)
	}
	if len(*seen) != 2 || (*seen)[1].Charset != "GB2312" || len((*seen)[1].Request) == 0 {
		t.Errorf("observer saw %d exchanges: %+v", len(*seen), *seen)
	}
	o, err := Classify(kakatong.MethodTrade, []byte("not xml"))
	if err == nil {
		t.Errorf("classify garbage: %+v", o)
	}
}

// TestProtocolErrors: every reply that is not a gateway reply is a
// *wire.ProtocolError (never a transport error, never a result code), with
// the HTTP status when it was not 200.
func TestProtocolErrors(t *testing.T) {
	const fault = `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">bad</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`
	tests := []struct {
		name   string
		status int
		ct     string
		body   string
		soap   bool
	}{
		{"HTTP 500", http.StatusInternalServerError, "text/plain", "oops", false},
		{"HTTP 404 with a well-formed reply", http.StatusNotFound, "text/xml", `<TradeResult><Record><PayInForm>11</PayInForm></Record></TradeResult>`, false},
		{"not XML", http.StatusOK, "text/xml", "not xml", false},
		{"another root", http.StatusOK, "text/xml", `<Other/>`, false},
		{"no result element", http.StatusOK, "text/xml", `<TradeResult><Record><CardNo>1680115500000126</CardNo></Record></TradeResult>`, false},
		{"SOAP fault", http.StatusBadRequest, "application/soap+xml; charset=UTF-8", fault, true},
		{"SOAP garbage", http.StatusOK, "application/soap+xml; charset=UTF-8", "<x/>", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.ct)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, err := New(Config{URL: srv.URL, LicenceKey: kakatongsim.LicenceKey})
			if err != nil {
				t.Fatal(err)
			}
			tr := Trade{Type: "0011", Mode: "0", CardNo: kakatongsim.CardFirst, Password: kakatongsim.Password}
			if tc.soap {
				_, err = c.TradeSOAP(context.Background(), tr)
			} else {
				_, err = c.Trade(context.Background(), tr)
			}
			var pe *wire.ProtocolError
			if !errors.As(err, &pe) || wire.IsTransport(err) || wire.Code(err) != "" {
				t.Fatalf("err = %T %v, want only a *wire.ProtocolError", err, err)
			}
			if pe.Platform != "kakatong" || pe.Status != tc.status {
				t.Errorf("ProtocolError %+v, want platform kakatong and status %d", pe, tc.status)
			}
		})
	}
}

// TestRESTURL pins the GET the client sends: the method first, then the
// parameters sorted and query-escaped, the defaults merged in, "\x00omit"
// dropping one, under a base URL with a path prefix.
func TestRESTURL(t *testing.T) {
	c, err := New(Config{URL: "http://gw.example:8080/kkt/", LicenceKey: "K+1", CopNo: "1155", Lang: "GB2312"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		p    Params
		want string
	}{
		{"defaults only", nil,
			"http://gw.example:8080/kkt" + kakatong.RESTPath + "?method=cTRequest&COPNO=1155&LANG=GB2312&LICENSEKEY=K%2B1"},
		{"escaped values, a default overridden, one omitted", Params{"CARDNO": "1 2", "LANG": "\x00omit", "COPNO": "9&9"},
			"http://gw.example:8080/kkt" + kakatong.RESTPath + "?method=cTRequest&CARDNO=1+2&COPNO=9%269&LICENSEKEY=K%2B1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.RESTURL(kakatong.MethodTrade, tt.p); got != tt.want {
				t.Errorf("RESTURL =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
