package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/sandbox"
)

func (p *pass) scriptsOf(it *collections.Item, event string) []struct{ where, src string } {
	var out []struct{ where, src string }
	add := func(where string, evs []collections.Event) {
		for _, e := range evs {
			if e.Listen == event && !e.Disabled && strings.TrimSpace(e.Exec) != "" {
				out = append(out, struct{ where, src string }{where, e.Exec})
			}
		}
	}
	add("collection", p.o.Collection.Events)
	for _, f := range it.Folders {
		add(fmt.Sprintf("folder %q", f.Name), f.Events)
	}
	add("item", it.Events)
	return out
}

func (p *pass) vars() sandbox.Vars {
	sc := p.sc
	return sandbox.Vars{
		Globals: sc.Globals, Collection: sc.Collection, Environment: sc.Environment, Data: sc.Data, Local: sc.Local,
		EnvironmentName: p.o.EnvName,
		Get:             sc.Get,
		Object: func() map[string]any {
			out := map[string]any{}
			for _, s := range []*VarScope{sc.Globals, sc.Collection, sc.Environment, sc.Data, sc.Local} {
				for k, v := range s.ToObject() {
					out[k] = v
				}
			}
			return out
		},
		Replace: func(s string) string { out, _ := sc.Resolve(s); return out },
	}
}

func (p *pass) runScripts(run *ItemRun, it *collections.Item, event string, req *sandbox.Request, resp *sandbox.Response, iter int) (*jump, bool) {
	var next *jump
	skip := false
	for _, s := range p.scriptsOf(it, event) {
		c := sandbox.Context{
			Event: event, Script: s.where, Item: it.PathString(), ItemName: it.Name(),
			Iteration: iter, IterationCount: p.t.Iterations,
			Request: req, Response: resp, Vars: p.vars(), Timeout: p.o.ScriptTimeout,
			Console: func(level, text string) {
				p.t.Console = append(p.t.Console, ConsoleLine{Item: it.PathString(), Iteration: iter, Event: event, Level: level, Text: text})
			},
		}
		res := sandbox.Run(s.src, c)
		for _, t := range res.Tests {
			run.Tests = append(run.Tests, PassTest{Name: t.Name, Event: event, Status: t.Status, Message: t.Message})
		}
		if res.Err != nil {
			run.Errors = append(run.Errors, RunError{Kind: "script", Message: res.Err.Error()})
		}
		if res.NextRequestSet {
			if res.NextRequestNull {
				next = &jump{stop: true}
			} else {
				next = &jump{name: *res.NextRequest}
			}
		}
		if res.Skip {
			skip = true
		}
		if event == "prerequest" && req != nil {
			req.Method = res.Method
			if res.URL != req.URL.String() {
				u := collections.ParseURL(res.URL)
				u.Variables = req.URL.Variables
				req.URL = u
			}
			req.Headers = res.Headers
		}
	}
	return next, skip
}

func (p *pass) item(ctx context.Context, it *collections.Item, iter int) (*ItemRun, *jump) {
	run := &ItemRun{Item: it.PathString(), Name: it.Name(), Iteration: iter}
	tmpl := Template(p.o.Collection, it)
	req := &sandbox.Request{ID: it.ID, Name: it.Name(), Method: tmpl.Method, URL: tmpl.URL, Headers: tmpl.Headers, Body: tmpl.Body}
	next, skip := p.runScripts(run, it, "prerequest", req, nil, iter)
	if skip {
		run.Skipped = true
		return run, next
	}
	tmpl.Method, tmpl.URL, tmpl.Headers = req.Method, req.URL, req.Headers
	fallback := []*VarScope{NewVarScope("item", it.Variables)}
	for i := len(it.Folders) - 1; i >= 0; i-- {
		fallback = append(fallback, NewVarScope("folder", it.Folders[i].Variables))
	}
	p.sc.Fallback = fallback
	profile := ProtocolProfile(p.o.Collection, it)
	built, err := Build(tmpl, BuildOptions{Item: it.PathString(), Scopes: p.sc, WorkingDir: p.o.WorkingDir, Profile: profile})
	p.sc.Fallback = nil
	var resp *sandbox.Response
	if err != nil {
		kind := "request"
		var ue *UnresolvedError
		if errors.As(err, &ue) {
			kind = "variable"
		}
		run.Errors = append(run.Errors, RunError{Kind: kind, Message: err.Error() + " (not sent)"})
		return run, next
	}
	p.t.Secrets = append(p.t.Secrets, built.Secrets...)
	ex := p.send(ctx, it, built, profile)
	run.Exchange = ex
	sent := &sandbox.Request{ID: it.ID, Name: it.Name(), Method: built.Method, URL: collections.ParseURL(built.URL), Headers: built.Header, Body: resolveBody(tmpl.Body, built, p.sc)}
	if ex.Err != nil {
		if ex.Err.Kind == ErrInterrupted {
			return run, next
		}
		run.Errors = append(run.Errors, RunError{Kind: "network", Message: fmt.Sprintf("%s %s: could not be sent: %s", built.Method, built.URL, ex.Err.Error())})
	} else {
		if ex.RedirectRefused != "" {
			// Newman would have followed it: say why the scripts see the redirect instead.
			run.Errors = append(run.Errors, RunError{Kind: "redirect", Message: fmt.Sprintf("%s %s: the redirect was %s", built.Method, built.URL, ex.RedirectRefused)})
		}
		r := ex.Response
		var hs []collections.Header
		for _, k := range sortedHeaderKeys(r.Header) {
			for _, v := range r.Header[k] {
				hs = append(hs, collections.Header{Key: k, Value: v})
			}
		}
		resp = &sandbox.Response{Code: r.Status, Status: reason(r.Status), Headers: hs, Body: r.Body, ResponseTime: ex.Timings.Total}
	}
	p.track(it, built, ex)
	n2, _ := p.runScripts(run, it, "test", sent, resp, iter)
	if n2 != nil {
		next = n2
	}
	return run, next
}

// resolveBody returns the body with its variables resolved, as a test script's pm.request.body
// shows the request that was sent (a raw body exactly as sent: dynamic variables keep the value
// they were sent with).
func resolveBody(b *collections.Body, built *Built, sc *Scopes) *collections.Body {
	if b == nil {
		return nil
	}
	r := func(s string) string { out, _ := sc.Resolve(s); return out }
	out := *b
	out.Raw = r(b.Raw)
	if b.Mode == "raw" && built.Body != nil {
		out.Raw = string(built.Body)
	}
	params := func(in []collections.Param) []collections.Param {
		var ps []collections.Param
		for _, p := range in {
			p.Key, p.Value = r(p.Key), r(p.Value)
			ps = append(ps, p)
		}
		return ps
	}
	out.URLEncoded, out.FormData = params(b.URLEncoded), params(b.FormData)
	if g := b.GraphQL; g != nil {
		gq := *g
		gq.Query = r(g.Query)
		if v, ok := g.Variables.(string); ok {
			gq.Variables = r(v)
		}
		out.GraphQL = &gq
	}
	return &out
}

func reason(code int) string {
	if s := http.StatusText(code); s != "" {
		return s
	}
	return fmt.Sprint(code)
}

func sortStrings(s []string) { sort.Strings(s) }

func sortedHeaderKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}
