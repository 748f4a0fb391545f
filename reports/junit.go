package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// JUnit renders a judged run as JUnit XML: Ginkgo's JUnit reporter writes it, and this
// post-processes it so that there is one <testsuite> per target, each testcase is named
// "[<check ID>] <title>" and timed by the latency of the exchange it judged, a request that could
// not be made is an <error> (a broken contract stays a <failure>), the properties say target,
// collection and uccheck version, and every secret the run knew is redacted.
func JUnit(g types.Report, run *Run) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "uccheck-junit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	raw := filepath.Join(tmp, "ginkgo.xml")
	cfg := reporters.JunitReportConfig{OmitLeafNodeType: true, OmitSuiteSetupNodes: true, OmitCapturedStdOutErr: true, OmitTimelinesForSpecState: types.SpecStatePassed | types.SpecStateSkipped | types.SpecStateFailed | types.SpecStateTimedout | types.SpecStatePanicked | types.SpecStateAborted | types.SpecStateInterrupted}
	if err := reporters.GenerateJUnitReportWithConfig(g, raw, cfg); err != nil {
		return nil, fmt.Errorf("junit: ginkgo's reporter: %w", err)
	}
	data, err := os.ReadFile(raw)
	if err != nil {
		return nil, err
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(data, &suites); err != nil {
		return nil, fmt.Errorf("junit: reading ginkgo's report back: %w", err)
	}
	if len(suites.TestSuites) != 1 {
		return nil, fmt.Errorf("junit: ginkgo wrote %d test suites, want 1", len(suites.TestSuites))
	}
	in := suites.TestSuites[0]
	rd := run.Redactor.Redact

	byID := map[string]Result{}
	for _, r := range run.Results {
		byID[r.ID] = r
	}
	out := reporters.JUnitTestSuite{
		Name:      rd(run.Target),
		Package:   rd(run.Collection),
		Timestamp: in.Timestamp,
		Time:      run.Duration.Seconds(),
		Properties: reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
			{Name: "target", Value: rd(run.Target)},
			{Name: "collection", Value: rd(run.Collection)},
			{Name: "uccheck.version", Value: run.Version},
			{Name: "user", Value: rd(run.User)},
			{Name: "simulator", Value: fmt.Sprintf("%t", run.Simulated)},
			{Name: "insecure", Value: fmt.Sprintf("%t", run.Insecure)},
		}},
	}
	if run.Aborted != "" {
		out.Properties.Properties = append(out.Properties.Properties, reporters.JUnitProperty{Name: "aborted", Value: rd(run.Aborted)})
	}
	var passResults []Result // collection pass results, in order: Ginkgo keeps the same order
	for _, r := range run.Results {
		if r.Kind != "" {
			passResults = append(passResults, r)
		}
	}
	for _, tc := range in.TestCases {
		if len(passResults) > 0 && strings.Contains(tc.Name, passResults[0].Title) {
			r := passResults[0]
			passResults = passResults[1:]
			out.TestCases = append(out.TestCases, passTestCase(tc, r, run))
			switch r.Outcome {
			case Failed:
				out.Failures++
			case Errored:
				out.Errors++
			case Skipped:
				out.Skipped++
			}
			out.Tests++
			continue
		}
		id := idOf(tc.Name)
		r, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("junit: testcase %q has no check result", tc.Name)
		}
		tc.Name = rd(fmt.Sprintf("[%s] %s", r.ID, r.Title))
		tc.Classname = rd(run.Target)
		tc.Time = r.Latency.Seconds()
		tc.Status = string(r.Outcome)
		tc.SystemErr = ""
		tc.SystemOut = rd(exchangeSummary(r))
		tc.Properties = &reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
			{Name: "check", Value: r.ID},
			{Name: "step", Value: r.Step},
			{Name: "item", Value: rd(r.Item)},
			{Name: "documented", Value: rd(r.Doc)},
			{Name: "see", Value: r.Anchor},
		}}
		msg := rd(strings.TrimRight(r.Message, "\n"))
		tc.Failure, tc.Error, tc.Skipped = nil, nil, nil
		switch r.Outcome {
		case Failed:
			tc.Failure = &reporters.JUnitFailure{Type: "failed", Message: shortMessage(msg), Description: msg + "\nsee: " + r.Anchor}
			out.Failures++
		case Errored:
			tc.Error = &reporters.JUnitError{Type: r.ErrorKind, Message: firstLine(msg), Description: msg}
			out.Errors++
		case Skipped:
			tc.Skipped = &reporters.JUnitSkipped{Message: msg}
			out.Skipped++
		}
		out.Tests++
		out.TestCases = append(out.TestCases, tc)
	}
	doc := reporters.JUnitTestSuites{
		Tests: out.Tests, Failures: out.Failures, Errors: out.Errors, Disabled: out.Skipped,
		Time: out.Time, TestSuites: []reporters.JUnitTestSuite{out},
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteString("\n")
	// Last line of defence: nothing secret leaves, whatever a field above forgot.
	return []byte(rd(buf.String())), nil
}

// passTestCase renders a collection pass result: named "<item path> › <test name>", classed by
// the collection, a failing pm.test a <failure>, a script error an <error>.
func passTestCase(tc reporters.JUnitTestCase, r Result, run *Run) reporters.JUnitTestCase {
	rd := run.Redactor.Redact
	tc.Name = rd(r.Title)
	tc.Classname = rd(run.Collection)
	tc.Time = r.Latency.Seconds()
	tc.Status = string(r.Outcome)
	tc.SystemErr = ""
	tc.SystemOut = rd(exchangeSummary(r))
	tc.Properties = &reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
		{Name: "kind", Value: r.Kind},
		{Name: "item", Value: rd(r.Item)},
		{Name: "test", Value: rd(r.Test)},
		{Name: "iteration", Value: fmt.Sprint(r.Iteration)},
	}}
	msg := rd(strings.TrimRight(r.Message, "\n"))
	tc.Failure, tc.Error, tc.Skipped = nil, nil, nil
	switch r.Outcome {
	case Failed:
		tc.Failure = &reporters.JUnitFailure{Type: "AssertionError", Message: firstLine(msg), Description: msg}
	case Errored:
		tc.Error = &reporters.JUnitError{Type: r.ErrorKind, Message: firstLine(msg), Description: msg}
	case Skipped:
		tc.Skipped = &reporters.JUnitSkipped{Message: msg}
	}
	return tc
}

// WriteJUnit writes the run's JUnit XML to path atomically: a temporary file in the same folder,
// then a rename, so that an existing report is never half-overwritten.
func WriteJUnit(path string, g types.Report, run *Run) error {
	data, err := JUnit(g, run)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to path through a temporary file and a rename.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

var idRE = regexp.MustCompile(`\[([a-z0-9-]+(?:\.[a-z0-9-]+)+)\]`)

// idOf returns the check ID of a Ginkgo testcase name such as "https://… [login.status-ok] …".
func idOf(name string) string {
	m := idRE.FindAllStringSubmatch(name, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

// shortMessage is a failure's one-line message: its expected and actual lines when it has them.
func shortMessage(msg string) string {
	var parts []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "expected:") || strings.HasPrefix(line, "actual:") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	if len(parts) == 0 {
		return firstLine(msg)
	}
	return strings.Join(parts, "; ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func exchangeSummary(r Result) string {
	if r.Request == "" {
		return ""
	}
	return fmt.Sprintf("%s -> %s (%s)", r.Request, r.Answer, FormatDuration(r.Latency))
}
