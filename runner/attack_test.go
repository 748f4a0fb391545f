package runner_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"slices"
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

// embeddedPass is a pass of the embedded collection's items named in names against base.
func embeddedPass(t *testing.T, sim *ucsim.Server, base string, pool *x509.CertPool, names ...string) runner.PassOptions {
	t.Helper()
	c := collections.Embedded()
	roles, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	var items []*collections.Item
	for _, it := range c.Items {
		for _, n := range names {
			if it == map[string]*collections.Item{"login": roles.Login, "probe": roles.Probe, "logout": roles.Logout}[n] {
				items = append(items, it)
			}
		}
	}
	if len(items) != len(names) {
		t.Fatalf("items %v of %v", items, names)
	}
	return runner.PassOptions{
		Collection: c, Items: items, BaseURL: base, Roles: roles,
		Preset: map[string]string{"user": sim.User(), "password": sim.Password()},
		Client: runner.NewClient(runner.ClientOptions{RootCAs: pool}), Timeout: 5 * time.Second,
	}
}

// TestAttackPassLoginTwiceAndLogoutZero: a pass that logs in twice (two iterations), whose
// logout item the server answers "0" (not ended) the first time: every session is ended.
func TestAttackPassLoginTwiceAndLogoutZero(t *testing.T) {
	sim := newSim(t)
	var once sync.Once
	base, pool := front(t, sim, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == ucsim.PathEndSession {
				zero := false
				once.Do(func() { zero = true })
				if zero {
					_, _ = w.Write([]byte("0"))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	o := embeddedPass(t, sim, base, pool, "login", "probe", "logout")
	o.Iterations = 2
	p := runner.RunPass(context.Background(), o)
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open; issued %d, cleanup %d", n, len(sim.IssuedTokens()), len(p.Cleanup))
	}
	if len(sim.IssuedTokens()) != 2 {
		t.Errorf("issued %d tokens, want 2", len(sim.IssuedTokens()))
	}
	for _, tok := range sim.IssuedTokens() {
		if !slices.Contains(p.Secrets, tok) {
			t.Errorf("token %q is not a secret of the pass", tok)
		}
	}
}

// TestAttackEveryRequestGoesToTheTarget: a collection names another host in URLs the rebase
// may find odd (an /Integra/ and a bad escape in the query); nothing may reach that host.
func TestAttackEveryRequestGoesToTheTarget(t *testing.T) {
	other, got := sink(t)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	host := strings.TrimPrefix(other.URL, "http://")
	var items []string
	for i, u := range []string{
		"http://{{evil}}/a?q=/Integra/%zz",
		"http://{{evil}}/a#/Integra/%zz",
		"http://{{evil}}/a?q=%zz",
		"{{evil}}/Integra/x?next=http://{{evil}}/y",
		"http://{{evil}}",
		"//{{evil}}/Integra/x",
		"http://user@{{evil}}/Integra/x",
		"http://{{evil}}\\@127.0.0.1/Integra/x",
	} {
		items = append(items, fmt.Sprintf(`{"name": "i%d", "request": {"method": "GET", "url": %q}}`, i, u))
	}
	js := `{"info": {"name": "hosts", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [` + strings.Join(items, ",") + `]}`
	c, err := collections.Parse([]byte(js), "hosts.json")
	if err != nil {
		t.Fatal(err)
	}
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items, BaseURL: target.URL,
		Vars:    map[string]string{"evil": host},
		Timeout: 2 * time.Second,
	})
	if len(*got) != 0 {
		t.Errorf("the collection's host received: %q", *got)
	}
	for _, r := range p.Runs {
		if r.Exchange != nil {
			t.Logf("%s: %s err=%v", r.Name, r.Exchange.Request.URL, r.Exchange.Err)
		} else {
			t.Logf("%s: errors %v", r.Name, r.Errors)
		}
		if r.Exchange != nil && !strings.HasPrefix(r.Exchange.Request.URL, target.URL) {
			t.Errorf("%s: sent to %s, not the target %s", r.Name, r.Exchange.Request.URL, target.URL)
		}
	}
}

// zeroLogout is a front wrapper that answers the first EndSession with answer (a "0", the
// documented ERROR, dressed up) without passing it on: the session stays live on the server.
func zeroLogout(answer string) func(http.Handler) http.Handler {
	var once sync.Once
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == ucsim.PathEndSession {
				hit := false
				once.Do(func() { hit = true })
				if hit {
					_, _ = w.Write([]byte(answer))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TestAttackDressedZeroLeavesTheSessionLive: an EndSession answered "0" with a BOM, quotes or
// whitespace did not end the session: the cleanup must still end it, in both flows.
func TestAttackDressedZeroLeavesTheSessionLive(t *testing.T) {
	for _, answer := range []string{"\ufeff0", `"0"`, " 0\r\n", "[0]"} {
		t.Run(fmt.Sprintf("contract %q", answer), func(t *testing.T) {
			sim := newSim(t)
			base, pool := front(t, sim, zeroLogout(answer))
			o := options(t, sim, base, pool)
			o.Steps = map[runner.Step]bool{runner.StepLogin: true, runner.StepLogout: true} // no second EndSession
			run(t, o)
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("EndSession answered %q: %d sessions left open", answer, n)
			}
		})
		t.Run(fmt.Sprintf("pass %q", answer), func(t *testing.T) {
			sim := newSim(t)
			base, pool := front(t, sim, zeroLogout(answer))
			runner.RunPass(context.Background(), embeddedPass(t, sim, base, pool, "login", "logout"))
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("EndSession answered %q: %d sessions left open", answer, n)
			}
		})
	}
}

// TestAttackSecondLoginItemIsALoginToo: a collection with two getUserToken items (the role is
// the first); the second logs in as well: its token is a secret and its session is ended.
func TestAttackSecondLoginItemIsALoginToo(t *testing.T) {
	sim := newSim(t)
	login := func(name string) string {
		return `{"name": "` + name + `", "request": {"method": "POST", "url": "https://{{domain}}/Integra/resources/auth/getUserToken",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "password", "value": "{{password}}"}]}}}`
	}
	js := `{"info": {"name": "twice", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [` + login("first") + `,
  {"name": "logout", "request": {"method": "POST", "header": [{"key": "Authorization", "value": "Basic {{token}}"}], "url": "https://{{domain}}/Integra/resources/auth/EndSession",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "token", "value": "{{token}}"}]}}},
  {"name": "probe", "request": {"method": "GET", "url": "https://{{domain}}/Integra/resources/Supervisor/campaignstatus"}},
  ` + login("second") + `]}`
	c, err := collections.Parse([]byte(js), "twice.json")
	if err != nil {
		t.Fatal(err)
	}
	roles, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items, BaseURL: sim.URL, Roles: roles,
		Preset: map[string]string{"domain": "x", "user": sim.User(), "password": sim.Password()},
		Client: runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()}), Timeout: 5 * time.Second,
	})
	if n := len(sim.IssuedTokens()); n != 2 {
		t.Fatalf("issued %d tokens, want 2", n)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
	for _, tok := range sim.IssuedTokens() {
		if !slices.Contains(p.Secrets, tok) {
			t.Errorf("token %q is not a secret of the pass", tok)
		}
	}
}

// TestAttackFormDataLoginIsEnded: a login item that posts multipart form-data (the server reads
// it as any form): the cleanup's EndSession must name the user it logged in as.
func TestAttackFormDataLoginIsEnded(t *testing.T) {
	sim := newSim(t)
	js := `{"info": {"name": "formdata", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [
  {"name": "login", "request": {"method": "POST", "url": "https://{{domain}}/Integra/resources/auth/getUserToken",
    "body": {"mode": "formdata", "formdata": [{"key": "user", "value": "{{user}}", "type": "text"}, {"key": "password", "value": "{{password}}", "type": "text"}]}}},
  {"name": "probe", "request": {"method": "GET", "url": "https://{{domain}}/Integra/resources/Supervisor/campaignstatus"}},
  {"name": "logout", "request": {"method": "POST", "header": [{"key": "Authorization", "value": "Basic {{token}}"}], "url": "https://{{domain}}/Integra/resources/auth/EndSession",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "token", "value": "{{token}}"}]}}}
 ]}`
	c, err := collections.Parse([]byte(js), "formdata.json")
	if err != nil {
		t.Fatal(err)
	}
	roles, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items[:1], BaseURL: sim.URL, Roles: roles,
		Preset: map[string]string{"domain": "x", "user": sim.User(), "password": sim.Password()},
		Client: runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()}), Timeout: 5 * time.Second,
	})
	if n := len(sim.IssuedTokens()); n != 1 {
		t.Fatalf("issued %d tokens, want 1", n)
	}
	if n := sim.LiveSessions(); n != 0 {
		for _, ex := range p.Cleanup {
			t.Logf("cleanup %s %q", ex.Request.URL, ex.Request.Body)
		}
		t.Errorf("%d sessions left open", n)
	}
}

// TestAttackSecretsNameTheFormsSent: the password with a space and URL-special characters, sent
// in a urlencoded body (%20), in a query and in a path; replacing every value of Secrets (as
// the reports' redactor does) must leave nothing of it in any request recorded.
func TestAttackSecretsNameTheFormsSent(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	js := `{"info": {"name": "forms", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [
  {"name": "form", "request": {"method": "POST", "url": "http://{{domain}}/Integra/resources/x/form",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "password", "value": "{{password}}"}]}}},
  {"name": "query", "request": {"method": "GET", "url": "http://{{domain}}/Integra/resources/x/q?p={{password}}"}},
  {"name": "path", "request": {"method": "GET", "url": "http://{{domain}}/Integra/resources/x/{{password}}/y"}}
 ]}`
	c, err := collections.Parse([]byte(js), "forms.json")
	if err != nil {
		t.Fatal(err)
	}
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items, BaseURL: target.URL,
		Preset:  map[string]string{"domain": "x", "user": "Admin", "password": attackPassword},
		Timeout: 5 * time.Second,
	})
	var pairs []string
	for _, s := range p.Secrets {
		pairs = append(pairs, s, "[redacted]")
	}
	redact := strings.NewReplacer(pairs...)
	for _, r := range p.Runs {
		if r.Exchange == nil {
			t.Errorf("%s: not sent: %v", r.Name, r.Errors)
			continue
		}
		for _, s := range []string{r.Exchange.Request.URL, r.Exchange.Request.Body} {
			if red := redact.Replace(s); strings.Contains(red, "S3cr3t") || strings.Contains(red, "w0rd") {
				t.Errorf("%s: redacted with Secrets, %q still holds the password", r.Name, red)
			}
		}
	}
}

// TestAttackCleanupRedirectIsNotFollowed: the EndSession of the cleanup (and the pass's logout
// item) answered 307 to another origin, also scheme-relative: nothing reaches that origin.
func TestAttackCleanupRedirectIsNotFollowed(t *testing.T) {
	other, got := sink(t)
	for _, loc := range []string{other.URL + "/stolen", "//" + strings.TrimPrefix(other.URL, "http://") + "/stolen"} {
		sim := newSim(t)
		base, pool := front(t, sim, func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == ucsim.PathEndSession {
					w.Header().Set("Location", loc)
					w.WriteHeader(http.StatusTemporaryRedirect)
					return
				}
				next.ServeHTTP(w, r)
			})
		})
		run(t, options(t, sim, base, pool))
		p := runner.RunPass(context.Background(), embeddedPass(t, sim, base, pool, "login", "probe", "logout"))
		if len(p.Cleanup) == 0 {
			t.Errorf("Location %s: the pass sent no cleanup EndSession after a redirected logout", loc)
		}
	}
	if len(*got) != 0 {
		t.Errorf("the other origin received: %q", *got)
	}
}

// TestAttackRetriedLoginThatOpenedASession: the first getUserToken opens a session and answers
// 503 with its token; a retry must not throw that token away (its session is ended).
func TestAttackRetriedLoginThatOpenedASession(t *testing.T) {
	sim := newSim(t)
	var once sync.Once
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hit := false
			if r.URL.Path == ucsim.PathGetUserToken {
				once.Do(func() { hit = true })
			}
			if !hit {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
	base, pool := front(t, sim, wrap)
	o := options(t, sim, base, pool)
	o.Retries, o.RetryBase = 2, time.Millisecond
	run(t, o)
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open (issued %d)", n, len(sim.IssuedTokens()))
	}
}
