// Package runner executes the uContact auth flow built from collection items and returns a
// transcript of what was sent and received. It judges nothing and prints nothing; it extracts
// the token leniently so that the flow goes on when a server deviates, and it ends every session
// it opened, after failures, timeouts and interruptions too.
package runner

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
}

// ClientOptions configures the HTTP client NewClient builds.
type ClientOptions struct {
	RootCAs  *x509.CertPool // nil: the system roots
	Insecure bool           // skip certificate verification
}

// NewClient returns a client for uContact servers: HTTP/2 when the server offers it, TLS 1.2 or
// later, and no redirects followed (a redirect is returned as it is, so that credentials are
// never sent to another place and the checks can say where the server pointed).
func NewClient(o ClientOptions) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.ForceAttemptHTTP2 = true
	tr.TLSClientConfig = &tls.Config{RootCAs: o.RootCAs, InsecureSkipVerify: o.Insecure, MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run executes the contract flow and returns its transcript. The error is non-nil only when the
// flow could not be built (an unset variable, a bad URL): then nothing was sent.
func Run(ctx context.Context, o Options) (*Transcript, error) {
	r := &run{o: o}
	if r.o.Client == nil {
		r.o.Client = NewClient(ClientOptions{})
		defer r.o.Client.CloseIdleConnections()
	}
	if r.o.MaxBody <= 0 {
		r.o.MaxBody = DefaultMaxBody
	}
	if r.o.Timeout == 0 {
		r.o.Timeout = DefaultTimeout
	}
	if r.o.Now == nil {
		r.o.Now = time.Now
	}
	if r.o.Rand == nil {
		r.o.Rand = rand.Reader
	}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	r.t = &Transcript{Target: r.base, Collection: o.Source, User: o.User, Started: r.o.Now()}
	if o.Password != "" {
		r.t.Secrets = append(r.t.Secrets, o.Password)
	}
	r.flow(ctx)
	r.cleanup(ctx)
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

	scope map[string]string // the variables every request sees (built once)

	leaf                    *x509.Certificate // the last certificate seen, and its names
	leafSubject, leafIssuer string

	bogusUser  string // a user name that cannot exist
	bogusToken string // a well-formed token that was never issued

	live []liveToken // tokens issued to this run that no EndSession has confirmed ended
}

type liveToken struct {
	user, token string
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
	for _, it := range []*collections.Item{r.o.Roles.Login, r.o.Roles.Probe, r.o.Roles.Logout} {
		if _, err := r.build(it, map[string]string{"token": "x"}); err != nil {
			return err
		}
	}
	return nil
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

func (r *run) want(s Step) bool { return r.o.Steps == nil || r.o.Steps[s] }

func (r *run) flow(ctx context.Context) {
	needSession := false
	for _, s := range []Step{StepProbe, StepLogout, StepProbeEnded, StepLogoutRepeat} {
		needSession = needSession || r.want(s)
	}
	steps := []struct {
		step  Step
		run   bool
		needs bool // needs the live token
		do    func(ctx context.Context) *Exchange
	}{
		{StepLogin, r.want(StepLogin) || needSession, false, r.login},
		{StepLoginBad, r.want(StepLoginBad), false, r.loginBad},
		{StepProbeNoAuth, r.want(StepProbeNoAuth), false, func(ctx context.Context) *Exchange { return r.probe(ctx, StepProbeNoAuth, "") }},
		{StepProbeBogus, r.want(StepProbeBogus), false, func(ctx context.Context) *Exchange { return r.probe(ctx, StepProbeBogus, r.bogusToken) }},
		{StepProbe, r.want(StepProbe), true, func(ctx context.Context) *Exchange { return r.probe(ctx, StepProbe, r.t.Token) }},
		{StepLogout, true, true, func(ctx context.Context) *Exchange { return r.logout(ctx, StepLogout, r.o.User, r.t.Token) }},
		{StepProbeEnded, r.want(StepProbeEnded), true, func(ctx context.Context) *Exchange { return r.probe(ctx, StepProbeEnded, r.t.Token) }},
		{StepLogoutRepeat, r.want(StepLogoutRepeat), true, func(ctx context.Context) *Exchange { return r.logout(ctx, StepLogoutRepeat, r.o.User, r.t.Token) }},
		{StepLogoutBogus, r.want(StepLogoutBogus), false, func(ctx context.Context) *Exchange { return r.logout(ctx, StepLogoutBogus, r.o.User, r.bogusToken) }},
	}
	if r.o.APIToken != "" {
		// API-token mode: the long-lived token stands for the session; nothing logs in and
		// nothing, ever, sends EndSession.
		r.t.Token, r.t.TokenSource = r.o.APIToken, TokenSource{Shape: "api-token"}
		r.t.Secrets = append(r.t.Secrets, r.o.APIToken)
	}
	for _, s := range steps {
		if !s.run || (s.needs && r.t.Token == "") {
			continue
		}
		if r.o.APIToken != "" && (!readOnly[s.step] || s.step == StepProbeEnded) {
			continue
		}
		if ctx.Err() != nil {
			r.stopped(ctx, "before "+string(s.step))
			return
		}
		ex := s.do(ctx)
		if ex.Err != nil && (ex.Err.Kind == ErrInterrupted || ex.Err.Kind == ErrDeadline) {
			r.stopped(ctx, "during "+string(s.step))
			return
		}
		if ex.Err != nil && (unreachable(ex.Err.Kind) || (ex.Err.Kind == ErrTimeout && !r.answered())) {
			r.t.Aborted = fmt.Sprintf("target unreachable at %s (%s)", s.step, ex.Err.Error())
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

func (r *run) login(ctx context.Context) *Exchange {
	ex := r.send(ctx, StepLogin, r.o.Roles.Login, nil, map[string]string{"user": r.o.User, "password": r.o.Password}, nil)
	if ex.Response != nil {
		if tok, src := ExtractToken(ex.Response.read); tok != "" {
			r.t.Token, r.t.TokenSource = tok, src
			r.issued(r.o.User, tok)
		}
	}
	r.lateSession(ex, r.o.User)
	return ex
}

// lateSession registers, for the cleanup to end, a session whose login answered too late.
func (r *run) lateSession(ex *Exchange, user string) {
	if ex.Late != nil {
		if tok, _ := ExtractToken(ex.Late.read); tok != "" {
			r.issued(user, tok)
		}
	}
}

func (r *run) loginBad(ctx context.Context) *Exchange {
	password := r.randomHex(12)
	bogus := map[string]string{"user": r.bogusUser, "password": password}
	// The variables too: a {{user}} or {{password}} in another field or header must not carry the
	// real ones into a failed login (lockout).
	ex := r.send(ctx, StepLoginBad, r.o.Roles.Login, bogus, bogus, nil)
	if ex.Response != nil {
		// A server that issues a session to a user that cannot exist has still opened one: end it.
		if tok, _ := ExtractToken(ex.Response.read); tok != "" {
			r.issued(r.bogusUser, tok)
		}
	}
	r.lateSession(ex, r.bogusUser)
	return ex
}

func (r *run) issued(user, token string) {
	r.t.Secrets = append(r.t.Secrets, token)
	r.live = append(r.live, liveToken{user: user, token: token})
}

// probe sends the probe item with "Authorization: Basic <token>", or with no Authorization
// header at all when token is empty.
func (r *run) probe(ctx context.Context, step Step, token string) *Exchange {
	auth := ""
	if token != "" {
		auth = r.o.TokenScheme + " " + token
	}
	return r.send(ctx, step, r.o.Roles.Probe, map[string]string{"token": token}, nil, &auth)
}

// logout sends EndSession for the token with the same token in the Authorization header, as the
// vendor page shows.
func (r *run) logout(ctx context.Context, step Step, user, token string) *Exchange {
	auth := "Basic " + token
	ex := r.send(ctx, step, r.o.Roles.Logout, map[string]string{"user": user, "token": token}, map[string]string{"user": user, "token": token}, &auth)
	if ex.Response != nil && ex.Response.Status == http.StatusOK && strings.TrimSpace(string(ex.Response.Body)) != "0" {
		r.ended(token) // "1" (or a deviating "OK"): ended; "0", the documented ERROR: still live
	}
	return ex
}

// ended forgets a token once the server answered its EndSession. Whatever the answer's text (a
// deviating "OK" included), a second EndSession is left to the flow's own steps.
func (r *run) ended(token string) {
	kept := r.live[:0]
	for _, l := range r.live {
		if l.token != token {
			kept = append(kept, l)
		}
	}
	r.live = kept
}

// cleanup ends every session the flow opened and did not end, even when ctx is cancelled.
func (r *run) cleanup(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, l := range append([]liveToken(nil), r.live...) {
		// No deadline of its own: the cleanup's EndSession is bounded by its per-request limit
		// (at least CleanupTimeout, see attempt), which classify reports as a timeout.
		r.logout(ctx, StepCleanup, l.user, l.token)
	}
}

// build resolves an item into a request: variables substituted in the URL, headers and body,
// and the URL rebased on the target.
func (r *run) build(it *collections.Item, vars map[string]string) (*http.Request, error) {
	if r.scope == nil {
		r.scope = map[string]string{}
		for k, v := range r.o.CollectionVars {
			r.scope[k] = v
		}
		u, _ := url.Parse(r.base)
		r.scope["domain"] = u.Host
		r.scope["user"] = literal(r.o.User)
		r.scope["password"] = literal(r.o.Password)
		for k, v := range r.o.Vars {
			r.scope[k] = v
		}
	}
	scope := r.scope
	if len(vars) > 0 {
		scope = make(map[string]string, len(r.scope)+len(vars))
		for k, v := range r.scope {
			scope[k] = v
		}
		for k, v := range vars {
			scope[k] = literal(v)
		}
	}
	where := "item " + strconv.Quote(it.PathString())
	rawURL, err := substitute(it.URL, scope)
	if err != nil {
		return nil, fmt.Errorf("%s, URL: %w", where, err)
	}
	target, err := rebase(rawURL, r.base)
	if err != nil {
		return nil, fmt.Errorf("%s, URL %q: %w", where, it.URL, err)
	}
	var body string
	var form []string
	for _, f := range it.Form {
		v, err := substitute(f.Value, scope)
		if err != nil {
			return nil, fmt.Errorf("%s, form field %q: %w", where, f.Key, err)
		}
		form = append(form, url.QueryEscape(f.Key)+"="+url.QueryEscape(v))
	}
	body = strings.Join(form, "&")
	if it.BodyMode == "raw" {
		if body, err = substitute(it.RawBody, scope); err != nil {
			return nil, fmt.Errorf("%s, body: %w", where, err)
		}
	}
	req, err := http.NewRequest(it.Method, target, strings.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	for _, h := range it.Header {
		v, err := substitute(h.Value, scope)
		if err != nil {
			return nil, fmt.Errorf("%s, header %q: %w", where, h.Key, err)
		}
		req.Header.Add(h.Key, v)
	}
	if len(it.Form) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", FormContentType)
	}
	req.Header.Set("User-Agent", "uccheck")
	return req, nil
}

// litOpen stands for "{{" inside values uccheck sets itself (a password, a token): they are
// substituted as they are, never expanded again as variable references.
const litOpen = "\x00uccheck-lit\x00"

func literal(v string) string { return strings.ReplaceAll(v, "{{", litOpen) }

// substitute is Substitute with uccheck's own values kept literal.
func substitute(s string, scope map[string]string) (string, error) {
	out, err := Substitute(s, scope)
	return strings.ReplaceAll(out, litOpen, "{{"), err
}

// setForm replaces (or adds) the given fields of a urlencoded body, keeping the others in order.
func setForm(body string, fields map[string]string) string {
	var parts []string
	seen := map[string]bool{}
	for _, kv := range strings.Split(body, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		key, _ := url.QueryUnescape(k)
		if v, ok := fields[key]; ok {
			if !seen[key] {
				parts = append(parts, url.QueryEscape(key)+"="+url.QueryEscape(v))
				seen[key] = true
			}
			continue
		}
		parts = append(parts, kv)
	}
	for _, k := range sortedKeys(fields) {
		if !seen[k] {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(fields[k]))
		}
	}
	return strings.Join(parts, "&")
}

// send builds a request from an item, applies the contract's own form fields and Authorization
// header, sends it with the per-request timeout, and records the exchange.
func (r *run) send(ctx context.Context, step Step, it *collections.Item, vars, form map[string]string, auth *string) *Exchange {
	ex := &Exchange{Step: step, Item: it.PathString(), Start: r.o.Now()}
	r.t.Exchanges = append(r.t.Exchanges, ex)
	req, err := r.build(it, vars)
	if err != nil { // prepare() built every item already; this cannot happen with valid options
		ex.Err = &Error{Kind: ErrOther, Message: err.Error()}
		return ex
	}
	body := ""
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	if form != nil {
		body = setForm(body, form)
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", FormContentType)
		}
	}
	if auth != nil {
		if *auth == "" {
			req.Header.Del("Authorization")
		} else {
			req.Header.Set("Authorization", *auth)
		}
	}
	ex.Request = Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body}

	for attempt := 0; ; attempt++ {
		r.attempt(ctx, ex, req, body)
		why, retry := r.retryable(ex)
		if !retry || attempt >= r.o.Retries {
			return ex
		}
		wait := r.backoff(attempt)
		ex.Retries = append(ex.Retries, Retry{Attempt: attempt + 1, Reason: why, Wait: wait})
		select {
		case <-ctx.Done():
			ex.Response, ex.Late = nil, nil
			ex.Err = classify(ctx, ctx, context.Cause(ctx), r.o.Timeout)
			return ex
		case <-time.After(wait):
		}
		ex.Response, ex.Err, ex.Late = nil, nil, nil
	}
}

// attempt sends the request once and records the answer (or the error) and timings in ex.
func (r *run) attempt(ctx context.Context, ex *Exchange, req *http.Request, body string) {
	limit := r.o.Timeout
	if ex.Step == StepCleanup {
		limit = max(limit, CleanupTimeout) // ending a session is worth waiting for
	}
	if opensSession[ex.Step] {
		// A login that answers after --timeout may still have opened a session: wait a grace
		// period longer to learn its token and end it, and judge the login as timed out.
		limit += LoginGrace(r.o.Timeout)
	}
	rctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var tm Timings
	var dnsStart, connStart, tlsStart time.Time
	wrote := false
	start := time.Now()
	trace := &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { dnsStart = time.Now() },
		DNSDone:              func(httptrace.DNSDoneInfo) { tm.DNS = time.Since(dnsStart) },
		ConnectStart:         func(string, string) { connStart = time.Now() },
		ConnectDone:          func(string, string, error) { tm.Connect = time.Since(connStart) },
		TLSHandshakeStart:    func() { tlsStart = time.Now() },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { tm.TLS = time.Since(tlsStart) },
		WroteHeaders:         func() { wrote = true },
		GotFirstResponseByte: func() { tm.FirstByte = time.Since(start) },
	}
	req = req.WithContext(httptrace.WithClientTrace(rctx, trace))
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }

	defer func() { ex.Timings = tm }()
	resp, err := r.o.Client.Do(req)
	if err != nil {
		tm.Total = time.Since(start)
		ex.Err = classify(ctx, rctx, err, r.o.Timeout)
		ex.Err.Sent = wrote
		return
	}
	defer resp.Body.Close()
	readLimit := r.o.MaxBody
	if opensSession[ex.Step] {
		// Read a login past a small --max-body: the token must be learned to end its session,
		// even when the body is judged as cut.
		readLimit = max(readLimit, DefaultMaxBody)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, readLimit+1))
	tm.Total = time.Since(start)
	if err != nil {
		ex.Err = classify(ctx, rctx, err, r.o.Timeout)
		ex.Err.Sent = true
		return
	}
	out := &Response{Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header.Clone(), Body: data, read: data}
	if int64(len(data)) > r.o.MaxBody {
		out.Body, out.Truncated = data[:r.o.MaxBody], true
	}
	if cs := resp.TLS; cs != nil {
		out.TLS = &TLSInfo{Version: tls.VersionName(cs.Version), Cipher: cipherName(cs.CipherSuite), ALPN: cs.NegotiatedProtocol, ServerName: cs.ServerName}
		if len(cs.PeerCertificates) > 0 {
			leaf := cs.PeerCertificates[0]
			if leaf != r.leaf { // the same connection's certificate: name it once
				r.leaf, r.leafSubject, r.leafIssuer = leaf, leaf.Subject.String(), leaf.Issuer.String()
			}
			out.TLS.Subject, out.TLS.Issuer, out.TLS.NotAfter = r.leafSubject, r.leafIssuer, leaf.NotAfter
		}
	}
	if opensSession[ex.Step] && tm.Total > r.o.Timeout {
		ex.Late = out
		ex.Err = &Error{Kind: ErrTimeout, Message: fmt.Sprintf("no complete answer within %s (--timeout); it came after %s", r.o.Timeout, tm.Total.Round(time.Millisecond)), Sent: true}
		return
	}
	ex.Response = out
}

