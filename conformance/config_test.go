package conformance

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every shape problem of paycert.yaml is one line in paycert's words, with
// its line number, and never yaml.v3's Go type names.
func TestLoadConfigSaysWhatIsWrong(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		want       []string
	}{
		{"empty file", "", []string{"c.yaml is empty"}},
		{"only comments", "# targets:\n", []string{"c.yaml is empty"}},
		{"misspelt top key", "targts:\n  ipos: {}\n", []string{`c.yaml:1: unknown key "targts" in the file (known: targets, waivers); did you mean targets?`}},
		{"a list at the top", "- ipos\n", []string{"c.yaml:1: the file must be a mapping with targets: and waivers:, not a list"}},
		{"targets a list", "targets: [ipos]\n", []string{"c.yaml:1: targets must be a mapping (key: value lines), not a list"}},
		{"url a list", "targets:\n  ipos:\n    url: [a, b]\n", []string{"c.yaml:3: targets.ipos.url must be a single value, not a list"}},
		{"url empty", "targets:\n  ipos:\n    url:\n", []string{"c.yaml:3: targets.ipos.url is empty"}},
		{"misspelt target key", "targets:\n  ipos:\n    ulr: x\n", []string{`c.yaml:3: unknown key "ulr" in targets.ipos (known: url, params, strict, admin); did you mean url?`}},
		{"param a mapping", "targets:\n  ipos:\n    params:\n      key: {a: b}\n", []string{"c.yaml:4: targets.ipos.params.key must be a single value, not a mapping"}},
		{"strict not a bool", "targets:\n  ipos:\n    strict: maybe\n", []string{`c.yaml:3: targets.ipos.strict must be true or false, not the value "maybe"`}},
		{"admin a list", "targets:\n  ipos:\n    admin: [a]\n", []string{`c.yaml:3: targets.ipos.admin must be a single value, not a list`}},
		{"waivers a mapping", "waivers:\n  spec: x\n", []string{"c.yaml:2: waivers must be a list (lines starting with -), not a mapping"}},
		{"waiver key misspelt", "waivers:\n  - spec: x\n    reasno: y\n", []string{`c.yaml:3: unknown key "reasno" in waiver 1`}},
		{"not YAML", "targets: [\n", []string{"c.yaml:", "not valid YAML"}},
		{"two problems, two lines", "targets:\n  ipos:\n    url: [a]\n    strict: 3\n", []string{"c.yaml:3:", "\nc.yaml:4:"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, goName := range []string{"conformance.", "!!", "unmarshal", "map[string]"} {
				if strings.Contains(err.Error(), goName) {
					t.Errorf("error %q shows Go or YAML internals (%s)", err, goName)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.pem")
	os.WriteFile(keyFile, []byte("KEY"), 0o644)
	docs := map[string]TargetDoc{
		"ipos": {URL: "https://x/ipos", Params: []Param{{Name: "key", Doc: "MAC key", Secret: true}, {Name: "isspid", Doc: "merchant"}}},
		"hzcard": {URL: "http://x", Params: []Param{{Name: "cert", Doc: "a PEM file", Check: func(v string, _ map[string]string) error {
			b, err := ReadParamFile(v, false)
			if err != nil {
				return err
			}
			if string(b) != "PEM" {
				return errors.New("not PEM")
			}
			return nil
		}}}},
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		cfg  Config
		want string // "" = valid
	}{
		{"valid", Config{Targets: map[string]Target{"ipos": {URL: "https://lab/ipos", Params: map[string]string{"key": "k"}}},
			Waivers: []Waiver{{Spec: "code:0325", Reason: "ticket 1", Expires: "2026-12-04"}}}, ""},
		{"unknown platform, near", Config{Targets: map[string]Target{"hzcrad": {}}}, `targets.hzcrad: unknown platform "hzcrad" (known: hzcard, ipos); did you mean hzcard?`},
		{"unknown platform, far", Config{Targets: map[string]Target{"alipay": {}}}, `targets.alipay: unknown platform "alipay" (known: hzcard, ipos)`},
		{"unknown param", Config{Targets: map[string]Target{"ipos": {URL: "http://h/", Params: map[string]string{"isspdi": "1"}}}},
			"targets.ipos.params.isspdi: not a param of this platform (documented: key, isspid); did you mean isspid?"},
		{"no scheme", Config{Targets: map[string]Target{"ipos": {URL: "notaurl"}}}, `targets.ipos.url: "notaurl": want an http:// or https:// URL`},
		{"ftp", Config{Targets: map[string]Target{"ipos": {URL: "ftp://h/x"}}}, `targets.ipos.url: "ftp://h/x": want an http:// or https:// URL`},
		{"no host", Config{Targets: map[string]Target{"ipos": {URL: "http://"}}}, `targets.ipos.url: "http://" has no host`},
		{"password in a bad URL is not shown", Config{Targets: map[string]Target{"ipos": {URL: "ftp://u:hunter2@h/"}}}, "xxxxx"},
		{"missing file", Config{Targets: map[string]Target{"hzcard": {URL: "http://h", Params: map[string]string{"cert": filepath.Join(dir, "none.pem")}}}}, "none.pem\" does not exist"},
		{"wrong format", Config{Targets: map[string]Target{"hzcard": {URL: "http://h", Params: map[string]string{"cert": keyFile}}}}, "targets.hzcard.params.cert: not PEM"},
		{"a directory", Config{Targets: map[string]Target{"hzcard": {URL: "http://h", Params: map[string]string{"cert": dir}}}}, "cannot read"},
		{"waiver without reason", Config{Waivers: []Waiver{{Spec: "x", Expires: "2027-01-01"}}}, `waiver 1 ("x"): no reason`},
		{"waiver without expiry", Config{Waivers: []Waiver{{Spec: "x", Reason: "r"}}}, `waiver 1 ("x"): no expires`},
		{"waiver with a bad expiry", Config{Waivers: []Waiver{{Spec: "x", Reason: "r", Expires: "31.12.2027"}}}, `expires "31.12.2027" is not a date YYYY-MM-DD`},
		{"waiver expired yesterday", Config{Waivers: []Waiver{{Spec: "x", Reason: "r", Expires: "2026-12-03"}}}, "expired on 2026-12-03"},
		{"waiver without spec", Config{Waivers: []Waiver{{Reason: "r", Expires: "2027-01-01"}}}, "no spec"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate(docs, now)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("valid config refused: %v", err)
			case c.want == "":
			case err == nil:
				t.Fatalf("accepted, want %q", c.want)
			case c.want == "xxxxx":
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("the error shows the URL's password: %v", err)
				}
			case !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q lacks %q", err, c.want)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	known := []string{"kakatong", "bill99", "ipos", "hzcard"}
	for in, want := range map[string]string{"ipso": "ipos", "hzcrad": "hzcard", "bill9": "bill99", "KAKATONG": "kakatong", "alipay": "", "x": ""} {
		if got := Nearest(in, known); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckFilters(t *testing.T) {
	for _, c := range []struct {
		labels string
		focus  []string
		want   string
	}{
		{"platform:ipos && !slow", []string{"0325"}, ""},
		{"code:(", nil, `--label-filter "code:(": missing set operation at character 5`},
		{"a &&", nil, "unexpected EOF"},
		{"", []string{"(["}, `--focus "([" is not a regular expression: missing closing ]`},
	} {
		err := CheckFilters(c.labels, c.focus)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckFilters(%q, %q) = %v, want %q", c.labels, c.focus, err, c.want)
		}
	}
}

// The preflight names the target and the cause in one line: refused, DNS,
// a TLS handshake with something that is not TLS; a live target passes.
func TestPreflight(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String() + "/x"
	closed.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	secure := httptest.NewTLSServer(http.NotFoundHandler())
	defer secure.Close()
	for _, c := range []struct {
		url  string
		tls  bool
		want string // "" = answers
	}{
		{plain.URL + "/ipos", false, ""},
		{secure.URL, true, ""},
		{refused, false, "connection refused by " + strings.TrimPrefix(strings.TrimSuffix(refused, "/x"), "http://")},
		{"http://nosuchhost.invalid/x", false, "host nosuchhost.invalid not found (DNS)"},
		{"https://" + strings.TrimPrefix(plain.URL, "http://"), false, "TLS handshake with"},
		{secure.URL, false, "certificate"}, // system roots do not know httptest's CA
	} {
		tc := secure.Client().Transport.(*http.Transport).TLSClientConfig
		if !c.tls {
			tc = nil
		}
		err := Preflight(context.Background(), Target{Platform: "ipos", URL: c.url}, tc, 2*time.Second)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.url, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "ipos target ")):
			t.Errorf("%s: %v, want %q", c.url, err, c.want)
		case err != nil && strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: more than one line: %q", c.url, err)
		}
	}
	if err := Preflight(context.Background(), Target{Platform: "ipos"}, nil, time.Second); err != nil {
		t.Errorf("the embedded simulator needs no preflight: %v", err)
	}
}
