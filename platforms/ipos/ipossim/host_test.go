package ipossim_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// TestAdmitHost: served off loopback, the simulator's own address is
// admitted for the fixture merchant and its loopback-bound terminal once
// AdmitHost names it, and only it: another caller still gets 6103, and
// loopback callers keep working.
func TestAdmitHost(t *testing.T) {
	s, err := ipossim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	query := func(from string, seq string) error {
		t.Helper()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.RemoteAddr = from + ":40000" // the caller as the simulator would see it
			s.ServeHTTP(w, r)
		}))
		defer srv.Close()
		c, err := iposclient.New(iposclient.Config{URL: srv.URL, Key: ipossim.FixtureKey})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(ctx, ipos.CardQueryRequest{Header: header(seq), ValidInfo: ipossim.VoucherAmount}.Request())
		return err
	}
	if err := query("192.0.2.2", "2026030100001"); wire.Code(err) != ipos.CodeIPNotAllowed {
		t.Fatalf("before AdmitHost, a caller from 192.0.2.2: %v, want 6103", err)
	}
	note, err := s.AdmitHost(netip.MustParseAddr("192.0.2.2"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, ipossim.FixtureISSPID) || !strings.Contains(note, "192.0.2.2") {
		t.Errorf("AdmitHost's note names neither the merchant nor the address: %q", note)
	}
	for _, tc := range []struct {
		from string
		want string // "" success
	}{
		{"192.0.2.2", ""},
		{"127.0.0.1", ""},
		{"192.0.2.3", ipos.CodeIPNotAllowed},
	} {
		err := query(tc.from, "20260301000"+tc.from[len(tc.from)-1:]+"2")
		if got := wire.Code(err); got != tc.want || (tc.want == "" && err != nil) {
			t.Errorf("after AdmitHost(192.0.2.2), a caller from %s: %v, want code %q", tc.from, err, tc.want)
		}
	}
	if _, err := s.AdmitHost(netip.IPv4Unspecified()); err == nil {
		t.Error("AdmitHost(0.0.0.0) accepted: it names every host")
	}
}
