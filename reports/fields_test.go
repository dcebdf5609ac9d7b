package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
)

// TestFieldMatrix: the generated negatives roll up per request field and
// breach from their labels; a breach with no case stays blank, a failure
// opens its interface on the page.
func TestFieldMatrix(t *testing.T) {
	gen := func(text, iface, field string, b catalog.Breach, state types.SpecState) types.SpecReport {
		return types.SpecReport{
			LeafNodeType: types.NodeTypeIt, LeafNodeText: text,
			ContainerHierarchyTexts:  []string{"demo", "generated negatives"},
			ContainerHierarchyLabels: [][]string{{"platform:demo"}, {"generated"}},
			LeafNodeLabels:           []string{"generated", "negative", "interface:" + iface, "field:" + negatives.LabelPath(field), "breach:" + string(b)},
			State:                    state, RunTime: time.Millisecond,
		}
	}
	skipped := gen("amount wrong-type -> any", "pay", "info/amount", catalog.WrongType, types.SpecStateSkipped)
	skipped.Failure.Message = "needs params.voucher" // a skip with a reason ran; one without was filtered out
	gr := types.Report{SpecReports: types.SpecReports{
		gen("pos_id missing -> 5211", "pay", "pos_id", catalog.Missing, types.SpecStatePassed),
		gen("pos_id too-long -> 5211", "pay", "pos_id", catalog.TooLong, types.SpecStateFailed),
		skipped,
		gen("pos_id missing -> 5211 ", "query", "pos_id", catalog.Missing, types.SpecStatePassed),
	}}
	req := func(p string) catalog.Field { return catalog.Field{Dir: catalog.Request, Path: p} }
	cat := &catalog.Catalogue{Platform: "demo", Interfaces: []catalog.Interface{
		{Name: "pay", Fields: []catalog.Field{req("pos_id"), req("info/amount"), req("memo"), {Dir: catalog.Reply, Path: "result"}}},
		{Name: "query", Fields: []catalog.Field{req("pos_id")}},
	}}
	r := Build(gr, Input{RunID: "r", Catalogues: []*catalog.Catalogue{cat}, Targets: map[string]conformance.Target{"demo": {Platform: "demo"}}})
	got := map[string]BreachResult{}
	rows := 0
	for _, fr := range r.Platforms[0].Fields {
		rows++
		for _, b := range fr.Breaches {
			got[fr.Interface+" "+fr.Path+" "+string(b.Breach)] = b
		}
	}
	if rows != 4 {
		t.Errorf("%d rows, want one per request field (4)", rows)
	}
	for key, want := range map[string]BreachResult{
		"pay pos_id missing":         {Breach: catalog.Missing, Status: Passed, Specs: 1, Passed: 1},
		"pay pos_id too-long":        {Breach: catalog.TooLong, Status: Failed, Specs: 1, Failed: 1},
		"pay info/amount wrong-type": {Breach: catalog.WrongType, Status: Skipped, Specs: 1, Skipped: 1},
		"pay memo missing":           {Breach: catalog.Missing},
		"query pos_id missing":       {Breach: catalog.Missing, Status: Passed, Specs: 1, Passed: 1},
		"query pos_id too-long":      {Breach: catalog.TooLong},
	} {
		if got[key] != want {
			t.Errorf("%s = %+v, want %+v", key, got[key], want)
		}
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"Request fields × breaches", "4 generated cases over 3 of 4 request fields",
		`<details class="fields" open><summary>pay: 3 fields, 3 cases, 1 passed, 1 failed, 1 skipped</summary>`,
		`<details class="fields"><summary>query: 1 fields, 1 cases, 1 passed, 0 failed, 0 skipped</summary>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
