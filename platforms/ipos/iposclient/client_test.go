package iposclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

func verify(seq, amt string) ipos.CardVerifyRequest {
	return ipos.CardVerifyRequest{Header: ipos.Header{ISSPID: ipossim.FixtureISSPID, PosID: ipossim.FixturePosID,
		StoreID: ipossim.FixtureStoreID, PosSeq: seq, SystemID: ipossim.FixtureSystemID},
		ValidInfo: ipossim.VoucherAmount, EncodeType: "099", TxAmt: amt}
}

func TestErrorKinds(t *testing.T) {
	s, err := ipossim.New(sim.Options{Clock: sim.NewManualClock(time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	good := httptest.NewServer(s)
	defer good.Close()
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>busy</html>") }))
	defer junk.Close()
	// A coded reply under a status other than 200 still breaks 002 §2.
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `<?xml version="1.0" encoding="GBK"?><business_trans><result><id>0000</id><comment>ok</comment></result></business_trans>`)
	}))
	defer unavailable.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	var seen []wire.Exchange
	obs := func(ex wire.Exchange) { seen = append(seen, ex) }
	cases := []struct {
		name string
		url  string
		amt  string
		want any
	}{
		{"success", good.URL, "100", nil},
		{"business", good.URL, "999999", &wire.ResultError{}},
		{"protocol", junk.URL, "100", &wire.ProtocolError{}},
		{"status", unavailable.URL, "100", &wire.ProtocolError{Status: http.StatusServiceUnavailable}},
		{"transport", down.URL, "100", &wire.TransportError{}},
	}
	for i, c := range cases {
		cl, _ := iposclient.New(iposclient.Config{URL: c.url, Key: ipossim.FixtureKey, Observe: obs, Timeout: 2 * time.Second})
		r, err := cl.Do(context.Background(), verify("202603010000"+string(rune('1'+i)), c.amt).Request())
		switch w := c.want.(type) {
		case nil:
			if err != nil || r == nil || !r.Result.OK() {
				t.Errorf("%s: %v", c.name, err)
			}
		case *wire.ResultError:
			if !errors.As(err, &w) || w.Code != ipos.CodeBalanceShort || wire.Code(err) != ipos.CodeBalanceShort || w.Platform != ipos.Platform || r == nil {
				t.Errorf("%s: %v", c.name, err)
			}
		case *wire.ProtocolError:
			want := w.Status
			if !errors.As(err, &w) || !wire.IsProtocol(err) || w.Platform != ipos.Platform || wire.Code(err) != "" || (want != 0 && w.Status != want) {
				t.Errorf("%s: %v", c.name, err)
			}
		case *wire.TransportError:
			if !errors.As(err, &w) || !wire.IsTransport(err) || w.Platform != ipos.Platform {
				t.Errorf("%s: %v", c.name, err)
			}
		}
	}
	if len(seen) != len(cases) || seen[0].Status != 200 || len(seen[0].Reply) == 0 || seen[4].Err == "" {
		t.Errorf("observer saw %d exchanges: %+v", len(seen), seen)
	}
}

// The load runner's request: exact body, MAC over the GBK XML, charset.
func TestNewVerifyRequest(t *testing.T) {
	q := verify("2026030100009", "250")
	r, err := iposclient.NewVerifyRequest("http://127.0.0.1:9/ipos", "k3y", q)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != iposclient.ContentType {
		t.Errorf("method/header: %s %v", r.Method, r.Header)
	}
	x, m, err := gbkxml.ParseFormBody(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := q.Request().AppendXML(nil)
	if string(x) != string(want) || !mac.VerifyIPos([]byte("k3y"), x, m) {
		t.Errorf("body xml %s mac %s", x, m)
	}
	var w gbkxml.Writer
	b, err := iposclient.AppendVerifyBody(nil, &w, nil, []byte("k3y"), &q)
	if err != nil || string(b) != string(r.Body) {
		t.Errorf("AppendVerifyBody differs: %v", err)
	}
	h, err := r.Build(context.Background())
	if err != nil || h.URL.Host != "127.0.0.1:9" {
		t.Errorf("Build: %v", err)
	}
}
