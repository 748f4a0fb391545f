package runner

import (
	"fmt"
	"regexp"

	"github.com/uccheck/uccheck/collections"
)

// RunPlan is what a run of one target will send, in order: the contract steps (with the login
// and logout a selected step needs), then the collection pass's items. Run executes its steps,
// and `uccheck inspect` prints it, so that the two cannot disagree.
type RunPlan struct {
	APIToken bool // API-token mode: no login and no EndSession at all
	Steps    []PlannedStep
	Skipped  []SkippedStep // contract steps that will not be sent, and why
	Items    []PlannedItem // the collection pass, in collection order
	// ItemsLeft are the collection's items the pass will not run (not selected by --folder or
	// --all-items), in collection order.
	ItemsLeft []SkippedItem
	// ContractCleanup and PassCleanup are the EndSession sent for each session the contract flow,
	// or the pass, leaves open (one per session, only when there is one); nil when that part
	// opens no session.
	ContractCleanup, PassCleanup *PlannedStep
}

// SkippedItem is a collection item the pass will not run.
type SkippedItem struct {
	Item string
	Why  string
}

// PlannedStep is one contract request a run will send.
type PlannedStep struct {
	Step   Step
	Role   collections.Role
	Item   string // the item path it is built from
	Method string
	Path   string // the URL path of the item (variables unresolved)
	Why    string // "selected", or which selected step needs it
	// NeedsToken: sent only when the session it uses exists (the login yielded a token).
	NeedsToken bool
}

// SkippedStep is a contract step a run will not send.
type SkippedStep struct {
	Step Step
	Why  string
}

// PlannedItem is one collection item the pass will run (scripts may skip or jump).
type PlannedItem struct {
	Item   string
	Method string
	Path   string
	Role   collections.Role // the role the item plays for the session tracker, or ""
}

// stepRole is the role item each contract step is built from.
var stepRole = map[Step]collections.Role{
	StepLogin: collections.RoleLogin, StepLoginBad: collections.RoleLogin,
	StepProbeNoAuth: collections.RoleProbe, StepProbeBogus: collections.RoleProbe, StepProbe: collections.RoleProbe, StepProbeEnded: collections.RoleProbe,
	StepLogout: collections.RoleLogout, StepLogoutRepeat: collections.RoleLogout, StepLogoutBogus: collections.RoleLogout,
}

// needsToken are the steps that use the live session.
var needsToken = map[Step]bool{StepProbe: true, StepLogout: true, StepProbeEnded: true, StepLogoutRepeat: true}

// Plan computes what a run with these options will send (a step whose role has no item is
// planned with an empty Item: such a run stops before sending, see Validate); pass items only
// when p names a collection.
func Plan(o Options, p PassOptions) *RunPlan {
	pl := &RunPlan{APIToken: o.APIToken != ""}
	pl.contract(o)
	for _, s := range pl.Steps {
		if s.Step == StepLogin || s.Step == StepLoginBad {
			pl.ContractCleanup = cleanupStep(o.Roles.Logout, "")
			break
		}
	}
	if p.Collection != nil {
		selected := map[*collections.Item]bool{}
		loginPath := ""
		for _, it := range p.Items {
			selected[it] = true
			role := itemRole(p.Roles, it)
			pl.Items = append(pl.Items, PlannedItem{Item: it.PathString(), Method: methodOf(it), Path: it.URLPath(), Role: role})
			if role == collections.RoleLogin && loginPath == "" {
				loginPath = it.URLPath()
			}
		}
		if loginPath != "" {
			pl.PassCleanup = cleanupStep(cleanupItem(p.Collection, p.Roles), loginPath)
		}
		for _, it := range p.Collection.Items {
			if !selected[it] {
				pl.ItemsLeft = append(pl.ItemsLeft, SkippedItem{Item: it.PathString(), Why: "not selected (--folder, --all-items)"})
			}
		}
	}
	return pl
}

