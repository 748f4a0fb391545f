package reports_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/reports"
)

// The JUnit schema as CI servers read it: the tests' one reader, independent of Ginkgo's types.
type (
	junitSuites   = testutil.JUnit
	junitSuite    = testutil.JUnitSuite
	junitProperty = testutil.JUnitProperty
	junitCase     = testutil.JUnitCase
	junitMessage  = testutil.JUnitMessage
)

func property(props []junitProperty, name string) string {
	for _, p := range props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

const target = "https://acme.example"

// spec is one check's spec as Ginkgo reports it, with the entry suites attaches.
func spec(id, title string, state types.SpecState, msg string, entry reports.CheckEntry) types.SpecReport {
	entry.Target, entry.ID, entry.Title, entry.Anchor = target, id, title, "docs/checks.md#"+id
	return types.SpecReport{
		ContainerHierarchyTexts: []string{target},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            "[" + id + "] " + title,
		State:                   state,
		Failure:                 types.Failure{Message: msg},
		RunTime:                 time.Millisecond,
		ReportEntries: types.ReportEntries{
			{Name: "unrelated", Value: types.WrapEntryValue("x")},
			{Name: reports.EntryName, Value: types.WrapEntryValue(&entry)},
		},
	}
}

// ginkgoReport is a judged run built by hand: a pass, a failure, an error and a skip, with the
// token and the password in messages, requests and answers.
func ginkgoReport() types.Report {
	req := "POST https://acme.example/Integra/resources/auth/EndSession?token=" + token
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return types.Report{
		SuitePath: "/uccheck", SuiteDescription: "uccheck", StartTime: start, EndTime: start.Add(time.Second), RunTime: time.Second,
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeBeforeSuite, State: types.SpecStatePassed}, // not a check
			spec("login.status-ok", "getUserToken answers valid credentials with HTTP 200", types.SpecStatePassed, "",
				reports.CheckEntry{Step: "login", Item: "API Security / getUserToken", Request: "POST " + target + "/Integra/resources/auth/getUserToken", Answer: "HTTP/2.0 200", Latency: 12 * time.Millisecond}),
			spec("login.token-last", "getUserToken puts the token last", types.SpecStateFailed,
				"getUserToken with the real credentials\n  expected: a JSON array whose last element is the token\n  actual:   HTTP 200 with JSON: a string: `\""+token+"\"`",
				reports.CheckEntry{Step: "login", Item: "API Security / getUserToken", Request: "POST " + target + "/Integra/resources/auth/getUserToken", Answer: "HTTP/2.0 200", Latency: 3 * time.Millisecond}),
			spec("logout.repeat-zero", "EndSession answers 0 for a token already ended", types.SpecStateFailed,
				"EndSession of the ended token, again (item \"EndSession\", "+req+"): could not be made: timeout: no complete answer within 2s\npassword="+password,
				reports.CheckEntry{Step: "logout-repeat", Item: "API Security / EndSession", Request: req, Answer: "timeout: Basic " + token, Latency: 2 * time.Second, ErrorKind: "timeout"}),
			spec("login.bad-credentials-zero", "getUserToken answers 0 to credentials that cannot exist", types.SpecStateSkipped,
				"skipped on request (--skip login.bad-credentials-zero)", reports.CheckEntry{Step: "login-bad"}),
		},
	}
}

func judgedRun(g types.Report) *reports.Run {
	return &reports.Run{
		Version: "1.2.3", Target: target, Collection: "embedded:api-security.postman_collection.json", User: "Bob",
		Duration: 1500 * time.Millisecond, Results: reports.ResultsFromGinkgo(g),
		Redactor: reports.NewRedactor([]string{password, token}),
	}
}

func TestResultsFromGinkgo(t *testing.T) {
	g := ginkgoReport()
	g.SpecReports = append(g.SpecReports,
		spec("auth.basic-accepted", "a service accepts Basic", types.SpecStatePanicked, "", reports.CheckEntry{}),
		spec("auth.bogus-rejected", "a service rejects a bogus token", types.SpecStatePending, "", reports.CheckEntry{}),
		types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "[x.y] without an entry", State: types.SpecStateFailed},
	)
	g.SpecReports[len(g.SpecReports)-3].Failure.ForwardedPanic = "runtime error: nil map"
	var got []string
	for _, r := range reports.ResultsFromGinkgo(g) {
		got = append(got, r.ID+" "+string(r.Outcome))
	}
	want := []string{
		"login.status-ok passed", "login.token-last failed", "logout.repeat-zero error", "login.bad-credentials-zero skipped",
		"auth.basic-accepted error", "auth.bogus-rejected skipped",
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("results = %q, want %q", got, want)
	}
	if r := reports.ResultsFromGinkgo(g)[4]; !strings.Contains(r.Message, "uccheck bug") || !strings.Contains(r.Message, "nil map") {
		t.Errorf("a panicked check says %q, want a uccheck bug with the panic", r.Message)
	}
}

