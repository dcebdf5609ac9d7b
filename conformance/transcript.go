package conformance

import (
	"sync"

	"github.com/onsi/ginkgo/v2"

	"paycert/platforms/wire"
)

// TranscriptEntry is the name of the Ginkgo report entry that carries one
// wire.Exchange. The report package looks entries up by this name.
const TranscriptEntry = "exchange"

// Transcript returns a wire.Observer that attaches every exchange to the
// running spec as a report entry (shown on failure or with -v, and always
// kept in the JSON report). Give it to a platform client built inside a spec.
// Clients may call it from several goroutines (double-submit specs); entries
// are added one at a time.
func Transcript() wire.Observer {
	var mu sync.Mutex
	return func(ex wire.Exchange) {
		mu.Lock()
		defer mu.Unlock()
		ginkgo.AddReportEntry(TranscriptEntry, ex, ginkgo.ReportEntryVisibilityFailureOrVerbose)
	}
}
