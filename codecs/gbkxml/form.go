package gbkxml

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrNoXML and ErrNoMAC tell a form body without its message from one
// without its MAC: a simulator answers the two with different codes.
var (
	ErrNoXML = errors.New("gbkxml: form body has no xml parameter (or it is empty)")
	ErrNoMAC = errors.New("gbkxml: form body has no mac parameter (or it is empty)")
)

// FormBody appends "xml=<xmlBytes, url-encoded>&mac=<mac>" to dst: the
// request body of a platform that posts its XML as a form field (iPos,
// seed 002 §2). The raw bytes are percent-encoded as
// application/x-www-form-urlencoded does it (space as '+', every byte
// except A-Z a-z 0-9 - _ . * as %XX), so GBK bytes travel unchanged; the
// MAC must be computed over xmlBytes, not over this encoding.
func FormBody(dst []byte, xmlBytes []byte, mac string) []byte {
	dst = append(dst, "xml="...)
	dst = appendFormEscape(dst, xmlBytes)
	dst = append(dst, "&mac="...)
	for i := 0; i < len(mac); i++ {
		dst = appendFormByte(dst, mac[i])
	}
	return dst
}

func appendFormEscape(dst, b []byte) []byte {
	for _, c := range b {
		dst = appendFormByte(dst, c)
	}
	return dst
}

const upperHex = "0123456789ABCDEF"

func appendFormByte(dst []byte, c byte) []byte {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '*':
		return append(dst, c)
	case c == ' ':
		return append(dst, '+')
	}
	return append(dst, '%', upperHex[c>>4], upperHex[c&15])
}

// ParseFormBody extracts the xml and mac parameters of a form body. The
// xml value comes back as the exact bytes that were percent-encoded (GBK
// stays GBK; net/url would hand back a Go string), ready for Parse and for
// the MAC check. Other parameters are ignored. A missing or empty xml is
// ErrNoXML; a missing or empty mac is ErrNoMAC, returned with the xml bytes
// so the caller can still log the message. A parameter given twice, or a
// malformed %-escape, is an error: with two xml values a MAC check and a
// parser might look at different messages.
func ParseFormBody(b []byte) (xmlBytes []byte, mac string, err error) {
	var haveXML, haveMAC bool
	// Parameter names and the MAC are short: unescaped into these, on the
	// stack, the only allocations are the xml bytes and the MAC string.
	var nameBuf, macBuf [64]byte
	for off := 0; off <= len(b); {
		end := bytes.IndexByte(b[off:], '&')
		if end < 0 {
			end = len(b)
		} else {
			end += off
		}
		pair := b[off:end]
		key, val, _ := bytes.Cut(pair, []byte{'='})
		name, err := formUnescape(nameBuf[:0], key, off)
		if err != nil {
			return nil, "", err
		}
		valOff := off + len(key) + 1
		switch string(name) {
		case "xml":
			if haveXML {
				return nil, "", fmt.Errorf("gbkxml: form body: xml parameter given twice (second at offset %d)", off)
			}
			haveXML = true
			if xmlBytes, err = formUnescape(make([]byte, 0, len(val)), val, valOff); err != nil {
				return nil, "", err
			}
		case "mac":
			if haveMAC {
				return nil, "", fmt.Errorf("gbkxml: form body: mac parameter given twice (second at offset %d)", off)
			}
			haveMAC = true
			m, err := formUnescape(macBuf[:0], val, valOff)
			if err != nil {
				return nil, "", err
			}
			mac = string(m)
		}
		off = end + 1
	}
	if len(xmlBytes) == 0 {
		return nil, "", ErrNoXML
	}
	if mac == "" {
		return xmlBytes, "", ErrNoMAC
	}
	return xmlBytes, mac, nil
}

// formUnescape appends the bytes s stands for: '+' is a space, %XX a byte.
// base is s's offset in the body, for error messages.
func formUnescape(dst, s []byte, base int) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if i+2 >= len(s) {
				return nil, fmt.Errorf("gbkxml: form body: truncated %%-escape at offset %d", base+i)
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("gbkxml: form body: invalid %%-escape %q at offset %d", s[i:i+3], base+i)
			}
			dst = append(dst, hi<<4|lo)
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
