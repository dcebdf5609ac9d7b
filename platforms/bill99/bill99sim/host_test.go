package bill99sim_test

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// TestAdmitHost: after AdmitHost the server certificate a client verifies
// by the kit's CA is valid for the simulator's address off loopback, and
// still for loopback; before, it is not.
func TestAdmitHost(t *testing.T) {
	s, err := bill99sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	verify := func(host string) error {
		cert := s.TLSConfig().Certificates[0]
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		_, err = leaf.Verify(x509.VerifyOptions{Roots: s.Kit().CA.Pool(), DNSName: host})
		return err
	}
	if verify("192.0.2.2") == nil {
		t.Fatal("the fresh kit's server certificate already covers 192.0.2.2")
	}
	note, err := s.AdmitHost(netip.MustParseAddr("192.0.2.2"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "192.0.2.2") {
		t.Errorf("note %q does not name the address", note)
	}
	for _, h := range []string{"192.0.2.2", "127.0.0.1", "localhost"} {
		if err := verify(h); err != nil {
			t.Errorf("after AdmitHost(192.0.2.2), %s: %v", h, err)
		}
	}
	if err := verify("192.0.2.3"); err == nil {
		t.Error("the certificate covers 192.0.2.3 too")
	}
	if note, err := s.AdmitHost(netip.MustParseAddr("192.0.2.2")); err != nil || note != "" {
		t.Errorf("a second AdmitHost of the same address: %q, %v; want nothing to do", note, err)
	}
}

// TestSMSAnswersThisMachineOnly: the SMS endpoint answers loopback and,
// after AdmitHost, the simulator's own address (a suite on this machine
// certifying it off loopback); any other caller is refused.
func TestSMSAnswersThisMachineOnly(t *testing.T) {
	s, err := bill99sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status := func(remote string) int {
		r := httptest.NewRequest(http.MethodGet, bill99sim.PathSMS+"?merchantId=1&externalRefNumber=2", nil)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w.Code
	}
	// 404: allowed to ask, and there is no such sign-up; 403: refused.
	want := map[string][2]int{"127.0.0.1:5000": {404, 404}, "192.0.2.2:5000": {403, 404}, "192.0.2.9:5000": {403, 403}}
	for remote, w := range want {
		if got := status(remote); got != w[0] {
			t.Errorf("before AdmitHost, a caller at %s: %d, want %d", remote, got, w[0])
		}
	}
	if _, err := s.AdmitHost(netip.MustParseAddr("192.0.2.2")); err != nil {
		t.Fatal(err)
	}
	for remote, w := range want {
		if got := status(remote); got != w[1] {
			t.Errorf("after AdmitHost(192.0.2.2), a caller at %s: %d, want %d", remote, got, w[1])
		}
	}
}
