package bill99sim_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"paycert/codecs/testpki"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// TestStrictRecordsRefusedHandshakes: a client certificate the server
// refuses is recorded with the client's address, the reason and the seed
// section, and still refused; a valid client leaves nothing.
func TestStrictRecordsRefusedHandshakes(t *testing.T) {
	s, err := bill99sim.NewWithConfig(sim.Options{Strict: true}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	kit := s.Kit()
	cases := []struct {
		name    string
		leaf    *testpki.Leaf // nil: no certificate
		max     uint16
		rule    string
		section string
	}{
		{"no certificate (TLS 1.3)", nil, tls.VersionTLS13, "tls-no-client-cert", "(001 §4.8)"},
		{"no certificate (TLS 1.2)", nil, tls.VersionTLS12, "tls-no-client-cert", "(001 §4.8)"},
		{"another CA", kit.Foreign, tls.VersionTLS13, "tls-unknown-ca", "(001 §4.8)"},
		{"expired", kit.Expired, tls.VersionTLS13, "tls-expired-cert", "(001 §6.1)"},
		{"expired (TLS 1.2)", kit.Expired, tls.VersionTLS12, "tls-expired-cert", "(001 §6.1)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Violations())
			cfg := &tls.Config{RootCAs: kit.CA.Pool(), MaxVersion: tc.max}
			if tc.leaf != nil {
				// Sent whatever CAs the server asks for (Go's client would
				// otherwise send none for another CA's certificate).
				cert := tc.leaf.TLS()
				cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
			}
			local, refused := dialAndRead(t, srv.Addr, cfg)
			if !refused {
				t.Fatal("the handshake was accepted: the refusal must not change")
			}
			v := waitViolation(t, s, before)
			if v.Interface != "tls" || v.Rule != tc.rule {
				t.Fatalf("recorded %s/%s, want tls/%s: %s", v.Interface, v.Rule, tc.rule, v.Detail)
			}
			for _, want := range []string{"tls/client-certificate: " + tc.rule, "client " + local, tc.section} {
				if !strings.Contains(v.Detail, want) {
					t.Errorf("detail %q lacks %q", v.Detail, want)
				}
			}
		})
	}
	t.Run("valid client", func(t *testing.T) {
		before := len(s.Violations())
		_, refused := dialAndRead(t, srv.Addr, s.ClientTLS())
		if refused {
			t.Fatal("the merchant's own certificate was refused")
		}
		time.Sleep(50 * time.Millisecond) // a wrong record would arrive as the conn closes
		if vs := s.Violations()[before:]; len(vs) != 0 {
			t.Fatalf("a valid client was recorded: %+v", vs)
		}
	})
}

