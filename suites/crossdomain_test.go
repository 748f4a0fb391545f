package suites_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/suites"
)

// These tests judge hand-made results: no browser is needed.

func xdCheck(t *testing.T, id string) *suites.CrossdomainCheck {
	t.Helper()
	c, ok := suites.LookupCrossdomain(id)
	if !ok {
		t.Fatalf("no check %s", id)
	}
	return c
}

func fn(name string) crossdomain.Value { return &crossdomain.Special{Kind: "function", Name: name} }

// documentedArgs returns the arguments of a correct UC_DispositionCall.
func documentedArgs() []crossdomain.Value {
	d := crossdomain.DocumentedDisposition()
	var args []crossdomain.Value
	for _, f := range crossdomain.DispositionFields {
		v, _ := d.Get(f)
		args = append(args, v)
	}
	return append(args, fn("ok"), fn("err"))
}

// formResult returns a form result whose scenario has one step with the given calls and errors.
func formResult(scenario string, calls []crossdomain.Call, errs ...crossdomain.PageError) *crossdomain.Result {
	st := &crossdomain.Step{Name: "the documented message", From: "https://crm.example.test", Message: crossdomain.DispositionMessage(), Act: true, Calls: calls, Errors: errs, Delivered: true}
	return &crossdomain.Result{Form: &crossdomain.FormResult{
		Page: "form.html", ExpectOrigin: "https://crm.example.test", Sender: "https://crm.example.test",
		Scenarios: []*crossdomain.Scenario{{Name: scenario, Steps: []*crossdomain.Step{st}}},
	}}
}

func ucCall(args ...crossdomain.Value) crossdomain.Call {
	return crossdomain.Call{Func: crossdomain.FuncDispositionCall, Frame: "form", Args: args}
}

func TestCrossdomainDispositionCall(t *testing.T) {
	c := xdCheck(t, "crossdomain.disposition-call")
	args := documentedArgs()
	swap := slices.Clone(args)
	swap[3], swap[4] = swap[4], swap[3]
	noGUID := append(slices.Clone(args[:2]), args[3:]...)
	number := slices.Clone(args)
	number[1] = float64(123456)
	extra := append(slices.Clone(args), "more")
	for _, tc := range []struct {
		name  string
		calls []crossdomain.Call
		errs  []crossdomain.PageError
		want  []string // empty: passes
	}{
		{name: "documented", calls: []crossdomain.Call{ucCall(args...)}},
		{name: "swapped", calls: []crossdomain.Call{ucCall(swap...)}, want: []string{
			"l1 and l2 are swapped", `argument 4 (l1): expected "nivel1", got "nivel2" (the l2)`,
		}},
		{name: "no guid", calls: []crossdomain.Call{ucCall(noGUID...)}, want: []string{"guid left out (the other values follow in order)"}},
		{name: "a number", calls: []crossdomain.Call{ucCall(number...)}, want: []string{
			`argument 2 (callerid): expected "123456Test", got 123456 (a number, not a string)`, "1 of 12 arguments differ",
		}},
		{name: "thirteen arguments", calls: []crossdomain.Call{ucCall(extra...)}, want: []string{`argument 13: expected nothing, got "more"`}},
		{name: "twice", calls: []crossdomain.Call{ucCall(args...), ucCall(args...)}, want: []string{"actual:   2 calls of UC_DispositionCall:"}},
		{name: "and close", calls: []crossdomain.Call{ucCall(args...), {Func: crossdomain.FuncCloseActiveTab, Frame: "agent"}}, want: []string{"also called: parent.closeActiveTab()"}},
		{name: "then threw", calls: []crossdomain.Call{ucCall(args...)}, errs: []crossdomain.PageError{{Frame: "form", Message: "Uncaught Error: boom", URL: "http://127.0.0.1:1/form.html", Line: 7}},
			want: []string{"error in the form: Uncaught Error: boom (http://127.0.0.1:1/form.html:7)"}},
		{name: "no call", want: []string{"actual:   no call of UC_DispositionCall (the message reached the form's window"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := suites.EvaluateCrossdomain(c, formResult(crossdomain.ScenarioDisposition, tc.calls, tc.errs...))
			if len(tc.want) == 0 {
				if v.Outcome != reports.Passed {
					t.Fatalf("%s: %s", v.Outcome, v.Message)
				}
				return
			}
			if v.Outcome != reports.Failed {
				t.Fatalf("%s, want failed: %s", v.Outcome, v.Message)
			}
			if !strings.Contains(v.Message, "expected: UC_DispositionCall(\"CampañaTest\"") {
				t.Errorf("no expected call in:\n%s", v.Message)
			}
			for _, w := range tc.want {
				if !strings.Contains(v.Message, w) {
					t.Errorf("message lacks %q:\n%s", w, v.Message)
				}
			}
		})
	}
}

