package inspect_test

import (
	"slices"
	"testing"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/inspect"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

// TestRequestsAreThePlan: inspect lists what run sends; --only auth.basic-accepted needs the
// login and the logout around its probe.
func TestRequestsAreThePlan(t *testing.T) {
	c := collections.Embedded()
	roles, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	for _, only := range [][]string{nil, {"auth.basic-accepted"}, {"transport"}, {"logout.bad-token-zero"}} {
		sel, err := suites.Select(only, nil)
		if err != nil {
			t.Fatal(err)
		}
		in := inspect.Inspect(c, roles, nil, sel, nil)
		var got, want []string
		for _, r := range in.Requests {
			got = append(got, r.Step)
		}
		for _, s := range runner.Plan(runner.Options{Roles: roles, Steps: sel.Steps()}, runner.PassOptions{}).Steps {
			want = append(want, string(s.Step))
		}
		if !slices.Equal(got, want) {
			t.Errorf("--only %q: inspect lists %q, the run sends %q", only, got, want)
		}
		if only != nil && only[0] == "auth.basic-accepted" && !slices.Equal(got, []string{"login", "probe", "logout"}) {
			t.Errorf("--only auth.basic-accepted: inspect lists %q, want login, probe, logout", got)
		}
	}
}
