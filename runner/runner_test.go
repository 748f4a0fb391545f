package runner_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

func newSim(t *testing.T, faults ...ucsim.Fault) *ucsim.Server {
	t.Helper()
	sim := ucsim.New(ucsim.Options{Faults: faults})
	t.Cleanup(sim.Close)
	return sim
}

// options returns the options of a full run of the embedded collection against base.
func options(t *testing.T, sim *ucsim.Server, base string, pool *x509.CertPool) runner.Options {
	t.Helper()
	c := collections.Embedded()
	roles, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	return runner.Options{
		BaseURL: base, User: sim.User(), Password: sim.Password(),
		CollectionVars: c.Variables, Roles: roles, Source: c.Source,
		Client:  runner.NewClient(runner.ClientOptions{RootCAs: pool}),
		Timeout: 5 * time.Second,
	}
}

func run(t *testing.T, o runner.Options) *runner.Transcript {
	t.Helper()
	return runCtx(t, context.Background(), o)
}

func runCtx(t *testing.T, ctx context.Context, o runner.Options) *runner.Transcript {
	t.Helper()
	tr, err := runner.Run(ctx, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return tr
}

// front starts an HTTPS (HTTP/2) server that passes every request to the simulator through wrap,
// so that a test can see, delay or interrupt what the runner sends. It returns the front's URL and
// a pool that trusts it.
func front(t *testing.T, sim *ucsim.Server, wrap func(next http.Handler) http.Handler) (string, *x509.CertPool) {
	t.Helper()
	target, err := url.Parse(sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite:      func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport:    sim.Client().Transport,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	ts := httptest.NewUnstartedServer(wrap(proxy))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	return ts.URL, pool
}

// received is a request as the server got it.
type received struct {
	Method, Path, ContentType, Body string
	Auth                            []string // every Authorization value
}

// recorder is a front wrapper that records every request.
type recorder struct {
	mu  sync.Mutex
	got []received
}

func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.got = append(rec.got, received{r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(body), r.Header.Values("Authorization")})
		rec.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// onLiveProbe is a front wrapper that calls do, once, for the first probe that carries a token
// the simulator issued (the flow's StepProbe), instead of passing that request on.
func onLiveProbe(sim *ucsim.Server, do func(w http.ResponseWriter, r *http.Request)) func(http.Handler) http.Handler {
	var once sync.Once
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == ucsim.PathCampaignStatus {
				tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
				hit := false
				if slices.Contains(sim.IssuedTokens(), tok) {
					once.Do(func() { hit = true })
				}
				if hit {
					do(w, r)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// block waits until the client gives the request up.
func block(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

func steps(t *runner.Transcript) []runner.Step {
	var out []runner.Step
	for _, ex := range t.Exchanges {
		out = append(out, ex.Step)
	}
	return out
}

func TestRunTranscript(t *testing.T) {
	sim := newSim(t)
	rec := &recorder{}
	base, pool := front(t, sim, rec.wrap)
	tr := run(t, options(t, sim, base, pool))

	if !reflect.DeepEqual(steps(tr), runner.Flow) {
		t.Fatalf("steps = %v, want runner.Flow %v", steps(tr), runner.Flow)
	}
	if tr.Aborted != "" || tr.Interrupted {
		t.Errorf("Aborted = %q, Interrupted = %t; want a complete run", tr.Aborted, tr.Interrupted)
	}
	if tr.Target != base || tr.User != sim.User() || tr.Collection != collections.EmbeddedName {
		t.Errorf("Target, User, Collection = %q, %q, %q", tr.Target, tr.User, tr.Collection)
	}
	if len(rec.got) != len(runner.Flow) {
		t.Fatalf("the server got %d requests, want %d", len(rec.got), len(runner.Flow))
	}
	for i, ex := range tr.Exchanges {
		if ex.Err != nil || ex.Response == nil {
			t.Fatalf("%s: Err = %v, Response = %v; want a response", ex.Step, ex.Err, ex.Response)
		}
		if ex.Request.Method != http.MethodPost || !strings.HasPrefix(ex.Request.URL, base+"/Integra/resources/") {
			t.Errorf("%s: request %s %s", ex.Step, ex.Request.Method, ex.Request.URL)
		}
		if ex.Response.Proto != "HTTP/2.0" || ex.Response.TLS == nil || ex.Response.TLS.ALPN != "h2" {
			t.Errorf("%s: answered over %s, TLS %+v; want HTTP/2 over TLS", ex.Step, ex.Response.Proto, ex.Response.TLS)
		}
		if ex.Timings.Total <= 0 || ex.Start.IsZero() {
			t.Errorf("%s: Start %v, Timings %+v", ex.Step, ex.Start, ex.Timings)
		}
		// What the transcript says was sent is what the server got.
		got := rec.got[i]
		u, _ := url.Parse(ex.Request.URL)
		if got.Path != u.Path || got.Body != ex.Request.Body || !slices.Equal(got.Auth, ex.Request.Header.Values("Authorization")) {
			t.Errorf("%s: transcript says %s %q %q, the server got %s %q %q", ex.Step,
				u.Path, ex.Request.Body, ex.Request.Header.Values("Authorization"), got.Path, got.Body, got.Auth)
		}
		if got.ContentType != runner.FormContentType {
			t.Errorf("%s: Content-Type %q, want %q", ex.Step, got.ContentType, runner.FormContentType)
		}
	}

	// The token is the login answer's last element, as received.
	issued := sim.IssuedTokens()
	if len(issued) != 1 {
		t.Fatalf("the simulator issued %d tokens, want 1", len(issued))
	}
	var arr []any
	if err := json.Unmarshal(tr.Get(runner.StepLogin).Response.Body, &arr); err != nil || len(arr) == 0 || arr[len(arr)-1] != issued[0] {
		t.Fatalf("login body %s does not end with the issued token", tr.Get(runner.StepLogin).Response.Body)
	}
	if tr.Token != issued[0] || tr.TokenSource != (runner.TokenSource{Shape: "array", Index: 2, Len: 3}) {
		t.Errorf("Token, TokenSource = %q, %+v; want the issued token, last of 3", tr.Token, tr.TokenSource)
	}

	// The login body is form-encoded with user and password.
	login := tr.Get(runner.StepLogin).Request
	form, err := url.ParseQuery(login.Body)
	if err != nil || form.Get("user") != sim.User() || form.Get("password") != sim.Password() || len(form) != 2 {
		t.Errorf("login body %q: want exactly user=%s and password", login.Body, sim.User())
	}
	if ct := login.Header.Get("Content-Type"); ct != runner.FormContentType {
		t.Errorf("login Content-Type = %q", ct)
	}
	if a := login.Header.Values("Authorization"); len(a) != 0 {
		t.Errorf("login sent Authorization %q", a)
	}

	// The probe sends the token as it came: "Basic <token>", not encoded again.
	wantAuth := []string{"Basic " + issued[0]}
	for _, s := range []runner.Step{runner.StepProbe, runner.StepLogout, runner.StepProbeEnded, runner.StepLogoutRepeat} {
		if got := tr.Get(s).Request.Header.Values("Authorization"); !slices.Equal(got, wantAuth) {
			t.Errorf("%s: Authorization = %q, want %q", s, got, wantAuth)
		}
	}
	if got := rec.got[slices.Index(runner.Flow, runner.StepProbe)].Auth; !slices.Equal(got, wantAuth) {
		t.Errorf("the server got the probe with Authorization %q, want %q", got, wantAuth)
	}
	if got := tr.Get(runner.StepProbeNoAuth).Request.Header.Values("Authorization"); len(got) != 0 {
		t.Errorf("probe-noauth sent Authorization %q", got)
	}
	logout, _ := url.ParseQuery(tr.Get(runner.StepLogout).Request.Body)
	if logout.Get("user") != sim.User() || logout.Get("token") != issued[0] {
		t.Errorf("logout body %q: want user and the live token", tr.Get(runner.StepLogout).Request.Body)
	}

	// The negative steps use a user that cannot exist and a well-formed token never issued.
	bad, _ := url.ParseQuery(tr.Get(runner.StepLoginBad).Request.Body)
	if u := bad.Get("user"); u == sim.User() || !strings.HasPrefix(u, "uccheck-nobody-") || bad.Get("password") == sim.Password() {
		t.Errorf("login-bad body %q: want a user that cannot exist and another password", tr.Get(runner.StepLoginBad).Request.Body)
	}
	bogus := strings.TrimPrefix(tr.Get(runner.StepProbeBogus).Request.Header.Get("Authorization"), "Basic ")
	if bogus == issued[0] || !runner.LooksLikeToken(bogus) {
		t.Errorf("probe-bogus token %q: want a well-formed token that was never issued", bogus)
	}

	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("LiveSessions() = %d after the run, want 0", n)
	}
	for _, s := range []string{sim.Password(), issued[0]} {
		if !slices.Contains(tr.Secrets, s) {
			t.Errorf("Secrets %q lacks %q", tr.Secrets, s)
		}
	}
}

func TestRunEndsEverySession(t *testing.T) {
	tests := []struct {
		name   string
		faults []ucsim.Fault
		// wrap returns the front wrapper, given the simulator and the run's cancel function.
		wrap    func(sim *ucsim.Server, cancel context.CancelFunc) func(http.Handler) http.Handler
		timeout time.Duration
		check   func(t *testing.T, sim *ucsim.Server, tr *runner.Transcript)
	}{
		{
			name: "cancelled during the probe",
			wrap: func(sim *ucsim.Server, cancel context.CancelFunc) func(http.Handler) http.Handler {
				return onLiveProbe(sim, func(w http.ResponseWriter, r *http.Request) { cancel(); block(w, r) })
			},
			check: func(t *testing.T, sim *ucsim.Server, tr *runner.Transcript) {
				if !tr.Interrupted || !strings.Contains(tr.Aborted, string(runner.StepProbe)) {
					t.Errorf("Interrupted, Aborted = %t, %q; want interrupted during the probe", tr.Interrupted, tr.Aborted)
				}
				if ex := tr.Get(runner.StepProbe); ex == nil || ex.Err == nil || ex.Err.Kind != runner.ErrInterrupted {
					t.Errorf("probe exchange %+v: want an interrupted error", ex)
				}
				if tr.Get(runner.StepLogout) != nil || tr.Get(runner.StepProbeEnded) != nil {
					t.Errorf("steps %v: nothing of the flow should follow the interruption", steps(tr))
				}
				wantCleanup(t, tr, sim.User(), tr.Token)
			},
		},
		{
			name: "cancelled during EndSession",
			wrap: func(sim *ucsim.Server, cancel context.CancelFunc) func(http.Handler) http.Handler {
				var once sync.Once
				return func(next http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						hit := false
						if r.URL.Path == ucsim.PathEndSession {
							once.Do(func() { hit = true })
						}
						if hit { // the first EndSession never reaches the simulator
							cancel()
							block(w, r)
							return
						}
						next.ServeHTTP(w, r)
					})
				}
			},
			check: func(t *testing.T, sim *ucsim.Server, tr *runner.Transcript) {
				if !tr.Interrupted {
					t.Errorf("Interrupted = false, Aborted %q", tr.Aborted)
				}
				wantCleanup(t, tr, sim.User(), tr.Token)
			},
		},
		{
			name:    "the probe times out",
			timeout: 500 * time.Millisecond,
			wrap: func(sim *ucsim.Server, _ context.CancelFunc) func(http.Handler) http.Handler {
				return onLiveProbe(sim, block)
			},
			check: func(t *testing.T, sim *ucsim.Server, tr *runner.Transcript) {
				ex := tr.Get(runner.StepProbe)
				if ex == nil || ex.Err == nil || ex.Err.Kind != runner.ErrTimeout || !strings.Contains(ex.Err.Message, "500ms") {
					t.Errorf("probe exchange %+v: want a timeout error naming 500ms", ex)
				}
				if tr.Interrupted || tr.Aborted != "" {
					t.Errorf("Interrupted, Aborted = %t, %q; a timeout stops no flow", tr.Interrupted, tr.Aborted)
				}
				// The flow went on and ended the session itself.
				if !reflect.DeepEqual(steps(tr), runner.Flow) {
					t.Errorf("steps = %v, want %v", steps(tr), runner.Flow)
				}
				if lo := tr.Get(runner.StepLogout); lo == nil || lo.Response == nil || string(lo.Response.Body) != "1" {
					t.Errorf("logout exchange %+v: want the answer 1", lo)
				}
			},
		},
		{
			name:   "a session issued to the user that cannot exist",
			faults: []ucsim.Fault{ucsim.FaultAnyUserLogin},
			check: func(t *testing.T, sim *ucsim.Server, tr *runner.Transcript) {
				issued := sim.IssuedTokens()
				if len(issued) != 2 {
					t.Fatalf("the simulator issued %d tokens, want 2", len(issued))
				}
				bad, _ := url.ParseQuery(tr.Get(runner.StepLoginBad).Request.Body)
				bogusUser := bad.Get("user")
				var bogusToken string
				for _, tok := range issued {
					raw, _ := base64.StdEncoding.DecodeString(tok)
					if strings.HasPrefix(string(raw), bogusUser+":") {
						bogusToken = tok
					}
					if !slices.Contains(tr.Secrets, tok) {
						t.Errorf("Secrets lack the issued token %q", tok)
					}
				}
				if bogusToken == "" {
					t.Fatalf("no token was issued to %q", bogusUser)
				}
				wantCleanup(t, tr, bogusUser, bogusToken)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := newSim(t, tt.faults...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			base, pool := sim.URL, sim.CertPool()
			if tt.wrap != nil {
				base, pool = front(t, sim, tt.wrap(sim, cancel))
			}
			o := options(t, sim, base, pool)
			if tt.timeout > 0 {
				o.Timeout = tt.timeout
			}
			tr := runCtx(t, ctx, o)
			if len(sim.IssuedTokens()) == 0 {
				t.Fatal("no session was opened: the test proves nothing")
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("LiveSessions() = %d after the run, want 0 (steps %v)", n, steps(tr))
			}
			if !slices.Contains(tr.Secrets, sim.Password()) {
				t.Error("Secrets lack the password")
			}
			tt.check(t, sim, tr)
		})
	}
}

// wantCleanup asserts that the transcript ends with a cleanup EndSession of the token, answered 1.
func wantCleanup(t *testing.T, tr *runner.Transcript, user, token string) {
	t.Helper()
	ex := tr.Exchanges[len(tr.Exchanges)-1]
	if ex.Step != runner.StepCleanup {
		t.Fatalf("steps %v: want a cleanup last", steps(tr))
	}
	form, _ := url.ParseQuery(ex.Request.Body)
	if form.Get("user") != user || form.Get("token") != token {
		t.Errorf("cleanup body %q: want user %q and the token", ex.Request.Body, user)
	}
	if ex.Response == nil || ex.Response.Status != http.StatusOK || string(ex.Response.Body) != "1" {
		t.Errorf("cleanup exchange %+v: want HTTP 200 with 1", ex)
	}
}

func TestRunSteps(t *testing.T) {
	S := func(s ...runner.Step) map[runner.Step]bool {
		m := map[runner.Step]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	tests := []struct {
		name  string
		steps map[runner.Step]bool
		want  []runner.Step
	}{
		{"only the failed login", S(runner.StepLoginBad), []runner.Step{runner.StepLoginBad}},
		{"only the probes without a session", S(runner.StepProbeNoAuth, runner.StepProbeBogus), []runner.Step{runner.StepProbeNoAuth, runner.StepProbeBogus}},
		{"only EndSession of a never-issued token", S(runner.StepLogoutBogus), []runner.Step{runner.StepLogoutBogus}},
		{"login alone still ends its session", S(runner.StepLogin), []runner.Step{runner.StepLogin, runner.StepLogout}},
		{"the probe needs a session", S(runner.StepProbe), []runner.Step{runner.StepLogin, runner.StepProbe, runner.StepLogout}},
		{"the ended token's probe", S(runner.StepProbeEnded, runner.StepProbe), []runner.Step{runner.StepLogin, runner.StepProbe, runner.StepLogout, runner.StepProbeEnded}},
		{"the repeated EndSession", S(runner.StepLogoutRepeat), []runner.Step{runner.StepLogin, runner.StepLogout, runner.StepLogoutRepeat}},
		{"an empty selection sends nothing", S(), nil},
		{"nil sends every step", nil, runner.Flow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := newSim(t)
			o := options(t, sim, sim.URL, sim.CertPool())
			o.Steps = tt.steps
			tr := run(t, o)
			if got := steps(tr); !slices.Equal(got, tt.want) {
				t.Errorf("steps = %v, want %v", got, tt.want)
			}
			sent := sim.Calls(ucsim.PathGetUserToken) + sim.Calls(ucsim.PathCampaignStatus) + sim.Calls(ucsim.PathEndSession)
			if sent != len(tt.want) {
				t.Errorf("the simulator got %d requests, want %d", sent, len(tt.want))
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("LiveSessions() = %d, want 0", n)
			}
		})
	}
}

func TestRunBuildErrors(t *testing.T) {
	sim := newSim(t)
	tests := []struct {
		name   string
		change func(o *runner.Options)
		want   string
	}{
		{"unset variable", func(o *runner.Options) {
			probe := *o.Roles.Probe
			probe.Headers = append(append([]collections.Header(nil), probe.Headers...), collections.Header{Key: "X-Tenant", Value: "{{tenant}}"})
			o.Roles.Probe = &probe
		}, "{{tenant}}"},
		{"base URL without a scheme", func(o *runner.Options) { o.BaseURL = "acme.ucontactcloud.com" }, "want https://"},
		{"base URL of another scheme", func(o *runner.Options) { o.BaseURL = "ftp://acme" }, "want https://"},
		{"no logout item", func(o *runner.Options) { o.Roles.Logout = nil }, "logout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := options(t, sim, sim.URL, sim.CertPool())
			tt.change(&o)
			tr, err := runner.Run(context.Background(), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run = %v, %v; want an error containing %q", tr, err, tt.want)
			}
		})
	}
	if n := sim.Calls(ucsim.PathGetUserToken) + sim.Calls(ucsim.PathCampaignStatus) + sim.Calls(ucsim.PathEndSession); n != 0 {
		t.Errorf("the simulator got %d requests; a flow that cannot be built sends nothing", n)
	}
}

func TestRunVarsWin(t *testing.T) {
	// --var values win over collection variables; the target, user and password win over the
	// collection's own.
	sim := newSim(t)
	rec := &recorder{}
	base, pool := front(t, sim, rec.wrap)
	o := options(t, sim, base, pool)
	probe := *o.Roles.Probe
	probe.Body = &collections.Body{Mode: "urlencoded", URLEncoded: []collections.Param{{Key: "queue", Value: "{{queue}}"}}}
	o.Roles.Probe = &probe
	o.CollectionVars = map[string]string{"queue": "from-collection", "domain": "unreachable.invalid", "user": "someone", "password": "wrong"}
	o.Vars = map[string]string{"queue": "Ventas"}
	o.Steps = map[runner.Step]bool{runner.StepProbe: true}
	tr := run(t, o)
	if got := tr.Get(runner.StepProbe); got == nil || got.Request.Body != "queue=Ventas" {
		t.Errorf("probe = %+v, want the body queue=Ventas", got)
	}
	if ex := tr.Get(runner.StepLogin); ex == nil || ex.Response == nil || tr.Token == "" {
		t.Errorf("login = %+v: the options' user and password should win over the collection's", ex)
	}
}

func TestRunUnreachable(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		sim := newSim(t)
		tr := run(t, options(t, sim, "https://"+addr, sim.CertPool()))
		if len(tr.Exchanges) != 1 || tr.Exchanges[0].Err == nil || tr.Exchanges[0].Err.Kind != runner.ErrRefused {
			t.Fatalf("exchanges %v: want one refused login", steps(tr))
		}
		if !strings.Contains(tr.Aborted, "unreachable") || tr.Interrupted {
			t.Errorf("Aborted, Interrupted = %q, %t", tr.Aborted, tr.Interrupted)
		}
	})
	t.Run("certificate not trusted", func(t *testing.T) {
		sim := newSim(t)
		tr := run(t, options(t, sim, sim.URL, x509.NewCertPool()))
		if len(tr.Exchanges) != 1 || tr.Exchanges[0].Err == nil || tr.Exchanges[0].Err.Kind != runner.ErrTLS {
			t.Fatalf("exchanges %+v: want one TLS error", tr.Exchanges)
		}
		if !strings.Contains(tr.Exchanges[0].Err.Message, "--ca-cert") {
			t.Errorf("message %q does not say what to do", tr.Exchanges[0].Err.Message)
		}
		if sim.Calls(ucsim.PathGetUserToken) != 0 {
			t.Error("the login reached the simulator over an untrusted connection")
		}
	})
	t.Run("cancelled before the run", func(t *testing.T) {
		sim := newSim(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		tr := runCtx(t, ctx, options(t, sim, sim.URL, sim.CertPool()))
		if len(tr.Exchanges) != 0 || !tr.Interrupted {
			t.Errorf("steps %v, Interrupted %t: want nothing sent and an interruption", steps(tr), tr.Interrupted)
		}
	})
}
