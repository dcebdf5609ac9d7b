package ipossim

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// AdmitHost makes addr, an address of the machine the simulator serves on
// (paycert sim --allow-remote listening off loopback), count as the
// simulator's own host, as every loopback address does: the fixture
// merchants that admit loopback callers admit callers from addr too (else
// 6103), and a terminal bound to loopback accepts trades from addr (else
// 7104). A client on this machine that reaches the simulator at addr comes
// from addr, so without it the fixture refuses the machine's own clients
// as soon as the simulator leaves loopback. Callers from anywhere else are
// refused as before; loopback stays the default. It returns what it
// changed, in a line for the written config (paycert sim --write-config).
// Call it before serving.
func (s *Simulator) AdmitHost(addr netip.Addr) (string, error) {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsUnspecified() {
		return "", fmt.Errorf("ipos simulator: admit host %v: want one address of this machine", addr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ownHost(addr) {
		return "", nil // loopback, or admitted already
	}
	s.hosts = append(s.hosts, addr)
	var admitted []string
	for id, m := range s.merchants {
		if allowed(m.allow, netip.IPv6Loopback()) || allowed(m.allow, netip.AddrFrom4([4]byte{127, 0, 0, 1})) {
			m.allow = append(m.allow, netip.PrefixFrom(addr, addr.BitLen()))
			admitted = append(admitted, id)
		}
	}
	slices.Sort(admitted)
	return fmt.Sprintf("ipos: merchant(s) %s admit callers from %s (this simulator's address) as well as loopback, and terminals bound to loopback accept it as the same host; callers elsewhere get 6103",
		strings.Join(admitted, ", "), addr), nil
}

// ownHost reports whether a is loopback or an address AdmitHost named.
func (s *Simulator) ownHost(a netip.Addr) bool {
	return a.IsLoopback() || slices.Contains(s.hosts, a)
}
