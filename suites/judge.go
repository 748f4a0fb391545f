package suites

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
)

// SuiteName is the Ginkgo suite description of a uccheck run.
const SuiteName = "uccheck"

var judged sync.Once

// ErrJudgedTwice is returned by Judge when called a second time in one process: Ginkgo runs one
// suite per process (and would os.Exit on a second RunSpecs).
var ErrJudgedTwice = errors.New("suites: Judge runs once per process (Ginkgo runs one suite per process)")

// JudgeOptions describes the targets of a run and how their transcripts arrive.
type JudgeOptions struct {
	// Targets names each target's container (its label), in report order.
	Targets []string
	// Pass[i] says target i runs a collection pass: its results are judged by one more spec
	// after the checks. A short or nil Pass means no target has one.
	Pass []bool
	// Next returns target i's transcript (with its collection pass, if any). It is called in
	// target i's BeforeAll, while the specs run, in target order, and may block until the
	// target's flow has ended: the flows of later targets run meanwhile.
	Next func(i int) *runner.Transcript
	// Done, if set, is called once target i is judged, with its transcript and results; after it
	// returns the transcript is dropped, so a run of many targets holds few at a time. A target
	// Ginkgo did not judge (an interruption) gets no call: its results are in Judged.Results.
	Done      func(i int, t *runner.Transcript, results []reports.Result)
	Selection Selection
	Checks    []*Check // nil: Checks
}

// Judged is the one result of the judging run: Ginkgo's report and, per target, the results
// every report renders. A check Ginkgo skipped after an interruption is identified by its spec's
// code location and reported skipped as not run.
type Judged struct {
	Report  types.Report
	Results [][]reports.Result // by target index, in report order
}

// Judge judges one transcript; see JudgeAll.
func Judge(t *runner.Transcript, sel Selection) (types.Report, error) {
	j, err := JudgeAll(JudgeOptions{
		Targets:   []string{t.Target},
		Pass:      []bool{t.Pass != nil},
		Next:      func(int) *runner.Transcript { return t },
		Selection: sel,
	})
	return j.Report, err
}

// JudgeAll runs every check on every target's transcript as Ginkgo specs: one Ordered container
// per target, whose BeforeAll waits for its transcript, one spec per check, each carrying a
// reports.CheckEntry, then the collection pass's spec. It runs once per process (it calls
// RunSpecs; to add the checks to a suite of your own, use Describe); Ginkgo's own console output
// is discarded (reports renders the results). While it runs, Ginkgo handles SIGINT and SIGTERM:
// it skips the specs not yet run, which Judged.Results reports as not run.
func JudgeAll(o JudgeOptions) (Judged, error) {
	var out Judged
	ran := false
	judged.Do(func() {
		ran = true
		out = judgeAll(o)
	})
	if !ran {
		return out, ErrJudgedTwice
	}
	return out, nil
}

// targetFile is the code location file name of a target's container; its line is the index + 1.
const targetFile = "target"

// passFile is the code location file name of a collection pass spec.
const passFile = "collection"