func TestCrossdomainCloseTab(t *testing.T) {
	c := xdCheck(t, "crossdomain.close-tab")
	closeCall := crossdomain.Call{Func: crossdomain.FuncCloseActiveTab, Frame: "agent"}
	if v := suites.EvaluateCrossdomain(c, formResult(crossdomain.ScenarioCloseTab, []crossdomain.Call{closeCall})); v.Outcome != reports.Passed {
		t.Errorf("%s: %s", v.Outcome, v.Message)
	}
	v := suites.EvaluateCrossdomain(c, formResult(crossdomain.ScenarioCloseTab, []crossdomain.Call{closeCall, closeCall}))
	if v.Outcome != reports.Failed || !strings.Contains(v.Message, "actual:   2 calls of parent.closeActiveTab()") {
		t.Errorf("%s: %s", v.Outcome, v.Message)
	}
}

func TestCrossdomainOriginFix(t *testing.T) {
	c := xdCheck(t, "crossdomain.origin")
	r := formResult(crossdomain.ScenarioDisposition, []crossdomain.Call{ucCall(documentedArgs()...)})
	acted := &crossdomain.Step{Name: "DISPOSITION_CALL from https://crm.example.test.attacker.uccheck.invalid (starts with the expected origin)", From: "https://crm.example.test.attacker.uccheck.invalid", Calls: []crossdomain.Call{ucCall(documentedArgs()...)}}
	ignored := &crossdomain.Step{Name: "DISPOSITION_CALL from https://attacker.uccheck.invalid (another site)", From: "https://attacker.uccheck.invalid"}
	r.Form.Scenarios = append(r.Form.Scenarios, &crossdomain.Scenario{Name: crossdomain.ScenarioOrigin, Steps: []*crossdomain.Step{ignored, acted}})
	v := suites.EvaluateCrossdomain(c, r)
	for _, w := range []string{
		"actual:   the form acted on 1 of 2:",
		"the form's origin check lets look-alikes through",
		"if (event.origin !== 'https://crm.example.test') return;",
	} {
		if !strings.Contains(v.Message, w) {
			t.Errorf("message lacks %q:\n%s", w, v.Message)
		}
	}
	// Without a call from the expected origin, ignoring the others proves nothing.
	r.Form.Scenarios[0].Steps[0].Calls = nil
	if v := suites.EvaluateCrossdomain(c, r); v.Outcome != reports.Skipped || !strings.Contains(v.Message, "would prove nothing") {
		t.Errorf("%s: %s", v.Outcome, v.Message)
	}
}

func TestCrossdomainNotApplicable(t *testing.T) {
	empty := &crossdomain.Result{}
	for _, c := range suites.CrossdomainChecks {
		v := suites.EvaluateCrossdomain(c, empty)
		if v.Outcome != reports.Skipped || !strings.Contains(v.Message, "given") {
			t.Errorf("%s with no page: %s %q", c.ID, v.Outcome, v.Message)
		}
	}
	noOrigin := formResult(crossdomain.ScenarioDisposition, nil)
	noOrigin.Form.ExpectOrigin = ""
	if v := suites.EvaluateCrossdomain(xdCheck(t, "crossdomain.origin"), noOrigin); v.Outcome != reports.Skipped || !strings.Contains(v.Message, "--expect-origin") {
		t.Errorf("origin without --expect-origin: %s %q", v.Outcome, v.Message)
	}
	unreachable := &crossdomain.Result{Form: &crossdomain.FormResult{Page: "http://x", Err: &crossdomain.Error{Kind: crossdomain.ErrUnreachable, Message: "http://x answered HTTP 404"}}}
	if v := suites.EvaluateCrossdomain(xdCheck(t, "crossdomain.close-tab"), unreachable); v.Outcome != reports.Errored || v.ErrorKind != "unreachable" {
		t.Errorf("unreachable: %+v", v)
	}
	timedOut := formResult(crossdomain.ScenarioUnknown, nil)
	timedOut.Form.Scenarios[0].Err = &crossdomain.Error{Kind: crossdomain.ErrTimeout, Message: "the message did not reach the form"}
	if v := suites.EvaluateCrossdomain(xdCheck(t, "crossdomain.unknown-ignored"), timedOut); v.Outcome != reports.Errored || !strings.Contains(v.Message, "the unknown-ignored scenario could not run to its end") {
		t.Errorf("timeout: %+v", v)
	}
	interrupted := &crossdomain.Result{Interrupted: true, Embed: &crossdomain.EmbedResult{Err: &crossdomain.Error{Kind: crossdomain.ErrInterrupted, Message: "interrupted"}}}
	if v := suites.EvaluateCrossdomain(xdCheck(t, "crossdomain.message-shape"), interrupted); v.Outcome != reports.Skipped {
		t.Errorf("interrupted: %+v", v)
	}
}

