package bench

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// BenchmarkFlowUccheck runs the whole contract flow (every step) with runner.Run against one
// simulator, with one client for all iterations.
func BenchmarkFlowUccheck(b *testing.B) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	o, err := uccheckOptions(sim, runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		tr, err := runner.Run(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		if len(tr.Exchanges) != len(runner.Flow) || tr.Aborted != "" || tr.Token == "" {
			b.Fatalf("an incomplete flow: %d exchanges, aborted %q", len(tr.Exchanges), tr.Aborted)
		}
	}
	b.StopTimer()
	if n := sim.LiveSessions(); n != 0 {
		b.Fatalf("%d sessions left open", n)
	}
}

// BenchmarkFlowBareHTTP sends the same 9 requests as runner.Flow (methods, URLs, form bodies and
// headers, in order) with a bare net/http client with the same TLS and HTTP/2 settings, and
// extracts the token with a plain JSON decode.
func BenchmarkFlowBareHTTP(b *testing.B) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	f := newBareFlow(sim, bareTransport(sim))
	for b.Loop() {
		if err := f.run(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := sim.LiveSessions(); n != 0 {
		b.Fatalf("%d sessions left open", n)
	}
}

// uccheckOptions are the options of a full run of the embedded collection against the simulator.
func uccheckOptions(sim *ucsim.Server, client *http.Client) (runner.Options, error) {
	c := collections.Embedded()
	roles, err := c.Roles()
	return runner.Options{
		BaseURL: sim.URL, User: sim.User(), Password: sim.Password(),
		CollectionVars: c.Variables, Roles: roles, Source: c.Source,
		Client: client, Timeout: 5 * time.Second,
	}, err
}

// bareTransport has the TLS and HTTP/2 settings of runner.NewClient, trusting the simulator.
func bareTransport(sim *ucsim.Server) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.ForceAttemptHTTP2 = true
	tr.TLSClientConfig = &tls.Config{RootCAs: sim.CertPool(), MinVersion: tls.VersionTLS12}
	return tr
}

// bareFlow is the contract flow written by hand against net/http.
type bareFlow struct {
	client               *http.Client
	base, user, password string
}

func newBareFlow(sim *ucsim.Server, rt http.RoundTripper) *bareFlow {
	return &bareFlow{
		client: &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		base:   sim.URL, user: sim.User(), password: sim.Password(),
	}
}

const (
	formType   = "application/x-www-form-urlencoded; charset=UTF-8"
	loginURL   = "/Integra/resources/auth/getUserToken"
	probeURL   = "/Integra/resources/Supervisor/campaignstatus"
	logoutURL  = "/Integra/resources/auth/EndSession"
	bogusUser  = "uccheck-nobody-0a1b2c3d4e5f"
	bogusPass  = "00112233445566778899aabb"
	bogusToken = "QWRtaW46MGY4ZmFkNWItZDljYi00NjlmLWExNjUtNzA4Njc3Mjg5NTBl" // Admin:<a UUID never issued>
)

func (f *bareFlow) post(path, body, token string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, f.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", formType)
	if token != "" {
		req.Header.Set("Authorization", "Basic "+token)
	}
	req.Header.Set("User-Agent", "uccheck")
	resp, err := f.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// expect sends one request and checks its answer: the status, and the body when want is set.
func (f *bareFlow) expect(path, body, token string, status int, want string) ([]byte, error) {
	got, data, err := f.post(path, body, token)
	if err != nil {
		return nil, err
	}
	if got != status || (want != "" && string(bytes.TrimSpace(data)) != want) {
		return nil, fmt.Errorf("%s: HTTP %d %q, want HTTP %d %q", path, got, data, status, want)
	}
	return data, nil
}

func (f *bareFlow) run() error {
	form := func(kv ...string) string {
		var parts []string
		for i := 0; i < len(kv); i += 2 {
			parts = append(parts, url.QueryEscape(kv[i])+"="+url.QueryEscape(kv[i+1]))
		}
		return strings.Join(parts, "&")
	}
	data, err := f.expect(loginURL, form("user", f.user, "password", f.password), "", 200, "")
	if err != nil {
		return err
	}
	var arr []any
	if err := json.Unmarshal(data, &arr); err != nil || len(arr) == 0 {
		return fmt.Errorf("login answer %q: %v", data, err)
	}
	token, _ := arr[len(arr)-1].(string)
	if token == "" {
		return fmt.Errorf("login answer %q: no token last", data)
	}
	steps := []struct {
		path, body, token string
		status            int
		want              string
	}{
		{loginURL, form("user", bogusUser, "password", bogusPass), "", 200, "0"},
		{probeURL, "queue=", "", 401, ""},
		{probeURL, "queue=", bogusToken, 401, ""},
		{probeURL, "queue=", token, 200, ""},
		{logoutURL, form("user", f.user, "token", token), token, 200, "1"},
		{probeURL, "queue=", token, 401, ""},
		{logoutURL, form("user", f.user, "token", token), token, 200, "0"},
		{logoutURL, form("user", f.user, "token", bogusToken), bogusToken, 200, "0"},
	}
	for _, s := range steps {
		if _, err := f.expect(s.path, s.body, s.token, s.status, s.want); err != nil {
			return err
		}
	}
	return nil
}