func judgeAll(o JudgeOptions) Judged {
	checks := o.Checks
	if checks == nil {
		checks = Checks
	}
	var report types.Report
	var mu sync.Mutex
	collected := make([][]reports.Result, len(o.Targets))
	specs := make([]int, len(o.Targets)) // specs judged per target
	transcripts := make([]*runner.Transcript, len(o.Targets))
	hasPass := func(i int) bool { return i < len(o.Pass) && o.Pass[i] }

	// One wrapper container keeps the targets in order: Ginkgo sorts containers inside it by code
	// location, and each target's container and each spec get a distinct one.
	ginkgo.Describe(SuiteName, func() {
		for i, name := range o.Targets {
			loc := types.CodeLocation{FileName: targetFile, LineNumber: i + 1}
			declare(name, loc, checks, o.Selection, hasPass(i), func(ctx context.Context) *runner.Transcript {
				// An interruption cancels ctx: the BeforeAll returns at once (the run's own
				// context ends the flows), as Ginkgo would abandon it.
				got := make(chan *runner.Transcript, 1)
				go func() { got <- o.Next(i) }()
				var t *runner.Transcript
				select {
				case t = <-got:
				case <-ctx.Done():
					return nil
				}
				mu.Lock()
				transcripts[i] = t
				mu.Unlock()
				return t
			}, nil)
		}
	})
	ginkgo.ReportAfterEach(func(sr types.SpecReport) {
		i := targetOf(sr, len(o.Targets))
		if i < 0 {
			return
		}
		mu.Lock()
		collected[i] = append(collected[i], resultsOf(sr, checks, o.Targets)...)
		specs[i]++
		t := transcripts[i]
		done := t != nil && specs[i] == len(checks)+map[bool]int{true: 1}[hasPass(i)]
		if done {
			transcripts[i] = nil
		}
		results := collected[i]
		mu.Unlock()
		if done && o.Done != nil {
			o.Done(i, t, results)
		}
	})
	ginkgo.ReportAfterSuite("uccheck report", func(r types.Report) { report = r })

	suiteConfig := types.NewDefaultSuiteConfig()
	suiteConfig.RandomSeed = 1 // the order is fixed by code locations; no randomness in reports
	reporterConfig := types.NewDefaultReporterConfig()
	reporterConfig.NoColor = true
	reporterConfig.Succinct = true

	// Ginkgo's reporter writes to ColorableStdOut; ColorableStdErr carries only the reason Ginkgo
	// exits the process (a configuration it refuses, such as go test -count=2), so it stays.
	stdout := formatter.ColorableStdOut
	formatter.ColorableStdOut = io.Discard
	defer func() { formatter.ColorableStdOut = stdout }()

	ginkgo.RunSpecs(&testingT{}, SuiteName, suiteConfig, reporterConfig)
	out := Judged{Report: report, Results: make([][]reports.Result, len(o.Targets))}
	for _, sr := range report.SpecReports {
		if i := targetOf(sr, len(o.Targets)); i >= 0 {
			out.Results[i] = append(out.Results[i], resultsOf(sr, checks, o.Targets)...)
		}
	}
	return out
}

// declare registers one target's Ordered container: a BeforeAll that gets its transcript, one
// spec per check, the collection pass's spec when it has one, and an AfterAll that drops the
// transcript and calls after (if set).
//
// The BeforeAll takes Ginkgo's SpecContext and hands it to next: an interruption (SIGINT) cancels
// it, and Ginkgo waits for next to return instead of abandoning a flow that holds a session.
func declare(name string, loc types.CodeLocation, checks []*Check, sel Selection, pass bool, next func(ctx context.Context) *runner.Transcript, after func(), args ...any) bool {
	var t *runner.Transcript
	body := func() {
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) { t = next(ctx) })
		ginkgo.AfterAll(func() {
			t = nil // Ginkgo keeps this closure until the run ends: the transcript must not stay
			if after != nil {
				after()
			}
		})
		for j, c := range checks {
			cloc := types.CodeLocation{FileName: DocsURL, LineNumber: j + 1}
			ginkgo.It(fmt.Sprintf("[%s] %s", c.ID, c.Title), cloc, func() { spec(c, t, sel) })
		}
		if pass {
			ginkgo.It(PassContainer, types.CodeLocation{FileName: passFile, LineNumber: loc.LineNumber}, func() { passSpec(t) })
		}
	}
	return ginkgo.Describe(name, append([]any{ginkgo.Ordered, ginkgo.ContinueOnFailure, loc, body}, args...)...)
}

// resultsOf is a spec's results; a check Ginkgo never ran (skipped after an interruption) carries
// no entry, and is known by its code location: (target index, check index).
func resultsOf(sr types.SpecReport, checks []*Check, targets []string) []reports.Result {
	if res := reports.ResultsFromSpec(sr); len(res) > 0 || sr.LeafNodeType != types.NodeTypeIt {
		return res
	}
	loc := sr.LeafNodeLocation
	i := targetOf(sr, len(targets))
	if loc.FileName != DocsURL || loc.LineNumber < 1 || loc.LineNumber > len(checks) || i < 0 {
		return nil
	}
	c := checks[loc.LineNumber-1]
	return []reports.Result{{CheckEntry: *entryFor(c, targets[i]), Outcome: reports.Skipped, Message: reports.NotRun}}
}

// targetOf finds the target whose container a spec belongs to, by the container's code location
// (its line is the target's index + 1): names may repeat, locations do not.
func targetOf(sr types.SpecReport, n int) int {
	locs := sr.ContainerHierarchyLocations
	if len(locs) < 2 || locs[1].FileName != targetFile || locs[1].LineNumber < 1 || locs[1].LineNumber > n {
		return -1
	}
	return locs[1].LineNumber - 1
}