// LoginGrace is how much longer than the timeout a login is waited for: four timeouts, at most
// CleanupTimeout.
func LoginGrace(timeout time.Duration) time.Duration { return min(CleanupTimeout, 4*timeout) }

// opensSession are the steps whose request may open a session on the server.
var opensSession = map[Step]bool{StepLogin: true, StepLoginBad: true}

var cipherNames sync.Map // uint16 -> string: tls.CipherSuiteName builds its lists on every call

func cipherName(id uint16) string {
	if n, ok := cipherNames.Load(id); ok {
		return n.(string)
	}
	n := tls.CipherSuiteName(id)
	cipherNames.Store(id, n)
	return n
}

// readOnly steps change nothing on the server, so they may be sent again after a timeout.
var readOnly = map[Step]bool{StepProbeNoAuth: true, StepProbeBogus: true, StepProbe: true, StepProbeEnded: true}

// retryable says whether an attempt failed to exchange in a way that may be retried: a request
// that never reached the server (refused, DNS, connect timeout, TLS handshake); a read-only
// request that timed out or was reset; or 502/503/504 while no session exists. A contract
// violation is never retried, nor a request that could have changed state on the server.
func (r *run) retryable(ex *Exchange) (string, bool) {
	if e := ex.Err; e != nil {
		switch {
		case e.Kind == ErrInterrupted || e.Kind == ErrDeadline:
			return "", false
		case !e.Sent:
			return e.Error() + " (not sent)", true
		case readOnly[ex.Step] && (e.Kind == ErrTimeout || e.Kind == ErrOther):
			return e.Error() + " (read-only request)", true
		}
		return "", false
	}
	switch ex.Response.Status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if r.t.Token == "" && len(r.live) == 0 {
			return fmt.Sprintf("HTTP %d before any session exists", ex.Response.Status), true
		}
	}
	return "", false
}

