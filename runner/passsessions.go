package runner

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// send sends a built item request through the one exchange path, with the item's
// followRedirects, maxRedirects and strictSSL.
func (p *pass) send(ctx context.Context, it *collections.Item, b *Built, profile map[string]any) *Exchange {
	o := outgoingOf(b)
	o.Step, o.Item = "collection", it.PathString()
	o.FollowRedirects = profileBool(profile, "followRedirects", true)
	o.MaxRedirects = 10
	if v, ok := profile["maxRedirects"].(float64); ok {
		o.MaxRedirects = int(v)
	}
	o.Insecure = !profileBool(profile, "strictSSL", true)
	role := itemRole(p.o.Roles, it)
	o.OpensSession = role == collections.RoleLogin
	o.Credentials = role == collections.RoleLogin || role == collections.RoleLogout
	o.ReadOnly = o.Method == http.MethodGet || o.Method == http.MethodHead || o.Method == http.MethodOptions
	return p.x.exchange(ctx, o)
}

// track registers with the session tracker each token a login-role item yields (a late answer
// too) and forgets the sessions a logout-role item ended.
func (p *pass) track(it *collections.Item, b *Built, ex *Exchange) {
	form, _ := url.ParseQuery(string(b.Body))
	switch itemRole(p.o.Roles, it) {
	case collections.RoleLogin:
		for _, r := range []*Response{ex.Response, ex.Late} {
			if r == nil {
				continue
			}
			if tok, _ := ExtractToken(r.read); tok != "" {
				if p.o.Sessions.Issued(form.Get("user"), tok) {
					p.t.Secrets = append(p.t.Secrets, tok)
				}
				p.loginURL = ex.Request.URL
			}
		}
	case collections.RoleLogout:
		if endedBy(ex.Response) {
			p.o.Sessions.Ended(form.Get("token"))
		}
	}
}

// cleanup ends every session the pass opened and did not end, even when ctx is cancelled, with
// the logout role item built as the contract flow builds it.
func (p *pass) cleanup(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for _, l := range p.o.Sessions.Live() {
		o, ok := p.logoutRequest(l)
		if !ok {
			continue
		}
		o.Step, o.Credentials = StepCleanup, true
		ex := p.x.exchange(ctx, o)
		if endedBy(ex.Response) {
			p.o.Sessions.Ended(l.token)
		}
		p.t.Cleanup = append(p.t.Cleanup, ex)
	}
}

// logoutRequest is the EndSession for a session: the logout role item (or, with no roles
// known, the collection's EndSession item), else a URL derived from the login's.
func (p *pass) logoutRequest(l liveToken) (Outgoing, bool) {
	it := p.o.Roles.Logout
	if it == nil && p.o.Roles.Login == nil {
		for _, c := range p.o.Collection.Items {
			if logoutPathRE.MatchString(c.URLPath()) {
				it = c
				break
			}
		}
	}
	vars := map[string]string{"user": l.user, "token": l.token}
	auth := "Basic " + l.token
	if it != nil {
		if o, _, err := roleRequest(p.o.Collection, it, p.sc, vars, vars, &auth); err == nil {
			return o, true
		}
	}
	if p.loginURL == "" || !loginPathRE.MatchString(strings.SplitN(p.loginURL, "?", 2)[0]) {
		return Outgoing{}, false
	}
	target := loginPathRE.ReplaceAllString(strings.SplitN(p.loginURL, "?", 2)[0], "/auth/EndSession")
	hdr := http.Header{}
	hdr.Set("Content-Type", FormContentType)
	hdr.Set("Authorization", auth)
	hdr.Set("User-Agent", "uccheck")
	return Outgoing{Item: "cleanup", Method: http.MethodPost, URL: target, Header: hdr, Body: "user=" + url.QueryEscape(l.user) + "&token=" + url.QueryEscape(l.token)}, true
}
