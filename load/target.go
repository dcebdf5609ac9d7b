package load

import (
	"fmt"
	"net"
	"net/url"
)

// CheckTarget checks a target URL. A loopback address is always allowed; any
// other host only when remote is true (the caller was told so deliberately:
// "paycert load --allow-remote", or the target came from a config file).
// Without remote, host names other than "localhost" are refused without
// resolving them (a name's address can change).
func CheckTarget(raw string, remote bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("target %q: %w", raw, err)
	}
	show := raw
	if u.User != nil {
		show = u.Redacted()
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("target %q: want an http:// or https:// URL", show)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("target %q has no host", show)
	}
	if remote || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("target %q is not a loopback address (127.0.0.0/8, ::1, localhost): load another host deliberately with --allow-remote or from --config", show)
}
