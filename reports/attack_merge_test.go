package reports

import (
	"strings"
	"testing"
)

// The same shard's report given twice (a CI job re-run, a glob that matched twice) would count
// every tenant twice; merging refuses it and names the testsuite and the reports.
func TestAttackMergeJUnitDuplicateSuite(t *testing.T) {
	a := []byte(`<testsuites tests="1"><testsuite name="https://a.example" tests="1"><testcase name="x"></testcase></testsuite></testsuites>`)
	b := []byte(`<testsuites tests="1"><testsuite name="https://b.example" tests="1"><testcase name="x"></testcase></testsuite></testsuites>`)
	if _, err := MergeJUnit([][]byte{a, b}); err != nil {
		t.Fatal(err)
	}
	_, err := MergeJUnit([][]byte{a, b, a})
	if err == nil || !strings.Contains(err.Error(), "https://a.example") || !strings.Contains(err.Error(), "report 3") || !strings.Contains(err.Error(), "report 1") {
		t.Fatalf("got %v, want an error naming the testsuite and reports 1 and 3", err)
	}
}
