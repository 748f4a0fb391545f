// Package runner executes the uContact auth flow built from collection items and returns a
// transcript of what was sent and received. It judges nothing and prints nothing; it extracts
// the token leniently so that the flow goes on when a server deviates, and it ends every session
// it opened, after failures, timeouts and interruptions too.
package runner

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/uccheck/uccheck/collections"
)

// DefaultTimeout is the per-request timeout when Options.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// CleanupTimeout bounds each EndSession sent to end a session after a failure or interruption.
const CleanupTimeout = 5 * time.Second

// DefaultMaxBody is how much of a response body is read when Options.MaxBody is zero; the rest is
// cut (never read) and the response marked Truncated.
const DefaultMaxBody = 1 << 20

// DefaultRetryBase is the first wait before a retry.
const DefaultRetryBase = 200 * time.Millisecond

// FormContentType is the documented content type of every Integra request.
const FormContentType = "application/x-www-form-urlencoded; charset=UTF-8"

// Options configures a run of the contract flow.
type Options struct {
	BaseURL  string // scheme://host[:port][/prefix]; replaces everything before /Integra/ in item URLs
	User     string
	Password string
	Vars     map[string]string // --var values; they win over every other variable
	// CollectionVars are the collection's own variables; the target, user and password win over them.
	CollectionVars map[string]string
	Roles          collections.Roles // the items to build the requests from
	Source         string            // the collection's source, for the transcript

	// Steps limits the flow to these steps (nil: every step). StepLogin and StepLogout run
	// whenever a later step needs the session; a session is always ended.
	Steps map[Step]bool

	Client  *http.Client  // nil: a NewClient(ClientOptions{}) closed at the end of the run
	Timeout time.Duration // per request; 0: DefaultTimeout
	MaxBody int64         // bytes of a body read at most; 0: DefaultMaxBody

	// Retries is how many times a failed exchange may be sent again (see retryable); RetryBase
	// is the first wait (DefaultRetryBase when zero), doubled each time, plus jitter.
	Retries   int
	RetryBase time.Duration

	// APIToken runs in API-token mode: no login and no EndSession at all (ending a shared token
	// would break every other user of it); the probes use "<TokenScheme> <APIToken>".
	APIToken    string
	TokenScheme string // "Basic" (default, as the vendor page shows) or "Bearer"

	Now  func() time.Time // nil: time.Now
	Rand io.Reader        // source of random user names and bogus tokens; nil: crypto/rand

	// Sessions is the target's session tracker, shared with its collection pass; nil: the run's own.
	Sessions *Sessions
}

// Run executes the contract flow (the steps of Plan) and returns its transcript. The error is
// non-nil only when the flow could not be built (an unset variable, a bad URL): then nothing was
// sent.
func Run(ctx context.Context, o Options) (*Transcript, error) {
	r := &run{o: o}
	if r.o.Now == nil {
		r.o.Now = time.Now
	}
	if r.o.Rand == nil {
		r.o.Rand = rand.Reader
	}
	if r.o.Sessions == nil {
		r.o.Sessions = NewSessions()
	}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	r.t = &Transcript{Target: r.base, Collection: o.Source, User: o.User, Started: r.o.Now()}
	if o.Password != "" {
		r.t.Secrets = append(r.t.Secrets, o.Password)
	}
	r.x = newExchanger(Policy{
		Client: r.o.Client, Target: r.base, Timeout: r.o.Timeout, MaxBody: r.o.MaxBody,
		Retries: r.o.Retries, RetryBase: r.o.RetryBase, Rand: r.o.Rand, Now: r.o.Now,
	}, r.o.Sessions, func() []string { return r.t.Secrets })
	if r.o.Client == nil {
		defer r.x.pol.Client.CloseIdleConnections()
	}
	defer r.x.close()
	r.flow(ctx, Plan(r.o, PassOptions{}).Steps)
	r.cleanup(ctx)
	r.t.Secrets = withSentForms(r.t.Secrets)
	r.t.Duration = r.o.Now().Sub(r.t.Started)
	return r.t, nil
}

// Validate checks that the flow can be built from the options (target URL, role items, every
// variable set) without sending anything.
func Validate(o Options) error {
	r := &run{o: o}
	if r.o.Rand == nil {
		r.o.Rand = rand.Reader
	}
	return r.prepare()
}

type run struct {
	o    Options
	base string
	t    *Transcript
	x    *exchanger
	sc   *Scopes // the variables every request sees (built once)

	bogusUser  string // a user name that cannot exist
	bogusToken string // a well-formed token that was never issued
}

