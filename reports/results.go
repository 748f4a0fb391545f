package reports

import (
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// Result is one check's judged result.
type Result struct {
	CheckEntry
	Outcome Outcome
	Message string // failure or error message, or skip reason (not yet redacted)
}

// Run is one target's judged run: what was checked, against what, and the results in report order.
type Run struct {
	Version     string // uccheck version
	Target      string // base URL
	Collection  string // collection source
	User        string
	Simulated   bool // the target is the built-in simulator
	Insecure    bool // certificate verification was off
	APIToken    bool // API-token mode: no login, no EndSession
	Started     time.Time
	Duration    time.Duration
	Aborted     string // why the flow stopped early, if it did
	Interrupted bool
	Results     []Result
	Exchanges   []Exchange // what was sent, for JSON, HTML and latency figures
	Redactor    *Redactor

	PassSummary string // the collection pass in one line ("" when there was none)
}

// Exchange is the summary of one request of a run: no headers or bodies.
type Exchange struct {
	Step      string        `json:"step"`
	Request   string        `json:"request"` // "POST https://…"
	Status    int           `json:"status,omitempty"`
	Proto     string        `json:"protocol,omitempty"`
	Error     string        `json:"error,omitempty"`
	DNS       time.Duration `json:"-"`
	Connect   time.Duration `json:"-"`
	TLS       time.Duration `json:"-"`
	FirstByte time.Duration `json:"-"`
	Total     time.Duration `json:"-"`
	Retries   []string      `json:"retries,omitempty"`
}

// Name is how reports name a result: its check ID, or for a pm.test "<item path> › <test>".
func (r Result) Name() string {
	if r.Kind != "" {
		return r.Title
	}
	return r.ID
}

// Counts are the totals of a run's outcomes.
type Counts struct {
	Passed, Failed, Errors, Skipped int
}

// Total returns the number of checks counted.
func (c Counts) Total() int { return c.Passed + c.Failed + c.Errors + c.Skipped }

// Add returns the sum of two counts.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.Passed + o.Passed, c.Failed + o.Failed, c.Errors + o.Errors, c.Skipped + o.Skipped}
}

// Counts returns the run's totals by outcome.
func (r *Run) Counts() Counts {
	var c Counts
	for _, res := range r.Results {
		switch res.Outcome {
		case Passed:
			c.Passed++
		case Failed:
			c.Failed++
		case Errored:
			c.Errors++
		case Skipped:
			c.Skipped++
		}
	}
	return c
}

// CountsOf returns the totals of the collection pass's results (pass true) or of the contract
// checks (pass false).
func (r *Run) CountsOf(pass bool) Counts {
	var c Counts
	for _, res := range r.Results {
		if (res.Kind != "") != pass {
			continue
		}
		switch res.Outcome {
		case Passed:
			c.Passed++
		case Failed:
			c.Failed++
		case Errored:
			c.Errors++
		case Skipped:
			c.Skipped++
		}
	}
	return c
}

// Heading is how every report titles a result, from this one value: "[<check ID>] <title>" for a
// contract check, "<item path> › <test>" for a collection pass result. The console and the JUnit
// testcase name both use it, so they cannot disagree.
func (r Result) Heading() string {
	if r.Kind != "" {
		return r.Title
	}
	return "[" + r.ID + "] " + r.Title
}

// ResultsFromGinkgo turns Ginkgo's report into results: one per contract check spec, and one per
// collection pass result the pass spec carries.
func ResultsFromGinkgo(r types.Report) []Result {
	var out []Result
	for _, sr := range r.SpecReports {
		out = append(out, ResultsFromSpec(sr)...)
	}
	return out
}

// NotRun is the message of a check Ginkgo skipped because the run was interrupted.
const NotRun = "not run: interrupted"

// ResultsFromSpec turns one spec's report into its results: none for a spec that carries no
// entry, one for a contract check (its CheckEntry), and for the collection pass spec the
// results its body attached (one per pm.test and per thing that could not be done).
func ResultsFromSpec(sr types.SpecReport) []Result {
	if sr.LeafNodeType != types.NodeTypeIt {
		return nil
	}
	var pass []Result
	for _, e := range sr.ReportEntries {
		if e.Name != EntryName {
			continue
		}
		switch v := e.GetRawValue().(type) {
		case *CheckEntry:
			return []Result{resultOf(sr, v)}
		case *Result:
			pass = append(pass, *v)
		}
	}
	return pass
}

// resultOf is a contract check's result: its entry and the outcome Ginkgo recorded.
func resultOf(sr types.SpecReport, entry *CheckEntry) Result {
	res := Result{CheckEntry: *entry, Message: sr.Failure.Message}
	switch {
	case sr.State == types.SpecStatePassed:
		res.Outcome = Passed
	case sr.State == types.SpecStateSkipped || sr.State == types.SpecStatePending:
		res.Outcome = Skipped
	case sr.State == types.SpecStateInterrupted:
		res.Outcome, res.Message = Skipped, NotRun
	case entry.ErrorKind != "":
		res.Outcome = Errored
	case sr.State == types.SpecStatePanicked:
		res.Outcome, res.Message = Errored, "uccheck bug: the check panicked: "+sr.Failure.ForwardedPanic
	default:
		res.Outcome = Failed
	}
	return res
}
