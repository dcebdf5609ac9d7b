package reports

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCompareCodesIsNumericOrder(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []string
		want []string
	}{
		{"iPos, catalogue order", []string{"0000", "9998", "3044", "0305", "0325", "6100"}, []string{"0000", "0305", "0325", "3044", "6100", "9998"}},
		{"Kakatong licence codes before return codes", []string{"00", "3", "10", "0", "2", "01", "非法操作"}, []string{"0", "2", "3", "00", "01", "10", "非法操作"}},
		{"99bill letters after digits", []string{"T3", "00", "B.MGW.0100", "68", "C0", "B.MGW.0001"}, []string{"00", "68", "B.MGW.0001", "B.MGW.0100", "C0", "T3"}},
		{"text order would put 10 before 9", []string{"10", "9", "100"}, []string{"9", "10", "100"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := slices.Clone(tt.in)
			slices.SortStableFunc(got, compareCodes)
			if !slices.Equal(got, tt.want) {
				t.Errorf("sorted %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	for _, tt := range []struct {
		sec  float64
		want string
	}{
		{0, "–"},
		{0.0003, "<1 ms"},
		{0.0012, "1.2 ms"},
		{0.0533, "53.3 ms"},
		{0.37, "0.37 s"},
		{75.4, "1m15s"},
	} {
		if got := duration(tt.sec); got != tt.want {
			t.Errorf("duration(%v) = %q, want %q", tt.sec, got, tt.want)
		}
	}
}

func TestSection(t *testing.T) {
	for in, want := range map[string]string{
		"002 §4.6":                      "§4.6",
		"000 返回结果 (first sample)":       "返回结果 (first sample)",
		"003_6f8e7a1dc52eb034.txt §5.1": "§5.1",
		"§2":                            "§2",
	} {
		if got := section(in); got != want {
			t.Errorf("section(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMatrixSquaresSymbolsAndLinks reads the page's HTML: the matrix has a
// row per documented code in numeric order and a column per interface,
// every status has its symbol and a legend entry, and a square links to
// its specs' rows in the spec list.
func TestMatrixSquaresSymbolsAndLinks(t *testing.T) {
	gr, in := fixture(t)
	r := Build(gr, in)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	page := buf.String()

	codes := regexp.MustCompile(`<td class="code">([^<]+)</td>`).FindAllStringSubmatch(page, -1)
	var order []string
	for _, c := range codes {
		order = append(order, c[1])
	}
	if want := []string{"0000", "0325", "3044", "6100", "9998"}; !slices.Equal(order, want) {
		t.Errorf("matrix rows %v, want every code in numeric order %v", order, want)
	}
	ifaces := regexp.MustCompile(`<th class="iface"[^>]*><span>([^<]+)</span>`).FindAllStringSubmatch(page, -1)
	if len(ifaces) != 3 || ifaces[2][1] != "bind_pos" {
		t.Errorf("matrix columns %v, want the 3 interfaces of the catalogue", ifaces)
	}

	byText := map[string]Spec{}
	for _, s := range r.Platforms[0].Specs {
		byText[s.Text] = s
	}
	failed := byText["demo insufficient balance gives 0325"]
	// The square of code 0325 × card_verify is failed, shows ✗ and links to
	// the failed spec's row, which exists.
	square := regexp.MustCompile(`<td class="sq failed"><a href="#row-([0-9a-f]+)" data-specs="([0-9a-f ]+)" data-label="code 0325 × card_verify"[^>]*>✗</a></td>`).FindStringSubmatch(page)
	if square == nil {
		t.Fatalf("no failed ✗ square linking code 0325 × card_verify to its spec")
	}
	if square[1] != failed.ID || square[2] != failed.ID {
		t.Errorf("square links to %s (specs %s), want %s", square[1], square[2], failed.ID)
	}
	if !strings.Contains(page, `<tr id="row-`+failed.ID+`">`) {
		t.Errorf("the spec list has no row the square's link lands on")
	}
	for _, st := range []Status{Passed, Failed, Waived, WaivedPassed, Skipped, NotProvokable, NotCovered} {
		sym := symbol(st)
		if sym == "" || sym == "·" {
			t.Errorf("status %s has no symbol", st)
			continue
		}
		if !strings.Contains(page, `<span class="sym `+string(st)+`">`+sym+`</span>`) {
			t.Errorf("the legend does not explain %s %s", sym, st)
		}
	}
	for _, want := range []string{`<td class="overall waived">`, `⚑</a> waived`, `∅</a> not provokable`, `<td class="overall not-covered"><span title="code 6100: not-covered">?</span> not covered</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestHTMLNamesDocumentsAndDurations(t *testing.T) {
	gr, in := fixture(t)
	in.Catalogues[0].Seed = "002_90a70aadd658afb4"
	in.Catalogues[0].Document = "iPos 标准卡券版 (edited 2020-10-20, released 2024-07-02)"
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Build(gr, in)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"specification: iPos 标准卡券版 (edited 2020-10-20, released 2024-07-02)",
		`<td class="time">20.0 ms</td>`, // the fixture's specs take 20 ms each, not "0.00"
		"(3.00 s)",                      // the run's wall time
		"<td data-label=\"where in the spec\">§4.6</td>",
		"Not signed.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The seed file name is kept for traceability in a tooltip only.
	if strings.Count(page, "002_90a70aadd658afb4") != 1 || !strings.Contains(page, `title="seed 002_90a70aadd658afb4"`) {
		t.Errorf("the seed file name shows outside its tooltip")
	}
}

// TestShortKeepsCharactersWhole: a cut never splits a Chinese character
// (half of one is invalid UTF-8 on the page).
func TestShortKeepsCharactersWhole(t *testing.T) {
	for n := 0; n <= 12; n++ {
		got := short("此卡已冻结 frozen", n)
		if !utf8.ValidString(got) {
			t.Errorf("short(.., %d) = %q: invalid UTF-8", n, got)
		}
	}
	if got := short("此卡已冻结", 7); got != "此卡…" {
		t.Errorf("short(此卡已冻结, 7) = %q, want 此卡…", got)
	}
}
