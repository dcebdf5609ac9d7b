package reports

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
	"paycert/platforms/catalog"
)

// TestNotes: a conformance.Note entry reaches the spec's notes, whether
// the entry holds the raw string (in process) or its JSON (read back).
func TestNotes(t *testing.T) {
	raw := types.ReportEntry{Name: conformance.NoteEntry, Value: types.WrapEntryValue("REST replies use the root reading")}
	fromJSON := types.ReportEntry{Name: conformance.NoteEntry, Value: types.ReportEntryValue{AsJSON: `"warning: TradeResult/ServerTime"`}}
	other := types.ReportEntry{Name: "something-else", Value: types.WrapEntryValue("not a note")}
	gr := types.Report{SpecReports: types.SpecReports{{
		LeafNodeType: types.NodeTypeIt, LeafNodeText: "reading", ContainerHierarchyTexts: []string{"demo"},
		ContainerHierarchyLabels: [][]string{{"platform:demo"}}, State: types.SpecStatePassed,
		ReportEntries: []types.ReportEntry{raw, other, fromJSON},
	}}}
	r := Build(gr, Input{Catalogues: []*catalog.Catalogue{{Platform: "demo"}}})
	if len(r.Platforms) != 1 || len(r.Platforms[0].Specs) != 1 {
		t.Fatalf("want one spec, got %+v", r.Platforms)
	}
	got := r.Platforms[0].Specs[0].Notes
	want := []string{"REST replies use the root reading", "warning: TradeResult/ServerTime"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("notes = %q, want %q", got, want)
	}
}
