package load

import (
	"fmt"
	"net"
	"net/url"
)

// CheckTarget refuses any target that is not a loopback address: load runs
// from paycert never leave the machine. Host names other than "localhost"
// are refused without resolving them (a name's address can change).
func CheckTarget(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("target %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("target %q: want an http:// or https:// URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("target %q: load runs target loopback addresses only (127.0.0.0/8, ::1, localhost)", raw)
}
