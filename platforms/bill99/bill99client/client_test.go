package bill99client_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/wire"
)

func TestMerchantVerifiesBeforeAcknowledging(t *testing.T) {
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	m := bill99client.NewMerchant(&k.PublicKey)
	srv := httptest.NewServer(m)
	defer srv.Close()
	n := bill99.TxnResult{TxnType: "PUR", Amount: "1", MerchantID: "104110045112012", TerminalID: "00002012", EntryTime: "20260101000000",
		ExternalRefNumber: "R", TransTime: "20260101000001", RefNumber: "000000000001", ResponseCode: "00", ResponseText: "交易成功"}
	body, sig, _ := bill99.BuildTR3(k, n)
	_, forged, _ := bill99.BuildTR3(other, n)
	cases := []struct {
		name   string
		sig    string
		status int
	}{
		{"platform signature", sig, 200},
		{"other key", forged, 400},
		{"no signature", "", 400},
	}
	for _, c := range cases {
		status, reply, err := bill99client.SendTR3(context.Background(), srv.Client(), srv.URL, body, c.sig, nil)
		if err != nil || status != c.status {
			t.Fatalf("%s: status %d err %v", c.name, status, err)
		}
		if c.status == 200 {
			if err := bill99.CheckTR4(n, reply); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
	}
	if len(m.Notices()) != 1 || len(m.Rejected()) != 2 {
		t.Fatalf("notices %d rejected %d", len(m.Notices()), len(m.Rejected()))
	}
}

func TestDecodeSeparatesErrorClasses(t *testing.T) {
	msg := bill99.NewMessage("1.0")
	msg.AddNode(bill99.ElCardInfo).Add("responseCode", "00")
	ok := bill99.Encode(msg)
	t3 := bill99.NewMessage("1.0")
	t3.AddNode(bill99.ElCardInfo).Add("responseCode", "T3").Add("responseTextMessage", "未绑定")
	both := bill99.NewMessage("1.0")
	both.AddNode(bill99.ElError).Add("errorCode", "B.MGW.0120").Add("errorMessage", "x")
	both.AddNode(bill99.ElCardInfo).Add("responseCode", "00")
	format := bill99.NewMessage("1.0")
	format.AddNode(bill99.ElError).Add("errorCode", "B.MGW.0120").Add("errorMessage", "Data length of element[cardNo] is incorrect!")
	cases := []struct {
		name   string
		status int
		body   []byte
		want   string // "", "protocol" or the result code
	}{
		{"500", 500, ok, "protocol"},
		{"html", 200, []byte("<html/>"), "protocol"},
		{"both codes", 200, bill99.Encode(both), "protocol"},
		{"business failure", 200, bill99.Encode(t3), "T3"},
		{"format error", 200, bill99.Encode(format), "B.MGW.0120"},
		{"ok", 200, ok, ""},
	}
	for _, c := range cases {
		rep, err := bill99client.Decode(bill99.IfCardInfo, c.status, c.body)
		switch c.want {
		case "":
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
		case "protocol":
			var pe *wire.ProtocolError
			if !errors.As(err, &pe) || pe.Platform != "bill99" || pe.Interface != bill99.IfCardInfo || pe.Status != c.status {
				t.Errorf("%s: want a bill99 protocol error with status %d, got %#v", c.name, c.status, err)
			}
		default:
			if got := wire.Code(err); got != c.want || wire.IsProtocol(err) || rep == nil || rep.Result.Code() != c.want {
				t.Errorf("%s: code %q (err %v), want %q with the reply", c.name, got, err, c.want)
			}
		}
	}
}

// TestNoReplyIsATransportError: a refused connection is a
// *wire.TransportError naming the platform and the interface, with no status.
func TestNoReplyIsATransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c := bill99client.New(bill99client.Config{URL: url})
	defer c.Close()
	status, _, err := c.Post(context.Background(), bill99.IfCardInfo, []byte("<x/>"))
	var te *wire.TransportError
	if !errors.As(err, &te) || te.Platform != "bill99" || te.Interface != bill99.IfCardInfo || status != 0 {
		t.Fatalf("status %d, err %#v: want a bill99 card_info transport error", status, err)
	}
	if _, _, err := bill99client.SendTR3(context.Background(), http.DefaultClient, url, []byte("<x/>"), "", nil); !wire.IsTransport(err) {
		t.Fatalf("SendTR3 to nowhere: %v, want a transport error", err)
	}
}

func TestRefGeneratorUnique(t *testing.T) {
	g := bill99client.NewRefGenerator("PREFIX-TOO-LONG-X")
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				r := g.Next()
				mu.Lock()
				if seen[r] || len(r) > 32 {
					t.Errorf("duplicate or over-long ref %q", r)
				}
				seen[r] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestPurchaseFactoryBuildsCompleteRequests(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, _ = io.ReadAll(r.Body) }))
	defer srv.Close()
	c := bill99client.New(bill99client.Config{URL: srv.URL, MerchantID: "104110045112012", TerminalID: "00002012"})
	f := c.NewPurchaseFactory([]bill99client.Payer{{"a", "8120000000000000001"}, {"b", "8120000000000000002"}}, "1.00", "L1")
	req, body, ref, err := f.Next(context.Background())
	if err != nil || req.URL.Path != bill99.PathPurchase || ref == "" {
		t.Fatalf("%v %v %q", err, req.URL, ref)
	}
	if _, err := srv.Client().Do(req); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) || !bytes.Contains(body, []byte("<externalRefNumber>"+ref+"<")) {
		t.Fatalf("sent body differs or lacks the ref: %s", got)
	}
	_, body2, ref2, _ := f.Next(context.Background())
	if ref2 == ref || !bytes.Contains(body2, []byte("<customerId>b<")) {
		t.Fatal("second request does not move on to the next payer with a new ref")
	}
}
