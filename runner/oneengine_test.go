package runner_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// roleCollection is a collection with a login item at loginPath, a probe and EndSession.
func roleCollection(t *testing.T, loginPath string) *collections.Collection {
	t.Helper()
	js := `{"info": {"name": "roles", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [
  {"name": "login2", "request": {"method": "POST", "url": "https://{{domain}}` + loginPath + `",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "password", "value": "{{password}}"}]}}},
  {"name": "probe", "request": {"method": "POST", "header": [{"key": "Authorization", "value": "Basic {{token}}"}], "url": "https://{{domain}}/Integra/resources/Supervisor/campaignstatus"}},
  {"name": "logout", "request": {"method": "POST", "header": [{"key": "Authorization", "value": "Basic {{token}}"}], "url": "https://{{domain}}/Integra/resources/auth/EndSession",
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "user", "value": "{{user}}"}, {"key": "token", "value": "{{token}}"}]}}}
 ]}`
	c, err := collections.Parse([]byte(js), "roles.json")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bodies records the bodies a server received, by path.
type bodies struct {
	mu  sync.Mutex
	got map[string][]string
}

func (b *bodies) add(r *http.Request) string {
	data, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.got == nil {
		b.got = map[string][]string{}
	}
	b.got[r.URL.Path] = append(b.got[r.URL.Path], string(data)+" auth="+r.Header.Get("Authorization"))
	return string(data)
}

func (b *bodies) all() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return fmt.Sprint(b.got)
}

func TestPassRefusesCrossOriginRedirectWithCredentials(t *testing.T) {
	const password = "s3cret-pw"
	evil := &bodies{}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evil.add(r)
		fmt.Fprint(w, `["x","SuperUser","QWRtaW46c3RvbGVu"]`)
	}))
	defer other.Close()
	otherPort := other.Listener.Addr().(*net.TCPAddr).Port
	for name, to := range map[string]string{
		"another port of the same host": fmt.Sprintf("http://127.0.0.1:%d", otherPort),
		"another host":                  fmt.Sprintf("http://localhost:%d", otherPort),
	} {
		t.Run(name, func(t *testing.T) {
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				http.Redirect(w, r, to+r.URL.Path, http.StatusTemporaryRedirect) // 307: the body would be resent
			}))
			defer target.Close()
			c := roleCollection(t, "/Integra/resources/auth/getUserToken")
			roles, err := c.Roles()
			if err != nil {
				t.Fatal(err)
			}
			p := runner.RunPass(context.Background(), runner.PassOptions{
				Collection: c, Items: c.Items[:1], BaseURL: target.URL, Roles: roles,
				Preset:  map[string]string{"domain": strings.TrimPrefix(target.URL, "http://"), "user": "Admin", "password": password},
				Timeout: 2 * time.Second,
			})
			ex := p.Runs[0].Exchange
			if ex == nil || ex.Response == nil || ex.Response.Status != http.StatusTemporaryRedirect {
				t.Fatalf("login exchange %+v: want the redirect returned as it is", ex)
			}
			if !strings.Contains(ex.RedirectRefused, "another origin") {
				t.Errorf("RedirectRefused = %q, want why the redirect was not followed", ex.RedirectRefused)
			}
			if errs := p.Runs[0].Errors; len(errs) != 1 || errs[0].Kind != "redirect" || !strings.Contains(errs[0].Message, "another origin") {
				t.Errorf("item errors %+v: want one redirect error saying why (the reports show it)", errs)
			}
			if got := evil.all(); strings.Contains(got, password) {
				t.Errorf("the password reached the other server: %s", got)
			}
		})
	}
	// Judged against the target on every hop: a same-origin hop first, then another origin.
	t.Run("second hop", func(t *testing.T) {
		var target *httptest.Server
		target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			if r.URL.Path == "/Integra/resources/auth/getUserToken" {
				http.Redirect(w, r, target.URL+"/hop", http.StatusTemporaryRedirect)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("http://127.0.0.1:%d/hop2", otherPort), http.StatusTemporaryRedirect)
		}))
		defer target.Close()
		c := roleCollection(t, "/Integra/resources/auth/getUserToken")
		roles, _ := c.Roles()
		p := runner.RunPass(context.Background(), runner.PassOptions{
			Collection: c, Items: c.Items[:1], BaseURL: target.URL, Roles: roles,
			Preset: map[string]string{"domain": "x", "user": "Admin", "password": password}, Timeout: 2 * time.Second,
		})
		if ex := p.Runs[0].Exchange; ex.Response == nil || ex.Response.Status != http.StatusTemporaryRedirect || ex.RedirectRefused == "" {
			t.Errorf("exchange %+v: want the second hop refused", ex)
		}
		if got := evil.all(); strings.Contains(got, password) {
			t.Errorf("the password reached the other server: %s", got)
		}
	})
	// A token in an Authorization header does not follow a redirect to another port either.
	t.Run("token to another port", func(t *testing.T) {
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, fmt.Sprintf("http://127.0.0.1:%d%s", otherPort, r.URL.Path), http.StatusFound)
		}))
		defer target.Close()
		c := roleCollection(t, "/Integra/resources/auth/getUserToken")
		roles, _ := c.Roles()
		p := runner.RunPass(context.Background(), runner.PassOptions{
			Collection: c, Items: c.Items[1:2], BaseURL: target.URL, Roles: roles,
			Preset: map[string]string{"domain": "x", "user": "Admin", "password": password}, Vars: map[string]string{"token": "QWRtaW46dG9rZW4tZm9yLXByb2Jl"},
			Timeout: 2 * time.Second,
		})
		if ex := p.Runs[0].Exchange; ex.Response == nil || ex.Response.Status != http.StatusFound || ex.RedirectRefused == "" {
			t.Errorf("probe exchange %+v: want the redirect refused", ex)
		}
		if got := evil.all(); strings.Contains(got, "QWRtaW46dG9rZW4tZm9yLXByb2Jl") {
			t.Errorf("the token reached the other server: %s", got)
		}
	})
	// A redirect within the target's origin is still followed (Newman's followRedirects).
	t.Run("same origin is followed", func(t *testing.T) {
		var target *httptest.Server
		target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			if r.URL.Path == "/Integra/resources/auth/getUserToken" {
				http.Redirect(w, r, target.URL+"/Integra/resources/auth/there", http.StatusTemporaryRedirect)
				return
			}
			fmt.Fprint(w, "0")
		}))
		defer target.Close()
		c := roleCollection(t, "/Integra/resources/auth/getUserToken")
		roles, _ := c.Roles()
		p := runner.RunPass(context.Background(), runner.PassOptions{
			Collection: c, Items: c.Items[:1], BaseURL: target.URL, Roles: roles,
			Preset: map[string]string{"domain": "x", "user": "Admin", "password": password}, Timeout: 2 * time.Second,
		})
		if ex := p.Runs[0].Exchange; ex.Response == nil || ex.Response.Status != 200 || ex.RedirectRefused != "" {
			t.Errorf("exchange %+v: a same-origin redirect should be followed", ex)
		}
	})
}

func TestPassEndsAndRedactsLoginAtAnotherPath(t *testing.T) {
	const token = "QWRtaW46bG9naW4yLXRva2Vu"
	got := &bodies{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.add(r)
		switch r.URL.Path {
		case "/Integra/resources/auth/login2":
			fmt.Fprintf(w, `["x","SuperUser",%q]`, token)
		case "/Integra/resources/auth/EndSession":
			fmt.Fprint(w, "1")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := roleCollection(t, "/Integra/resources/auth/login2")
	roles, err := c.RolesWith(collections.RoleOverrides{Login: "login2"})
	if err != nil {
		t.Fatal(err)
	}
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items[:1], BaseURL: srv.URL, Roles: roles,
		Preset:  map[string]string{"domain": strings.TrimPrefix(srv.URL, "http://"), "user": "Admin", "password": "pw"},
		Timeout: 2 * time.Second,
	})
	if !slices.Contains(p.Secrets, token) {
		t.Errorf("Secrets = %q: the token of the login item at another path is not redacted", p.Secrets)
	}
	ends := got.got["/Integra/resources/auth/EndSession"]
	if len(ends) != 1 || !strings.Contains(ends[0], "token="+url.QueryEscape(token)) {
		t.Errorf("EndSession requests %q: the token was not ended", ends)
	}
	if len(p.Cleanup) != 1 || p.Cleanup[0].Step != runner.StepCleanup {
		t.Errorf("cleanup = %+v", p.Cleanup)
	}
}

