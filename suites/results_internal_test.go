package suites

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/reports"
)

// TestResultsOfSpecsGinkgoNeverRan: after an interruption Ginkgo skips the remaining specs
// without running their bodies, so they carry no entry; their code locations still say which
// target and which check each one is, and every report gets them as not run.
func TestResultsOfSpecsGinkgoNeverRan(t *testing.T) {
	targets := []string{"https://a.example", "https://b.example"}
	sr := types.SpecReport{
		LeafNodeType:                types.NodeTypeIt,
		State:                       types.SpecStateSkipped,
		LeafNodeLocation:            types.CodeLocation{FileName: DocsURL, LineNumber: 3},
		ContainerHierarchyLocations: []types.CodeLocation{{FileName: "judge.go"}, {FileName: targetFile, LineNumber: 2}},
	}
	got := resultsOf(sr, Checks, targets)
	if len(got) != 1 {
		t.Fatalf("%d results, want 1", len(got))
	}
	r := got[0]
	if r.ID != Checks[2].ID || r.Title != Checks[2].Title || r.Target != targets[1] || r.Anchor != Checks[2].Anchor() {
		t.Errorf("result %+v, want check %s on %s", r.CheckEntry, Checks[2].ID, targets[1])
	}
	if r.Outcome != reports.Skipped || r.Message != reports.NotRun {
		t.Errorf("outcome %s %q, want skipped %q", r.Outcome, r.Message, reports.NotRun)
	}

	// The spec that was running when the signal came ends interrupted: not run, never failed.
	sr.State = types.SpecStateInterrupted
	sr.ReportEntries = []types.ReportEntry{reportEntry(entryFor(Checks[2], targets[1]))}
	if got := resultsOf(sr, Checks, targets); len(got) != 1 || got[0].Outcome != reports.Skipped {
		t.Errorf("an interrupted spec: %+v, want skipped", got)
	}

	// A pass spec Ginkgo never ran has no results (the pass's tests are not known), and a spec
	// outside any target's container is none of ours.
	sr.ReportEntries = nil
	sr.LeafNodeLocation = types.CodeLocation{FileName: passFile, LineNumber: 2}
	if got := resultsOf(sr, Checks, targets); len(got) != 0 {
		t.Errorf("a pass spec never run: %+v", got)
	}
	sr.LeafNodeLocation = types.CodeLocation{FileName: DocsURL, LineNumber: 1}
	sr.ContainerHierarchyLocations = nil
	if got := resultsOf(sr, Checks, targets); len(got) != 0 {
		t.Errorf("a spec of no target: %+v", got)
	}
}

func reportEntry(v any) types.ReportEntry {
	e := types.ReportEntry{Name: reports.EntryName}
	e.Value = types.WrapEntryValue(v)
	return e
}