// prepare checks that every request of the flow can be built before anything is sent.
func (r *run) prepare() error {
	base := strings.TrimRight(r.o.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("target %q: want https://HOST[:PORT] (or http:// for --base-url)", r.o.BaseURL)
	}
	r.base = base
	if r.o.Roles.Login == nil || r.o.Roles.Probe == nil || r.o.Roles.Logout == nil {
		return errors.New("the collection's login, probe and logout items must all be known")
	}
	r.bogusUser = "uccheck-nobody-" + r.randomHex(6)
	user := r.o.User
	if user == "" {
		user = "uccheck"
	}
	r.bogusToken = base64.StdEncoding.EncodeToString([]byte(user + ":" + r.randomUUID()))
	if r.o.TokenScheme == "" {
		r.o.TokenScheme = "Basic"
	}
	r.sc = contractScopes(r.o, u.Host)
	for _, it := range []*collections.Item{r.o.Roles.Login, r.o.Roles.Probe, r.o.Roles.Logout} {
		o, _, err := roleRequest(nil, it, r.sc, map[string]string{"token": "x"}, nil, nil)
		if err != nil {
			return err
		}
		if _, err := rebase(o.URL, r.base); err != nil {
			return fmt.Errorf("item %q, URL %q: %w", it.PathString(), it.URL, err)
		}
	}
	return nil
}

// contractScopes are the contract flow's variables in Newman's scopes: the collection's own,
// under the target's domain, user and password (literal values), under --var values.
func contractScopes(o Options, host string) *Scopes {
	var coll []collections.Variable
	for _, k := range sortedKeys(o.CollectionVars) {
		coll = append(coll, collections.Variable{Key: k, Value: o.CollectionVars[k]})
	}
	env := NewVarScope("environment", nil)
	env.Set("domain", host)
	env.SetLiteral("user", o.User)
	env.SetLiteral("password", o.Password)
	for _, k := range sortedKeys(o.Vars) {
		env.Set(k, o.Vars[k])
	}
	return &Scopes{
		Globals: NewVarScope("globals", nil), Collection: NewVarScope("collection", coll), Environment: env,
		Data: NewVarScope("data", nil), Local: NewVarScope("local", nil), Dynamic: &Dynamic{Now: o.Now, Rand: o.Rand},
	}
}

func (r *run) randomHex(n int) string {
	b := make([]byte, n)
	_, _ = io.ReadFull(r.o.Rand, b)
	return fmt.Sprintf("%x", b)
}

func (r *run) randomUUID() string {
	var b [16]byte
	_, _ = io.ReadFull(r.o.Rand, b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// flow sends the planned steps in order, stopping when the target cannot be reached or the run
// ends.
func (r *run) flow(ctx context.Context, steps []PlannedStep) {
	if r.o.APIToken != "" {
		// API-token mode: the long-lived token stands for the session; nothing logs in and
		// nothing, ever, sends EndSession.
		r.t.Token, r.t.TokenSource = r.o.APIToken, TokenSource{Shape: "api-token"}
		r.t.Secrets = append(r.t.Secrets, r.o.APIToken)
		r.o.Sessions.mu.Lock()
		r.o.Sessions.shared = true
		r.o.Sessions.mu.Unlock()
	}
	for _, s := range steps {
		if s.NeedsToken && r.t.Token == "" {
			continue
		}
		if ctx.Err() != nil {
			r.stopped(ctx, "before "+string(s.Step))
			return
		}
		ex := r.do(ctx, s.Step)
		if ex.Err != nil && (ex.Err.Kind == ErrInterrupted || ex.Err.Kind == ErrDeadline) {
			r.stopped(ctx, "during "+string(s.Step))
			return
		}
		if ex.Err != nil && (unreachable(ex.Err.Kind) || (ex.Err.Kind == ErrTimeout && !r.answered())) {
			r.t.Aborted = fmt.Sprintf("target unreachable at %s (%s)", s.Step, ex.Err.Error())
			return
		}
	}
}

// stopped records why the flow stopped when its context ended: the run's deadline, or an
// interruption.
func (r *run) stopped(ctx context.Context, where string) {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		r.t.Aborted = "the run's deadline (--deadline) was reached " + where
		return
	}
	r.t.Aborted, r.t.Interrupted = "interrupted "+where, true
}

// answered reports whether any exchange so far got a response.
func (r *run) answered() bool {
	for _, ex := range r.t.Exchanges {
		if ex.Response != nil || ex.Late != nil {
			return true
		}
	}
	return false
}

func unreachable(k ErrorKind) bool { return k == ErrDNS || k == ErrRefused || k == ErrTLS }
