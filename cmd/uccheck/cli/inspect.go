package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

// InspectOptions are the options of `uccheck inspect`.
type InspectOptions struct {
	Collection string
	JSON       bool
	Skip, Only []string
	Vars       []string
	Roles      collections.RoleOverrides

	IO IO
}

// addRoleItemFlags adds --login-item, --probe-item and --logout-item.
func addRoleItemFlags(f *pflag.FlagSet, o *collections.RoleOverrides) {
	f.StringVar(&o.Login, "login-item", "", "the item that logs in, by `NAME` or path \"Folder / Item\" (default: found by URL path .../auth/getUserToken)")
	f.StringVar(&o.Probe, "probe-item", "", "the authenticated read-only item to probe with, by `NAME` or path (default: .../Supervisor/campaignstatus)")
	f.StringVar(&o.Logout, "logout-item", "", "the item that ends the session, by `NAME` or path (default: .../auth/EndSession)")
}

func newInspectCmd(streams IO, runF func(*InspectOptions) error) *cobra.Command {
	o := &InspectOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "inspect [flags]",
		Short: "Show what a run would do with a collection, without sending anything",
		Long: `Inspect loads a collection as 'uccheck run' does and prints, without sending anything: its name,
schema version and items as a tree (folder / item, method, URL template); which item fills each
role of the flow (login, probe, logout) and why (URL path match or --*-item override); the
variables each role item needs and where each value would come from (uccheck itself, --var, the
collection, or unset); the requests a run sends; the checks that would run or be skipped, and why;
and the items a run leaves out, flagging those that look like writes (calls, SMS, dispositions,
dialers, uploads...: see docs/collections.md#writes).

--json prints the same as JSON for scripts (fields: docs/collections.md#inspect-json).
It exits 2 when a run with the same flags would stop before sending anything (no item for a
role, a variable unset). Flags can also be set by UCCHECK_<FLAG>, as for run.

Exit codes:
  0  shown; a run with the same flags would send its requests
  2  the collection cannot be loaded, or a run with these flags would stop before sending anything`,
		Example: `  uccheck inspect
  uccheck inspect --collection collections/integra.json --skip transport
  uccheck inspect --collection vendor.json --probe-item "Supervisor / agentstatus" --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runInspect(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Collection, "collection", "", "Postman collection `FILE` (default: the embedded \"API Security\")")
	f.BoolVar(&o.JSON, "json", false, "print JSON (stable field names: docs/collections.md#inspect-json)")
	f.StringArrayVar(&o.Skip, "skip", nil, "as in run: leave out check `ID` (or a group); repeatable")
	f.StringArrayVar(&o.Only, "only", nil, "as in run: keep only check `ID` (or a group); repeatable")
	f.StringArrayVar(&o.Vars, "var", nil, "as in run: set collection variable `KEY=VALUE`; repeatable")
	addRoleItemFlags(f, &o.Roles)
	return cmd
}

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
	Runnable      bool             `json:"runnable"`       // a run with these flags would start
	Problems      []string         `json:"problems"`       // why it would not
}

// InspectItem is one request item of the collection.
type InspectItem struct {
	Path      []string `json:"path"`                 // folder names, then the item's name
	Method    string   `json:"method"`               // upper case
	URL       string   `json:"url"`                  // the URL template, {{variables}} unresolved
	Role      string   `json:"role,omitempty"`       // "login", "probe", "logout", or absent
	Runs      bool     `json:"runs"`                 // a run sends it (role items only)
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
	Step string `json:"step"` // the runner step, as in --verbose and the JUnit report
	Role string `json:"role"`
	Item string `json:"item"`
	What string `json:"what"`
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

func stepRole(s runner.Step) collections.Role {
	switch s {
	case runner.StepLogin, runner.StepLoginBad:
		return collections.RoleLogin
	case runner.StepLogout, runner.StepLogoutRepeat, runner.StepLogoutBogus:
		return collections.RoleLogout
	}
	return collections.RoleProbe
}

func runInspect(o *InspectOptions) error {
	sel, err := suites.Select(o.Only, o.Skip)
	if err != nil {
		return usageErr("%v", err)
	}
	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	var coll *collections.Collection
	if o.Collection == "" {
		coll = collections.Embedded()
	} else if coll, err = collections.Load(o.Collection); err != nil {
		return usageErr("%v", err)
	}
	roles, roleErr := coll.RolesWith(o.Roles)
	in := Inspect(coll, roles, roleErr, sel, vars)
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(in); err != nil {
			return &exitError{code: ExitUsage, err: err}
		}
	} else if err := writeInspection(o.IO.Out, in); err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	if !in.Runnable {
		return &exitError{code: ExitUsage, err: fmt.Errorf("a run with these flags would stop before sending anything: %s", strings.Join(in.Problems, "; "))}
	}
	return nil
}

// Inspect describes what a run would do with a collection: a pure function of the loaded
// collection, its roles (or why they were not found), the check selection and the --var values.
func Inspect(c *collections.Collection, roles collections.Roles, roleErr error, sel suites.Selection, vars map[string]string) *Inspection {
	in := &Inspection{
		Source: c.Source, Name: c.Name, Schema: c.Schema, SchemaVersion: collections.SchemaVersion(c.Schema),
		Items: []InspectItem{}, Roles: []InspectRole{}, Requests: []InspectRequest{}, Checks: []InspectCheck{}, Problems: []string{},
	}
	byRole := map[collections.Role]*collections.Item{
		collections.RoleLogin: roles.Login, collections.RoleProbe: roles.Probe, collections.RoleLogout: roles.Logout,
	}
	roleOf := map[*collections.Item]collections.Role{}
	for r, it := range byRole {
		if it != nil {
			roleOf[it] = r
		}
	}
	for _, it := range c.Items {
		ii := InspectItem{Path: it.Path, Method: it.Method, URL: it.URL}
		if r, ok := roleOf[it]; ok {
			ii.Role, ii.Runs = string(r), roleErr == nil
		} else {
			ii.WriteHint = collections.WriteHint(it)
		}
		in.Items = append(in.Items, ii)
	}
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
			ir.Variables = itemVars(it, r, c.Variables, vars)
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
	steps := sel.Steps()
	for _, s := range runner.Flow {
		if !steps[s] && s != runner.StepLogout {
			continue
		}
		if s == runner.StepLogout && !steps[runner.StepLogin] {
			continue
		}
		req := InspectRequest{Step: string(s), Role: string(stepRole(s)), What: stepWhat[s]}
		if it := byRole[stepRole(s)]; it != nil {
			req.Item = it.PathString()
		}
		in.Requests = append(in.Requests, req)
	}
	for _, ch := range suites.Checks {
		ic := InspectCheck{ID: ch.ID, Title: ch.Title, Runs: true}
		if why, out := sel.Excluded[ch.ID]; out {
			ic.Runs, ic.Why = false, why
		}
		in.Checks = append(in.Checks, ic)
	}
	in.Runnable = len(in.Problems) == 0
	return in
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

var varRefRE = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// itemVars lists the {{variables}} an item's request uses (in the places the runner substitutes:
// URL, headers, urlencoded fields, raw body) and where each value would come from, with the
// runner's precedence: the token uccheck sets per request, then --var, then what uccheck sets
// (domain, user, password), then the collection's variables.
func itemVars(it *collections.Item, role collections.Role, collVars, vars map[string]string) []InspectVar {
	var order []string
	where := map[string][]string{}
	scan := func(s, place string) {
		for _, m := range varRefRE.FindAllStringSubmatch(s, -1) {
			name := strings.TrimSpace(m[1])
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

// writeInspection prints an Inspection for people.
func writeInspection(w io.Writer, in *Inspection) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Collection %q (Postman %s), %s\n", in.Name, in.SchemaVersion, in.Source)

	fmt.Fprintf(&b, "\nItems (%d):\n", len(in.Items))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	var folder []string
	for _, it := range in.Items {
		dir := it.Path[:len(it.Path)-1]
		common := 0
		for common < len(dir) && common < len(folder) && dir[common] == folder[common] {
			common++
		}
		for d := common; d < len(dir); d++ {
			fmt.Fprintf(tw, "  %s%s/\t\t\t\n", strings.Repeat("  ", d), dir[d])
		}
		folder = dir
		note := ""
		switch {
		case it.Role != "":
			note = "role: " + it.Role
		case it.WriteHint != "":
			note = "not run; looks like a write: " + it.WriteHint
		default:
			note = "not run"
		}
		fmt.Fprintf(tw, "  %s%s\t%s %s\t%s\n", strings.Repeat("  ", len(dir)), it.Path[len(it.Path)-1], it.Method, it.URL, note)
	}
	tw.Flush()

	b.WriteString("\nRoles:\n")
	for _, r := range in.Roles {
		if r.Item == "" {
			msg := r.Error
			if msg == "" {
				msg = r.Why
			}
			fmt.Fprintf(&b, "  %-6s  none: %s\n", r.Role, msg)
			continue
		}
		fmt.Fprintf(&b, "  %-6s  %q: %s\n", r.Role, r.Item, r.Why)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, v := range r.Variables {
			detail := v.Source + ": " + v.Detail
			if v.Value != "" {
				detail += fmt.Sprintf(" = %q", v.Value)
			}
			fmt.Fprintf(tw, "          {{%s}}\t%s\t%s\n", v.Name, strings.Join(v.Where, ", "), detail)
		}
		tw.Flush()
		var parts []string
		for _, n := range r.Overrides {
			parts = append(parts, n.Part)
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "          uccheck sets %s itself\n", strings.Join(parts, ", "))
		}
	}

	fmt.Fprintf(&b, "\nRequests a run sends, in order (%d):\n", len(in.Requests))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range in.Requests {
		item := r.Item
		if item == "" {
			item = "(no item)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Step, item, r.What)
	}
	tw.Flush()

	runs := 0
	for _, c := range in.Checks {
		if c.Runs {
			runs++
		}
	}
	fmt.Fprintf(&b, "\nChecks: %d would run, %d skipped:\n", runs, len(in.Checks)-runs)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range in.Checks {
		if c.Runs {
			fmt.Fprintf(tw, "  run\t%s\t%s\n", c.ID, c.Title)
		} else {
			fmt.Fprintf(tw, "  skip\t%s\t%s\n", c.ID, c.Why)
		}
	}
	tw.Flush()

	var left []InspectItem
	writes := 0
	for _, it := range in.Items {
		if !it.Runs {
			left = append(left, it)
			if it.WriteHint != "" {
				writes++
			}
		}
	}
	fmt.Fprintf(&b, "\nNot run (outside the auth roles): %d items, %d look like writes\n", len(left), writes)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, it := range left {
		mark, note := " ", ""
		if it.WriteHint != "" {
			mark, note = "!", "looks like a write: "+it.WriteHint
		}
		fmt.Fprintf(tw, "  %s %s\t%s %s\t%s\n", mark, strings.Join(it.Path, " / "), it.Method, it.URL, note)
	}
	tw.Flush()

	if len(in.Problems) > 0 {
		b.WriteString("\nA run with these flags would stop before sending anything:\n")
		for _, p := range in.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}
	_, err := io.WriteString(w, trimLines(b.String()))
	return err
}

// trimLines removes the blanks tabwriter leaves at the end of lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
