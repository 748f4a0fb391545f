package suites

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onsi/gomega/types"
	"github.com/uccheck/uccheck/crossdomain"
)

// crossdomainMatcher is a Gomega matcher over a crossdomain result value whose failure message
// says what was expected and what came, then the details (argument by argument, the browser's
// console) on the lines below.
type crossdomainMatcher struct {
	expected string
	test     func(v any) (ok bool, actual string, details []string, err error)
	actual   string
	details  []string
}

var _ types.GomegaMatcher = (*crossdomainMatcher)(nil)

func (m *crossdomainMatcher) Match(actual any) (bool, error) {
	ok, act, details, err := m.test(actual)
	m.actual, m.details = act, details
	return ok, err
}

func (m *crossdomainMatcher) FailureMessage(any) string {
	return m.message("")
}

func (m *crossdomainMatcher) NegatedFailureMessage(any) string {
	return m.message("not ")
}

func (m *crossdomainMatcher) message(neg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  expected: %s%s\n  actual:   %s", neg, m.expected, m.actual)
	for _, d := range m.details {
		b.WriteString("\n  " + d)
	}
	return b.String()
}

// dispositionParams are the parameters of UC_DispositionCall, in order.
var dispositionParams = append(append([]string{}, crossdomain.DispositionFields...), "onOk", "onError")

// CallDispositionOnce matches a DISPOSITION_CALL scenario in which the form called
// UC_DispositionCall exactly once, with the disposition's ten values in the documented order and
// then two functions, called nothing else and threw nothing. expectOrigin ("" when not given) only
// shapes the hint when no call came.
func CallDispositionOnce(want *crossdomain.Object, expectOrigin string) types.GomegaMatcher {
	wantArgs := make([]crossdomain.Value, 0, len(dispositionParams))
	for _, f := range crossdomain.DispositionFields {
		v, _ := want.Get(f)
		wantArgs = append(wantArgs, v)
	}
	fn := &crossdomain.Special{Kind: "function"}
	wantArgs = append(wantArgs, fn, fn)
	return &crossdomainMatcher{
		expected: renderCall(crossdomain.FuncDispositionCall, wantArgs) + ", once, and no other call",
		test: func(actual any) (bool, string, []string, error) {
			sc, st, err := oneStep(actual)
			if err != nil {
				return false, "", nil, err
			}
			uc := st.CallsOf(crossdomain.FuncDispositionCall)
			ok := true
			var act string
			var details []string
			switch len(uc) {
			case 0:
				ok = false
				act = "no call of UC_DispositionCall"
				switch {
				case st.Replaced:
					act += " reached the harness: the form replaced UC_DispositionCall with a function of its own (uContact provides it in the form's window)"
				case len(st.Errors) > 0:
					act += ": the listener threw"
				default:
					act += " (the message reached the form's window; its listener did not call UC_DispositionCall)"
					if expectOrigin == "" {
						details = append(details, "hint: if the form checks event.origin, give the origin it trusts with --expect-origin ORIGIN")
					}
				}
			case 1:
				act = renderCall(crossdomain.FuncDispositionCall, uc[0].Args)
				diag, lines := argumentDiff(want, wantArgs, uc[0].Args)
				if len(lines) > 0 {
					ok = false
					if diag != "" {
						act += ": " + diag
					}
					details = append(details, lines...)
				}
			default:
				ok = false
				act = fmt.Sprintf("%d calls of UC_DispositionCall:", len(uc))
				for _, c := range uc {
					details = append(details, "- "+renderCall(c.Func, c.Args))
				}
			}
			if others := otherCalls(st, crossdomain.FuncDispositionCall); len(others) > 0 {
				ok = false
				details = append(details, "also called: "+strings.Join(others, ", "))
			}
			if len(st.Errors) > 0 {
				ok = false
			}
			if !ok {
				details = append(details, errorLines(st.Errors)...)
				details = append(details, consoleLines(sc.Console, st.Errors)...)
			}
			return ok, act, details, nil
		},
	}
}