// backoff is the wait before retry attempt+1: exponential from RetryBase, plus up to as much again
// of jitter.
func (r *run) backoff(attempt int) time.Duration {
	base := r.o.RetryBase
	if base <= 0 {
		base = DefaultRetryBase
	}
	d := base << attempt
	var b [2]byte
	_, _ = io.ReadFull(r.o.Rand, b[:])
	jitter := time.Duration(int64(d) * int64(uint16(b[0])<<8|uint16(b[1])) / 65536)
	return d + jitter
}

// classify turns a client error into an Error kind a person can act on.
func classify(parent, rctx context.Context, err error, timeout time.Duration) *Error {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	switch {
	case parent.Err() != nil && errors.Is(context.Cause(parent), context.DeadlineExceeded):
		return &Error{Kind: ErrDeadline, Message: "the run's deadline (--deadline) was reached before the answer came"}
	case parent.Err() != nil:
		return &Error{Kind: ErrInterrupted, Message: "the run was interrupted before the answer came"}
	case errors.Is(rctx.Err(), context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{Kind: ErrTimeout, Message: fmt.Sprintf("no complete answer within %s (--timeout)", timeout)}
	case errors.As(err, &dnsErr):
		return &Error{Kind: ErrDNS, Message: msg}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: ErrRefused, Message: msg}
	case errors.As(err, &certErr), errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr), errors.As(err, &recErr):
		return &Error{Kind: ErrTLS, Message: msg + " (use --ca-cert FILE for a private CA, or --insecure)"}
	}
	return &Error{Kind: ErrOther, Message: msg}
}

// rebase replaces the scheme, host and any prefix before "/Integra/" of a resolved URL with base.
func rebase(raw, base string) (string, error) {
	rest := raw
	if k := strings.Index(rest, "://"); k >= 0 {
		rest = rest[k+3:]
	}
	if k := strings.Index(rest, "/Integra/"); k >= 0 {
		rest = rest[k:]
	} else if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		rest = rest[k:]
	} else {
		rest = ""
	}
	u, err := url.Parse(base + rest)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}
