package suites_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// faultCheck maps each simulator fault to the one check it must fail.
var faultCheck = map[ucsim.Fault]string{
	ucsim.FaultLoginStatus:       "login.status-ok",
	ucsim.FaultBareStringToken:   "login.json-array",
	ucsim.FaultTokenFirst:        "login.token-last",
	ucsim.FaultOpaqueToken:       "login.token-shape",
	ucsim.FaultAnyUserLogin:      "login.bad-credentials-zero",
	ucsim.FaultPlainHTTP:         "transport.https",
	ucsim.FaultHTTP1Only:         "transport.http2",
	ucsim.FaultCertExpiring:      "transport.cert-valid",
	ucsim.FaultBasicRejected:     "auth.basic-accepted",
	ucsim.FaultNoAuthAccepted:    "auth.missing-rejected",
	ucsim.FaultBogusAccepted:     "auth.bogus-rejected",
	ucsim.FaultLogoutOKText:      "logout.ok-one",
	ucsim.FaultNoRevocation:      "logout.token-revoked",
	ucsim.FaultRepeatLogoutOne:   "logout.repeat-zero",
	ucsim.FaultBadTokenLogoutOne: "logout.bad-token-zero",
}

// faultSkips are the checks a fault makes unjudgeable: their Pre says why, naming the check
// that failed instead.
var faultSkips = map[ucsim.Fault][]string{
	ucsim.FaultBareStringToken: {"login.token-last"},
	ucsim.FaultPlainHTTP:       {"transport.http2", "transport.cert-valid"},
	ucsim.FaultBasicRejected:   {"logout.token-revoked"},
}

// transcript runs the whole flow of the embedded collection against a simulator with the faults.
func transcript(t *testing.T, faults ...ucsim.Fault) *runner.Transcript {
	t.Helper()
	sim := ucsim.New(ucsim.Options{Faults: faults})
	defer sim.Close()
	c := collections.Embedded()
	roles, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := runner.Run(context.Background(), runner.Options{
		BaseURL: sim.URL, User: sim.User(), Password: sim.Password(),
		CollectionVars: c.Variables, Roles: roles, Source: c.Source,
		Client: runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()}), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range runner.Flow {
		if ex := tr.Get(s); ex == nil || ex.Err != nil {
			t.Fatalf("faults %v: step %s was not answered: %+v", faults, s, ex)
		}
	}
	return tr
}

type outcome string

const (
	passed  outcome = "passed"
	failed  outcome = "failed"
	skipped outcome = "skipped"
)

// judgeFailure is what the fail handler panics with.
type judgeFailure struct{ message string }

// evaluate judges one check as its spec does, without Ginkgo: Pre, then Judge with a Gomega
// whose fail handler panics with a judgeFailure that evaluate recovers.
func evaluate(c *suites.Check, tr *runner.Transcript) (out outcome, message string) {
	if c.Pre != nil {
		if why := c.Pre(tr); why != "" {
			return skipped, why
		}
	}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(judgeFailure)
			if !ok {
				panic(r)
			}
			out, message = failed, f.message
		}
	}()
	g := gomega.NewGomega(func(message string, _ ...int) { panic(judgeFailure{message}) })
	c.Judge(g, tr)
	return passed, ""
}

func TestFaultsCoverEveryCheck(t *testing.T) {
	if len(faultCheck) != len(ucsim.Faults) {
		t.Errorf("faultCheck maps %d faults, the simulator has %d", len(faultCheck), len(ucsim.Faults))
	}
	var ids []string
	for _, f := range ucsim.Faults {
		id, ok := faultCheck[f]
		if !ok {
			t.Errorf("fault %s maps to no check", f)
		}
		ids = append(ids, id)
	}
	// One fault per check, in the order of the checks.
	if !slices.Equal(ids, suites.IDs()) {
		t.Errorf("the faults break %v, want every check once, in order: %v", ids, suites.IDs())
	}
}

func TestChecksPassOnAHonestServer(t *testing.T) {
	tr := transcript(t)
	for _, c := range suites.Checks {
		if out, msg := evaluate(c, tr); out != passed {
			t.Errorf("%s: %s on a clean simulator: %s", c.ID, out, msg)
		}
	}
}

func TestEachFaultFailsOnlyItsCheck(t *testing.T) {
	for _, fault := range ucsim.Faults {
		t.Run(string(fault), func(t *testing.T) {
			tr := transcript(t, fault)
			var failedIDs, skippedIDs []string
			for _, c := range suites.Checks {
				out, msg := evaluate(c, tr)
				switch out {
				case failed:
					failedIDs = append(failedIDs, c.ID)
					if c.ID == faultCheck[fault] {
						wantFailureMessage(t, c, tr, msg)
					}
				case skipped:
					skippedIDs = append(skippedIDs, c.ID)
					if !strings.Contains(msg, "(see "+faultCheck[fault]+")") {
						t.Errorf("%s skipped with %q: want it to point at %s", c.ID, msg, faultCheck[fault])
					}
				}
			}
			if want := []string{faultCheck[fault]}; !slices.Equal(failedIDs, want) {
				t.Errorf("failed checks = %v, want only %v", failedIDs, want)
			}
			if !slices.Equal(skippedIDs, faultSkips[fault]) {
				t.Errorf("skipped checks = %v, want %v", skippedIDs, faultSkips[fault])
			}
		})
	}
}

// wantFailureMessage asserts that a failure says which request it judged, what was expected and
// what came, and prints no secret.
func wantFailureMessage(t *testing.T, c *suites.Check, tr *runner.Transcript, msg string) {
	t.Helper()
	step := c.Step
	if step == "" {
		step = runner.StepLogin
	}
	ex := tr.Get(step)
	for _, part := range []string{"expected:", "actual:", fmt.Sprintf("item %q", ex.Item)} {
		if !strings.Contains(msg, part) {
			t.Errorf("%s: failure message %q lacks %q", c.ID, msg, part)
		}
	}
	if c.ID == "login.token-shape" && strings.Contains(msg, tr.Token) {
		t.Errorf("%s: failure message %q prints the token", c.ID, msg)
	}
}

func TestChecksAreDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range suites.Checks {
		if seen[c.ID] {
			t.Errorf("check ID %s is used twice", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Doc == "" || c.Judge == nil {
			t.Errorf("%s: Title, Doc and Judge must be set", c.ID)
		}
		if c.Anchor() != suites.DocsURL+"#"+c.ID {
			t.Errorf("%s: Anchor() = %q", c.ID, c.Anchor())
		}
		if got, ok := suites.Lookup(c.ID); !ok || got != c {
			t.Errorf("Lookup(%s) = %v, %t", c.ID, got, ok)
		}
	}
	if _, ok := suites.Lookup("login"); ok {
		t.Error("Lookup(group) found a check")
	}
}

func TestSelect(t *testing.T) {
	all := suites.IDs()
	tests := []struct {
		name       string
		only, skip []string
		judged     []string
		reason     string // part of every exclusion's reason
	}{
		{"everything", nil, nil, all, ""},
		{"only a group", []string{"logout"}, nil,
			[]string{"logout.bad-token-zero", "logout.ok-one", "logout.repeat-zero", "logout.token-revoked"}, "not selected (--only logout)"},
		{"only a check and a group", []string{"login.token-last", "transport"}, nil,
			[]string{"login.token-last", "transport.cert-valid", "transport.http2", "transport.https"}, "--only login.token-last,transport"},
		{"skip a check", nil, []string{"login.bad-credentials-zero"},
			without(all, "login.bad-credentials-zero"), "skipped on request (--skip login.bad-credentials-zero)"},
		{"skip a group", nil, []string{"auth"},
			without(all, "auth.basic-accepted", "auth.missing-rejected", "auth.bogus-rejected"), "--skip auth"},
		{"only a group, skip one of it", []string{"logout"}, []string{"logout.ok-one"},
			[]string{"logout.bad-token-zero", "logout.repeat-zero", "logout.token-revoked"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := suites.Select(tt.only, tt.skip)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(tt.judged)
			sort.Strings(want)
			if got := sel.Judged(); !slices.Equal(got, want) {
				t.Errorf("Judged() = %v, want %v", got, want)
			}
			if len(sel.Excluded)+len(want) != len(all) {
				t.Errorf("%d excluded and %d judged, want %d in all", len(sel.Excluded), len(want), len(all))
			}
			for id, why := range sel.Excluded {
				if !strings.Contains(why, tt.reason) {
					t.Errorf("Excluded[%s] = %q, want it to contain %q", id, why, tt.reason)
				}
			}
		})
	}
}

// without returns a copy of list without the dropped values.
func without[T comparable](list []T, drop ...T) []T {
	return slices.DeleteFunc(slices.Clone(list), func(v T) bool { return slices.Contains(drop, v) })
}

func TestSelectUnknown(t *testing.T) {
	tests := []struct {
		name       string
		only, skip []string
	}{
		{"unknown --only", []string{"login.nope"}, nil},
		{"unknown --skip", nil, []string{"nope"}},
		{"a prefix that is no group", nil, []string{"log"}},
		{"a partial ID", []string{"login.token"}, nil},
		{"one bad among good", []string{"logout", "tls"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := suites.Select(tt.only, tt.skip)
			if err == nil {
				t.Fatal("Select: want an error")
			}
			bad := append(slices.Clone(tt.only), tt.skip...)
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", bad[len(bad)-1])) {
				t.Errorf("error %q does not name the unknown check", err)
			}
			for _, id := range suites.IDs() {
				if !strings.Contains(err.Error(), id) {
					t.Errorf("error %q does not list the known check %s", err, id)
				}
			}
		})
	}
}

