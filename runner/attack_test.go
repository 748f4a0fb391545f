package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// slowLogin is a front wrapper that lets getUserToken reach the simulator (so the session is
// opened there) and answers only after calling cancel and waiting: an interruption (SIGINT)
// while the login is in flight.
func slowLogin(cancel context.CancelFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != ucsim.PathGetUserToken {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r) // the simulator opens the session
			cancel()
			time.Sleep(300 * time.Millisecond)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
}

// TestAttackInterruptDuringLoginEndsItsSession: SIGINT while getUserToken is in flight; the
// server opens the session all the same, so uccheck must learn its token and end it.
func TestAttackInterruptDuringLoginEndsItsSession(t *testing.T) {
	t.Run("contract flow", func(t *testing.T) {
		sim := newSim(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		base, pool := front(t, sim, slowLogin(cancel))
		tr := runCtx(t, ctx, options(t, sim, base, pool))
		if !tr.Interrupted {
			t.Errorf("Interrupted = false; Aborted %q", tr.Aborted)
		}
		if n := sim.LiveSessions(); n != 0 {
			t.Errorf("%d sessions left open after an interruption during the login (issued %v)", n, sim.IssuedTokens())
		}
	})
	t.Run("collection pass", func(t *testing.T) {
		sim := newSim(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		base, pool := front(t, sim, slowLogin(cancel))
		c := collections.Embedded()
		roles, err := c.Roles()
		if err != nil {
			t.Fatal(err)
		}
		p := runner.RunPass(ctx, runner.PassOptions{
			Collection: c, Items: c.Items, BaseURL: base, Roles: roles,
			Preset: map[string]string{"user": sim.User(), "password": sim.Password()},
			Client: runner.NewClient(runner.ClientOptions{RootCAs: pool}), Timeout: 5 * time.Second,
		})
		if !p.Interrupted {
			t.Errorf("Interrupted = false; Aborted %q", p.Aborted)
		}
		if n := sim.LiveSessions(); n != 0 {
			t.Errorf("%d sessions left open after an interruption during the pass login (issued %v)", n, sim.IssuedTokens())
		}
	})
}

// attackPassword needs escaping in a form body (a space: %20 there), in JSON (a quote) and in
// a URL.
const attackPassword = `S3cr3t P@ss/ñ+&="w0rd`

// sink is a server on another origin that records what reaches it.
func sink(t *testing.T) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	got := &[]string{}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dump, _ := httputil.DumpRequest(r, true)
		mu.Lock()
		*got = append(*got, string(dump))
		mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s, got
}

// TestAttackPassRefusesRedirectOfEncodedPassword: items that send the password encoded (a
// urlencoded body escapes a space as %20, a script JSON-encodes it or base64s user:password
// into a header) are redirected 307 to another origin; nothing of the password may reach it.
func TestAttackPassRefusesRedirectOfEncodedPassword(t *testing.T) {
	other, got := sink(t)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/stolen"+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer target.Close()
	js := `{"info": {"name": "enc", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [
  {"name": "form", "request": {"method": "POST", "url": "https://{{domain}}/Integra/resources/auth/altLogin",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "password", "value": "{{password}}"}]}}},
  {"name": "json", "event": [{"listen": "prerequest", "script": {"exec": ["pm.variables.set('pj', JSON.stringify(pm.environment.get('password')))"]}}],
   "request": {"method": "POST", "url": "https://{{domain}}/Integra/resources/x/json", "body": {"mode": "raw", "raw": "{\"p\": {{pj}}}"}}},
  {"name": "b64", "event": [{"listen": "prerequest", "script": {"exec": ["pm.variables.set('b64', btoa(pm.environment.get('user') + ':' + pm.environment.get('password')))"]}}],
   "request": {"method": "POST", "header": [{"key": "X-Auth", "value": "{{b64}}"}], "url": "https://{{domain}}/Integra/resources/x/b64"}}
 ]}`
	c, err := collections.Parse([]byte(js), "enc.json")
	if err != nil {
		t.Fatal(err)
	}
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items, BaseURL: target.URL,
		Preset:  map[string]string{"domain": strings.TrimPrefix(target.URL, "http://"), "user": "Admin", "password": attackPassword},
		Timeout: 5 * time.Second,
	})
	if len(*got) != 0 {
		t.Errorf("the other origin received: %q", *got)
	}
	for _, r := range p.Runs {
		if r.Exchange == nil || r.Exchange.RedirectRefused == "" {
			t.Errorf("%s: the redirect with the password was not refused (%+v)", r.Name, r.Exchange)
		}
	}
}