// judged returns the exchange a check reports on: its step's, or for checks over every exchange
// the first one sent.
func judgedExchange(c *Check, t *runner.Transcript) (runner.Step, *runner.Exchange) {
	if c.Step != "" {
		return c.Step, t.Get(c.Step)
	}
	for _, ex := range t.Exchanges {
		if ex.Step != runner.StepCleanup {
			return ex.Step, ex
		}
	}
	return runner.StepLogin, nil
}

// spec is the body of one check's spec.
func spec(c *Check, t *runner.Transcript, sel Selection) {
	entry, skip, fail := gate(c, t, sel)
	ginkgo.AddReportEntry(reports.EntryName, entry)
	switch {
	case skip != "":
		ginkgo.Skip(skip)
	case fail != "":
		ginkgo.Fail(fail)
	}
	c.Judge(gomega.NewGomega(ginkgo.Fail), t)
}

// gate prepares a check's entry and decides whether it can be judged: a reason to skip it, or
// an error message when its request could not be made; both empty when Judge should run.
func gate(c *Check, t *runner.Transcript, sel Selection) (entry *reports.CheckEntry, skip, fail string) {
	entry = entryFor(c, t.Target)
	step, ex := judgedExchange(c, t)
	if ex != nil {
		entry.Item, entry.Request, entry.Latency = ex.Item, ex.Request.Method+" "+ex.Request.URL, ex.Timings.Total
		if ex.Response != nil {
			entry.Answer = fmt.Sprintf("%s %d", ex.Response.Proto, ex.Response.Status)
		}
	}
	if why, out := sel.Excluded[c.ID]; out {
		return entry, why, ""
	}
	if t.ContractSkipped != "" {
		return entry, t.ContractSkipped, ""
	}
	if t.TokenSource.Shape == "api-token" && (strings.HasPrefix(c.ID, "login.") || strings.HasPrefix(c.ID, "logout.")) {
		return entry, "API-token mode (UCCHECK_API_TOKEN or --api-token-file): no login and no EndSession (a shared token is never ended)", ""
	}
	if c.Step == "" && t.Interrupted { // a check over every exchange cannot judge half a flow
		return entry, "not run: " + t.Aborted, ""
	}
	switch {
	case ex == nil && t.Interrupted:
		return entry, "not run: " + t.Aborted, ""
	case ex == nil && t.Aborted != "":
		entry.ErrorKind = "not sent"
		return entry, "", fmt.Sprintf("%s was not sent: %s", stepNames[step], t.Aborted)
	case ex == nil && tokenSteps[step] && t.Token == "" && loginExcluded(sel):
		// Its explanation (a login check) is not judged in this run: without this the run
		// would pass with nothing proven, e.g. a wrong password under --only auth.
		entry.ErrorKind = "no token"
		return entry, "", needToken(t) + "; the login checks are not selected, so this run cannot judge " + c.ID
	case ex == nil && tokenSteps[step] && t.Token == "":
		return entry, needToken(t), ""
	case ex == nil:
		return entry, stepNames[step] + " was not sent", ""
	case ex.Err != nil && ex.Err.Kind == runner.ErrInterrupted:
		return entry, "not run: interrupted", ""
	case ex.Err != nil:
		entry.ErrorKind = string(ex.Err.Kind)
		entry.Answer = ex.Err.Error()
		msg := fmt.Sprintf("%s (item %q, %s): could not be made: %s", stepNames[step], ex.Item, entry.Request, ex.Err.Error())
		if n := len(ex.Retries); n > 0 {
			msg += fmt.Sprintf(" (after %d retries)", n)
		}
		return entry, "", msg
	}
	if c.Pre != nil {
		if why := c.Pre(t); why != "" {
			return entry, why, ""
		}
	}
	return entry, "", ""
}

// loginExcluded reports whether a selection leaves out a login check that explains a missing token.
func loginExcluded(sel Selection) bool {
	for _, id := range []string{"login.status-ok", "login.json-array", "login.token-last"} {
		if _, out := sel.Excluded[id]; out {
			return true
		}
	}
	return false
}

// entryFor is a check's entry on a target, before its exchange is known.
func entryFor(c *Check, target string) *reports.CheckEntry {
	e := &reports.CheckEntry{Target: target, ID: c.ID, Title: c.Title, Doc: c.Doc, Anchor: c.Anchor(), Step: string(c.Step)}
	if c.Step == "" {
		e.Step = "every exchange"
	}
	return e
}

// testingT is the GinkgoTestingT RunSpecs needs outside `go test`.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }
