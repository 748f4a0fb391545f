package suites

import (
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
	// Targets names each target's container (its base URL), in report order.
	Targets []string
	// Next returns target i's transcript (with its collection pass, if any); it is called while
	// the specs are declared, in target order.
	Next func(i int) *runner.Transcript
	// Done, if set, is called once target i is judged, with its transcript and results; after it
	// returns the transcript is dropped, so a run of many targets holds few at a time.
	Done      func(i int, t *runner.Transcript, results []reports.Result)
	Selection Selection
	Checks    []*Check // nil: Checks
}

// Judge judges one transcript; see JudgeAll.
func Judge(t *runner.Transcript, sel Selection) (types.Report, error) {
	return JudgeAll(JudgeOptions{
		Targets:   []string{t.Target},
		Next:      func(int) *runner.Transcript { return t },
		Selection: sel,
	})
}

// JudgeAll runs every check on every target's transcript as Ginkgo specs: one Ordered container
// per target, one spec per check, each carrying a reports.CheckEntry, and returns Ginkgo's
// report. It runs once per process; Ginkgo's own console output is discarded (reports renders
// the results).
func JudgeAll(o JudgeOptions) (types.Report, error) {
	var report types.Report
	ran := false
	judged.Do(func() {
		ran = true
		report = judgeAll(o)
	})
	if !ran {
		return report, ErrJudgedTwice
	}
	return report, nil
}

func judgeAll(o JudgeOptions) types.Report {
	checks := o.Checks
	if checks == nil {
		checks = Checks
	}
	var report types.Report
	gomega.RegisterFailHandler(ginkgo.Fail)

	var mu sync.Mutex
	collected := make([][]reports.Result, len(o.Targets))
	transcripts := make([]*runner.Transcript, len(o.Targets))
	expected := make([]int, len(o.Targets)) // specs per target: the checks and the pass's tests

	// One wrapper container keeps the targets in order: Ginkgo sorts containers inside it by code
	// location, and each target's container and each spec get a distinct one.
	ginkgo.Describe(SuiteName, func() {
		for i, name := range o.Targets {
			loc := types.CodeLocation{FileName: "target", LineNumber: i + 1}
			ginkgo.Describe(name, ginkgo.Ordered, ginkgo.ContinueOnFailure, loc, func() {
				t := o.Next(i)
				transcripts[i] = t
				expected[i] = len(checks)
				for j, c := range checks {
					cloc := types.CodeLocation{FileName: DocsURL, LineNumber: j + 1}
					ginkgo.It(fmt.Sprintf("[%s] %s", c.ID, c.Title), cloc, func() {
						mu.Lock()
						t := transcripts[i]
						mu.Unlock()
						spec(c, t, o.Selection)
					})
				}
				if t.Pass != nil {
					expected[i] += passSpecs(t.Pass, t.Target)
				}
			})
		}
	})
	ginkgo.ReportAfterEach(func(sr types.SpecReport) {
		res, ok := reports.ResultFromSpec(sr)
		if !ok {
			return
		}
		i := targetOf(sr, len(o.Targets))
		if i < 0 {
			return
		}
		mu.Lock()
		collected[i] = append(collected[i], res)
		done := len(collected[i]) == expected[i]
		t := transcripts[i]
		if done {
			transcripts[i] = nil
		}
		mu.Unlock()
		if done && o.Done != nil {
			o.Done(i, t, collected[i])
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
	return report
}

// targetOf finds the target whose container a spec belongs to, by the container's code location
// (its line is the target's index + 1): names may repeat, locations do not.
func targetOf(sr types.SpecReport, n int) int {
	locs := sr.ContainerHierarchyLocations
	if len(locs) < 2 || locs[1].FileName != "target" || locs[1].LineNumber < 1 || locs[1].LineNumber > n {
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
	c.Judge(gomega.Default, t)
}

// gate prepares a check's entry and decides whether it can be judged: a reason to skip it, or
// an error message when its request could not be made; both empty when Judge should run.
func gate(c *Check, t *runner.Transcript, sel Selection) (entry *reports.CheckEntry, skip, fail string) {
	entry = &reports.CheckEntry{Target: t.Target, ID: c.ID, Title: c.Title, Doc: c.Doc, Anchor: c.Anchor(), Step: string(c.Step)}
	step, ex := judgedExchange(c, t)
	if c.Step == "" {
		entry.Step = "every exchange"
	}
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

// Verdicts judges a transcript without Ginkgo, for live progress while a long run goes on: the
// same checks, preconditions and Gomega matchers as the specs, through a Gomega that records the
// failure instead of failing a spec. The report's results come from the Ginkgo run (JudgeAll).
func Verdicts(t *runner.Transcript, checks []*Check, sel Selection) []reports.Result {
	out := make([]reports.Result, 0, len(checks))
	for _, c := range checks {
		entry, skip, fail := gate(c, t, sel)
		res := reports.Result{CheckEntry: *entry}
		switch {
		case skip != "":
			res.Outcome, res.Message = reports.Skipped, skip
		case fail != "":
			res.Outcome, res.Message = reports.Errored, fail
		default:
			res.Outcome, res.Message = verdict(c, t)
		}
		out = append(out, res)
	}
	return out
}

type recorded struct{ message string }

func verdict(c *Check, t *runner.Transcript) (outcome reports.Outcome, message string) {
	defer func() {
		if r := recover(); r != nil {
			if f, ok := r.(recorded); ok {
				outcome, message = reports.Failed, f.message
				return
			}
			outcome, message = reports.Errored, fmt.Sprintf("uccheck bug: the check panicked: %v", r)
		}
	}()
	g := gomega.NewGomega(func(message string, _ ...int) { panic(recorded{message}) })
	c.Judge(g, t)
	return reports.Passed, ""
}

// testingT is the GinkgoTestingT RunSpecs needs outside `go test`.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }
