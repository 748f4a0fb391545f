package suites_test

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

// handTranscript is a run written by hand: every step answered as documented, except that the
// never-issued token is accepted by the probe (auth.bogus-rejected fails) and the repeated
// EndSession timed out (logout.repeat-zero is an error).
func handTranscript() *runner.Transcript {
	const target = "https://acme.example"
	ex := func(step runner.Step, item string, status int, body string) *runner.Exchange {
		e := answer(status, body)
		e.Step, e.Item = step, "API Security / "+item
		e.Request.URL = target + "/Integra/resources/" + item
		e.Timings.Total = time.Duration(len(step)) * time.Millisecond
		return e
	}
	timedOut := ex(runner.StepLogoutRepeat, "auth/EndSession", 0, "")
	timedOut.Response, timedOut.Err = nil, &runner.Error{Kind: runner.ErrTimeout, Message: "no complete answer within 1s (--timeout)"}
	return &runner.Transcript{
		Target: target, User: "Admin", Token: goodToken,
		Exchanges: []*runner.Exchange{
			ex(runner.StepLogin, "auth/getUserToken", http.StatusOK, `[{"user":"Admin"},"SuperUser","`+goodToken+`"]`),
			ex(runner.StepLoginBad, "auth/getUserToken", http.StatusOK, "0"),
			ex(runner.StepProbeNoAuth, "Supervisor/campaignstatus", http.StatusUnauthorized, ""),
			ex(runner.StepProbeBogus, "Supervisor/campaignstatus", http.StatusOK, `{"Ventas":{}}`),
			ex(runner.StepProbe, "Supervisor/campaignstatus", http.StatusOK, `{"Ventas":{}}`),
			ex(runner.StepLogout, "auth/EndSession", http.StatusOK, "1"),
			ex(runner.StepProbeEnded, "Supervisor/campaignstatus", http.StatusUnauthorized, ""),
			timedOut,
			ex(runner.StepLogoutBogus, "auth/EndSession", http.StatusOK, "0"),
		},
		Secrets: []string{goodToken},
	}
}

// ginkgoRefuses says why Ginkgo would exit the test process instead of running: it refuses the
// go test flags -count (other than 1) and -parallel.
func ginkgoRefuses() string {
	why := ""
	flag.Visit(func(f *flag.Flag) {
		switch {
		case f.Name == "test.count" && f.Value.String() != "1":
			why = "-count=" + f.Value.String()
		case f.Name == "test.parallel":
			why = "-parallel"
		}
	})
	return why
}

// TestJudge is the one test of this binary that runs Ginkgo: Judge runs once per process.
func TestJudge(t *testing.T) {
	if why := ginkgoRefuses(); why != "" {
		t.Skipf("Ginkgo exits the process under go test %s; run without it to judge", why)
	}
	sel, err := suites.Select(nil, []string{"login.token-shape"})
	if err != nil {
		t.Fatal(err)
	}
	report, err := suites.Judge(handTranscript(), sel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := suites.Judge(handTranscript(), sel); !errors.Is(err, suites.ErrJudgedTwice) {
		t.Errorf("a second Judge = %v, want ErrJudgedTwice", err)
	}
	if report.SuiteDescription != suites.SuiteName {
		t.Errorf("SuiteDescription = %q, want %q", report.SuiteDescription, suites.SuiteName)
	}

	want := map[string]types.SpecState{
		"auth.bogus-rejected": types.SpecStateFailed,
		"logout.repeat-zero":  types.SpecStateFailed,
		"login.token-shape":   types.SpecStateSkipped,
	}
	var specs []types.SpecReport
	for _, sr := range report.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt {
			specs = append(specs, sr)
		}
	}
	if len(specs) != len(suites.Checks) {
		t.Fatalf("%d specs, want %d", len(specs), len(suites.Checks))
	}
	for i, c := range suites.Checks {
		sr := specs[i]
		if text := fmt.Sprintf("[%s] %s", c.ID, c.Title); sr.LeafNodeText != text {
			t.Errorf("spec %d is %q, want %q (the order of Checks)", i, sr.LeafNodeText, text)
		}
		if len(sr.ContainerHierarchyTexts) != 2 || sr.ContainerHierarchyTexts[1] != "https://acme.example" {
			t.Errorf("spec %d containers = %q, want the target", i, sr.ContainerHierarchyTexts)
		}
		state, ok := want[c.ID]
		if !ok {
			state = types.SpecStatePassed
		}
		if sr.State != state {
			t.Errorf("%s: state %s, want %s (%s)", c.ID, sr.State, state, sr.Failure.Message)
		}
	}

	// The results reports builds from the report: outcomes, entries and messages.
	results := reports.ResultsFromGinkgo(report)
	if len(results) != len(suites.Checks) {
		t.Fatalf("%d results, want %d", len(results), len(suites.Checks))
	}
	outcomes := map[string]reports.Outcome{
		"auth.bogus-rejected": reports.Failed,
		"logout.repeat-zero":  reports.Errored,
		"login.token-shape":   reports.Skipped,
	}
	for i, r := range results {
		c := suites.Checks[i]
		o, ok := outcomes[c.ID]
		if !ok {
			o = reports.Passed
		}
		if r.ID != c.ID || r.Outcome != o || r.Anchor != c.Anchor() {
			t.Errorf("result %d = %s %s %s, want %s %s", i, r.ID, r.Outcome, r.Anchor, c.ID, o)
		}
		switch c.ID {
		case "auth.bogus-rejected":
			for _, part := range []string{"the probe with a never-issued token", "expected:", "actual:   HTTP 200"} {
				if !strings.Contains(r.Message, part) {
					t.Errorf("%s: message %q lacks %q", c.ID, r.Message, part)
				}
			}
		case "logout.repeat-zero":
			if r.ErrorKind != string(runner.ErrTimeout) || !strings.Contains(r.Message, "could not be made") {
				t.Errorf("%s: ErrorKind %q, message %q; want a timeout that could not be made", c.ID, r.ErrorKind, r.Message)
			}
		case "login.token-shape":
			if !strings.Contains(r.Message, "--skip login.token-shape") {
				t.Errorf("%s: skip reason %q", c.ID, r.Message)
			}
		case "transport.https":
			if r.Step != "every exchange" || r.Request != "POST https://acme.example/Integra/resources/auth/getUserToken" || r.Answer != "HTTP/2.0 200" {
				t.Errorf("%s: entry %+v: a check over every exchange reports the login", c.ID, r.CheckEntry)
			}
		}
	}
}
