// Package inspect describes, without sending anything, what a run of uccheck would do with a
// collection: its items, the role items and their variables, the requests of the run's plan
// (runner.Plan, the same plan runner.Run executes) and the checks that would be judged.
package inspect

import (
	"errors"
	"fmt"
	"strings"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/fleet"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

// Inspection is what `uccheck inspect --json` prints. Its field names are a stable interface,
// documented in docs/collections.md#inspect-json.
type Inspection struct {
	Source        string           `json:"source"`         // file path, or the embedded collection's name
	Name          string           `json:"name"`           // info.name
	Schema        string           `json:"schema"`         // info.schema
	SchemaVersion string           `json:"schema_version"` // "v2.1.0", from the schema URL
	Items         []InspectItem    `json:"items"`          // every request, in collection order
	Roles         []InspectRole    `json:"roles"`          // login, probe, logout
	Requests      []InspectRequest `json:"requests"`       // what a run sends, in order
	Checks        []InspectCheck   `json:"checks"`         // every check, in report order
	APIToken      bool             `json:"api_token"`      // API-token mode: no login, no EndSession, no pass
	ItemsLeft     []InspectLeft    `json:"items_left"`     // items the collection pass does not run, and why
	SkippedSteps  []InspectSkipped `json:"skipped_steps"`  // contract steps a run does not send, and why
	Runnable      bool             `json:"runnable"`       // a run with these flags would start
	Problems      []string         `json:"problems"`       // why it would not
}

// InspectItem is one request item of the collection.
type InspectItem struct {
	Path      []string `json:"path"`                 // folder names, then the item's name
	Method    string   `json:"method"`               // upper case
	URL       string   `json:"url"`                  // the URL template, {{variables}} unresolved
	Role      string   `json:"role,omitempty"`       // "login", "probe", "logout", or absent
	Runs      bool     `json:"runs"`                 // a run sends it (a contract step or the collection pass)
	WriteHint string   `json:"write_hint,omitempty"` // why it looks like a write, when it does
}

// InspectRole is the item that fills one role of the flow.
type InspectRole struct {
	Role      string        `json:"role"`            // "login", "probe", "logout"
	Item      string        `json:"item"`            // the item's path, "Folder / Item"; "" when none
	How       string        `json:"how"`             // "path" (URL path match), "fallback" (first other item), "override", or "none"
	Why       string        `json:"why"`             // the same, for people
	Error     string        `json:"error,omitempty"` // when no item fills the role: what was looked for
	Variables []InspectVar  `json:"variables"`       // the variables the item's request needs
	Overrides []InspectNote `json:"set_by_uccheck"`  // parts of the request uccheck sets whatever the item says
}

// InspectVar is one variable a role item needs and where its value would come from.
type InspectVar struct {
	Name   string   `json:"name"`
	Source string   `json:"source"`          // "uccheck", "var" (--var), "collection", or "unset"
	Detail string   `json:"detail"`          // for people: which flag or value
	Value  string   `json:"value,omitempty"` // the collection's or --var value, when not secret
	Where  []string `json:"where"`           // where the item uses it: "URL", "header Authorization", "form field user", "body"
}

// InspectNote is one part of a request that uccheck sets itself.
type InspectNote struct {
	Part string `json:"part"` // "form field password", "header Authorization"
	Why  string `json:"why"`
}

// InspectRequest is one request a run sends.
type InspectRequest struct {
	Step   string `json:"step"` // the runner step, as in --verbose and the JUnit report; "pass" for the collection pass
	Role   string `json:"role"`
	Item   string `json:"item"`
	What   string `json:"what"`
	Phase  string `json:"phase"`  // "contract" (the flow's steps) or "pass" (the collection pass, after them)
	Method string `json:"method"` // upper case
	Path   string `json:"path"`   // the item's URL path, {{variables}} unresolved
	// Conditional: sent only when the session it uses exists (the login returned a token).
	Conditional bool `json:"conditional"`
}

// InspectSkipped is a contract step a run does not send.
type InspectSkipped struct {
	Step string `json:"step"`
	Why  string `json:"why"`
}

// InspectLeft is a collection item the pass leaves out.
type InspectLeft struct {
	Item string `json:"item"`
	Why  string `json:"why"`
}

// InspectCheck is one check and whether a run would judge it.
type InspectCheck struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Runs  bool   `json:"runs"`
	Why   string `json:"why,omitempty"` // why it would be skipped
}

// stepWhat says what each step sends.
var stepWhat = map[runner.Step]string{
	runner.StepLogin:        "getUserToken with the real credentials",
	runner.StepLoginBad:     "getUserToken with a user name that cannot exist",
	runner.StepProbeNoAuth:  "the probe without Authorization",
	runner.StepProbeBogus:   "the probe with a well-formed, never-issued token",
	runner.StepProbe:        "the probe with the live token",
	runner.StepLogout:       "EndSession of the live token",
	runner.StepProbeEnded:   "the probe with the ended token",
	runner.StepLogoutRepeat: "EndSession of the ended token, again",
	runner.StepLogoutBogus:  "EndSession of a never-issued token",
}

// Inspect describes what a run would do: a pure function of the plan fleet.Plan computed from
// the run's options (the collection, its roles or why they were not found, the check selection,
// the --var values and the run's plan).
func Inspect(res *fleet.PlanResult) *Inspection {
	c := res.Collection
	in := &Inspection{ItemsLeft: []InspectLeft{}, SkippedSteps: []InspectSkipped{}, APIToken: res.Plan.APIToken,
		Source: c.Source, Name: c.Name, Schema: c.Schema, SchemaVersion: collections.SchemaVersion(c.Schema),
		Items: []InspectItem{}, Roles: []InspectRole{}, Requests: []InspectRequest{}, Checks: []InspectCheck{}, Problems: []string{},
	}
	in.items(res)
	in.roles(res)
	in.requests(res)
	if len(in.Problems) == 0 {
		in.Problems = append(in.Problems, res.Problems...)
	}
	for _, ch := range suites.Checks {
		ic := InspectCheck{ID: ch.ID, Title: ch.Title, Runs: true}
		if why, out := res.Selection.Excluded[ch.ID]; out {
			ic.Runs, ic.Why = false, why
		}
		in.Checks = append(in.Checks, ic)
	}
	in.Runnable = len(in.Problems) == 0
	return in
}

func roleItems(roles collections.Roles) map[collections.Role]*collections.Item {
	return map[collections.Role]*collections.Item{
		collections.RoleLogin: roles.Login, collections.RoleProbe: roles.Probe, collections.RoleLogout: roles.Logout,
	}
}

// items lists every item of the collection, its role and whether the plan sends it.
func (in *Inspection) items(res *fleet.PlanResult) {
	roleOf := map[*collections.Item]collections.Role{}
	for r, it := range roleItems(res.Roles) {
		if it != nil {
			roleOf[it] = r
		}
	}
	sent := map[string]bool{} // the items the plan sends, by path
	for _, s := range res.Plan.Steps {
		sent[s.Item] = s.Item != ""
	}
	for _, it := range res.Plan.Items {
		sent[it.Item] = true
	}
	for _, it := range res.Collection.Items {
		ii := InspectItem{Path: it.Path, Method: it.Method, URL: it.URL, Runs: sent[it.PathString()] && (res.RolesErr == nil || len(res.Plan.Items) > 0)}
		if r, ok := roleOf[it]; ok {
			ii.Role = string(r)
		} else {
			ii.WriteHint = collections.WriteHint(it)
		}
		in.Items = append(in.Items, ii)
	}
}

// roles explains which item fills each role and why, and what its requests need.
func (in *Inspection) roles(res *fleet.PlanResult) {
	roles, roleErr := res.Roles, res.RolesErr
	byRole := roleItems(roles)
	var roleErrs *collections.RoleError
	errors.As(roleErr, &roleErrs)
	for _, r := range collections.AllRoles {
		ir := InspectRole{Role: string(r), Variables: []InspectVar{}, Overrides: []InspectNote{}}
		it := byRole[r]
		switch {
		case roleErr != nil && roleErrs != nil && roleErrs.Role == r:
			ir.How, ir.Error = "none", "no item: looked for "+roleErrs.Looked
			in.Problems = append(in.Problems, fmt.Sprintf("no item for the %s role (looked for %s)", r, roleErrs.Looked))
		case roleErr != nil && roleErrs == nil:
			ir.How, ir.Error = "none", roleErr.Error()
		case it == nil:
			ir.How, ir.Why = "none", "not looked for: an earlier role has no item"
		default:
			ir.Item, ir.Why = it.PathString(), roles.Why[r]
			switch {
			case strings.HasPrefix(ir.Why, collections.WhyOverride):
				ir.How = "override"
			case strings.HasPrefix(ir.Why, "first item"):
				ir.How = "fallback"
			default:
				ir.How = "path"
			}
			ir.Variables = itemVars(it, r, res.Collection.Variables, res.Vars)
			ir.Overrides = setByUccheck(r)
			for _, v := range ir.Variables {
				if v.Source == "unset" {
					in.Problems = append(in.Problems, fmt.Sprintf("item %q needs {{%s}}, which is not set (set it with --var %s=VALUE)", ir.Item, v.Name, v.Name))
				}
			}
		}
		in.Roles = append(in.Roles, ir)
	}
	if roleErr != nil && roleErrs == nil {
		in.Problems = append(in.Problems, roleErr.Error())
	}
}

