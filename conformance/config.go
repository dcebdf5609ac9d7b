package conformance

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// LoadConfig reads a paycert.yaml file. Every problem of its shape is
// reported, one error per problem, in paycert's words ("paycert.yaml:4:
// targets.ipos.url must be a string, not a list"), not yaml.v3's Go type
// names: the errors.Join of them, which ConfigErrors splits again.
// What the shape cannot say (platform names, params, URLs, files,
// waivers) Validate checks.
func LoadConfig(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	name := filepath.Base(path)
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return c, yamlSyntaxError(name, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return c, fmt.Errorf("%s is empty: it needs a targets: section (copy paycert.example.yaml)", name)
	}
	sh := shape{file: name}
	sh.config(doc.Content[0])
	if len(sh.errs) > 0 {
		return c, errors.Join(sh.errs...)
	}
	if err := doc.Content[0].Decode(&c); err != nil {
		// The shape check accepts only what decodes; this is a bug in it.
		return c, fmt.Errorf("%s: %w", name, err)
	}
	for name, t := range c.Targets {
		t.Platform = name
		c.Targets[name] = t
	}
	return c, nil
}

// ConfigErrors splits an error of LoadConfig or Validate into its lines.
func ConfigErrors(err error) []string {
	if err == nil {
		return nil
	}
	return strings.Split(err.Error(), "\n")
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlSyntaxError rewords yaml.v3's syntax error as file:line: cause.
func yamlSyntaxError(file string, err error) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s is not valid YAML: %v", file, err)
	}
	if m[1] == "" {
		return fmt.Errorf("%s is not valid YAML: %s", file, m[2])
	}
	return fmt.Errorf("%s:%s: not valid YAML: %s", file, m[1], m[2])
}

// shape checks the YAML tree of paycert.yaml against what Config decodes,
// collecting one error per problem with its line.
type shape struct {
	file string
	errs []error
}

func (s *shape) errorf(n *yaml.Node, format string, a ...any) {
	s.errs = append(s.errs, fmt.Errorf("%s:%d: %s", s.file, n.Line, fmt.Sprintf(format, a...)))
}

// kind names a node's kind as a config author knows it.
func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping (key: value lines)"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "empty"
	}
	return "the value " + strconv.Quote(n.Value)
}

// mapping checks n is a mapping whose keys are among known (nil: any) and
// calls each for every key and value.
func (s *shape) mapping(n *yaml.Node, what string, known []string, each func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		s.errorf(n, "%s must be a mapping (key: value lines), not %s", what, kind(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if known != nil && !slices.Contains(known, k.Value) {
			msg := fmt.Sprintf("unknown key %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
			if near := Nearest(k.Value, known); near != "" {
				msg += "; did you mean " + near + "?"
			}
			s.errorf(k, "%s", msg)
			continue
		}
		each(k.Value, k, v)
	}
}

// scalar checks n is a non-empty single value (a string, a number).
func (s *shape) scalar(n *yaml.Node, what string) {
	switch {
	case n.Kind != yaml.ScalarNode:
		s.errorf(n, "%s must be a single value, not %s", what, kind(n))
	case n.Tag == "!!null":
		s.errorf(n, "%s is empty", what)
	}
}

func (s *shape) config(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		s.errorf(n, "the file must be a mapping with targets: and waivers:, not %s", kind(n))
		return
	}
	s.mapping(n, "the file", []string{"targets", "waivers"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "targets":
			s.mapping(v, "targets", nil, func(p string, _, t *yaml.Node) { s.target("targets."+p, t) })
		case "waivers":
			if v.Kind != yaml.SequenceNode {
				s.errorf(v, "waivers must be a list (lines starting with -), not %s", kind(v))
				return
			}
			for i, w := range v.Content {
				what := fmt.Sprintf("waiver %d", i+1)
				s.mapping(w, what, []string{"spec", "reason", "expires"}, func(k string, _, val *yaml.Node) {
					s.scalar(val, what+" "+k)
				})
			}
		}
	})
}

func (s *shape) target(what string, n *yaml.Node) {
	s.mapping(n, what, []string{"url", "params", "strict", "admin"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "url", "admin":
			s.scalar(v, what+"."+key)
		case "params":
			s.mapping(v, what+".params", nil, func(p string, _, val *yaml.Node) {
				if val.Kind != yaml.ScalarNode {
					s.errorf(val, "%s.params.%s must be a single value, not %s", what, p, kind(val))
				}
			})
		case "strict":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				s.errorf(v, "%s.strict must be true or false, not %s", what, kind(v))
			}
		}
	})
}

