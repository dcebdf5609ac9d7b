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
	Verdict   string       `json:"verdict"` // "PASS" or "FAIL"
	Started   time.Time    `json:"started"`
	Finished  time.Time    `json:"finished"`
	Manifest  Manifest     `json:"manifest"`
	Counts    Counts       `json:"counts"`
	Platforms []Platform   `json:"platforms"`
	Mutation  *Mutation    `json:"mutation,omitempty"`
	Load      []LoadReport `json:"load,omitempty"`
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
	Target     string            `json:"target"`
	Counts     Counts            `json:"counts"`
	Interfaces []InterfaceResult `json:"interfaces"`
	Codes      []CodeResult      `json:"codes"`
	Specs      []Spec            `json:"specs"`
	Errata     []catalog.Erratum `json:"errata"`
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
