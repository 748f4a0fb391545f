package fleet

import (
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

// PlanResult is what a run with some options would send to a target, computed without sending
// anything: the plan of the first collection (the target does not change what is sent).
type PlanResult struct {
	Collection *collections.Collection
	Roles      collections.Roles
	RolesErr   error // why the role items were not found; then no contract step can be built
	Selection  suites.Selection
	Vars       map[string]string // --var
	Plan       *runner.RunPlan   // the contract steps, then the collection pass's items
	// Problems say why a run with these options would stop before sending anything
	// (runner.Validate and runner.Check, as Run asks them).
	Problems []string
}

// PlanTarget is the placeholder target a plan is computed for.
const PlanTarget = "https://tenant.invalid"

// Plan turns opts into what a run would send, through the same preparation as Run (collection
// loading, role resolution, check selection, item selection, API-token handling), so that
// `uccheck inspect` prints what `uccheck run` executes. The error is a *UsageError when the
// options or local files are wrong.
func Plan(opts Options) (*PlanResult, error) {
	o := &opts
	o.planOnly = true
	p, err := o.prepare()
	if err != nil {
		return nil, err
	}
	t := p.units[0]
	t.Base, t.User, t.Password, t.APIToken, t.Where = PlanTarget, o.User, "placeholder", o.APIToken, "plan"
	if t.User == "" {
		t.User = "user"
	}
	optsFor, passOptsFor := p.optsFuncs(o, nil)
	ro, po := optsFor(t), passOptsFor(t)
	res := &PlanResult{Collection: t.coll, Roles: t.roles, RolesErr: t.rolesErr, Selection: p.sel, Vars: p.vars, Plan: runner.Plan(ro, po)}
	if t.rolesErr == nil {
		if err := runner.Validate(ro); err != nil {
			res.Problems = append(res.Problems, err.Error())
		}
	}
	if len(t.passItems) > 0 {
		if err := runner.Check(po); err != nil {
			res.Problems = append(res.Problems, err.Error())
		}
	}
	return res, nil
}