func TestCrossdomainMessageShape(t *testing.T) {
	c := xdCheck(t, "crossdomain.message-shape")
	withSchedule := func(s crossdomain.Value) crossdomain.Value {
		m := crossdomain.DispositionMessage()
		d, _ := m.Get("disposition")
		d.(*crossdomain.Object).Fields["schedule"] = s
		return m
	}
	for _, tc := range []struct {
		name   string
		posts  []crossdomain.Post
		expect string
		want   string // "" passes
	}{
		{name: "documented", posts: []crossdomain.Post{{Data: crossdomain.DispositionMessage(), TargetOrigin: "https://acme.ucontactcloud.com"}}, expect: "https://acme.ucontactcloud.com"},
		{name: "trailing slash", posts: []crossdomain.Post{{Data: crossdomain.CloseTabMessage(), TargetOrigin: "https://acme.ucontactcloud.com/"}}, expect: "https://acme.ucontactcloud.com"},
		{name: "star without expectation", posts: []crossdomain.Post{{Data: crossdomain.DispositionMessage(), TargetOrigin: "*"}}},
		{name: "empty schedule", posts: []crossdomain.Post{{Data: withSchedule(""), TargetOrigin: "*"}}},
		{name: "no schedule date", posts: []crossdomain.Post{{Data: withSchedule("2019-02-30 10:00:00"), TargetOrigin: "*"}}, want: `schedule "2019-02-30 10:00:00" is not empty or YYYY-MM-DD HH:MM:SS`},
		{name: "schedule a Date", posts: []crossdomain.Post{{Data: withSchedule(&crossdomain.Special{Kind: "Date", Text: "2019-05-04T15:55:55.000Z"}), TargetOrigin: "*"}}, want: "not strings: schedule is a Date Date(2019-05-04T15:55:55.000Z)"},
		{name: "own origin", posts: []crossdomain.Post{{Data: crossdomain.CloseTabMessage(), TargetOrigin: "/"}}, want: `targetOrigin "/" is the page's own origin`},
		{name: "no target", posts: []crossdomain.Post{{Data: crossdomain.CloseTabMessage()}}, want: `window.parent.postMessage({ action: "CLOSE_TAB" }): targetOrigin "/" is the page's own origin`},
		{name: "other origin", posts: []crossdomain.Post{{Data: crossdomain.CloseTabMessage(), TargetOrigin: "https://other.ucontactcloud.com"}}, expect: "https://acme.ucontactcloud.com", want: "is not the uContact origin"},
		{name: "a string", posts: []crossdomain.Post{{Data: `{"action":"CLOSE_TAB"}`, TargetOrigin: "*"}}, want: "the message is a string, not an object with an action"},
		{name: "unknown action", posts: []crossdomain.Post{{Data: crossdomain.Obj("action", "SAVE"), TargetOrigin: "*"}}, want: `action "SAVE" is not documented`},
		{name: "no disposition", posts: []crossdomain.Post{{Data: crossdomain.Obj("action", "DISPOSITION_CALL"), TargetOrigin: "*"}}, want: "the DISPOSITION_CALL has no disposition"},
		{name: "two", posts: []crossdomain.Post{{Data: crossdomain.CloseTabMessage(), TargetOrigin: "*", BeforeAction: true}, {Data: crossdomain.CloseTabMessage(), TargetOrigin: "*"}}, want: "(while the page loaded, before the action)"},
		{name: "none", want: "actual:   no message to the parent after the action"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &crossdomain.Result{Embed: &crossdomain.EmbedResult{Page: "crm.html", Action: "click #save", ExpectTargetOrigin: tc.expect, Posts: tc.posts}}
			v := suites.EvaluateCrossdomain(c, r)
			if tc.want == "" {
				if v.Outcome != reports.Passed {
					t.Fatalf("%s: %s", v.Outcome, v.Message)
				}
				return
			}
			if v.Outcome != reports.Failed || !strings.Contains(v.Message, tc.want) {
				t.Errorf("%s, want failed with %q:\n%s", v.Outcome, tc.want, v.Message)
			}
		})
	}
}

func TestCrossdomainIDs(t *testing.T) {
	want := []string{"crossdomain.disposition-call", "crossdomain.close-tab", "crossdomain.unknown-ignored", "crossdomain.origin", "crossdomain.message-shape"}
	if got := suites.CrossdomainIDs(); !slices.Equal(got, want) {
		t.Errorf("IDs = %v, want %v (IDs are public names: never rename them silently)", got, want)
	}
	for _, c := range suites.CrossdomainChecks {
		if _, clash := suites.Lookup(c.ID); clash {
			t.Errorf("%s is also an API check", c.ID)
		}
		if c.Anchor() != "docs/checks.md#"+c.ID || c.Title == "" || c.Doc == "" {
			t.Errorf("%s: anchor %q, title %q, doc %q", c.ID, c.Anchor(), c.Title, c.Doc)
		}
	}
	for s, ok := range map[string]bool{"": true, "2019-05-04 15:55:55": true, "2019-05-04T15:55:55": false, "2019-05-04 15:55": false, "2019-13-04 15:55:55": false} {
		if suites.ValidSchedule(s) != ok {
			t.Errorf("ValidSchedule(%q) = %t", s, !ok)
		}
	}
}
