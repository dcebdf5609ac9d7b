// Package mac computes the message checks of the platforms whose integrity
// rests on MD5: the iPos request/reply MAC and Kakatong's card password.
//
// MD5 is what the vendors specified, not a choice; nothing here should be
// read as a recommendation. The functions work on exact bytes: an iPos MAC
// covers the GBK bytes of the XML as sent, so callers must hash the bytes
// they put on the wire, never a re-encoding of a parsed message.
package mac

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
)

// IPosLen is the length of an iPos MAC: 32 hex digits.
const IPosLen = 2 * md5.Size

// IPos returns the iPos MAC of msg: lowercase hex MD5(key ‖ msg ‖ key)
// (seed 002 §2 item 5: "密钥+请求/应答报文+密钥 进行MD5加密").
func IPos(key, msg []byte) string {
	var buf [IPosLen]byte
	return string(AppendIPos(buf[:0], key, msg))
}

// AppendIPos appends the 32 lowercase hex digits of the iPos MAC of msg to
// dst. The three parts are streamed into one MD5 state, so a large message
// is never copied into a concatenation.
func AppendIPos(dst, key, msg []byte) []byte {
	sum := ipos(key, msg)
	return hex.AppendEncode(dst, sum[:])
}

func ipos(key, msg []byte) [md5.Size]byte {
	h := md5.New()
	h.Write(key)
	h.Write(msg)
	h.Write(key)
	var sum [md5.Size]byte
	h.Sum(sum[:0])
	return sum
}

// VerifyIPos reports whether mac is the iPos MAC of msg under key. The
// comparison takes the same time wherever the first difference is, so a
// simulator that answers "MAC error" does not leak how much of a forged MAC
// was right.
//
// Upper-case hex digits are accepted: the seed's rule is "MD5 of ...", and
// the sample shows the function, not a case; Java's and .NET's usual hex
// helpers print upper case, and the digest is the same number either way.
// A conformance check that wants to flag upper case as a deviation compares
// mac with IPos itself.
func VerifyIPos(key, msg []byte, mac string) bool {
	if len(mac) != IPosLen {
		return false
	}
	var got [IPosLen]byte
	for i := 0; i < IPosLen; i++ {
		c := mac[i]
		if 'A' <= c && c <= 'F' {
			c += 'a' - 'A'
		}
		got[i] = c
	}
	sum := ipos(key, msg)
	var want [IPosLen]byte
	hex.Encode(want[:], sum[:])
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// CardPassword returns Kakatong's CARDPWD for a card password: lowercase
// hex MD5 of the password as typed (seed 000: a 6-digit password, e.g.
// md5("111111") = 96e79218965eb72c92a549dd5a330112).
func CardPassword(pw string) string {
	sum := md5.Sum([]byte(pw))
	return hex.EncodeToString(sum[:])
}