// CallCloseTabOnce matches a CLOSE_TAB scenario in which the form called parent.closeActiveTab()
// exactly once, called nothing else and threw nothing.
func CallCloseTabOnce(expectOrigin string) types.GomegaMatcher {
	return &crossdomainMatcher{
		expected: "parent.closeActiveTab(), once, and no other call",
		test: func(actual any) (bool, string, []string, error) {
			sc, st, err := oneStep(actual)
			if err != nil {
				return false, "", nil, err
			}
			closes := st.CallsOf(crossdomain.FuncCloseActiveTab)
			ok := len(closes) == 1 && len(st.Errors) == 0
			var act string
			var details []string
			switch len(closes) {
			case 0:
				act = "no call of parent.closeActiveTab()"
				switch {
				case len(st.Errors) > 0:
					act += ": the listener threw"
				default:
					act += " (the message reached the form's window; its listener did not call it)"
					if expectOrigin == "" {
						details = append(details, "hint: if the form checks event.origin, give the origin it trusts with --expect-origin ORIGIN")
					}
				}
			case 1:
				act = "parent.closeActiveTab(), once"
			default:
				act = fmt.Sprintf("%d calls of parent.closeActiveTab()", len(closes))
			}
			if others := otherCalls(st, crossdomain.FuncCloseActiveTab); len(others) > 0 {
				ok = false
				details = append(details, "also called: "+strings.Join(others, ", "))
			}
			if !ok {
				details = append(details, errorLines(st.Errors)...)
				details = append(details, consoleLines(sc.Console, st.Errors)...)
			}
			return ok, act, details, nil
		},
	}
}

// IgnoreEveryMessage matches a scenario in which the form called nothing and threw nothing for any
// of the messages. With an expected origin (the origin scenario) the failure message says how to
// fix the form's origin check.
func IgnoreEveryMessage(expectOrigin string) types.GomegaMatcher {
	expected := "no call and no uncaught error for any of them"
	if expectOrigin != "" {
		expected = "no call and no uncaught error for messages from any origin but " + expectOrigin
	}
	return &crossdomainMatcher{
		expected: expected,
		test: func(actual any) (bool, string, []string, error) {
			sc, ok := actual.(*crossdomain.Scenario)
			if !ok || sc == nil {
				return false, "", nil, fmt.Errorf("uccheck matcher: want a *crossdomain.Scenario, got %T", actual)
			}
			var details []string
			var errs []crossdomain.PageError
			acted := 0
			for _, st := range sc.Steps {
				if len(st.Calls) == 0 && len(st.Errors) == 0 {
					continue
				}
				acted++
				var did []string
				for _, c := range st.Calls {
					did = append(did, shortCall(callName(c), c.Args))
				}
				for _, e := range st.Errors {
					did = append(did, e.Message)
				}
				what := st.Name
				if msg := crossdomain.JS(st.Message); expectOrigin == "" && msg != st.Name {
					what += ", " + msg
				}
				details = append(details, fmt.Sprintf("- %s: %s", what, strings.Join(did, "; ")))
				errs = append(errs, st.Errors...)
			}
			if acted == 0 {
				return true, fmt.Sprintf("all %d ignored", len(sc.Steps)), nil, nil
			}
			act := fmt.Sprintf("the form acted on %d of %d:", acted, len(sc.Steps))
			if expectOrigin != "" {
				details = append(details, originFix(expectOrigin, acted == len(sc.Steps))...)
			}
			details = append(details, consoleLines(sc.Console, errs)...)
			return false, act, details, nil
		},
	}
}

// originFix says how to fix a form that acts on messages from other origins.
func originFix(origin string, none bool) []string {
	first := "fix: the form's origin check lets look-alikes through: compare event.origin to the exact origin."
	if none {
		first = "fix: the form does not check event.origin (nor does the vendor page's listener). Make this the listener's first line:"
	} else {
		first += " Make this the listener's first line:"
	}
	return []string{first, fmt.Sprintf("    if (event.origin !== '%s') return;", origin)}
}

var scheduleRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)

// ValidSchedule says whether s is a documented schedule: empty, or "YYYY-MM-DD HH:MM:SS" naming a
// real date and time.
func ValidSchedule(s string) bool {
	if s == "" {
		return true
	}
	if !scheduleRE.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateTime, s)
	return err == nil
}

