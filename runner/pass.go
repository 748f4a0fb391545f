package runner

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/sandbox"
)

// PassOptions configures the collection pass: the items of a collection run in collection
// order as Newman runs them, scripts included.
type PassOptions struct {
	Collection *collections.Collection
	// Items are the items the pass may run, in collection order; setNextRequest can jump only
	// among them (as with Newman's --folder).
	Items []*collections.Item

	Globals     []collections.Variable // --globals
	Environment []collections.Variable // --environment
	EnvName     string
	// BaseURL, when set, replaces the scheme, host and any prefix before /Integra/ of every
	// request, as in the contract flow.
	BaseURL string
	// Preset are environment values uccheck sets from the target (domain, user, password); they
	// win over the environment file.
	Preset map[string]string
	// Vars are --var values: environment values that win over every file.
	Vars map[string]string

	Data       []map[string]any // --iteration-data rows
	Iterations int              // --iteration-count; 0: one per data row, or 1

	Client        *http.Client  // nil: NewClient(ClientOptions{})
	Timeout       time.Duration // per request; 0: DefaultTimeout
	MaxBody       int64         // bytes of a body read at most; 0: DefaultMaxBody
	ScriptTimeout time.Duration // per script; 0: sandbox.DefaultTimeout
	WorkingDir    string        // where file bodies are read from

	Now  func() time.Time
	Rand io.Reader
}

// PassTranscript is what the collection pass ran and what its scripts found.
type PassTranscript struct {
	Collection string // the collection's name
	Iterations int
	Runs       []*ItemRun
	Console    []ConsoleLine
	Cleanup    []*Exchange // EndSession requests sent to end sessions the items left open
	Started    time.Time
	Duration   time.Duration

	Aborted     string // why the pass stopped early
	Interrupted bool

	// Secrets are values reports must redact: tokens issued during the pass, secret variables.
	Secrets []string
}

// ItemRun is one execution of an item: its scripts, its request and its tests.
type ItemRun struct {
	Item      string // item path
	Name      string // item name
	Iteration int    // 0-based
	Exchange  *Exchange
	Tests     []PassTest
	Errors    []RunError // script errors, a request that could not be built or sent
	Skipped   bool       // pm.execution.skipRequest(): no request, no test scripts
}

// PassTest is one pm.test of an item run.
type PassTest struct {
	Name    string
	Event   string // "prerequest" or "test"
	Status  sandbox.TestStatus
	Message string
}

// RunError is something in an item run that could not be done.
type RunError struct {
	Kind    string // "script", "variable", "request", "network"
	Message string
}

// ConsoleLine is one console.* call of a script.
type ConsoleLine struct {
	Item      string
	Iteration int
	Event     string
	Level     string
	Text      string
}

// maxJumps bounds setNextRequest loops: requests per iteration, per item in the pass.
const maxJumps = 100

