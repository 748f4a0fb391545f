package suites_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/sandbox"
	"github.com/uccheck/uccheck/suites"
)

// TestPassErrorTitledOnce renders a collection pass error (and a failing pm.test) in the console
// and in the JUnit and compares their titles: both come from Result.Heading of the one value
// PassResults builds, so the console line and the testcase name cannot disagree.
func TestPassErrorTitledOnce(t *testing.T) {
	pass := &runner.PassTranscript{Iterations: 1, Runs: []*runner.ItemRun{{
		Item:   "Auth / login",
		Tests:  []runner.PassTest{{Name: "answers 200", Status: sandbox.TestFailed, Message: "expected 401 to equal 200"}},
		Errors: []runner.RunError{{Kind: "script", Message: "ReferenceError: x is not defined"}},
	}}}
	results := suites.PassResults(pass, "https://acme.example")
	if len(results) != 2 {
		t.Fatalf("%d results, want 2", len(results))
	}
	run := &reports.Run{Target: "https://acme.example", Collection: "c.json", PassSummary: "1 requests sent", Results: results, Redactor: reports.NewRedactor(nil)}

	var console bytes.Buffer
	if err := reports.Console(&console, run, reports.ConsoleOptions{}); err != nil {
		t.Fatal(err)
	}
	data, err := reports.JUnit(types.Report{}, run)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name  string    `xml:"name,attr"`
				Error *struct{} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("JUnit %s: want one testsuite of 2 testcases", data)
	}
	// The console's result lines, in order: "  ✗ <title>" for a failure, "  ! <title>" for an error.
	var titles []string
	for _, l := range strings.Split(console.String(), "\n") {
		for _, mark := range []string{"  ✗ ", "  ! "} {
			if title, ok := strings.CutPrefix(l, mark); ok {
				titles = append(titles, title)
			}
		}
	}
	if len(titles) != len(results) {
		t.Fatalf("console result lines %q, want %d:\n%s", titles, len(results), console.String())
	}
	for i, r := range results {
		junitName := doc.Suites[0].Cases[i].Name
		if titles[i] != junitName || junitName != r.Heading() {
			t.Errorf("result %d: console %q, JUnit %q, Heading %q: want one title", i, titles[i], junitName, r.Heading())
		}
	}
	if got := doc.Suites[0].Cases[1]; got.Name != "Auth / login › script error" || got.Error == nil {
		t.Errorf("the script error's testcase is %q (error %v), want \"Auth / login › script error\" as an <error>", got.Name, got.Error != nil)
	}
}