// PostOneDocumentedMessage matches an iframe page that posted exactly one message to its parent:
// an object whose action is DISPOSITION_CALL (with a disposition of the ten fields, all strings,
// schedule empty or YYYY-MM-DD HH:MM:SS) or CLOSE_TAB, and, when expectTarget is given, posted to
// that origin rather than "*". A targetOrigin of "/" (or none) never reaches a form on another
// origin and fails whatever expectTarget says.
func PostOneDocumentedMessage(expectTarget string) types.GomegaMatcher {
	target := "ORIGIN"
	if expectTarget != "" {
		target = fmt.Sprintf("%q", expectTarget)
	}
	return &crossdomainMatcher{
		expected: fmt.Sprintf("one window.parent.postMessage({ action: \"DISPOSITION_CALL\", disposition: { %s, all strings; schedule \"\" or \"YYYY-MM-DD HH:MM:SS\" } } or { action: \"CLOSE_TAB\" }, %s)",
			strings.Join(crossdomain.DispositionFields, ", "), target),
		test: func(actual any) (bool, string, []string, error) {
			e, ok := actual.(*crossdomain.EmbedResult)
			if !ok || e == nil {
				return false, "", nil, fmt.Errorf("uccheck matcher: want a *crossdomain.EmbedResult, got %T", actual)
			}
			var details []string
			fail := func(act string) (bool, string, []string, error) {
				details = append(details, errorLines(e.Errors)...)
				details = append(details, consoleLines(e.Console, e.Errors)...)
				return false, act, details, nil
			}
			switch len(e.Posts) {
			case 0:
				act := "no message to the parent"
				if len(e.ToTop) > 0 {
					act += fmt.Sprintf("; %s went to the agent window (window.top) instead, where the form never sees it:", plural(len(e.ToTop), "message"))
					for _, p := range e.ToTop {
						details = append(details, "- top.postMessage("+crossdomain.JS(p.Data)+")")
					}
				} else if len(e.Errors) == 0 {
					act += " after the action (did the page need more time than --timeout, or another action?)"
				}
				return fail(act)
			case 1:
			default:
				for _, p := range e.Posts {
					when := ""
					if p.BeforeAction {
						when = " (while the page loaded, before the action)"
					}
					details = append(details, "- "+renderPost(p)+when)
				}
				return fail(fmt.Sprintf("%d messages to the parent:", len(e.Posts)))
			}
			p := e.Posts[0]
			problems := messageProblems(p.Data)
			problems = append(problems, targetProblems(p.TargetOrigin, expectTarget)...)
			act := renderPost(p)
			if p.BeforeAction {
				act += " (while the page loaded, before the action)"
			}
			if len(problems) == 0 && len(e.Errors) == 0 {
				return true, act, nil, nil
			}
			if len(problems) > 0 {
				act += ": " + problems[0]
				for _, pr := range problems[1:] {
					details = append(details, "also: "+pr)
				}
			}
			return fail(act)
		},
	}
}

// messageProblems lists what is wrong with a posted message's data.
func messageProblems(data crossdomain.Value) []string {
	obj, ok := data.(*crossdomain.Object)
	if !ok {
		return []string{fmt.Sprintf("the message is %s, not an object with an action", article(crossdomain.TypeOf(data)))}
	}
	action, _ := obj.Get("action")
	switch action {
	case "CLOSE_TAB":
		return nil
	case "DISPOSITION_CALL":
	default:
		return []string{fmt.Sprintf("action %s is not documented (DISPOSITION_CALL or CLOSE_TAB)", crossdomain.JS(action))}
	}
	dv, has := obj.Get("disposition")
	disp, isObj := dv.(*crossdomain.Object)
	if !has || !isObj {
		if !has {
			return []string{"the DISPOSITION_CALL has no disposition"}
		}
		return []string{fmt.Sprintf("the disposition is %s, not an object", article(crossdomain.TypeOf(dv)))}
	}
	var missing, wrong, out []string
	for _, f := range crossdomain.DispositionFields {
		v, ok := disp.Get(f)
		if !ok || crossdomain.TypeOf(v) == "undefined" {
			missing = append(missing, f)
			continue
		}
		if s, isStr := v.(string); !isStr {
			wrong = append(wrong, fmt.Sprintf("%s is %s %s", f, article(crossdomain.TypeOf(v)), crossdomain.JS(v)))
		} else if f == "schedule" && !ValidSchedule(s) {
			out = append(out, fmt.Sprintf("schedule %s is not empty or YYYY-MM-DD HH:MM:SS (like 2019-05-04 15:55:55)", crossdomain.JS(s)))
		}
	}
	var problems []string
	if len(missing) > 0 {
		problems = append(problems, "the disposition has no "+strings.Join(missing, ", "))
	}
	if len(wrong) > 0 {
		problems = append(problems, "not strings: "+strings.Join(wrong, ", "))
	}
	return append(problems, out...)
}

// targetProblems lists what is wrong with a targetOrigin.
func targetProblems(targetOrigin, expected string) []string {
	switch targetOrigin {
	case "", "/":
		return []string{fmt.Sprintf("targetOrigin %q is the page's own origin: a form on the uContact origin never receives the message", nonEmpty(targetOrigin, "/"))}
	case "*":
		if expected != "" {
			return []string{fmt.Sprintf("targetOrigin \"*\" hands the disposition to whatever page frames the iframe; post to %q", expected)}
		}
		return nil
	}
	if expected == "" {
		return nil
	}
	got, err := crossdomain.ParseOrigin(targetOrigin)
	if err != nil {
		return []string{fmt.Sprintf("targetOrigin %q is not an origin; post to %q", targetOrigin, expected)}
	}
	if got.String() != expected {
		return []string{fmt.Sprintf("targetOrigin %q is not the uContact origin %q: the browser drops the message", targetOrigin, expected)}
	}
	return nil
}