func TestSelectionSteps(t *testing.T) {
	tests := []struct {
		name       string
		only, skip []string
		want       []runner.Step
	}{
		{"everything", nil, nil, runner.Flow},
		{"no failed login", nil, []string{"login.bad-credentials-zero"}, without(runner.Flow, runner.StepLoginBad)},
		{"transport needs a login", []string{"transport"}, nil, []runner.Step{runner.StepLogin}},
		{"revocation needs the live probe", []string{"logout.token-revoked"}, nil, []runner.Step{runner.StepProbe, runner.StepProbeEnded}},
		{"the probe without a header alone", []string{"auth.missing-rejected"}, nil, []runner.Step{runner.StepProbeNoAuth}},
		{"nothing of logout", nil, []string{"logout"}, []runner.Step{runner.StepLogin, runner.StepLoginBad, runner.StepProbeNoAuth, runner.StepProbeBogus, runner.StepProbe}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := suites.Select(tt.only, tt.skip)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Collect(maps.Keys(sel.Steps()))
			slices.SortFunc(got, func(a, b runner.Step) int { return slices.Index(runner.Flow, a) - slices.Index(runner.Flow, b) })
			if !slices.Equal(got, tt.want) {
				t.Errorf("Steps() = %v, want %v", got, tt.want)
			}
			for s, on := range sel.Steps() {
				if !on {
					t.Errorf("Steps()[%s] = false: a step is listed only when it is sent", s)
				}
			}
		})
	}
}

// TestFailureMessageKeepsPercentInURL: the request line of a failure is text, not a format: a URL
// with %20 in it must come out as sent (a mangled "%!P(MISSING)" would also defeat redaction of
// what it held).
func TestFailureMessageKeepsPercentInURL(t *testing.T) {
	tr := transcript(t, ucsim.FaultLoginStatus)
	ex := tr.Get(runner.StepLogin)
	ex.Request.URL += "?p=S3cr3t%20P@ss"
	for _, c := range suites.Checks {
		if c.ID != "login.status-ok" {
			continue
		}
		out, msg := evaluate(c, tr)
		if out != failed {
			t.Fatalf("login.status-ok with the status fault: %v, want failed", out)
		}
		if !strings.Contains(msg, "?p=S3cr3t%20P@ss") || strings.Contains(msg, "MISSING") {
			t.Errorf("failure message mangles the URL: %q", msg)
		}
	}
}
