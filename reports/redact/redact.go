// Package redact keeps a run's secrets out of everything paycert writes:
// the values of the params a suite documents as secret (keys, passwords,
// card data) and the userinfo of target URLs. A Redactor is built once per
// run from the configured targets and applied to every output: console
// lines, report.json, index.html, junit.xml, ginkgo.json, the evidence
// bundle (which packs those files) and load meta files.
//
// Matching is by value, not by position: a secret is replaced wherever it
// appears, in the forms it takes on the way into a file (as is, URL-, JSON-,
// HTML/XML-escaped, base64 in a Basic authorisation).
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Mark replaces a secret.
const Mark = "***"

// MinLen is the shortest value treated as a secret: replacing a one- or
// two-character value everywhere would garble every file without hiding
// anything (such a value is guessed, not read).
const MinLen = 3

// Redactor replaces a fixed set of secret values. The zero value and nil
// redact nothing but URL userinfo.
type Redactor struct {
	forms []string // every form of every secret, longest first
	r     *strings.Replacer
}

// New returns a Redactor for the given secret values; empty and too short
// values are ignored.
func New(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var forms []string
	add := func(s string) {
		if len(s) >= MinLen && !seen[s] {
			seen[s] = true
			forms = append(forms, s)
		}
	}
	for _, s := range secrets {
		add(s)
		add(url.QueryEscape(s))
		add(url.PathEscape(s))
		add(html.EscapeString(s))
		if b, err := json.Marshal(s); err == nil {
			add(string(b[1 : len(b)-1]))
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mark)
	}
	return &Redactor{forms: forms, r: strings.NewReplacer(pairs...)}
}

// Len is the number of forms the Redactor looks for (0: it hides only URL
// userinfo).
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	return len(r.forms)
}

// String returns s with every secret and every URL userinfo replaced.
func (r *Redactor) String(s string) string {
	if r != nil && r.r != nil {
		s = r.r.Replace(s)
	}
	return userinfo(s)
}

// Bytes returns b with every secret replaced; b itself is not changed. The
// result is b when there is nothing to replace, so clean bodies are not
// copied.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil || r.r == nil || !r.containsAny(b) {
		return b
	}
	return []byte(r.r.Replace(string(b)))
}

func (r *Redactor) containsAny(b []byte) bool {
	for _, f := range r.forms {
		if bytes.Contains(b, []byte(f)) {
			return true
		}
	}
	return false
}

// Contains reports whether s holds any form of any secret (tests and a
// last check before a file is written).
func (r *Redactor) Contains(s string) bool { return r != nil && r.containsAny([]byte(s)) }

// Walk redacts, in place, every string and []byte reachable from ptr
// through exported fields, pointers, slices, arrays and map values: a whole
// report in one call, so a field added later is not forgotten. Map keys are
// left alone (they are names, not values).
func (r *Redactor) Walk(ptr any) {
	r.walk(reflect.ValueOf(ptr))
}

var bytesType = reflect.TypeFor[[]byte]()

func (r *Redactor) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			r.walk(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				r.walk(v.Field(i))
			}
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(r.String(v.String()))
		}
	case reflect.Slice:
		if v.Type() == bytesType {
			if v.CanSet() {
				v.SetBytes(r.Bytes(v.Bytes()))
			}
			return
		}
		for i := range v.Len() {
			r.walk(v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			r.walk(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			c := reflect.New(e.Type()).Elem()
			c.Set(e)
			r.walk(c)
			v.SetMapIndex(k, c)
		}
	}
}

// URLSecrets returns the secrets a URL carries in its userinfo: the
// password and "user:password" when there is a password, else the user
// name (a token passed as the user).
func URLSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return nil
	}
	name := u.User.Username()
	pw, ok := u.User.Password()
	if !ok {
		return []string{name}
	}
	basic := base64.StdEncoding.EncodeToString([]byte(name + ":" + pw))
	return []string{name + ":" + pw, pw, basic}
}

// userinfo replaces the userinfo of every URL in s ("scheme://user:pw@")
// with the mark, whether or not its values were configured as secrets: a
// URL a reply or an error quotes back may carry credentials too.
func userinfo(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		// The authority ends at the first '/', '?', '#' or space; an '@'
		// before it ends the userinfo.
		end := strings.IndexAny(s, "/?# \t\n\"'<>")
		if end < 0 {
			end = len(s)
		}
		if at := strings.LastIndex(s[:end], "@"); at > 0 {
			b.WriteString(Mark)
			s = s[at:]
		}
	}
}

// Writer redacts what passes through it a line at a time, so a secret split
// across two writes (Ginkgo writes in pieces) is still found. Flush writes a
// last unterminated line.
type Writer struct {
	w    io.Writer
	r    *Redactor
	line func(string) string // further rewriting of each line, may be nil
	buf  []byte
	mu   sync.Mutex
}

// NewWriter returns a Writer onto w; line, when not nil, rewrites each
// line after redaction (the console trims source paths with it).
func NewWriter(w io.Writer, r *Redactor, line func(string) string) *Writer {
	return &Writer{w: w, r: r, line: line}
}

func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	i := bytes.LastIndexByte(w.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	if err := w.emit(string(w.buf[:i+1])); err != nil {
		return 0, err
	}
	w.buf = append(w.buf[:0], w.buf[i+1:]...)
	return len(p), nil
}

// Flush writes what is left of an unterminated line.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	err := w.emit(string(w.buf))
	w.buf = w.buf[:0]
	return err
}

func (w *Writer) emit(s string) error {
	s = w.r.String(s)
	if w.line != nil {
		s = w.line(s)
	}
	_, err := io.WriteString(w.w, s)
	return err
}

// URL returns s with the userinfo of every URL in it replaced by the mark:
// for a command that shows the URL it called.
func URL(s string) string { return userinfo(s) }
