package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/internal/testutil"

	"github.com/onsi/ginkgo/v2/types"
)

// fuzzReport builds a Ginkgo report with one spec per outcome, whose texts come from the fuzzer.
func fuzzReport(target, title, message string) (types.Report, *Run) {
	var g types.Report
	g.SuiteDescription = "uccheck"
	g.StartTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := &Run{Version: "test", Target: target, Collection: "c.json", Redactor: NewRedactor([]string{"pässw0rd&<x>", "QWRtaW46dG9rZW4tc2Vzc2lvbg=="})}
	states := []types.SpecState{types.SpecStatePassed, types.SpecStateFailed, types.SpecStateSkipped, types.SpecStateFailed}
	for i, st := range states {
		id := []string{"a.pass", "b.fail", "c.skip", "d.error"}[i]
		entry := &CheckEntry{Target: target, ID: id, Title: title, Anchor: "docs/checks.md#" + id, Item: title, Request: "POST " + target, Latency: time.Millisecond}
		if i == 3 {
			entry.ErrorKind = "timeout"
		}
		sr := types.SpecReport{
			ContainerHierarchyTexts: []string{target},
			LeafNodeType:            types.NodeTypeIt,
			LeafNodeText:            "[" + id + "] " + title,
			State:                   st,
			ReportEntries:           types.ReportEntries{{Name: EntryName, Value: types.WrapEntryValue(entry)}},
		}
		if st != types.SpecStatePassed {
			sr.Failure.Message = message
		}
		g.SpecReports = append(g.SpecReports, sr)
	}
	run.Results = ResultsFromGinkgo(g)
	return g, run
}

// FuzzJUnit: whatever text a server or a collection puts in a message, title or target, the JUnit
// output is well-formed XML, counts right, and holds no secret.
func FuzzJUnit(f *testing.F) {
	f.Add("https://acme.example", "getUserToken answers", "expected: x\nactual: pässw0rd&<x>")
	f.Add("https://[::1]:443", "a ]]> b", "\x00\x01\xff <![CDATA[ QWRtaW46dG9rZW4tc2Vzc2lvbg== ]]>")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, target, title, message string) {
		g, run := fuzzReport(target, title, message)
		out, err := JUnit(g, run)
		if err != nil {
			t.Fatalf("JUnit: %v", err)
		}
		doc, err := testutil.ParseJUnit(out)
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		if doc.Tests != 4 || doc.Failures != 1 || doc.Errors != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 4 {
			t.Fatalf("counts: tests %d failures %d errors %d suites %d", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
		}
		for _, secret := range []string{"pässw0rd&<x>", "pässw0rd&amp;&lt;x&gt;", "QWRtaW46dG9rZW4tc2Vzc2lvbg=="} {
			if strings.Contains(string(out), secret) {
				t.Fatalf("secret %q in the output", secret)
			}
		}
	})
}
