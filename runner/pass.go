package runner

import (
	"context"
	"fmt"
	"io"
	"net/http"
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

	// Roles are the collection's role items: the pass recognises the login and logout items by
	// identity with them (--login-item and --logout-item included), registers each token a
	// login yields and ends what is left with the logout item. Unknown roles: recognised by
	// URL path (auth/getUserToken, auth/EndSession).
	Roles collections.Roles
	// Sessions is the target's session tracker, shared with its contract flow; nil: the pass's own.
	Sessions *Sessions
	// Retries and RetryBase are the retry policy of the one exchange path (see Options).
	Retries   int
	RetryBase time.Duration
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

	// Secrets are values reports must redact: tokens issued during the pass, secret variables,
	// then each as the runner encoded it in what it sent.
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
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sessions == nil {
		o.Sessions = NewSessions()
	}
	p := &pass{o: o, t: &PassTranscript{Collection: o.Collection.Name, Started: o.Now()}}
	p.x = newExchanger(Policy{
		Client: o.Client, Target: o.BaseURL, Timeout: o.Timeout, MaxBody: o.MaxBody,
		Retries: o.Retries, RetryBase: o.RetryBase, Rand: o.Rand, Now: o.Now,
	}, o.Sessions, func() []string { return p.t.Secrets })
	defer p.x.close()
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
	p.t.Secrets = withSentForms(p.t.Secrets)
	p.t.Duration = o.Now().Sub(p.t.Started)
	return p.t
}

type pass struct {
	o  PassOptions
	t  *PassTranscript
	x  *exchanger
	sc *Scopes

	// loginURL is the last login URL seen, to derive an EndSession URL for cleanup when the
	// collection has no logout item.
	loginURL string
}

func (p *pass) scopes() {
	o := p.o
	env := NewVarScope("environment", o.Environment)
	for _, k := range sortedKeys(o.Preset) {
		if k == "user" || k == "password" {
			env.SetLiteral(k, o.Preset[k]) // uccheck's own values: never expanded again
			continue
		}
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
