package reports

import (
	"strings"
	"testing"
)

// After Ctrl-C the totals say so: "0 failed, 1798 skipped" alone reads like a clean run.
func TestAttackConsoleFleetSaysInterrupted(t *testing.T) {
	judged := &Run{Target: "https://a.example", Redactor: NewRedactor(nil),
		Results: []Result{{CheckEntry: CheckEntry{ID: "login.status-ok"}, Outcome: Passed}}}
	notJudged := &Run{Target: "https://b.example", Redactor: NewRedactor(nil),
		Results: []Result{{CheckEntry: CheckEntry{ID: "login.status-ok"}, Outcome: Skipped, Message: NotRun}}}
	notStarted := &Run{Target: "https://c.example", Redactor: NewRedactor(nil), Interrupted: true, Aborted: "interrupted before this target started",
		Results: []Result{{CheckEntry: CheckEntry{ID: "login.status-ok"}, Outcome: Skipped, Message: "not run: interrupted before this target started"}}}
	var b strings.Builder
	if err := ConsoleFleet(&b, &Fleet{Runs: []*Run{judged, notJudged, notStarted}}, ConsoleOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "interrupted: 2 of 3 targets not judged in full") {
		t.Fatalf("the totals do not say the run was interrupted:\n%s", b.String())
	}
	b.Reset()
	if err := ConsoleFleet(&b, &Fleet{Runs: []*Run{judged, judged}}, ConsoleOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "interrupted") {
		t.Fatalf("a run that was not interrupted says it was:\n%s", b.String())
	}
}
