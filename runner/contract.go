package runner

import (
	"context"

	"github.com/uccheck/uccheck/collections"
)

// do sends one contract step.
func (r *run) do(ctx context.Context, s Step) *Exchange {
	switch s {
	case StepLogin:
		return r.login(ctx)
	case StepLoginBad:
		return r.loginBad(ctx)
	case StepProbeNoAuth:
		return r.probe(ctx, s, "")
	case StepProbeBogus:
		return r.probe(ctx, s, r.bogusToken)
	case StepProbe, StepProbeEnded:
		return r.probe(ctx, s, r.t.Token)
	case StepLogout, StepLogoutRepeat:
		return r.logout(ctx, s, r.o.User, r.t.Token)
	case StepLogoutBogus:
		return r.logout(ctx, s, r.o.User, r.bogusToken)
	}
	return r.logout(ctx, StepCleanup, r.o.User, r.t.Token)
}

func (r *run) login(ctx context.Context) *Exchange {
	ex := r.send(ctx, StepLogin, r.o.Roles.Login, nil, map[string]string{"user": r.o.User, "password": r.o.Password}, nil)
	if tok, src := r.learn(r.o.User, ex); tok != "" {
		r.t.Token, r.t.TokenSource = tok, src
	}
	return ex
}

func (r *run) loginBad(ctx context.Context) *Exchange {
	password := r.randomHex(12)
	bogus := map[string]string{"user": r.bogusUser, "password": password}
	// The variables too: a {{user}} or {{password}} in another field or header must not carry the
	// real ones into a failed login (lockout).
	ex := r.send(ctx, StepLoginBad, r.o.Roles.Login, bogus, bogus, nil)
	// A server that issues a session to a user that cannot exist has still opened one: end it.
	r.learn(r.bogusUser, ex)
	return ex
}

// learn registers with the tracker the sessions a login opened (a late answer's too), and their
// tokens as secrets.
func (r *run) learn(user string, ex *Exchange) (string, TokenSource) {
	tok, src, fresh := r.o.Sessions.Login(user, ex)
	r.t.Secrets = append(r.t.Secrets, fresh...)
	return tok, src
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
	if endedBy(ex.Response) {
		// Whatever the answer's text (a deviating "OK" included), a second EndSession is left
		// to the flow's own steps.
		r.o.Sessions.Ended(token)
	}
	return ex
}

// cleanup ends every session the flow opened and did not end, even when ctx is cancelled.
func (r *run) cleanup(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, l := range r.o.Sessions.Live() {
		// No deadline of its own: the cleanup's EndSession is bounded by its per-request limit
		// (at least CleanupTimeout), which classify reports as a timeout.
		r.logout(ctx, StepCleanup, l.user, l.token)
	}
}

// send builds a contract request from a role item, with the contract's own form fields and
// Authorization header, and sends it through the one exchange path.
func (r *run) send(ctx context.Context, step Step, it *collections.Item, vars, form map[string]string, auth *string) *Exchange {
	o, _, err := roleRequest(nil, it, r.sc, vars, form, auth)
	if err != nil { // prepare() built every item already; this cannot happen with valid options
		ex := &Exchange{Step: step, Item: it.PathString(), Start: r.o.Now(), Err: &Error{Kind: ErrOther, Message: err.Error()}}
		r.t.Exchanges = append(r.t.Exchanges, ex)
		return ex
	}
	o.Step, o.OpensSession, o.ReadOnly, o.Credentials = step, opensSession[step], readOnly[step], true
	ex := r.x.exchange(ctx, o)
	r.t.Exchanges = append(r.t.Exchanges, ex)
	return ex
}

// opensSession are the steps whose request may open a session on the server.
var opensSession = map[Step]bool{StepLogin: true, StepLoginBad: true}

// readOnly steps change nothing on the server, so they may be sent again after a timeout.
var readOnly = map[Step]bool{StepProbeNoAuth: true, StepProbeBogus: true, StepProbe: true, StepProbeEnded: true}
