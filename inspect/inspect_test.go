package inspect_test

import (
	"slices"
	"testing"
	"time"

	"github.com/uccheck/uccheck/fleet"
	"github.com/uccheck/uccheck/inspect"
)

// planOpts are run's defaults, as cmd/uccheck sets them.
func planOpts() fleet.Options {
	return fleet.Options{Timeout: time.Second, MaxBody: 1 << 20, Parallel: 1, TokenScheme: "Basic", ScriptTimeout: time.Second}
}

// TestRequestsAreThePlan: inspect lists what run sends; --only auth.basic-accepted needs the
// login and the logout around its probe.
func TestRequestsAreThePlan(t *testing.T) {
	for _, only := range [][]string{nil, {"auth.basic-accepted"}, {"transport"}, {"logout.bad-token-zero"}} {
		o := planOpts()
		o.Only = only
		res, err := fleet.Plan(o)
		if err != nil {
			t.Fatal(err)
		}
		in := inspect.Inspect(res)
		var got, want []string
		for i, r := range in.Requests {
			if r.Step == "cleanup" { // the conditional EndSession of a session left open, last
				if !r.Conditional || r.Path != "/Integra/resources/auth/EndSession" || i != len(in.Requests)-1 {
					t.Errorf("--only %q: cleanup %+v at %d: want the conditional EndSession, last", only, r, i)
				}
				continue
			}
			got = append(got, r.Step)
		}
		for _, s := range res.Plan.Steps {
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
