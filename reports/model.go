// Package reports turns one certification run into the artefacts a payment
// team keeps: report.json (platform → interface → spec, with codes and the
// exact bytes of every exchange), a self-contained index.html, and an
// evidence bundle with a SHA-256 manifest.
package reports

import (
	"time"

	"paycert/platforms/catalog"
	"paycert/platforms/wire"
)

// Status of one spec after waivers are applied.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	Pending Status = "pending"
	// Waived: failed, and an unexpired waiver accepts the failure.
	Waived Status = "waived"
	// WaivedPassed: a waiver expected a failure that did not happen; the
	// report flags it so the waiver gets removed.
	WaivedPassed Status = "waived-passed"
	// NotProvokable: a catalogue code a client cannot provoke (matrix only).
	NotProvokable Status = "not-provokable"
	// NotCovered: a catalogue code no spec names (matrix only): a gap.
	NotCovered Status = "not-covered"
)

// Report is report.json.
type Report struct {
	RunID     string       `json:"run_id"`
	Verdict   string       `json:"verdict"` // VerdictPass, VerdictIncomplete or VerdictFail
	Started   time.Time    `json:"started"`
	Finished  time.Time    `json:"finished"`
	Manifest  Manifest     `json:"manifest"`
	Counts    Counts       `json:"counts"`
	Platforms []Platform   `json:"platforms"`
	Mutation  *Mutation    `json:"mutation,omitempty"`
	Load      []LoadReport `json:"load,omitempty"`
	// Verdict and coverage (see Completeness): how much of the suites ran
	// and what the codes' specs showed, in total.
	Completeness Completeness `json:"completeness"`
	Coverage     Coverage     `json:"coverage"`
	// CombinedFrom names the runs a --rerun-failed report combines, the
	// earlier run first: its results, with the specs this run re-ran
	// replaced by this run's results.
	CombinedFrom []string `json:"combined_from,omitempty"`
	// Transcripts names the file (in the run directory and the evidence
	// bundle) holding every spec's exchanges byte for byte; report.json
	// keeps only the exchanges of failed and waived specs.
	Transcripts string `json:"transcripts,omitempty"`
	// Signature is set by "paycert report sign": who sealed the evidence
	// bundle this report travels in. The claim is checked by "paycert report
	// verify", which validates the signature over the bundle's manifest.
	Signature *Signature `json:"signature,omitempty"`
}

// Signature names the key that signed a certification package.
type Signature struct {
	Algorithm   string    `json:"algorithm"`   // "ed25519" or "sm2-sm3"
	Fingerprint string    `json:"fingerprint"` // "sha256:" + hex SHA-256 of the signer's PKIX public key
	Signed      time.Time `json:"signed"`
	// Name is who the signer says they are ("ACME payments QA lab"). The
	// signature covers it, but only the fingerprint identifies the key.
	Name string `json:"name,omitempty"`
}

// Manifest describes where and how the run happened.
type Manifest struct {
	Version     string   `json:"version"`
	Commit      string   `json:"commit"`
	GoVersion   string   `json:"go_version"`
	Host        string   `json:"host"`
	OSArch      string   `json:"os_arch"`
	CPUs        int      `json:"cpus"`
	Targets     []string `json:"targets"`            // "ipos: embedded simulator", never secrets
	Profiles    []string `json:"profiles,omitempty"` // readings in force, e.g. "hzcard sign domain: sign-empty"
	LabelFilter string   `json:"label_filter,omitempty"`
	Command     string   `json:"command"`
}

// Counts tallies spec outcomes.
type Counts struct {
	Total        int `json:"total"`
	Passed       int `json:"passed"`
	Failed       int `json:"failed"`
	Skipped      int `json:"skipped"`
	Waived       int `json:"waived"`
	WaivedPassed int `json:"waived_passed"`
}

// Platform is one platform's results.
type Platform struct {
	Name       string            `json:"name"`
	Title      string            `json:"title"`
	Seed       string            `json:"seed"`
	Document   string            `json:"document,omitempty"` // the spec's title and version, for people
	Target     string            `json:"target"`
	Counts     Counts            `json:"counts"`
	Interfaces []InterfaceResult `json:"interfaces"`
	Codes      []CodeResult      `json:"codes"`
	// Fields is the field coverage matrix of the generated negatives: every
	// request field of the catalogue, per breach.
	Fields []FieldResult     `json:"fields,omitempty"`
	Specs  []Spec            `json:"specs"`
	Errata []catalog.Erratum `json:"errata"`
	// Completeness and Coverage of this platform (verdict fields).
	Completeness Completeness `json:"completeness"`
	Coverage     Coverage     `json:"coverage"`
}

// InterfaceResult rolls up the specs labelled with one interface.
type InterfaceResult struct {
	Name    string            `json:"name"`
	Title   string            `json:"title"`
	Section string            `json:"section"`
	Status  Status            `json:"status"`
	Specs   int               `json:"specs"`
	ByCode  map[string]Status `json:"by_code"` // code → status of specs labelled with both
}