func (pl *RunPlan) contract(o Options) {
	want := func(s Step) bool { return o.Steps == nil || o.Steps[s] }
	var needers []Step
	for _, s := range []Step{StepProbe, StepLogout, StepProbeEnded, StepLogoutRepeat} {
		if want(s) {
			needers = append(needers, s)
		}
	}
	login := want(StepLogin) || len(needers) > 0
	for _, s := range Flow {
		why := "selected"
		run := want(s)
		switch {
		case s == StepLogin && !want(s) && login:
			run, why = true, fmt.Sprintf("needed by %s: opens the session it uses", needers[0])
		case s == StepLogout && login && !want(s):
			run, why = true, "ends the session the login opened"
		}
		if pl.APIToken && (!readOnly[s] || s == StepProbeEnded) {
			if run {
				pl.Skipped = append(pl.Skipped, SkippedStep{Step: s, Why: "API-token mode: nothing logs in or ends the shared token"})
			}
			continue
		}
		if !run {
			pl.Skipped = append(pl.Skipped, SkippedStep{Step: s, Why: "not selected (--only/--skip)"})
			continue
		}
		ps := PlannedStep{Step: s, Role: stepRole[s], Why: why, NeedsToken: needsToken[s]}
		if it := roleItem(o.Roles, stepRole[s]); it != nil {
			ps.Item, ps.Method, ps.Path = it.PathString(), methodOf(it), it.URLPath()
		}
		pl.Steps = append(pl.Steps, ps)
	}
}

func methodOf(it *collections.Item) string {
	if it.Method == "" {
		return "GET"
	}
	return it.Method
}

func roleItem(r collections.Roles, role collections.Role) *collections.Item {
	switch role {
	case collections.RoleLogin:
		return r.Login
	case collections.RoleProbe:
		return r.Probe
	case collections.RoleLogout:
		return r.Logout
	}
	return nil
}

// cleanupStep is the planned EndSession of a session left open: the item's request, or (no
// item) a POST to the URL derived from the login's path.
func cleanupStep(it *collections.Item, loginPath string) *PlannedStep {
	ps := &PlannedStep{Step: StepCleanup, Role: collections.RoleLogout, Method: "POST", Why: "ends a session left open", NeedsToken: true}
	if it != nil {
		ps.Item, ps.Method, ps.Path = it.PathString(), methodOf(it), it.URLPath()
	} else {
		ps.Path = derivedLogout(loginPath)
	}
	return ps
}

// cleanupItem is the item that ends a session left open: the logout role item, or, with no
// roles known, the collection's EndSession item; nil when there is neither.
func cleanupItem(c *collections.Collection, r collections.Roles) *collections.Item {
	if r.Logout != nil || r.Login != nil || c == nil {
		return r.Logout
	}
	for _, it := range c.Items {
		if logoutPathRE.MatchString(it.URLPath()) {
			return it
		}
	}
	return nil
}

// derivedLogout is the EndSession URL (or path) next to a getUserToken one.
func derivedLogout(login string) string {
	return loginPathRE.ReplaceAllString(login, "/auth/EndSession")
}

var (
	loginPathRE  = regexp.MustCompile(`(?i)/auth/getUserToken/?$`)
	logoutPathRE = regexp.MustCompile(`(?i)/auth/EndSession/?$`)
)

// itemRole is the session role an item plays in the pass: by identity with the role items, else
// by its URL path (getUserToken, EndSession).
func itemRole(r collections.Roles, it *collections.Item) collections.Role {
	if r.Login != nil || r.Logout != nil {
		switch it {
		case r.Login:
			return collections.RoleLogin
		case r.Logout:
			return collections.RoleLogout
		case r.Probe:
			return collections.RoleProbe
		}
	}
	// Any other item at getUserToken logs in all the same (a second login item): its token is
	// registered and ended like the role item's; one at EndSession ends what it names.
	switch {
	case loginPathRE.MatchString(it.URLPath()):
		return collections.RoleLogin
	case logoutPathRE.MatchString(it.URLPath()):
		return collections.RoleLogout
	}
	return ""
}
