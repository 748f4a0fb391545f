package runner

import (
	"bytes"
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
	form := formOf(b)
	switch itemRole(p.o.Roles, it) {
	case collections.RoleLogin:
		user := form.Get("user")
		if user == "" {
			user = p.o.Preset["user"] // the cleanup's EndSession must name a user
		}
		if tok, _, fresh := p.o.Sessions.Login(user, ex); tok != "" || len(fresh) > 0 {
			p.t.Secrets = append(p.t.Secrets, fresh...)
			p.loginURL = ex.Request.URL
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
	it := cleanupItem(p.o.Collection, p.o.Roles)
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
	target := derivedLogout(strings.SplitN(p.loginURL, "?", 2)[0])
	hdr := http.Header{}
	hdr.Set("Content-Type", FormContentType)
	hdr.Set("Authorization", auth)
	hdr.Set("User-Agent", "uccheck")
	return Outgoing{Item: "cleanup", Method: http.MethodPost, URL: target, Header: hdr, Body: "user=" + formEscape(l.user) + "&token=" + formEscape(l.token)}, true
}

// formOf returns the form fields a built request carries as a server reads them: its query,
// then an urlencoded or multipart form-data body.
func formOf(b *Built) url.Values {
	form := url.Values{}
	if u, err := url.Parse(b.URL); err == nil {
		form = u.Query()
	}
	req, err := http.NewRequest(http.MethodPost, "http://form.invalid/", bytes.NewReader(b.Body))
	if err != nil {
		return form
	}
	req.Header.Set("Content-Type", b.Get("Content-Type"))
	if strings.HasPrefix(strings.ToLower(req.Header.Get("Content-Type")), "multipart/") {
		_ = req.ParseMultipartForm(1 << 20)
	} else {
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		_ = req.ParseForm()
	}
	for k, vs := range req.PostForm {
		form[k] = append(vs, form[k]...) // the body wins, as r.FormValue has it
	}
	if req.MultipartForm != nil { // its values are in PostForm too
		_ = req.MultipartForm.RemoveAll()
	}
	return form
}
