package crossdomain

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// EmbedOptions says which integrator page to check, and the user action that makes it post.
type EmbedOptions struct {
	Page  Page
	Click string // CSS selector of the element to click (a real mouse click)
	Eval  string // JavaScript to evaluate in the page instead of a click
	// ExpectTargetOrigin is the uContact origin the page must post to; empty when not judged.
	ExpectTargetOrigin string
}

// minSettleAfterAction is the least time the harness waits after the first message for more.
const minSettleAfterAction = 300 * time.Millisecond

// CheckEmbed loads the page in a stand-in form (which records every message it receives) inside
// the agent window, with the page's window.parent replaced, before its scripts run, by a Proxy that
// records each postMessage and its targetOrigin. It then performs the user action and waits for the
// page's message. It returns what the page posted.
func (s *Session) CheckEmbed(ctx context.Context, o EmbedOptions) *EmbedResult {
	res := &EmbedResult{Page: o.Page.Name, Started: time.Now()}
	defer func() { res.Duration = time.Since(res.Started) }()
	if e := res.options(o); e != nil {
		res.Err = e
		return res
	}
	if e := o.Page.Check(ctx); e != nil {
		res.Err = e
		return res
	}
	h := newSite(nil)            // the agent window and the stand-in form
	e := newSite(o.Page.Handler) // the integrator's page: another origin, the same site
	defer h.close()
	defer e.close()
	res.URL = e.URL + o.Page.Path

	t, err := s.openTab(ctx, false)
	if err != nil {
		res.Err = errorOf(err)
		return res
	}
	defer s.releaseTab(t)
	defer func() {
		res.Console = t.consoleEntries()
		if s.opts.Screenshots && ctx.Err() == nil {
			// The page's window.parent records cannot reach the agent window's list (another
			// origin): add them before the picture.
			for _, p := range res.Posts {
				line, _ := json.Marshal(fmt.Sprintf("the page called window.parent.postMessage(%s, %q)", JS(p.Data), nonEmpty(p.TargetOrigin, "/")))
				_ = t.eval(ctx, "window.__uccheckShow && window.__uccheckShow("+string(line)+")")
			}
			res.Screenshot = t.screenshot(ctx)
		}
	}()
	if err := t.navigate(ctx, h.URL+"/__uccheck/embed?src="+url.QueryEscape(res.URL)); err != nil {
		res.Err = errorOf(err)
		return res
	}
	_, execCtx, err := t.frameContext(ctx, frameEmbed)
	if err != nil {
		res.Err = errorOf(err)
		return res
	}

	mark := t.mark()
	if o.Click != "" {
		err = t.click(ctx, execCtx, o.Click)
	} else {
		err = t.evalIn(ctx, execCtx, o.Eval)
	}
	if err != nil {
		res.Err = errorOf(err)
		return res
	}
	_, posted := t.waitFor(ctx, mark, time.Now().Add(s.opts.Timeout), func(recs []record) bool {
		for _, r := range recs {
			if r.Kind == "post" || r.Kind == "top-message" {
				return true
			}
		}
		return false
	})
	if posted {
		settle := max(3*s.opts.Settle, minSettleAfterAction)
		select {
		case <-time.After(settle):
		case <-ctx.Done():
		}
	}
	if ctx.Err() != nil {
		res.Err = &Error{Kind: ErrInterrupted, Message: "interrupted"}
	}
	res.addRecords(t.since(0), mark)
	return res
}

// options validates the user action and the expected target origin, and records them.
func (res *EmbedResult) options(o EmbedOptions) *Error {
	switch {
	case o.Click != "" && o.Eval != "":
		return &Error{Kind: ErrHarness, Message: "give a click or a script, not both"}
	case o.Click != "":
		res.Action = "click " + o.Click
	case o.Eval != "":
		res.Action = "eval " + o.Eval
	default:
		return &Error{Kind: ErrHarness, Message: "no user action: give a selector to click or a script to evaluate"}
	}
	if o.ExpectTargetOrigin != "" {
		exp, err := ParseOrigin(o.ExpectTargetOrigin)
		if err != nil {
			return &Error{Kind: ErrHarness, Message: err.Error()}
		}
		res.ExpectTargetOrigin = exp.String()
	}
	return nil
}

// addRecords files what the harness recorded: the page's posts to its parent, its messages to
// the agent window, what it received, and its uncaught errors. Records before mark came before
// the user action.
func (res *EmbedResult) addRecords(recs []record, mark int) {
	for i, r := range recs {
		switch r.Kind {
		case "post":
			p := Post{Data: value(r.Data), BeforeAction: i < mark}
			if r.TargetOrigin != nil {
				p.TargetOrigin = *r.TargetOrigin
			}
			res.Posts = append(res.Posts, p)
		case "top-message":
			res.ToTop = append(res.ToTop, Post{Data: value(r.Data), Origin: r.Origin, BeforeAction: i < mark})
		case "received":
			res.Received = append(res.Received, Post{Data: value(r.Data), Origin: r.Origin, BeforeAction: i < mark})
		}
	}
	res.Errors = append(res.Errors, pageErrors(recs, "embed")...)
}

// click waits for the first element matching selector in the frame, scrolls it into view and
// clicks its centre with the mouse, as a person would.
func (t *tab) click(ctx context.Context, execCtx runtime.ExecutionContextID, selector string) error {
	sel, _ := json.Marshal(selector)
	expr := "document.querySelector(" + string(sel) + ")"
	deadline := time.Now().Add(t.s.opts.Timeout)
	var obj runtime.RemoteObjectID
	for obj == "" {
		var res runtime.EvaluateResult
		err := t.do(ctx, func(ctx context.Context) error {
			var err error
			res, err = chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ContextID: execCtx})
			return err
		})
		if err != nil {
			return err
		}
		if d := res.ExceptionDetails; d != nil {
			return &Error{Kind: ErrAction, Message: fmt.Sprintf("the selector %q is not valid CSS: %s", selector, exceptionText(d))}
		}
		if res.Result != nil && res.Result.ObjectID != "" {
			obj = res.Result.ObjectID
			break
		}
		if time.Now().After(deadline) {
			return &Error{Kind: ErrAction, Message: fmt.Sprintf("no element of the page matches %q (waited %s)", selector, t.s.opts.Timeout)}
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return &Error{Kind: ErrInterrupted, Message: "interrupted"}
		}
	}
	return t.do(ctx, func(ctx context.Context) error {
		_, _ = chromedp.Call(ctx, dom.ScrollIntoViewIfNeeded, dom.ScrollIntoViewIfNeededParams{ObjectID: obj})
		q, err := chromedp.Call(ctx, dom.GetContentQuads, dom.GetContentQuadsParams{ObjectID: obj})
		if err != nil || len(q.Quads) == 0 || len(q.Quads[0]) < 8 {
			return &Error{Kind: ErrAction, Message: fmt.Sprintf("the element %q has no box to click (hidden?)", selector)}
		}
		quad := q.Quads[0]
		x := (quad[0] + quad[2] + quad[4] + quad[6]) / 4
		y := (quad[1] + quad[3] + quad[5] + quad[7]) / 4
		for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
			p := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
			if typ != input.DispatchMouseEventTypeMouseMoved {
				p.Button, p.ClickCount = input.MouseButtonLeft, 1
			}
			if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// evalIn evaluates a script in the frame's main world as a user gesture, awaiting a promise it
// returns. An exception it throws is recorded as the page's error, not the harness's.
func (t *tab) evalIn(ctx context.Context, execCtx runtime.ExecutionContextID, js string) error {
	var res runtime.EvaluateResult
	err := t.do(ctx, func(ctx context.Context) error {
		var err error
		res, err = chromedp.Call(ctx, runtime.Evaluate, runtime.EvaluateParams{
			Expression: js, ContextID: execCtx, AwaitPromise: new(true), UserGesture: new(true), ReturnByValue: new(true),
		})
		return err
	})
	if err != nil {
		return err
	}
	if d := res.ExceptionDetails; d != nil {
		t.mu.Lock()
		t.records = append(t.records, record{Kind: "error", Frame: "embed", Message: "the --eval script threw: " + exceptionText(d)})
		t.mu.Unlock()
	}
	return nil
}

func exceptionText(d *runtime.ExceptionDetails) string {
	text := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		text = d.Exception.Description
	}
	return firstLine(text)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