// CodeResult rolls up the specs labelled with one documented code.
type CodeResult struct {
	Code         string `json:"code"`
	Text         string `json:"text"`
	TextEN       string `json:"text_en"`
	Status       Status `json:"status"`
	Unprovokable string `json:"unprovokable,omitempty"`
	Specs        int    `json:"specs"`
}

// FieldResult is one request field's row of the field coverage matrix: per
// breach (catalog.Breaches order), the combined status of the generated
// specs labelled with the interface, the field and the breach.
type FieldResult struct {
	Interface string         `json:"interface"`
	Path      string         `json:"path"`
	Breaches  []BreachResult `json:"breaches"`
}

// BreachResult is one cell of the field coverage matrix. No spec (Specs 0,
// Status "") means the generator made no case of the breach for the field:
// an optional field cannot be missing, a field without a maximum cannot be
// too long.
type BreachResult struct {
	Breach  catalog.Breach `json:"breach"`
	Status  Status         `json:"status,omitempty"`
	Specs   int            `json:"specs"`
	Passed  int            `json:"passed"`
	Failed  int            `json:"failed"`
	Skipped int            `json:"skipped"`
}

// Spec is one spec's outcome.
type Spec struct {
	ID         string          `json:"id"` // stable hash of the full text
	Text       string          `json:"text"`
	Interfaces []string        `json:"interfaces,omitempty"`
	Codes      []string        `json:"codes,omitempty"`
	Labels     []string        `json:"labels"`
	Status     Status          `json:"status"`
	Failure    string          `json:"failure,omitempty"`
	Location   string          `json:"location,omitempty"`
	Skip       string          `json:"skip_reason,omitempty"`
	Waiver     string          `json:"waiver,omitempty"`
	Seconds    float64         `json:"seconds"`
	Exchanges  []wire.Exchange `json:"exchanges,omitempty"`
	// NotApplicable marks a skipped spec that does not apply to the target
	// (a sim-only spec against a real endpoint, an unprovokable code): it
	// does not make the run incomplete.
	NotApplicable bool `json:"not_applicable,omitempty"`
	// Run is the run this result comes from, in a combined report.
	Run string `json:"run,omitempty"`
	// Notes are what the spec noted about the endpoint (conformance.Note):
	// the reading of a seed it uses, warnings.
	Notes []string `json:"notes,omitempty"`
}

// Mutation is the kill matrix of a "paycert mutate" run.
type Mutation struct {
	Time    time.Time      `json:"time"`
	Mutants []MutantResult `json:"mutants"`
}

// MutantResult is one simulator fault and whether the suite caught it.
type MutantResult struct {
	Platform    string   `json:"platform"`
	Fault       string   `json:"fault"`
	Description string   `json:"description"`
	Killed      bool     `json:"killed"`
	KilledBy    []string `json:"killed_by,omitempty"` // first failing specs
	Seconds     float64  `json:"seconds"`
	Error       string   `json:"error,omitempty"` // the child could not run
}

// LoadReport links a load report written by "paycert report load".
type LoadReport struct {
	Title string `json:"title"`
	Path  string `json:"path"` // relative to the report directory
}

// The verdicts. PASS: every spec that applies to the targets ran and passed
// (a waived failure counts as passed); INCOMPLETE: nothing failed, but
// applicable specs were skipped (missing params) or the run was partial (a
// filter, a rerun, part of a config); FAIL: a spec failed.
const (
	VerdictPass       = "PASS"
	VerdictIncomplete = "INCOMPLETE"
	VerdictFail       = "FAIL"
)

// Completeness says how much of the suites ran: "Ran of Specs specs ran".
type Completeness struct {
	// Specs is every spec of the certified platforms, filtered out or not.
	Specs int `json:"specs"`
	// Ran counts specs that ran to a result: passed, failed, waived.
	Ran int `json:"ran"`
	// NotApplicable counts skipped specs that do not apply to the target.
	NotApplicable int `json:"not_applicable"`
	// Skipped counts specs that apply but were skipped (a missing param)
	// or are pending: each makes the run incomplete.
	Skipped int `json:"skipped"`
	// NotSelected counts specs a filter left out (--label-filter, --focus,
	// --rerun-failed).
	NotSelected int `json:"not_selected"`
	// Partial says why the run is partial, one reason each, e.g.
	// "--label-filter 'code:0325'" or "config target hzcard not run".
	Partial []string `json:"partial,omitempty"`
}

// Coverage sorts a platform's documented codes by what their specs showed.
// A code is covered (Passed) only when a spec that provokes it ran and
// passed; one failing spec makes it Failed.
type Coverage struct {
	Codes         int `json:"codes"`
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	Skipped       int `json:"skipped"`        // its specs were skipped
	NotProvokable int `json:"not_provokable"` // the catalogue says a client cannot provoke it
	NotRun        int `json:"not_run"`        // no spec of it ran: filtered out, or none names it
}
