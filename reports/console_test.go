package reports_test

import (
	"bytes"
	goldenflag "github.com/uccheck/uccheck/internal/golden"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/reports"
)

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenflag.Assert(t, filepath.Join("testdata", name), got)
}

func result(id, title string, o reports.Outcome, latency time.Duration, msg string) reports.Result {
	return reports.Result{
		CheckEntry: reports.CheckEntry{ID: id, Title: title, Anchor: "docs/checks.md#" + id, Latency: latency,
			Request: "POST https://acme.example/Integra/resources/auth/getUserToken", Answer: "HTTP/2.0 200"},
		Outcome: o, Message: msg,
	}
}

// mixedRun has one result of each outcome, and secrets in its messages.
func mixedRun() *reports.Run {
	return &reports.Run{
		Version: "1.2.3", Target: "https://acme.example", Collection: "embedded:api-security.postman_collection.json",
		User: "Bob", Duration: 1234 * time.Millisecond,
		Results: []reports.Result{
			result("login.status-ok", "getUserToken answers valid credentials with HTTP 200", reports.Passed, 12*time.Millisecond, ""),
			result("login.token-last", "getUserToken puts the token last", reports.Failed, 850*time.Microsecond,
				"getUserToken with the real credentials (item \"getUserToken\")\n  expected: a JSON array whose last element is the token\n  actual:   HTTP 200 with JSON: a string: `\""+token+"\"`\n"),
			result("logout.repeat-zero", "EndSession answers 0 for a token already ended", reports.Errored, 2*time.Second,
				"EndSession of the ended token, again: could not be made: timeout: no complete answer within 2s (--timeout)\nuser=Bob&token="+token),
			result("login.bad-credentials-zero", "getUserToken answers 0 to credentials that cannot exist", reports.Skipped, 0,
				"skipped on request (--skip login.bad-credentials-zero)"),
		},
		Redactor: reports.NewRedactor([]string{password, token}),
	}
}

func TestConsole(t *testing.T) {
	allPassed := mixedRun()
	allPassed.Results = allPassed.Results[:1]
	aborted := mixedRun()
	aborted.Aborted = "target unreachable at login (connection refused: dial tcp 127.0.0.1:1)"
	tests := []struct {
		name    string
		run     *reports.Run
		color   bool
		summary string
	}{
		{"mixed", mixedRun(), false, "4 checks: 1 passed, 1 failed, 1 errors, 1 skipped in 1.2s"},
		{"mixed-color", mixedRun(), true, "4 checks: 1 passed, 1 failed, 1 errors, 1 skipped in 1.2s"},
		{"all-passed", allPassed, false, "1 checks: 1 passed, 0 failed, 0 errors, 0 skipped in 1.2s"},
		{"aborted", aborted, false, "the flow stopped early: target unreachable at login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := reports.Console(&b, tt.run, reports.ConsoleOptions{Color: tt.color}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, tt.summary) {
				t.Errorf("output lacks %q:\n%s", tt.summary, out)
			}
			if hasANSI := strings.Contains(out, "\x1b["); hasANSI != tt.color {
				t.Errorf("ANSI colours = %t, want %t", hasANSI, tt.color)
			}
			for name, form := range forms(token) {
				if strings.Contains(out, form) {
					t.Errorf("the output prints the token (%s):\n%s", name, out)
				}
			}
			golden(t, "console-"+tt.name+".golden", b.Bytes())
		})
	}
}

func TestConsoleLines(t *testing.T) {
	var b bytes.Buffer
	if err := reports.Console(&b, mixedRun(), reports.ConsoleOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// One line per check with its mark, then what each failure, error or skip says.
	for _, line := range []string{
		"  ✓ login.status-ok             getUserToken answers valid credentials with HTTP 200  12ms\n",
		"  ✗ login.token-last            getUserToken puts the token last  850µs\n",
		"      expected: a JSON array whose last element is the token\n",
		"      see: docs/checks.md#login.token-last\n",
		"  ! logout.repeat-zero          EndSession answers 0 for a token already ended  2.0s\n",
		"      error (could not ask): EndSession of the ended token, again: could not be made: timeout",
		"      user=Bob&token=[redacted]\n",
		"  - login.bad-credentials-zero  getUserToken answers 0 to credentials that cannot exist\n",
		"      skipped: skipped on request (--skip login.bad-credentials-zero)\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, "see: docs/checks.md#login.status-ok") || strings.Contains(out, "see: docs/checks.md#login.bad-credentials-zero") {
		t.Errorf("a passed or skipped check has a see: line:\n%s", out)
	}
}

func TestCounts(t *testing.T) {
	c := mixedRun().Counts()
	if c != (reports.Counts{Passed: 1, Failed: 1, Errors: 1, Skipped: 1}) || c.Total() != 4 {
		t.Errorf("Counts() = %+v, Total %d", c, c.Total())
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0µs"},
		{850 * time.Microsecond, "850µs"},
		{time.Millisecond, "1ms"},
		{999 * time.Millisecond, "999ms"},
		{time.Second, "1.0s"},
		{1250 * time.Millisecond, "1.2s"},
		{90 * time.Second, "90.0s"},
	}
	for _, tt := range tests {
		if got := reports.FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
