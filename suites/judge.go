package suites

import (
	"errors"
	"fmt"
	"io"
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

// Judge runs every check on the transcript as a Ginkgo spec, inside one Ordered container named
// by the target, and returns Ginkgo's report. Each spec carries a reports.CheckEntry. Judge runs
// once per process; Ginkgo's own console output is discarded (reports renders the results).
func Judge(t *runner.Transcript, sel Selection) (types.Report, error) {
	return JudgeWithPass(t, nil, sel)
}

// JudgeWithPass is Judge with the collection pass: after the contract checks, in the same Ginkgo run,
// each pm.test of the pass becomes a spec named "<item path> › <test name>" (see passSpecs).
// p may be nil (no collection pass). Like Judge, it runs once per process.
func JudgeWithPass(t *runner.Transcript, p *runner.PassTranscript, sel Selection) (types.Report, error) {
	var report types.Report
	ran := false
	judged.Do(func() {
		ran = true
		report = judge(t, p, sel)
	})
	if !ran {
		return report, ErrJudgedTwice
	}
	return report, nil
}

func judge(t *runner.Transcript, p *runner.PassTranscript, sel Selection) types.Report {
	var report types.Report
	gomega.RegisterFailHandler(ginkgo.Fail)

	ginkgo.Describe(t.Target, ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		for i, c := range Checks {
			// A distinct code location per spec keeps the report in the order of Checks.
			loc := types.CodeLocation{FileName: DocsURL, LineNumber: i + 1}
			ginkgo.It(fmt.Sprintf("[%s] %s", c.ID, c.Title), loc, func() { spec(c, t, sel) })
		}
		if p != nil {
			passSpecs(p)
		}
	})
	ginkgo.ReportAfterSuite("uccheck report", func(r types.Report) { report = r })

	suiteConfig := types.NewDefaultSuiteConfig()
	suiteConfig.RandomSeed = 1 // the order is fixed by Ordered; no randomness in reports
	reporterConfig := types.NewDefaultReporterConfig()
	reporterConfig.NoColor = true
	reporterConfig.Succinct = true

	stdout, stderr := formatter.ColorableStdOut, formatter.ColorableStdErr
	formatter.ColorableStdOut, formatter.ColorableStdErr = io.Discard, io.Discard
	defer func() { formatter.ColorableStdOut, formatter.ColorableStdErr = stdout, stderr }()

	ginkgo.RunSpecs(&testingT{}, SuiteName, suiteConfig, reporterConfig)
	return report
}

// spec is the body of one check's spec.
func spec(c *Check, t *runner.Transcript, sel Selection) {
	entry := &reports.CheckEntry{ID: c.ID, Title: c.Title, Doc: c.Doc, Anchor: c.Anchor(), Step: string(c.Step)}
	step := c.Step
	if step == "" {
		step = runner.StepLogin // checks over every exchange report the login's latency
	}
	ex := t.Get(step)
	if ex != nil {
		entry.Item, entry.Request, entry.Latency = ex.Item, ex.Request.Method+" "+ex.Request.URL, ex.Timings.Total
		if ex.Response != nil {
			entry.Answer = fmt.Sprintf("%s %d", ex.Response.Proto, ex.Response.Status)
		}
	}
	ginkgo.AddReportEntry(reports.EntryName, entry)

	if why, out := sel.Excluded[c.ID]; out {
		ginkgo.Skip(why)
	}
	switch {
	case ex == nil && t.Interrupted:
		ginkgo.Skip("not run: " + t.Aborted)
	case ex == nil && t.Aborted != "":
		entry.ErrorKind = "not sent"
		ginkgo.Fail(fmt.Sprintf("%s was not sent: %s", stepNames[step], t.Aborted))
	case ex == nil && tokenSteps[step]:
		ginkgo.Skip(needToken(t))
	case ex == nil:
		ginkgo.Skip(stepNames[step] + " was not sent")
	case ex.Err != nil && ex.Err.Kind == runner.ErrInterrupted:
		ginkgo.Skip("not run: interrupted")
	case ex.Err != nil:
		entry.ErrorKind = string(ex.Err.Kind)
		entry.Answer = ex.Err.Error()
		ginkgo.Fail(fmt.Sprintf("%s (item %q, %s): could not be made: %s", stepNames[step], ex.Item, entry.Request, ex.Err.Error()))
	}
	if c.Pre != nil {
		if why := c.Pre(t); why != "" {
			ginkgo.Skip(why)
		}
	}
	c.Judge(gomega.Default, t)
}

// testingT is the GinkgoTestingT RunSpecs needs outside `go test`.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }
