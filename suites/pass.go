package suites

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/sandbox"
)

// PassContainer is the Ginkgo container text of the collection pass's specs.
const PassContainer = "collection pass"

// PassSep separates the item path from the test name in a collection test's name.
const PassSep = " › "

// passSpecs turns the collection pass into specs, in the order the pass ran: each pm.test is a
// spec "<item path> › <test name>" (with " [iteration i/n]" when the pass ran more than once),
// failing with the assertion's message; a skipped pm.test is skipped; a script error, a
// request that could not be built and a request that could not be sent are each a spec
// "<item path> › <what>" whose outcome is an error. It runs inside a target's Ordered container
// and returns how many specs it declared.
func passSpecs(p *runner.PassTranscript, target string) int {
	n := 0
	ginkgo.Describe(PassContainer, func() {
		for _, run := range p.Runs {
			iter := ""
			if p.Iterations > 1 {
				iter = fmt.Sprintf(" [iteration %d/%d]", run.Iteration+1, p.Iterations)
			}
			entry := func(kind, name string) *reports.CheckEntry {
				e := &reports.CheckEntry{Target: target, Kind: kind, Title: run.Item + PassSep + name + iter, Item: run.Item, Iteration: run.Iteration + 1, Test: name}
				if ex := run.Exchange; ex != nil {
					e.Request, e.Latency = ex.Request.Method+" "+ex.Request.URL, ex.Timings.Total
					if ex.Response != nil {
						e.Answer = fmt.Sprintf("%s %d", ex.Response.Proto, ex.Response.Status)
					}
				}
				return e
			}
			for _, t := range run.Tests {
				e := entry(reports.KindTest, t.Name)
				t := t
				n++
				ginkgo.It(e.Title, types.CodeLocation{FileName: "collection", LineNumber: n}, func() {
					ginkgo.AddReportEntry(reports.EntryName, e)
					switch t.Status {
					case sandbox.TestSkipped:
						ginkgo.Skip("pm.test.skip")
					case sandbox.TestFailed:
						ginkgo.Fail(t.Message)
					}
				})
			}
			for _, re := range run.Errors {
				what := map[string]string{"script": "script error", "variable": "unresolved variable", "request": "request not built", "network": "request not sent"}[re.Kind]
				e := entry(reports.KindError, what)
				e.ErrorKind = re.Kind
				msg := re.Message
				n++
				ginkgo.It(e.Title, types.CodeLocation{FileName: "collection", LineNumber: n}, func() {
					ginkgo.AddReportEntry(reports.EntryName, e)
					ginkgo.Fail(msg)
				})
			}
		}
	})
	return n
}

// PassSummary is a one-line account of a pass for people: requests sent, items skipped.
func PassSummary(p *runner.PassTranscript) string {
	sent, skipped := 0, 0
	for _, r := range p.Runs {
		if r.Exchange != nil {
			sent++
		}
		if r.Skipped {
			skipped++
		}
	}
	parts := []string{fmt.Sprintf("%d requests sent", sent)}
	if skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped by pm.execution.skipRequest", skipped))
	}
	if p.Iterations > 1 {
		parts = append(parts, fmt.Sprintf("%d iterations", p.Iterations))
	}
	if len(p.Cleanup) > 0 {
		parts = append(parts, fmt.Sprintf("%d sessions left open by the items ended", len(p.Cleanup)))
	}
	return strings.Join(parts, ", ")
}

// PassVerdicts are the collection pass's results without Ginkgo, for live progress (see
// Verdicts): one per pm.test and per thing that could not be done, as passSpecs declares them.
func PassVerdicts(p *runner.PassTranscript, target string) []reports.Result {
	var out []reports.Result
	for _, run := range p.Runs {
		iter := ""
		if p.Iterations > 1 {
			iter = fmt.Sprintf(" [iteration %d/%d]", run.Iteration+1, p.Iterations)
		}
		for _, t := range run.Tests {
			r := reports.Result{CheckEntry: reports.CheckEntry{Target: target, Kind: reports.KindTest, Title: run.Item + PassSep + t.Name + iter}, Outcome: reports.Passed}
			switch t.Status {
			case sandbox.TestSkipped:
				r.Outcome, r.Message = reports.Skipped, "pm.test.skip"
			case sandbox.TestFailed:
				r.Outcome, r.Message = reports.Failed, t.Message
			}
			out = append(out, r)
		}
		for _, re := range run.Errors {
			out = append(out, reports.Result{CheckEntry: reports.CheckEntry{Target: target, Kind: reports.KindError, Title: run.Item + PassSep + re.Kind + iter, ErrorKind: re.Kind}, Outcome: reports.Errored, Message: re.Message})
		}
	}
	return out
}
