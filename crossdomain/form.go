package crossdomain

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// FormOptions says which form to check.
type FormOptions struct {
	Page Page
	// ExpectOrigin is the integrator's origin that the form must trust: the messages of the positive
	// scenarios come from it, and the origin scenario runs. The session must have been started with
	// it in Options.Origins. Empty: the messages come from another loopback origin, and the origin
	// scenario does not run.
	ExpectOrigin string
}

// CheckForm loads the form in the harness's agent window and runs every scenario in a tab of its
// own, in parallel: the documented DISPOSITION_CALL and CLOSE_TAB, the malformed messages, and
// (with ExpectOrigin) the documented messages from other origins. Each message is posted by a child
// frame of the form, as an integrator's iframe would. It returns what the form did.
func (s *Session) CheckForm(ctx context.Context, o FormOptions) *FormResult {
	res := &FormResult{Page: o.Page.Name}
	if e := o.Page.Check(ctx); e != nil {
		res.Err = e
		return res
	}
	h := newSite(o.Page.Handler) // the agent window and the form, same origin as in uContact
	defer h.close()
	e := newSite(nil) // the integrator's origin when none is expected; sandboxed senders
	defer e.close()
	res.URL = h.URL + o.Page.Path
	res.Sender = e.URL
	var expected string
	if o.ExpectOrigin != "" {
		exp, err := ParseOrigin(o.ExpectOrigin)
		if err != nil {
			res.Err = &Error{Kind: ErrHarness, Message: err.Error()}
			return res
		}
		if !s.served[exp.String()] {
			res.Err = &Error{Kind: ErrHarness, Message: fmt.Sprintf("the origin %s was not given to the session when the browser started", exp)}
			return res
		}
		expected = exp.String()
		res.ExpectOrigin, res.Sender = expected, expected
	}

	var names []string
	for _, n := range Scenarios {
		if n != ScenarioOrigin || expected != "" {
			names = append(names, n)
		}
	}
	res.Scenarios = make([]*Scenario, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			res.Scenarios[i] = s.runScenario(ctx, h, e, o.Page.Path, name, res.Sender, expected)
		})
	}
	wg.Wait()
	return res
}

// planSteps returns the messages a scenario posts, and from where.
func planSteps(name, sender, expected string) []*Step {
	switch name {
	case ScenarioDisposition:
		return []*Step{{Name: "the documented DISPOSITION_CALL", From: sender, Message: DispositionMessage(), Act: true}}
	case ScenarioCloseTab:
		return []*Step{{Name: "the documented CLOSE_TAB", From: sender, Message: CloseTabMessage(), Act: true}}
	case ScenarioUnknown:
		var steps []*Step
		for _, p := range Malformed() {
			steps = append(steps, &Step{Name: p.Name, From: sender, Message: p.Message})
		}
		return steps
	case ScenarioOrigin:
		// That the form acts on messages from the expected origin is the disposition-call scenario's.
		exp, _ := ParseOrigin(expected)
		var steps []*Step
		for i, f := range ForeignOrigins(exp) {
			steps = append(steps, &Step{Name: fmt.Sprintf("DISPOSITION_CALL from %s (%s)", f.Origin, f.Why), From: f.Origin, Message: DispositionMessage()})
			if i == 0 {
				steps = append(steps, &Step{Name: fmt.Sprintf("CLOSE_TAB from %s (%s)", f.Origin, f.Why), From: f.Origin, Message: CloseTabMessage()})
			}
		}
		return steps
	}
	return nil
}

// runScenario runs one scenario in a new tab.
func (s *Session) runScenario(ctx context.Context, h, e *site, formPath, name, sender, expected string) *Scenario {
	sc := &Scenario{Name: name, Started: time.Now()}
	defer func() { sc.Duration = time.Since(sc.Started) }()
	t, err := s.openTab(ctx, true)
	if err != nil {
		sc.Err = errorOf(err)
		return sc
	}
	defer s.releaseTab(t)
	if err := t.navigate(ctx, h.URL+"/__uccheck/form?src="+url.QueryEscape(formPath)); err != nil {
		sc.Err = errorOf(err)
	}
	senders := map[string]string{}
	for i, st := range planSteps(name, sender, expected) {
		if sc.Err != nil {
			break
		}
		sc.Steps = append(sc.Steps, st)
		if err := s.post(ctx, t, e, senders, st, strconv.Itoa(i)); err != nil {
			sc.Err = errorOf(err)
		}
	}
	sc.Console = t.consoleEntries()
	if s.opts.Screenshots && ctx.Err() == nil {
		sc.Screenshot = t.screenshot(ctx)
	}
	return sc
}

// post has a child frame of the form post the step's message, then a barrier; it waits for
// the barrier (which the form's window reports after the settle time) and fills the step with the
// calls and errors that came before it.
func (s *Session) post(ctx context.Context, t *tab, e *site, senders map[string]string, st *Step, id string) error {
	msg, err := EncodeValue(st.Message)
	if err != nil {
		return &Error{Kind: ErrHarness, Message: err.Error()}
	}
	spec, _ := json.Marshal(map[string]any{"messages": []json.RawMessage{msg}, "key": s.barrier, "id": id})
	// One sender frame per origin and tab: the first step loads it, later ones message it.
	name := senders[st.From]
	if name == "" {
		name = fmt.Sprintf("uc-sender-%d", len(senders))
		senders[st.From] = name
	}
	base, sandbox := st.From, ""
	if st.From == "null" {
		base, sandbox = e.URL, "f.sandbox = 'allow-scripts';"
	}
	src := base + "/__uccheck/sender#" + url.PathEscape(string(spec))
	js := fmt.Sprintf(`(() => {
  const form = window.frames[%[1]q];
  const spec = %[2]s;
  window.__uccheckShow && window.__uccheckShow(%[5]q);
  const w = form[%[3]q];
  if (w && w !== form && typeof w.postMessage === 'function') {
    w.postMessage({ uccheckSend: spec }, '*');
    return;
  }
  const d = form.document;
  const f = d.createElement('iframe');
  f.name = %[3]q;
  f.style.display = 'none';
  %[4]s
  f.src = %[6]q;
  (d.body || d.documentElement).appendChild(f);
})()`, frameForm, spec, name, sandbox, "posted "+JS(st.Message)+" from "+st.From, src)

	mark := t.mark()
	start := time.Now()
	if err := t.eval(ctx, js); err != nil {
		return err
	}
	recs, ok := t.waitFor(ctx, mark, start.Add(s.opts.Timeout), func(recs []record) bool {
		for _, r := range recs {
			if r.Kind == "barrier" && r.ID == id {
				return true
			}
		}
		return false
	})
	st.Duration = time.Since(start)
	for i, r := range recs {
		if r.Kind == "barrier" && r.ID == id {
			st.Delivered, st.Replaced = true, !r.Own
			recs = recs[:i]
			break
		}
	}
	for _, r := range recs {
		if r.Kind == "call" {
			st.Calls = append(st.Calls, Call{Func: r.Fn, Frame: r.Frame, Args: values(r.Args)})
		}
	}
	st.Errors = pageErrors(recs, "form")
	if !ok {
		if ctx.Err() != nil {
			return &Error{Kind: ErrInterrupted, Message: "interrupted"}
		}
		return &Error{Kind: ErrTimeout, Message: fmt.Sprintf("the message from %s did not reach the form's window within %s (did the form navigate away, or block the frame?)", st.From, s.opts.Timeout)}
	}
	return nil
}
