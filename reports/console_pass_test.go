package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestConsoleCollectionPass(t *testing.T) {
	run := &Run{
		Duration:    1500 * time.Millisecond,
		PassSummary: "3 requests sent",
		Redactor:    NewRedactor([]string{"s3cret-token"}),
		Results: []Result{
			{CheckEntry: CheckEntry{ID: "login.status-ok", Title: "getUserToken answers valid credentials with HTTP 200", Anchor: "docs/checks.md#login.status-ok"}, Outcome: Passed},
			{CheckEntry: CheckEntry{Kind: KindTest, Title: "Auth / login › answers 200"}, Outcome: Passed},
			{CheckEntry: CheckEntry{Kind: KindTest, Title: "Auth / login › token s3cret-token is last"}, Outcome: Failed, Message: "expected 'x' to equal 's3cret-token'"},
			{CheckEntry: CheckEntry{Kind: KindTest, Title: "Auth / login › later"}, Outcome: Skipped, Message: "pm.test.skip"},
			{CheckEntry: CheckEntry{Kind: KindError, Title: "Auth / login › script error", ErrorKind: "script"}, Outcome: Errored, Message: "item \"Auth / login\": test script of the item, line 3: ReferenceError: x is not defined"},
		},
	}
	var b bytes.Buffer
	if err := Console(&b, run, ConsoleOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `  ✓ login.status-ok  getUserToken answers valid credentials with HTTP 200
collection pass (3 requests sent):
  ✓ Auth / login › answers 200
  ✗ Auth / login › token [redacted] is last
      expected 'x' to equal '[redacted]'
  - Auth / login › later
  ! Auth / login › script error
      error: item "Auth / login": test script of the item, line 3: ReferenceError: x is not defined
1 checks: 1 passed, 0 failed, 0 errors, 0 skipped in 1.5s; 4 collection tests: 1 passed, 1 failed, 1 errors, 1 skipped
`
	if got := b.String(); got != want {
		t.Errorf("console:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(b.String(), "s3cret") {
		t.Error("a secret leaked")
	}
}
