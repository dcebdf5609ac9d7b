package conformance

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"
)

// NoteEntry is the name of the Ginkgo report entry that carries a note: a
// fact about the endpoint the report should show whatever the spec's
// outcome (which reading of a self-contradicting seed it uses; a warning
// about an element the catalogue does not know). The report package copies
// these entries into the spec's notes.
const NoteEntry = "note"

// Note attaches a note to the running spec (always shown on the console).
func Note(format string, args ...any) {
	ginkgo.AddReportEntry(NoteEntry, fmt.Sprintf(format, args...), ginkgo.ReportEntryVisibilityAlways)
}
