package bill99

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
)

// Misencoded finds the element of a message that declares UTF-8 (or
// nothing, which is UTF-8) but carries bytes that are not UTF-8, such as a
// customerId typed in GBK: its path below the root as the catalogue writes
// it ("TxnMsgContent/customerId"), and its text as sent (decoded as GBK
// when it is GBK, else quoted). ok is false when the body is valid UTF-8 or
// declares another encoding (Parse judges those). The simulator reports the
// mismatch before any length or content rule (E-BILL99-FIELD-CHARSET), and
// must name the element, which a parser's "invalid UTF-8 at offset N" does
// not.
func Misencoded(body []byte) (path, value string, ok bool) {
	if utf8.Valid(body) || !declaresUTF8(body) {
		return "", "", false
	}
	off := firstInvalid(body)
	start := bytes.LastIndexByte(body[:off], '>') + 1
	end := off + bytes.IndexByte(body[off:], '<')
	if end < off {
		end = len(body)
	}
	raw := body[start:end]
	value = fmt.Sprintf("%q", raw)
	if s, err := gbk.Decode(nil, raw); err == nil {
		value = string(s)
	}
	return elementAt(body[:off]), value, true
}

// declaresUTF8 reports whether the XML declaration, if any, names UTF-8.
func declaresUTF8(body []byte) bool {
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		return true
	}
	end := bytes.Index(body, []byte("?>"))
	if end < 0 {
		return true
	}
	decl := string(body[:end])
	i := strings.Index(decl, "encoding=")
	if i < 0 {
		return true
	}
	enc := strings.Trim(decl[i+len("encoding="):], `"' `)
	if j := strings.IndexAny(enc, `"' `); j >= 0 {
		enc = enc[:j]
	}
	enc = strings.ToUpper(enc)
	return enc == "UTF-8" || enc == "UTF8"
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// elementAt returns the path (below the root, prefixes dropped) of the
// element open at the end of head: a tag scan, enough for a MasMessage
// (no CDATA; comments and declarations skipped).
func elementAt(head []byte) string {
	var stack []string
	for i := 0; i < len(head); i++ {
		if head[i] != '<' {
			continue
		}
		rest := head[i+1:]
		switch {
		case bytes.HasPrefix(rest, []byte("!--")):
			j := bytes.Index(rest, []byte("-->"))
			if j < 0 {
				return strings.Join(below(stack), "/")
			}
			i += j + 3
			continue
		case len(rest) > 0 && (rest[0] == '?' || rest[0] == '!'):
			continue
		}
		closing := len(rest) > 0 && rest[0] == '/'
		j := bytes.IndexByte(rest, '>')
		if j < 0 {
			break // the bad byte is inside this tag
		}
		tag := rest[:j]
		i += j + 1
		if closing {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		if bytes.HasSuffix(tag, []byte("/")) {
			continue
		}
		name := string(tag)
		if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
			name = name[:k]
		}
		if k := strings.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		stack = append(stack, name)
	}
	return strings.Join(below(stack), "/")
}

// below drops the root (MasMessage) from an element stack.
func below(stack []string) []string {
	if len(stack) == 0 {
		return nil
	}
	return stack[1:]
}
