package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseTargetFlag(t *testing.T) {
	for _, c := range []struct {
		in, p, u string
		ok       bool
	}{
		{"ipos=https://10.0.0.5/ipos", "ipos", "https://10.0.0.5/ipos", true},
		{"hzcard=http://h:1/cardfront?a=b", "hzcard", "http://h:1/cardfront?a=b", true},
		{"ipos", "", "", false},
		{"=http://x", "", "", false},
		{"ipos=", "", "", false},
	} {
		p, u, err := ParseTargetFlag(c.in)
		if (err == nil) != c.ok || p != c.p || u != c.u {
			t.Errorf("%q: got %q %q %v", c.in, p, u, err)
		}
	}
}

func TestLoadConfigResolvesTargetsAndRejectsTypos(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "paycert.yaml")
	os.WriteFile(good, []byte(`
targets:
  ipos:
    url: https://lab.example/ipos
    params: {key: s3cret, isspid: "39493002"}
waivers:
  - spec: "code:9998"
    reason: upstream not reachable in the lab
    expires: 2026-12-31
`), 0o644)
	c, err := LoadConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	ip := c.Resolve("ipos")
	if ip.URL != "https://lab.example/ipos" || ip.Param("isspid", "") != "39493002" || ip.Platform != "ipos" {
		t.Fatalf("resolved %+v", ip)
	}
	if strings.Contains(ip.String(), "s3cret") {
		t.Fatal("a target's description must not show its params")
	}
	if hz := c.Resolve("hzcard"); !hz.Embedded() {
		t.Fatal("an unconfigured platform must default to the embedded simulator")
	}
	if len(c.Waivers) != 1 || c.Waivers[0].Expires != "2026-12-31" {
		t.Fatalf("waivers %+v", c.Waivers)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("targets:\n  ipos:\n    ulr: x\n"), 0o644)
	if _, err := LoadConfig(bad); err == nil {
		t.Fatal("a misspelt key must be an error, not silently ignored")
	}
}

// The example config in the repository root must stay loadable.
func TestExampleConfigLoads(t *testing.T) {
	c, err := LoadConfig("../paycert.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Platforms(); strings.Join(got, ",") != "bill99,hzcard,ipos,kakatong" {
		t.Fatalf("example config platforms: %v", got)
	}
}

func TestMissingParams(t *testing.T) {
	doc := TargetDoc{URL: "https://x", Params: []Param{
		{Name: "key", Doc: "the MAC key"}, {Name: "voucher", Doc: "a voucher"},
		{Name: "pki_dir", Doc: "embedded only: a kit"}, {Name: "cards", Doc: "cards"},
	}}
	got := Target{URL: "https://x", Params: map[string]string{"key": "k", "cards": ""}}.MissingParams(doc)
	if strings.Join(got, ",") != "voucher,cards" {
		t.Errorf("MissingParams = %v, want voucher,cards (an empty value is not given; embedded-only params are not asked for)", got)
	}
}

func TestFixtureText(t *testing.T) {
	doc := TargetDoc{URL: "https://x", Params: []Param{
		{Name: "key", Doc: "the MAC key; secret"}, {Name: "cards", Doc: "cards to trade on"}, {Name: "unset", Doc: "not given"},
	}}
	got := FixtureText(Target{Params: map[string]string{"key": "654321", "cards": "1,2,3,4,5,6"}}, doc)
	for _, want := range []string{"key                   654321  (the MAC key)", "cards                 1 … 6 (6)  (cards to trade on)"} {
		if !strings.Contains(got, want) {
			t.Errorf("FixtureText lacks %q:\n%s", want, got)
		}
	}
	long := FixtureText(Target{Params: map[string]string{"key": "k"}}, TargetDoc{Params: []Param{{Name: "key", Doc: strings.Repeat("商户密钥", 30)}}})
	if !strings.Contains(long, "…") || !utf8.ValidString(long) {
		t.Errorf("a long description without spaces must be cut between characters: %q", long)
	}
	if strings.Contains(got, "unset") {
		t.Errorf("a param the simulator does not give is listed:\n%s", got)
	}
}