// TestLenientModeRecordsNoHandshake: outside strict mode nothing is
// recorded, and the refusal is the same.
func TestLenientModeRecordsNoHandshake(t *testing.T) {
	s, err := bill99sim.NewWithConfig(sim.Options{}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, refused := dialAndRead(t, srv.Addr, &tls.Config{RootCAs: s.Kit().CA.Pool()}); !refused {
		t.Fatal("a client without a certificate was accepted")
	}
	time.Sleep(50 * time.Millisecond)
	if vs := s.Violations(); len(vs) != 0 {
		t.Fatalf("lenient mode recorded %+v", vs)
	}
}

// dialAndRead handshakes and sends one GET; it reports the client's local
// address and whether the server refused (in TLS 1.3 the client learns of
// a refused certificate only on its first read).
func dialAndRead(t *testing.T, addr string, cfg *tls.Config) (string, bool) {
	t.Helper()
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	_ = raw.SetDeadline(time.Now().Add(5 * time.Second))
	cfg = cfg.Clone()
	cfg.ServerName = "127.0.0.1" // the server certificate's IP SAN
	c := tls.Client(raw, cfg)
	local := raw.LocalAddr().String()
	if err := c.Handshake(); err != nil {
		return local, true
	}
	if _, err := io.WriteString(c, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		return local, true
	}
	b, err := io.ReadAll(c)
	return local, err != nil || !bytes.HasPrefix(b, []byte("HTTP/1.1 "))
}

// waitViolation waits for the violation after index before: the server
// records as the refused connection closes, after the client saw it.
func waitViolation(t *testing.T, s *bill99sim.Simulator, before int) sim.Violation {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if vs := s.Violations(); len(vs) > before {
			if len(vs) > before+1 {
				t.Errorf("one refusal recorded %d times: %+v", len(vs)-before, vs[before:])
			}
			return vs[before]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the refused handshake was not recorded")
	return sim.Violation{}
}

// TestStrictViolationsNamePathAndSection: each kind of bad request is
// recorded once with its rule, the element path and the seed section.
func TestStrictViolationsNamePathAndSection(t *testing.T) {
	ns := `<MasMessage xmlns="` + bill99.Namespace + `">`
	decl := `<?xml version="1.0" encoding="UTF-8"?>`
	card := `<version>1.0</version><CardInfoContent><merchantId>104110045112012</merchantId><cardNo>%s</cardNo></CardInfoContent></MasMessage>`
	cases := []struct {
		name, path, body string
		chunked          bool
		refused          bool // lenient mode answers it anyway (strict mode only records it)
		rule, want       string
		section          string
	}{
		{"declared GBK", bill99.PathQueryTxn, `<?xml version="1.0" encoding="GBK"?>` + ns + strings.Replace(card, "%s", "6217003320034459100", 1),
			false, true, "charset", `?xml/@encoding: charset: "GBK" declared`, "(001 §4.4, §4.7)"},
		{"no declaration", bill99.PathQueryTxn, ns + strings.Replace(card, "%s", "6217003320034459100", 1),
			false, false, "declaration", "?xml: declaration: no XML declaration", "(001 §4.4, §4.7)"},
		{"not XML", bill99.PathPurchase, "hello", false, true, "unparsable", "unparsable: ", "(001 §4.3)"},
		{"wrong content element", bill99.PathPciDel, decl + ns + `<version>1.0</version><TxnMsgContent><merchantId>1</merchantId></TxnMsgContent></MasMessage>`,
			false, true, "content", "MasMessage/TxnMsgContent: content: ", "(001 §4.5)"},
		{"cardNo too long", bill99.PathQueryTxn, decl + ns + strings.Replace(card, "%s", "62170033200344591001", 1),
			false, true, "field-too-long", `CardInfoContent/cardNo: field-too-long: "62170033200344591001": `, "(001 §4.7)"},
		{"chunked body over 1 MiB", bill99.PathPurchase, decl + ns + strings.Repeat(" ", sim.MaxBody), true,
			true, "body-too-large", "body-too-large: request body over 1 MiB", "(001 §4.3)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := bill99sim.NewWithConfig(sim.Options{Strict: true}, bill99sim.Config{NoNotifier: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
			if tc.chunked {
				req.ContentLength = -1 // Harden's Content-Length check cannot see it
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if strings.Contains(rec.Body.String(), "<errorCode>") != tc.refused {
				t.Fatalf("not refused with an errorCode: %d %s", rec.Code, rec.Body)
			}
			vs := s.Violations()
			var got []sim.Violation
			for _, v := range vs {
				if v.Rule == tc.rule {
					got = append(got, v)
				}
			}
			if len(got) != 1 {
				t.Fatalf("%d %s violations, want 1: %+v", len(got), tc.rule, vs)
			}
			if d := got[0].Detail; !strings.Contains(d, tc.want) || !strings.HasSuffix(d, tc.section) {
				t.Errorf("detail %q: want %q and the section %s", d, tc.want, tc.section)
			}
		})
	}
}

// TestStrictValidClientRecordsNothing: the paycert client's requests to
// every interface leave no violation.
func TestStrictValidClientRecordsNothing(t *testing.T) {
	clk := sim.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	s, err := bill99sim.NewWithConfig(sim.Options{Clock: clk, Strict: true}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := bill99client.New(bill99client.Config{URL: srv.URL, TLS: s.ClientTLS(), MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal})
	ctx := context.Background()
	ia, err := c.IndAuth(ctx, bill99.IndAuthRequest{CustomerID: "u1", ExternalRefNumber: "SU1", Pan: "6217000000000000022", PhoneNO: "13700000022"})
	if err != nil {
		t.Fatal(err)
	}
	code, _ := s.SMSCode(bill99sim.DefaultMerchant, "SU1")
	v, err := c.Verify(ctx, bill99.VerifyRequest{CustomerID: "u1", ExternalRefNumber: "SU1", Pan: "6217000000000000022", PhoneNO: "13700000022", ValidCode: code, Token: ia.Get("token")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Purchase(ctx, bill99.PurchaseRequest{CustomerID: "u1", ExternalRefNumber: "P1", EntryTime: "20260301180000", Amount: "12.34", PayToken: v.Get("payToken")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(ctx, bill99.QueryRequest{ExternalRefNumber: "P1"}); err != nil {
		t.Fatal(err)
	}
	if vs := s.Violations(); len(vs) != 0 {
		t.Fatalf("the paycert client was recorded: %+v", vs)
	}
}

// TestStrictRecordsDeclaredOversizedBody: a body whose Content-Length is
// over 1 MiB is refused before the handler reads it (413), and strict mode
// records it with the interface's section all the same; lenient mode does
// not.
func TestStrictRecordsDeclaredOversizedBody(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?>` + strings.Repeat(" ", sim.MaxBody)
	for _, strict := range []bool{true, false} {
		s, err := bill99sim.NewWithConfig(sim.Options{Strict: strict}, bill99sim.Config{NoNotifier: true})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, bill99.PathPurchase, strings.NewReader(body))
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		s.Close()
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("strict=%v: HTTP %d, want 413 before the body is read", strict, rec.Code)
		}
		var got []sim.Violation
		for _, v := range s.Violations() {
			if v.Rule == "body-too-large" {
				got = append(got, v)
			}
		}
		switch {
		case strict && (len(got) != 1 || !strings.Contains(got[0].Detail, "Content-Length") || !strings.HasSuffix(got[0].Detail, "(001 §4.3)")):
			t.Errorf("strict: want one body-too-large violation naming the Content-Length and 001 §4.3, got %+v", got)
		case !strict && len(got) != 0:
			t.Errorf("lenient mode recorded %+v", got)
		}
	}
}
