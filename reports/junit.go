package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// JUnit renders one target's judged run as JUnit XML; see JUnitFleet.
func JUnit(g types.Report, run *Run) ([]byte, error) {
	return JUnitFleet(g, FleetOf(run))
}

// JUnitFleet renders judged runs as JUnit XML, in memory, from the results the one Ginkgo run
// produced (reports.ResultsFromGinkgo): one <testsuite> per target, each testcase named by its
// result's Heading ("[<check ID>] <title>") and timed by the latency of the exchange it judged,
// a request that could not be made an <error> (a broken contract stays a <failure>), the
// properties saying target, collection and uccheck version. Every secret the runs knew is
// redacted, field by field and then over the whole document, before any byte is returned.
func JUnitFleet(g types.Report, f *Fleet) ([]byte, error) {
	started := g.StartTime
	if started.IsZero() {
		started = f.Started
	}
	timestamp := ""
	if !started.IsZero() {
		timestamp = started.Format("2006-01-02T15:04:05")
	}
	doc := reporters.JUnitTestSuites{}
	for _, run := range f.Runs {
		s := suiteFor(run, timestamp)
		for _, r := range run.Results {
			addCase(&s, r, run)
		}
		doc.TestSuites = append(doc.TestSuites, s)
	}
	for _, s := range doc.TestSuites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Disabled += s.Skipped
	}
	doc.Time = f.Duration.Seconds()
	return encodeJUnit(doc, f.Redactor())
}

// suiteFor starts a target's <testsuite> with its properties.
func suiteFor(run *Run, timestamp string) reporters.JUnitTestSuite {
	rd := run.Redactor.Redact
	s := reporters.JUnitTestSuite{
		Name:      rd(run.Target),
		Package:   rd(run.Collection),
		Timestamp: timestamp,
		Time:      run.Duration.Seconds(),
		Properties: reporters.JUnitProperties{Properties: []reporters.JUnitProperty{
			{Name: "target", Value: rd(run.Target)},
			{Name: "collection", Value: rd(run.Collection)},
			{Name: "uccheck.version", Value: run.Version},
			{Name: "user", Value: rd(run.User)},
			{Name: "simulator", Value: fmt.Sprintf("%t", run.Simulated)},
			{Name: "insecure", Value: fmt.Sprintf("%t", run.Insecure)},
			{Name: "api-token", Value: fmt.Sprintf("%t", run.APIToken)},
		}},
	}
	if n := run.Retries(); n > 0 {
		s.Properties.Properties = append(s.Properties.Properties, reporters.JUnitProperty{Name: "retries", Value: fmt.Sprint(n)})
	}
	if run.Aborted != "" {
		s.Properties.Properties = append(s.Properties.Properties, reporters.JUnitProperty{Name: "aborted", Value: rd(run.Aborted)})
	}
	return s
}

// encodeJUnit writes a JUnit document, indented, and redacts it once more as a whole.
func encodeJUnit(doc reporters.JUnitTestSuites, rd *Redactor) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteString("\n")
	// Last line of defence: nothing secret leaves, whatever a field above forgot.
	return []byte(rd.Redact(buf.String())), nil
}

// MergeJUnit combines JUnit files (one per shard, say) into one document with every testsuite.
func MergeJUnit(files [][]byte) ([]byte, error) {
	var doc reporters.JUnitTestSuites
	seen := map[string]int{} // testsuite name -> the report (1-based) it came from
	for i, data := range files {
		var in reporters.JUnitTestSuites
		if err := xml.Unmarshal(data, &in); err != nil {
			return nil, fmt.Errorf("report %d: not a JUnit document: %w", i+1, err)
		}
		for _, s := range in.TestSuites {
			if first, dup := seen[s.Name]; dup && first != i+1 {
				return nil, fmt.Errorf("report %d: testsuite %q is in report %d too (the same shard twice?)", i+1, s.Name, first)
			}
			seen[s.Name] = i + 1
		}
		doc.TestSuites = append(doc.TestSuites, in.TestSuites...)
		doc.Tests += in.Tests
		doc.Failures += in.Failures
		doc.Errors += in.Errors
		doc.Disabled += in.Disabled
		doc.Time = max(doc.Time, in.Time)
	}
	return encodeJUnit(doc, nil)
}

// addCase adds a result's testcase to its suite and counts it.
func addCase(out *reporters.JUnitTestSuite, r Result, run *Run) {
	var tc reporters.JUnitTestCase
	if r.Kind != "" { // a pm.test of the collection pass
		tc = passTestCase(r, run)
	} else {
		tc = checkTestCase(r, run)
	}
	out.Tests++
	switch r.Outcome {
	case Failed:
		out.Failures++
	case Errored:
		out.Errors++
	case Skipped:
		out.Skipped++
	}
	out.TestCases = append(out.TestCases, tc)
}

// checkTestCase fills a contract check's testcase: "[ID] title", timed by its exchange, with its
// failure (expected vs actual), error or skip reason.
func checkTestCase(r Result, run *Run) (tc reporters.JUnitTestCase) {
	rd := run.Redactor.Redact
	tc.Name = rd(r.Heading())
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
	case Errored:
		tc.Error = &reporters.JUnitError{Type: r.ErrorKind, Message: firstLine(msg), Description: msg}
	case Skipped:
		tc.Skipped = &reporters.JUnitSkipped{Message: msg}
	}
	return tc
}

// passTestCase renders a collection pass result: named "<item path> › <test name>", classed by
// the collection, a failing pm.test a <failure>, a script error an <error>.
func passTestCase(r Result, run *Run) (tc reporters.JUnitTestCase) {
	rd := run.Redactor.Redact
	tc.Name = rd(r.Heading())
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
func WriteJUnit(path string, g types.Report, f *Fleet) error {
	data, err := JUnitFleet(g, f)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to path through a temporary file and a rename.
func WriteFileAtomic(path string, data []byte) error {
	target, through := resolveLinks(path)
	if fi, err := os.Stat(path); err == nil && (through || !fi.Mode().IsRegular()) {
		// A FIFO, a device or an open file named through /proc (/dev/stdout): written into,
		// never replaced by a file (appended to, so a console sharing it keeps its lines).
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	path = target
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

// resolveLinks follows path's symlinks (a dangling one too) to the file they name, so that the
// link stays and its target is replaced. through reports a link into /proc or /dev/fd (such as
// /dev/stdout): its target is an open file that must be written into, not renamed over.
func resolveLinks(path string) (target string, through bool) {
	for n := 0; n < 40; n++ {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, false
		}
		to, err := os.Readlink(path)
		if err != nil {
			return path, false
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		if strings.HasPrefix(to, "/proc/") || strings.HasPrefix(to, "/dev/fd/") {
			return path, true
		}
		path = to
	}
	return path, false
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

func redactAll(in []string, rd *Redactor) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = rd.Redact(s)
	}
	return out
}