func TestSpacedVariableIsNewmansInBothFlows(t *testing.T) {
	// As Newman: the name of {{ user }} is " user " (spaces included), which is not set.
	c := collections.Embedded()
	roles, _ := c.Roles()
	probe := *roles.Probe
	probe.Headers = append(append([]collections.Header(nil), probe.Headers...), collections.Header{Key: "X-User", Value: "{{ user }}"})
	roles.Probe = &probe
	err := runner.Validate(runner.Options{BaseURL: "https://acme.example", User: "Admin", Password: "pw", Roles: roles})
	if err == nil || !strings.Contains(err.Error(), "{{ user }}") {
		t.Errorf("contract flow: Validate = %v, want {{ user }} reported as unset", err)
	}
	po := runner.PassOptions{Collection: c, Items: []*collections.Item{&probe}, Preset: map[string]string{"domain": "acme.example", "user": "Admin", "password": "pw", "token": "x"}}
	err = runner.Check(po)
	if err == nil || !strings.Contains(err.Error(), "{{ user }}") {
		t.Errorf("pass: Check = %v, want {{ user }} reported as unset", err)
	}
	p := runner.RunPass(context.Background(), po)
	if r := p.Runs[0]; r.Exchange != nil || len(r.Errors) == 0 || r.Errors[0].Kind != "variable" {
		t.Errorf("pass run %+v: want a variable error and nothing sent", r)
	}
}

func TestPassExchangesHaveTLSTimingsAndRetries(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	c := collections.Embedded()
	roles, _ := c.Roles()
	p := runner.RunPass(context.Background(), runner.PassOptions{
		Collection: c, Items: c.Items[:1], BaseURL: sim.URL, Roles: roles,
		Preset: map[string]string{"domain": strings.TrimPrefix(sim.URL, "https://"), "user": sim.User(), "password": sim.Password()},
		Client: runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()}), Timeout: 5 * time.Second,
	})
	ex := p.Runs[0].Exchange
	if ex == nil || ex.Response == nil || ex.Response.TLS == nil || ex.Response.TLS.Version == "" || ex.Response.TLS.Subject == "" {
		t.Fatalf("pass exchange %+v: want TLS facts", ex)
	}
	if ex.Timings.TLS <= 0 || ex.Timings.Connect <= 0 || ex.Timings.FirstByte <= 0 {
		t.Errorf("timings %+v: want connect, TLS and first byte", ex.Timings)
	}

	n := 0
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n++; n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer flaky.Close()
	fc, err := collections.Parse([]byte(`{"info": {"name": "f", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "get", "request": {"method": "GET", "url": "`+flaky.URL+`/x"}}]}`), "f.json")
	if err != nil {
		t.Fatal(err)
	}
	p = runner.RunPass(context.Background(), runner.PassOptions{Collection: fc, Items: fc.Items, Timeout: 2 * time.Second, Retries: 2, RetryBase: time.Millisecond})
	ex = p.Runs[0].Exchange
	if ex == nil || ex.Response == nil || ex.Response.Status != 200 || len(ex.Retries) != 1 {
		t.Errorf("pass exchange %+v: want one retry after the 503, then 200", ex)
	}
}