// Validate checks what the shape of the file cannot: platform names
// (against docs, each platform's documented target), each target's URL and
// params (unknown names, and the files a param's Check reads), and the
// waivers (a reason, an expiry date in the future). now decides expiry.
// It returns every problem, one error per line, or nil.
func (c Config) Validate(docs map[string]TargetDoc, now time.Time) error {
	var errs []error
	known := slices.Sorted(func(yield func(string) bool) {
		for k := range docs {
			if !yield(k) {
				return
			}
		}
	})
	for _, p := range c.Platforms() {
		doc, ok := docs[p]
		if !ok {
			errs = append(errs, fmt.Errorf("targets.%s: %s", p, UnknownPlatform(p, known)))
			continue
		}
		t := c.Targets[p]
		if err := CheckURL(t.URL); err != nil {
			errs = append(errs, fmt.Errorf("targets.%s.url: %w", p, err))
		}
		errs = append(errs, CheckParams("targets."+p+".params", doc, t.Params)...)
	}
	for i, w := range c.Waivers {
		if err := w.Check(now); err != nil {
			errs = append(errs, fmt.Errorf("waiver %d (%q): %w", i+1, w.Spec, err))
		}
	}
	return errors.Join(errs...)
}

// UnknownPlatform is the message for a platform name that is none of known:
// the valid ones, and the nearest when one is close.
func UnknownPlatform(name string, known []string) string {
	msg := fmt.Sprintf("unknown platform %q (known: %s)", name, strings.Join(known, ", "))
	if near := Nearest(name, known); near != "" {
		msg += "; did you mean " + near + "?"
	}
	return msg
}

// CheckParams checks params against a platform's documented ones: unknown
// names (with the nearest documented name) and each value its Param.Check
// refuses. what prefixes each error ("targets.ipos.params").
func CheckParams(what string, doc TargetDoc, params map[string]string) []error {
	var errs []error
	var names []string
	byName := map[string]Param{}
	for _, p := range doc.Params {
		names = append(names, p.Name)
		byName[p.Name] = p
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range params {
			if !yield(k) {
				return
			}
		}
	}) {
		p, ok := byName[k]
		if !ok {
			msg := fmt.Sprintf("%s.%s: not a param of this platform (documented: %s)", what, k, strings.Join(names, ", "))
			if near := Nearest(k, names); near != "" {
				msg += "; did you mean " + near + "?"
			}
			errs = append(errs, errors.New(msg))
			continue
		}
		if p.Check != nil && params[k] != "" {
			if err := p.Check(params[k], params); err != nil {
				errs = append(errs, fmt.Errorf("%s.%s: %w", what, k, err))
			}
		}
	}
	return errs
}

// CheckURL accepts an absolute http or https URL with a host; "" is the
// embedded simulator and fine.
func CheckURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %v", s, errors.Unwrap(err))
	}
	show := s // as typed, unless it carries a password
	if u.User != nil {
		show = u.Redacted()
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: want an http:// or https:// URL, e.g. https://10.0.0.5:8443/path", show)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%q has no host", show)
	}
	return nil
}

// Check reports a waiver without a selector or reason, or with an expiry
// that is missing, not a date or already past at now.
func (w Waiver) Check(now time.Time) error {
	switch {
	case strings.TrimSpace(w.Spec) == "":
		return errors.New("no spec: (a substring of the spec text, or a label like code:0325)")
	case strings.TrimSpace(w.Reason) == "":
		return errors.New("no reason: (say why the failure is accepted)")
	case w.Expires == "":
		return errors.New("no expires: (a waiver must expire: YYYY-MM-DD)")
	}
	exp, err := time.Parse("2006-01-02", w.Expires)
	if err != nil {
		return fmt.Errorf("expires %q is not a date YYYY-MM-DD", w.Expires)
	}
	if w.Expired(now) {
		return fmt.Errorf("expired on %s: renew it or fix the failure", exp.Format("2006-01-02"))
	}
	return nil
}

// Expired reports whether the waiver no longer applies at now: it holds
// through its expiry date. An unparseable date counts as expired.
func (w Waiver) Expired(now time.Time) bool {
	if w.Expires == "" {
		return false
	}
	exp, err := time.Parse("2006-01-02", w.Expires)
	return err != nil || !now.Before(exp.AddDate(0, 0, 1))
}

// Matches reports whether the waiver selects the spec with this full text
// and labels: its Spec is a substring of the text or one of the labels.
func (w Waiver) Matches(text string, labels []string) bool {
	if w.Spec == "" {
		return false
	}
	return strings.Contains(text, w.Spec) || slices.Contains(labels, w.Spec)
}

// Nearest returns the name in known closest to s by edit distance, when it
// is close enough to be a likely misspelling; "" otherwise.
func Nearest(s string, known []string) string {
	best, bestD := "", -1
	for _, k := range known {
		d := editDistance(strings.ToLower(s), strings.ToLower(k))
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	if bestD < 0 || bestD > max(1, len(best)/3) {
		return ""
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours ("ipso")
// cost one each.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// ReadParamFile reads the file a param names, for a Param.Check: a missing
// or unreadable file is said in words, naming the path unless the param is
// secret.
func ReadParamFile(path string, secret bool) ([]byte, error) {
	name := strconv.Quote(path)
	if secret {
		name = "the file it names"
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist", name)
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("%s is not readable by this user (permission denied)", name)
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %v", name, err)
	case len(b) == 0:
		return nil, fmt.Errorf("%s is empty", name)
	}
	return b, nil
}