// RunPass runs the collection pass. Every session a login item opened and no EndSession item
// ended is ended afterwards, after interruptions too.
func RunPass(ctx context.Context, o PassOptions) *PassTranscript {
	if o.Client == nil {
		o.Client = NewClient(ClientOptions{})
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	p := &pass{o: o, t: &PassTranscript{Collection: o.Collection.Name, Started: o.Now()}}
	p.scopes()
	iterations := o.Iterations
	if iterations <= 0 {
		iterations = max(1, len(o.Data))
	}
	p.t.Iterations = iterations
	for i := 0; i < iterations && p.t.Aborted == ""; i++ {
		p.iteration(ctx, i)
	}
	p.cleanup(ctx)
	if p.insecure != nil {
		p.insecure.CloseIdleConnections()
	}
	p.t.Duration = o.Now().Sub(p.t.Started)
	return p.t
}

// insecureTransport returns the pass's transport that skips certificate verification (built on
// the client's), or nil when the client's transport is not an *http.Transport.
func (p *pass) insecureTransport() *http.Transport {
	if p.insecure == nil {
		tr, ok := p.o.Client.Transport.(*http.Transport)
		if !ok {
			return nil
		}
		p.insecure = tr.Clone()
		cfg := p.insecure.TLSClientConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		cfg.InsecureSkipVerify = true
		p.insecure.TLSClientConfig = cfg
	}
	return p.insecure
}

type pass struct {
	o        PassOptions
	t        *PassTranscript
	insecure *http.Transport // for items with strictSSL false: built once, closed at the end
	sc       *Scopes

	live []liveToken // sessions opened by login items and not ended
	// loginURL is the last login URL seen, to derive an EndSession URL for cleanup.
	loginURL string
}

func (p *pass) scopes() {
	o := p.o
	env := NewVarScope("environment", o.Environment)
	for _, k := range sortedKeys(o.Preset) {
		env.Set(k, o.Preset[k])
	}
	for _, k := range sortedKeys(o.Vars) {
		env.Set(k, o.Vars[k])
	}
	p.sc = &Scopes{
		Globals:     NewVarScope("globals", o.Globals),
		Collection:  NewVarScope("collection", o.Collection.VarList),
		Environment: env,
		Local:       NewVarScope("local", nil),
		Dynamic:     &Dynamic{Now: o.Now, Rand: o.Rand},
	}
	for _, list := range [][]collections.Variable{o.Globals, o.Environment, o.Collection.VarList} {
		for _, v := range list {
			if v.Type == "secret" && !v.Disabled {
				p.t.Secrets = append(p.t.Secrets, v.String())
			}
		}
	}
	if pw, ok := o.Preset["password"]; ok && pw != "" {
		p.t.Secrets = append(p.t.Secrets, pw)
	}
}

func (p *pass) dataRow(i int) map[string]any {
	if len(p.o.Data) == 0 {
		return nil
	}
	if i < len(p.o.Data) {
		return p.o.Data[i]
	}
	return p.o.Data[len(p.o.Data)-1] // as Newman: the last row for later iterations
}

func (p *pass) iteration(ctx context.Context, i int) {
	var row []collections.Variable
	for _, k := range sortedAnyKeys(p.dataRow(i)) {
		row = append(row, collections.Variable{Key: k, Value: p.dataRow(i)[k]})
	}
	p.sc.Data = NewVarScope("data", row)
	items := p.o.Items
	limit := maxJumps * max(1, len(items))
	for pos, n := 0, 0; pos < len(items); n++ {
		if ctx.Err() != nil {
			p.t.Aborted, p.t.Interrupted = "interrupted before "+items[pos].PathString(), true
			return
		}
		if n >= limit {
			p.t.Aborted = fmt.Sprintf("setNextRequest loop: more than %d requests in iteration %d", limit, i+1)
			return
		}
		run, next := p.item(ctx, items[pos], i)
		p.t.Runs = append(p.t.Runs, run)
		if run.Exchange != nil && run.Exchange.Err != nil && run.Exchange.Err.Kind == ErrInterrupted {
			p.t.Aborted, p.t.Interrupted = "interrupted during "+items[pos].PathString(), true
			return
		}
		switch {
		case next == nil:
			pos++
		case next.stop:
			pos = len(items)
		default:
			pos = p.find(next.name)
		}
	}
}

type jump struct {
	name string
	stop bool
}

// find returns the position of the item named by setNextRequest (by id, then by name), or the
// end when there is none (Newman then ends the iteration).
func (p *pass) find(name string) int {
	for i, it := range p.o.Items {
		if it.ID != "" && it.ID == name {
			return i
		}
	}
	for i, it := range p.o.Items {
		if it.Name() == name {
			return i
		}
	}
	return len(p.o.Items)
}

// scriptsOf returns the enabled scripts for an event, in Newman's order: collection, then each
// folder from the outermost, then the item.
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
	if p.o.BaseURL != "" {
		// As the contract flow: requests go to the target, whatever host the collection names,
		// so that credentials never go where a collection variable points.
		if u, err := rebase(built.URL, strings.TrimRight(p.o.BaseURL, "/")); err == nil {
			built.URL = u
		}
	}
	ex := p.send(ctx, it, built, profile)
	run.Exchange = ex
	sent := &sandbox.Request{ID: it.ID, Name: it.Name(), Method: built.Method, URL: collections.ParseURL(built.URL), Headers: built.Header, Body: resolveBody(tmpl.Body, built, p.sc)}
	if ex.Err != nil {
		if ex.Err.Kind == ErrInterrupted {
			return run, next
		}
		run.Errors = append(run.Errors, RunError{Kind: "network", Message: fmt.Sprintf("%s %s: could not be sent: %s", built.Method, built.URL, ex.Err.Error())})
	} else {
		r := ex.Response
		var hs []collections.Header
		for _, k := range sortedHeaderKeys(r.Header) {
			for _, v := range r.Header[k] {
				hs = append(hs, collections.Header{Key: k, Value: v})
			}
		}
		resp = &sandbox.Response{Code: r.Status, Status: reason(r.Status), Headers: hs, Body: r.Body, ResponseTime: ex.Timings.Total}
		p.track(built, r)
	}
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

// send sends a built request, honouring followRedirects, maxRedirects and strictSSL.
func (p *pass) send(ctx context.Context, it *collections.Item, b *Built, profile map[string]any) *Exchange {
	ex := &Exchange{Step: "collection", Item: it.PathString(), Start: p.o.Now()}
	hdr := http.Header{}
	for _, h := range b.Header {
		hdr.Add(h.Key, h.Value)
	}
	ex.Request = Request{Method: b.Method, URL: b.URL, Header: hdr.Clone(), Body: string(b.Body)}
	client := *p.o.Client
	follow := profileBool(profile, "followRedirects", true)
	maxRedirects := 10
	if v, ok := profile["maxRedirects"].(float64); ok {
		maxRedirects = int(v)
	}
	client.CheckRedirect = func(_ *http.Request, via []*http.Request) error {
		if !follow {
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			// As Newman (postman-request): an error, not the last redirect.
			return fmt.Errorf("exceeded maxRedirects (%d): probably stuck in a redirect loop", maxRedirects)
		}
		if r, first := via[len(via)-1], via[0]; r.URL.Scheme != first.URL.Scheme || !strings.EqualFold(r.URL.Host, first.URL.Host) {
			// Unlike Newman: credentials and bodies never follow a redirect to another origin.
			return http.ErrUseLastResponse
		}
		return nil
	}
	if !profileBool(profile, "strictSSL", true) {
		if tr := p.insecureTransport(); tr != nil {
			client.Transport = tr
		}
	}
	rctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, b.Method, b.URL, bytes.NewReader(b.Body))
	if err != nil {
		ex.Err = &Error{Kind: ErrOther, Message: err.Error()}
		return ex
	}
	req.Header = hdr
	if h := hdr.Get("Host"); h != "" {
		req.Host = h
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		ex.Err = classify(ctx, rctx, err, p.o.Timeout)
		ex.Timings.Total = time.Since(start)
		return ex
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, p.o.MaxBody+1))
	ex.Timings.Total = time.Since(start)
	if err != nil {
		ex.Err = classify(ctx, rctx, err, p.o.Timeout)
		return ex
	}
	out := &Response{Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header.Clone(), Body: data}
	if int64(len(data)) > p.o.MaxBody {
		out.Body, out.Truncated = data[:p.o.MaxBody], true
	}
	ex.Response = out
	return ex
}

var (
	loginPathRE  = regexp.MustCompile(`(?i)/auth/getUserToken/?$`)
	logoutPathRE = regexp.MustCompile(`(?i)/auth/EndSession/?$`)
)

// track notes the sessions the pass opens and ends, so that cleanup can end the rest.
func (p *pass) track(b *Built, r *Response) {
	u, err := url.Parse(b.URL)
	if err != nil {
		return
	}
	form, _ := url.ParseQuery(string(b.Body))
	switch {
	case loginPathRE.MatchString(u.Path):
		if tok, _ := ExtractToken(r.Body); tok != "" {
			p.t.Secrets = append(p.t.Secrets, tok)
			p.live = append(p.live, liveToken{user: form.Get("user"), token: tok})
			p.loginURL = b.URL
		}
	case logoutPathRE.MatchString(u.Path) && r.Status == http.StatusOK:
		tok := form.Get("token")
		kept := p.live[:0]
		for _, l := range p.live {
			if l.token != tok {
				kept = append(kept, l)
			}
		}
		p.live = kept
	}
}

// cleanup ends every session the pass opened and did not end, even when ctx is cancelled.
func (p *pass) cleanup(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, l := range p.live {
		target := ""
		if p.loginURL != "" {
			target = loginPathRE.ReplaceAllString(strings.SplitN(p.loginURL, "?", 2)[0], "/auth/EndSession")
		}
		if target == "" {
			continue
		}
		body := "user=" + url.QueryEscape(l.user) + "&token=" + url.QueryEscape(l.token)
		b := &Built{Method: http.MethodPost, URL: target, Body: []byte(body), Header: []collections.Header{
			{Key: "Content-Type", Value: FormContentType}, {Key: "Authorization", Value: "Basic " + l.token}, {Key: "User-Agent", Value: "uccheck"},
		}}
		cctx, cancel := context.WithTimeout(ctx, CleanupTimeout)
		ex := p.send(cctx, &collections.Item{Path: []string{"cleanup"}}, b, map[string]any{"followRedirects": false})
		ex.Step = StepCleanup
		cancel()
		p.t.Cleanup = append(p.t.Cleanup, ex)
	}
	p.live = nil
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

// setCallRE finds the variable names scripts set with a literal name.
var setCallRE = regexp.MustCompile(`(?:\.set|set(?:Environment|Global)Variable)\(\s*(?:'([^']*)'|"([^"]*)"|` + "`([^`$]*)`" + `)`)

// dynamicSetRE finds set calls whose name is not a literal (then any name may be set).
var dynamicSetRE = regexp.MustCompile(`(?:\.set|set(?:Environment|Global)Variable)\(\s*[^'"\x60\s)]`)

// Check verifies, before anything is sent, that every item of the pass can be sent: its auth
// type is supported and every {{variable}} it refers to is set by some scope, the iteration
// data, or a script of the collection. It returns every problem found, one per line.
func Check(o PassOptions) error {
	known := map[string]bool{}
	for _, list := range [][]collections.Variable{o.Globals, o.Environment, o.Collection.VarList} {
		for _, v := range list {
			if !v.Disabled {
				known[v.Key] = true
			}
		}
	}
	for k := range o.Preset {
		known[k] = true
	}
	for k := range o.Vars {
		known[k] = true
	}
	for _, row := range o.Data {
		for k := range row {
			known[k] = true
		}
	}
	anyName := false
	scan := func(evs []collections.Event) {
		for _, e := range evs {
			if e.Disabled {
				continue
			}
			for _, m := range setCallRE.FindAllStringSubmatch(e.Exec, -1) {
				known[m[1]+m[2]+m[3]] = true
			}
			if dynamicSetRE.MatchString(e.Exec) {
				anyName = true
			}
		}
	}
	scan(o.Collection.Events)
	for _, f := range o.Collection.Folders {
		scan(f.Events)
	}
	for _, it := range o.Collection.Items {
		scan(it.Events)
	}
	var problems []string
	for _, it := range o.Items {
		if err := CheckAuth(o.Collection, it); err != nil {
			problems = append(problems, err.Error())
		}
		if anyName {
			continue
		}
		local := map[string]bool{}
		for _, v := range it.Variables {
			local[v.Key] = true
		}
		for _, f := range it.Folders {
			for _, v := range f.Variables {
				local[v.Key] = true
			}
		}
		for _, ref := range templateRefs(o.Collection, it) {
			var missing []string
			for _, n := range VarNames(ref.text) {
				if !known[n] && !local[n] && !IsDynamic(n) {
					missing = append(missing, n)
				}
			}
			if missing != nil {
				problems = append(problems, (&UnresolvedError{Names: missing, Item: it.PathString(), Field: ref.field}).Error())
			}
		}
	}
	if problems == nil {
		return nil
	}
	return errors.New(strings.Join(dedupe(problems), "\n"))
}

type templateRef struct{ field, text string }

// templateRefs lists the templates an item's request is built from.
func templateRefs(c *collections.Collection, it *collections.Item) []templateRef {
	out := []templateRef{{"URL", urlWithPathVars(it.Parts)}}
	for _, h := range it.Headers {
		if !h.Disabled {
			out = append(out, templateRef{fmt.Sprintf("header %q", h.Key), h.Key + h.Value})
		}
	}
	if b := it.Body; b != nil && !b.Disabled {
		switch b.Mode {
		case "raw":
			out = append(out, templateRef{"body", b.Raw})
		case "urlencoded", "formdata":
			for _, f := range append(append([]collections.Param(nil), b.URLEncoded...), b.FormData...) {
				if !f.Disabled && f.Type != "file" {
					out = append(out, templateRef{fmt.Sprintf("body field %q", f.Key), f.Key + f.Value})
				}
			}
		case "graphql":
			if b.GraphQL != nil {
				out = append(out, templateRef{"graphql query", b.GraphQL.Query})
				if s, ok := b.GraphQL.Variables.(string); ok {
					out = append(out, templateRef{"graphql variables", s})
				}
			}
		}
	}
	if a, _ := AuthSource(c, it); a != nil {
		for _, k := range a.Order {
			out = append(out, templateRef{"auth " + a.Type + "." + k, a.Params[k]})
		}
	}
	return out
}