func TestPlanIsWhatIsSent(t *testing.T) {
	steps := func(s ...runner.Step) map[runner.Step]bool {
		m := map[runner.Step]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	skip := func(s ...runner.Step) map[runner.Step]bool {
		m := steps(runner.Flow...)
		for _, x := range s {
			delete(m, x)
		}
		return m
	}
	c := collections.Embedded()
	tests := []struct {
		name      string
		steps     map[runner.Step]bool // --only / --skip
		apiToken  string
		passItems func(*collections.Collection) []*collections.Item // --folder / --all-items
		overrides collections.RoleOverrides
	}{
		{name: "every step"},
		{name: "--only probe-noauth", steps: steps(runner.StepProbeNoAuth)},
		{name: "--only probe (auth.basic-accepted)", steps: steps(runner.StepProbe)},
		{name: "--only logout-repeat", steps: steps(runner.StepLogoutRepeat)},
		{name: "--only login-bad", steps: steps(runner.StepLoginBad)},
		{name: "--skip login", steps: skip(runner.StepLogin)},
		{name: "--skip probe logout-bogus", steps: skip(runner.StepProbe, runner.StepLogoutBogus)},
		{name: "API-token mode", apiToken: "QVBJOnRva2Vu"},
		{name: "API-token mode --only probe-ended", apiToken: "QVBJOnRva2Vu", steps: steps(runner.StepProbeEnded, runner.StepProbe)},
		{name: "--all-items", passItems: func(c *collections.Collection) []*collections.Item { return c.Items }},
		{name: "--folder-like subset", steps: steps(runner.StepProbeBogus), passItems: func(c *collections.Collection) []*collections.Item { return c.Items[1:2] }},
		{name: "role overrides", overrides: collections.RoleOverrides{Login: c.Items[0].PathString(), Probe: c.Items[1].PathString(), Logout: c.Items[2].PathString()}, passItems: func(c *collections.Collection) []*collections.Item { return c.Items }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := ucsim.New(ucsim.Options{APIToken: tt.apiToken})
			defer sim.Close()
			roles, err := c.RolesWith(tt.overrides)
			if err != nil {
				t.Fatal(err)
			}
			client := runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()})
			o := runner.Options{
				BaseURL: sim.URL, User: sim.User(), Password: sim.Password(), APIToken: tt.apiToken,
				CollectionVars: c.Variables, Roles: roles, Source: c.Source, Steps: tt.steps, Client: client, Timeout: 5 * time.Second,
			}
			var po runner.PassOptions
			if tt.passItems != nil {
				po = runner.PassOptions{
					Collection: c, Items: tt.passItems(c), BaseURL: sim.URL, Roles: roles, Client: client, Timeout: 5 * time.Second,
					Preset: map[string]string{"domain": strings.TrimPrefix(sim.URL, "https://"), "user": sim.User(), "password": sim.Password()},
					Vars:   map[string]string{"token": "QWRtaW46bm90LWlzc3VlZA=="},
				}
			}
			plan := runner.Plan(o, po)
			if po.Collection != nil && len(plan.Items)+len(plan.ItemsLeft) != len(c.Items) {
				t.Errorf("plan: %d items run, %d left, of %d", len(plan.Items), len(plan.ItemsLeft), len(c.Items))
			}
			var want, wantSteps []string
			for _, s := range plan.Steps {
				want = append(want, s.Method+" "+s.Path)
				wantSteps = append(wantSteps, string(s.Step))
			}
			for _, it := range plan.Items {
				want = append(want, it.Method+" "+it.Path)
			}
			tr, err := runner.Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var gotSteps []string
			for _, ex := range tr.Exchanges {
				gotSteps = append(gotSteps, string(ex.Step))
			}
			if po.Collection != nil {
				p := runner.RunPass(context.Background(), po)
				// The sessions the items left open are ended afterwards with the logout item: not
				// planned (they depend on the answers), but built from the logout role item.
				for _, ex := range p.Cleanup {
					u, _ := url.Parse(ex.Request.URL)
					if ex.Item != roles.Logout.PathString() {
						t.Errorf("cleanup built from %q, want the logout item", ex.Item)
					}
					want = append(want, ex.Request.Method+" "+u.Path)
				}
			}
			if got := sim.Requests(); !slices.Equal(got, want) {
				t.Errorf("planned:\n%s\nreceived:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
			if !slices.Equal(gotSteps, wantSteps) {
				t.Errorf("planned steps %q, sent %q", wantSteps, gotSteps)
			}
		})
	}
}