func TestJUnit(t *testing.T) {
	g := ginkgoReport()
	data, err := reports.JUnit(g, judgedRun(g))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(xml.Header)) {
		t.Errorf("no XML header: %.60s", data)
	}
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the JUnit does not parse: %v\n%s", err, data)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d testsuites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	if doc.Tests != 4 || doc.Failures != 1 || doc.Errors != 1 || doc.Disabled != 1 {
		t.Errorf("testsuites tests/failures/errors/disabled = %d/%d/%d/%d, want 4/1/1/1", doc.Tests, doc.Failures, doc.Errors, doc.Disabled)
	}
	if s.Tests != 4 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 1 || s.Time != 1.5 {
		t.Errorf("testsuite tests/failures/errors/skipped/time = %d/%d/%d/%d/%g, want 4/1/1/1/1.5", s.Tests, s.Failures, s.Errors, s.Skipped, s.Time)
	}
	if s.Name != target || property(s.Properties, "target") != target || property(s.Properties, "uccheck.version") != "1.2.3" || property(s.Properties, "user") != "Bob" {
		t.Errorf("testsuite %q, properties %+v", s.Name, s.Properties)
	}
	if len(s.Cases) != 4 {
		t.Fatalf("%d testcases, want 4", len(s.Cases))
	}
	type want struct {
		name, status            string
		time                    float64
		failure, error, skipped bool
	}
	wants := []want{
		{"[login.status-ok] getUserToken answers valid credentials with HTTP 200", "passed", 0.012, false, false, false},
		{"[login.token-last] getUserToken puts the token last", "failed", 0.003, true, false, false},
		{"[logout.repeat-zero] EndSession answers 0 for a token already ended", "error", 2, false, true, false},
		{"[login.bad-credentials-zero] getUserToken answers 0 to credentials that cannot exist", "skipped", 0, false, false, true},
	}
	for i, w := range wants {
		c := s.Cases[i]
		if c.Name != w.name || c.Status != w.status || c.Time != w.time || c.Classname != target {
			t.Errorf("testcase %d = %q %s %gs (%s), want %q %s %gs", i, c.Name, c.Status, c.Time, c.Classname, w.name, w.status, w.time)
		}
		if (c.Failure != nil) != w.failure || (c.Error != nil) != w.error || (c.Skipped != nil) != w.skipped {
			t.Errorf("%s: failure %v, error %v, skipped %v; want %t, %t, %t", c.Name, c.Failure, c.Error, c.Skipped, w.failure, w.error, w.skipped)
		}
		if id := strings.TrimPrefix(strings.Fields(c.Name)[0], "["); property(c.Properties, "check")+"]" != id || property(c.Properties, "see") != "docs/checks.md#"+property(c.Properties, "check") {
			t.Errorf("%s: properties %+v", c.Name, c.Properties)
		}
	}
	if f := s.Cases[1].Failure; f != nil {
		if !strings.HasPrefix(f.Message, "expected: a JSON array whose last element is the token; actual: HTTP 200") || strings.Contains(f.Message, "\n") {
			t.Errorf("failure message %q: want its expected and actual lines on one line", f.Message)
		}
		if !strings.Contains(f.Text, "see: docs/checks.md#login.token-last") {
			t.Errorf("failure text %q lacks the see: line", f.Text)
		}
	}
	if e := s.Cases[2].Error; e != nil && (e.Type != "timeout" || !strings.Contains(e.Message, "could not be made")) {
		t.Errorf("error %+v: want type timeout and the first line", e)
	}
	if out := s.Cases[0].SystemOut; out != "POST "+target+"/Integra/resources/auth/getUserToken -> HTTP/2.0 200 (12ms)" {
		t.Errorf("system-out = %q", out)
	}
	wantNoSecret(t, data)
}

// wantNoSecret decodes the XML and checks that no attribute or text holds a secret in any form.
func wantNoSecret(t *testing.T, data []byte) {
	t.Helper()
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			for _, a := range x.Attr {
				texts = append(texts, a.Value)
			}
		case xml.CharData:
			texts = append(texts, string(x))
		}
	}
	texts = append(texts, string(data))
	redacted := false
	for _, text := range texts {
		redacted = redacted || strings.Contains(text, reports.Redacted)
		for _, secret := range []string{password, token} {
			for name, form := range forms(secret) {
				if strings.Contains(text, form) {
					t.Errorf("the JUnit holds a secret (%s): %q", name, text)
				}
			}
		}
	}
	if !redacted {
		t.Error("nothing was redacted: the test's secrets never reached the report, so it proves nothing")
	}
}

func TestWriteJUnit(t *testing.T) {
	g := ginkgoReport()
	run := judgedRun(g)
	path := filepath.Join(t.TempDir(), "report.xml")
	if err := reports.WriteJUnit(path, g, reports.FleetOf(run)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := reports.JUnit(g, run)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("WriteJUnit wrote other bytes than JUnit returns")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xml")
	if err := os.WriteFile(path, []byte("old report, longer than the new one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteFileAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Errorf("the file holds %q, want %q", got, "new")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, %v; want 0644", fi.Mode(), err)
	}
	wantOnly(t, dir, "report.xml")

	// A failed write (the rename onto a folder fails) leaves no temporary file behind.
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteFileAtomic(filepath.Join(dir, "sub"), []byte("x")); err == nil {
		t.Error("WriteFileAtomic onto a folder: want an error")
	}
	wantOnly(t, dir, "report.xml", "sub")
	if err := reports.WriteFileAtomic(filepath.Join(dir, "missing", "r.xml"), []byte("x")); err == nil {
		t.Error("WriteFileAtomic into a missing folder: want an error")
	}
	wantOnly(t, dir, "report.xml", "sub")
}

func wantOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("the folder holds %q, want only %q", got, names)
	}
}