// requests lists what the plan sends, in order, and what it leaves out.
func (in *Inspection) requests(res *fleet.PlanResult) {
	for _, s := range res.Plan.Steps {
		what := stepWhat[s.Step]
		if s.Why != "selected" {
			what += " (" + s.Why + ")"
		}
		in.Requests = append(in.Requests, InspectRequest{Step: string(s.Step), Role: string(s.Role), Item: s.Item, What: what,
			Phase: "contract", Method: s.Method, Path: s.Path, Conditional: s.NeedsToken})
	}
	if c := res.Plan.ContractCleanup; c != nil {
		in.Requests = append(in.Requests, cleanup(c, "contract",
			"EndSession of a session the flow did not end, one per session (only when the server opened one it should not have, or answered a login too late)"))
	}
	for _, it := range res.Plan.Items {
		in.Requests = append(in.Requests, InspectRequest{Step: "pass", Role: string(it.Role), Item: it.Item,
			What: "the item as the collection has it, scripts included", Phase: "pass", Method: it.Method, Path: it.Path})
	}
	if c := res.Plan.PassCleanup; c != nil {
		in.Requests = append(in.Requests, cleanup(c, "pass",
			"EndSession of each session the pass's items left open, one per session (only when one is)"))
	}
	for _, s := range res.Plan.Skipped {
		in.SkippedSteps = append(in.SkippedSteps, InspectSkipped{Step: string(s.Step), Why: s.Why})
	}
	for _, it := range res.Plan.ItemsLeft {
		in.ItemsLeft = append(in.ItemsLeft, InspectLeft{Item: it.Item, Why: it.Why})
	}
}

// setByUccheck lists what the runner sets in a role's requests whatever the item says.
func setByUccheck(r collections.Role) []InspectNote {
	switch r {
	case collections.RoleLogin:
		return []InspectNote{
			{Part: "form field user", Why: "--user (a user name that cannot exist for the negative login)"},
			{Part: "form field password", Why: "the password (a random one for the negative login)"},
		}
	case collections.RoleProbe:
		return []InspectNote{{Part: "header Authorization", Why: `"Basic <token>" (absent for the no-Authorization probe)`}}
	case collections.RoleLogout:
		return []InspectNote{
			{Part: "header Authorization", Why: `"Basic <token>" of the session being ended`},
			{Part: "form fields user and token", Why: "the session being ended"},
		}
	}
	return nil
}

// itemVars lists the {{variables}} an item's request uses (in the places the runner substitutes:
// URL, headers, urlencoded fields, raw body) and where each value would come from, with the
// runner's precedence: the token uccheck sets per request, then --var, then what uccheck sets
// (domain, user, password), then the collection's variables.
func itemVars(it *collections.Item, role collections.Role, collVars, vars map[string]string) []InspectVar {
	var order []string
	where := map[string][]string{}
	scan := func(s, place string) {
		for _, m := range runner.VarRef.FindAllStringSubmatch(s, -1) {
			name := m[1] // as Newman and the runner: spaces are part of the name
			if _, ok := where[name]; !ok {
				order = append(order, name)
			}
			if w := where[name]; len(w) == 0 || w[len(w)-1] != place {
				where[name] = append(where[name], place)
			}
		}
	}
	scan(it.URL, "URL")
	for _, h := range it.Header {
		scan(h.Value, "header "+h.Key)
	}
	for _, f := range it.Form {
		scan(f.Value, "form field "+f.Key)
	}
	if it.BodyMode == "raw" {
		scan(it.RawBody, "body")
	}
	out := []InspectVar{}
	for _, name := range order {
		v := InspectVar{Name: name, Where: where[name]}
		collVal, inColl := collVars[name]
		shadow := ""
		if inColl {
			shadow = " (wins over the collection's)"
		}
		switch {
		case name == "token" && role != collections.RoleLogin:
			v.Source, v.Detail = "uccheck", "the token getUserToken returned (per request: live, ended, never issued or none)"+shadow
		case hasVar(vars, name):
			v.Source, v.Detail = "var", "--var "+name+"=…"+shadow
			v.Value = shown(name, vars[name])
		case name == "domain":
			v.Source, v.Detail = "uccheck", "the target's host (--domain, --base-url or the simulator)"+shadow
		case name == "user":
			v.Source, v.Detail = "uccheck", "--user"+shadow
		case name == "password":
			v.Source, v.Detail = "uccheck", "the password (UCCHECK_PASSWORD, --password-file or --password-stdin)"+shadow
		case inColl:
			v.Source, v.Detail = "collection", "the collection's variable"
			v.Value = shown(name, collVal)
		default:
			v.Source, v.Detail = "unset", "a run stops before sending anything: set it with --var "+name+"=VALUE"
		}
		out = append(out, v)
	}
	return out
}

func hasVar(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// shown returns a variable's value for display, or "" when it could be a secret.
func shown(name, value string) string {
	if collections.SecretKey(name) || collections.LooksLikeCredential(value) || len(value) > 80 {
		return ""
	}
	return value
}

// cleanup is the conditional EndSession the runner sends for each session left open, as the
// plan has it.
func cleanup(s *runner.PlannedStep, phase, what string) InspectRequest {
	return InspectRequest{Step: string(s.Step), Role: string(s.Role), Item: s.Item, What: what, Phase: phase, Method: s.Method, Path: s.Path, Conditional: true}
}
