package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
)

// displayLimit cuts a body shown to a person; the exact bytes stay in the
// exchange (and in the evidence bundle).
const displayLimit = 4 << 10

// String renders the exchange for a person reading a test failure: the
// request and the reply as text, each decoded by the charset it declares
// (a form-encoded body shown field by field, its XML decoded), each cut at
// 4 KiB. Render(true) adds the hex.
func (e Exchange) String() string { return e.Render(false) }

// Render is String, with a hex dump of both bodies when withHex is set.
func (e Exchange) Render(withHex bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n", e.Method, e.URL, e.Interface)
	for _, line := range strings.Split(e.RequestText(), "\n") {
		fmt.Fprintf(&b, "> %s\n", line)
	}
	if withHex && len(e.Request) > 0 {
		fmt.Fprintf(&b, "> hex (%d bytes):\n%s", len(e.Request), hex.Dump(e.Request))
	}
	if e.Err != "" {
		fmt.Fprintf(&b, "! %s\n", e.Err)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, "< HTTP %d\n", e.Status)
		for _, line := range strings.Split(e.ReplyText(), "\n") {
			fmt.Fprintf(&b, "< %s\n", line)
		}
		if withHex && len(e.Reply) > 0 {
			fmt.Fprintf(&b, "< hex (%d bytes):\n%s", len(e.Reply), hex.Dump(e.Reply))
		}
	}
	return b.String()
}

// RequestText is the request body as a person reads it.
func (e Exchange) RequestText() string {
	return bodyText(e.Request, e.requestContentType(), e.Charset)
}

// ReplyText is the reply body as a person reads it.
func (e Exchange) ReplyText() string {
	return bodyText(e.Reply, e.Header["Reply-Content-Type"], e.Charset)
}

// requestContentType: the iPos client records the request's Content-Type
// under "Content-Type" and the reply's under "Reply-Content-Type"; the
// Kakatong client records only the reply's, under "Content-Type".
func (e Exchange) requestContentType() string {
	if _, ok := e.Header["Reply-Content-Type"]; ok {
		return e.Header["Content-Type"]
	}
	return ""
}

// bodyText decodes a body by the charset it declares: an XML declaration's
// encoding first (the body's own word), then the Content-Type's charset,
// then the platform's charset (fallback). A form-encoded body is shown one
// field a line, each value decoded the same way, so an iPos request reads as
// its XML and its MAC instead of percent escapes.
func bodyText(p []byte, contentType, fallback string) string {
	if len(p) == 0 {
		return "(empty)"
	}
	if form, ok := parseForm(p, contentType); ok {
		var b strings.Builder
		for i, kv := range form {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%s=%s", kv[0], decodeText([]byte(kv[1]), declared([]byte(kv[1]), "", fallback)))
		}
		return b.String()
	}
	return decodeText(p, declared(p, contentType, fallback))
}

var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']`)

// declared names the charset a body declares.
func declared(p []byte, contentType, fallback string) string {
	head := p[:min(len(p), 200)]
	if m := xmlEncoding.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		return params["charset"]
	}
	return fallback
}

// parseForm reads an application/x-www-form-urlencoded body, in field
// order. A body without a form Content-Type counts as a form when its
// first field is xml= (iPos, whose client records no reply header).
func parseForm(p []byte, contentType string) ([][2]string, bool) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/x-www-form-urlencoded" && !bytes.HasPrefix(p, []byte("xml=")) {
		return nil, false
	}
	var out [][2]string
	for _, field := range strings.Split(string(p), "&") {
		k, v, _ := strings.Cut(field, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, false // not a form after all: show the bytes
		}
		out = append(out, [2]string{k, v})
	}
	return out, true
}

// decodeText decodes p as charset, cut at the display limit; bytes that are
// not valid in it show as hex.
func decodeText(p []byte, charset string) string {
	cut := ""
	if len(p) > displayLimit {
		n := displayLimit
		for n > displayLimit-utf8.UTFMax && !utf8.RuneStart(p[n]) {
			n-- // a UTF-8 body is cut between characters
		}
		p, cut = p[:n], fmt.Sprintf("… (%d more bytes)", len(p)-n)
	}
	decode := gbk.Decode
	switch strings.ToUpper(charset) {
	case "GB18030":
		decode = gbk.DecodeGB18030
		fallthrough
	case "GBK", "GB2312", "CP936":
		s, err := decode(make([]byte, 0, len(p)+len(p)/2), p)
		// A GBK body cut at the limit may end inside a character (its
		// boundaries cannot be found backwards): show what precedes it.
		var ge *gbk.Error
		if err == nil || cut != "" && errors.As(err, &ge) && ge.Offset >= len(p)-3 {
			return string(s) + cut
		}
	}
	if utf8.Valid(p) {
		return string(p) + cut
	}
	return fmt.Sprintf("(not valid %s, %d bytes) % X", charset, len(p), p) + cut
}
