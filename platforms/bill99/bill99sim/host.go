package bill99sim

import (
	"errors"
	"fmt"

	"net/netip"
	"slices"
	"time"

	"paycert/codecs/testpki"
)

// AdmitHost makes the server certificate cover addr, an address of the
// machine the simulator serves on (paycert sim --allow-remote listening
// off loopback), as well as every name the certificate already covers
// (127.0.0.1, ::1, localhost): a client that verifies the server by the
// kit's CA (server_ca) then accepts it at addr. The certificate is issued
// again by the kit's CA, which needs the CA's key (a generated kit, or a
// --pki-dir holding ca-key.pem). It returns what it changed, in a line for
// the written config. The SMS endpoint (PathSMS) then answers callers from
// addr too: a suite on this machine reaches the simulator there. Call it
// before serving.
func (s *Simulator) AdmitHost(addr netip.Addr) (string, error) {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsUnspecified() {
		return "", fmt.Errorf("bill99 simulator: admit host %v: want one address of this machine", addr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.hosts, addr) {
		s.hosts = append(s.hosts, addr)
	}
	old := s.kit.Server.Cert
	hosts := append([]string(nil), old.DNSNames...)
	for _, ip := range old.IPAddresses {
		a, _ := netip.AddrFromSlice(ip)
		if a.Unmap() == addr {
			return "", nil // covered already
		}
		hosts = append(hosts, ip.String())
	}
	if s.kit.CA.Key == nil {
		return "", errors.New("bill99 simulator: the server certificate covers loopback only and the kit has no CA key (ca-key.pem) to issue one for " + addr.String())
	}
	hosts = append(hosts, addr.String())
	now := time.Now()
	leaf, err := s.kit.CA.Issue(testpki.LeafOptions{CommonName: old.Subject.CommonName, Hosts: hosts, Server: true,
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(2, 0, 0)})
	if err != nil {
		return "", fmt.Errorf("bill99 simulator: server certificate for %s: %w", addr, err)
	}
	s.kit.Server = leaf
	s.tlsConf = s.buildTLS()
	slices.Sort(hosts)
	return fmt.Sprintf("bill99: the server certificate (issued by server_ca) covers %s (this simulator's address) as well as loopback: %v",
		addr, hosts), nil
}
