// Package reports renders judged results: the console summary and JUnit XML. Redaction lives
// here, once: every string a report writes passes through a Redactor built from the run's secrets.
package reports

import "time"

// EntryName is the name of the Ginkgo report entry that carries a check's facts.
const EntryName = "uccheck.check"

// Outcome is a check's result.
type Outcome string

// The outcomes. An error means uccheck could not ask (DNS, TLS, refused, timeout); a failure
// means the server answered against the contract.
const (
	Passed  Outcome = "passed"
	Failed  Outcome = "failed"
	Errored Outcome = "error"
	Skipped Outcome = "skipped"
)

// CheckEntry is attached to each spec's Ginkgo report (as the value of a report entry named
// EntryName): the facts about the check that Ginkgo's own report does not hold.
type CheckEntry struct {
	Target    string // the target (base URL) the check judged
	ID        string
	Title     string
	Doc       string        // where the contract documents the behaviour
	Anchor    string        // docs/checks.md#<id>
	Step      string        // the flow step judged
	Item      string        // the collection item the request came from
	Request   string        // "POST https://…/auth/getUserToken"
	Answer    string        // "HTTP/2.0 200" or the error
	Latency   time.Duration // the judged exchange's total time
	ErrorKind string        // non-empty when the request could not be made: the outcome is an error

	// Kind is "" for a contract check, KindTest for a pm.test of the collection pass and
	// KindError for something of the pass that could not be done (a script error...).
	Kind      string
	Iteration int    // collection pass: the iteration, from 1
	Test      string // collection pass: the pm.test name (or what could not be done)
}

// The kinds of collection pass entries.
const (
	KindTest  = "pm.test"
	KindError = "pm.error"
)
