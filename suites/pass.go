package suites

import (
	"fmt"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/sandbox"
)

// PassContainer is the Ginkgo container text of the collection pass's specs.
const PassContainer = "collection pass"

// PassSep separates the item path from the test name in a collection test's name.
const PassSep = " › "

// passSpec is the body of a target's collection pass spec: it attaches one result per pm.test
// and per thing that could not be done (PassResults) and fails when one of them did not pass.
func passSpec(t *runner.Transcript) {
	if t == nil || t.Pass == nil {
		why := "the flow stopped before the collection pass"
		if t != nil && t.Aborted != "" {
			why += ": " + t.Aborted
		}
		ginkgo.Skip(why)
	}
	bad := 0
	results := PassResults(t.Pass, t.Target)
	for i := range results {
		ginkgo.AddReportEntry(reports.EntryName, &results[i])
		if o := results[i].Outcome; o == reports.Failed || o == reports.Errored {
			bad++
		}
	}
	if bad > 0 {
		ginkgo.Fail(fmt.Sprintf("%d of %d collection pass results did not pass", bad, len(results)))
	}
}

// PassResults turns the collection pass into results, in the order the pass ran: each pm.test is
// a result "<item path> › <test name>" (with " [iteration i/n]" when the pass ran more than once)
// failing with the assertion's message; a skipped pm.test is skipped; a script error, a request
// that could not be built and a request that could not be sent are each a result
// "<item path> › <what>" whose outcome is an error. It is the one place they are titled.
func PassResults(p *runner.PassTranscript, target string) []reports.Result {
	var out []reports.Result
	for _, run := range p.Runs {
		iter := ""
		if p.Iterations > 1 {
			iter = fmt.Sprintf(" [iteration %d/%d]", run.Iteration+1, p.Iterations)
		}
		entry := func(kind, name string) reports.CheckEntry {
			e := reports.CheckEntry{Target: target, Kind: kind, Title: run.Item + PassSep + name + iter, Item: run.Item, Iteration: run.Iteration + 1, Test: name}
			if ex := run.Exchange; ex != nil {
				e.Request, e.Latency = ex.Request.Method+" "+ex.Request.URL, ex.Timings.Total
				if ex.Response != nil {
					e.Answer = fmt.Sprintf("%s %d", ex.Response.Proto, ex.Response.Status)
				}
			}
			return e
		}
		for _, t := range run.Tests {
			r := reports.Result{CheckEntry: entry(reports.KindTest, t.Name), Outcome: reports.Passed}
			switch t.Status {
			case sandbox.TestSkipped:
				r.Outcome, r.Message = reports.Skipped, "pm.test.skip"
			case sandbox.TestFailed:
				r.Outcome, r.Message = reports.Failed, t.Message
			}
			out = append(out, r)
		}
		for _, re := range run.Errors {
			what := map[string]string{"script": "script error", "variable": "unresolved variable", "request": "request not built", "network": "request not sent", "redirect": "redirect not followed"}[re.Kind]
			r := reports.Result{CheckEntry: entry(reports.KindError, what), Outcome: reports.Errored, Message: re.Message}
			r.ErrorKind = re.Kind
			out = append(out, r)
		}
	}
	return out
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
