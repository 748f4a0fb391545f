package ucsim_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/ucsim"
)

// post sends a form to the simulator, with "Authorization: Basic <token>" when token is set.
func post(t *testing.T, sim *ucsim.Server, path string, form url.Values, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, sim.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
	if token != "" {
		req.Header.Set("Authorization", "Basic "+token)
	}
	resp, err := sim.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(body))
}

func login(t *testing.T, sim *ucsim.Server, user, password string) (int, string) {
	t.Helper()
	return post(t, sim, ucsim.PathGetUserToken, url.Values{"user": {user}, "password": {password}}, "")
}

func logout(t *testing.T, sim *ucsim.Server, user, token string) string {
	t.Helper()
	status, body := post(t, sim, ucsim.PathEndSession, url.Values{"user": {user}, "token": {token}}, token)
	if status != http.StatusOK {
		t.Fatalf("EndSession: HTTP %d", status)
	}
	return body
}

func probe(t *testing.T, sim *ucsim.Server, token string) int {
	t.Helper()
	status, _ := post(t, sim, ucsim.PathCampaignStatus, url.Values{"queue": {""}}, token)
	return status
}

var userUUID = regexp.MustCompile(`^Admin:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// behaviour is what a client observes of each documented behaviour, one field per fault.
type behaviour struct {
	Transport    string // protocol and transport of the answers
	LoginStatus  int
	LoginShape   string // where the token is in the login answer
	TokenShape   string // "Admin:<UUID>" or "other"
	BadLogin     string // answer to a user that cannot exist: "0" or "a token"
	ProbeLive    int
	ProbeNoAuth  int
	ProbeBogus   int
	Logout       string
	ProbeEnded   int
	LogoutRepeat string
	LogoutBogus  string
}

// observe runs the documented flow against the simulator and records what it saw.
func observe(t *testing.T, sim *ucsim.Server) behaviour {
	t.Helper()
	var b behaviour
	resp, err := sim.Client().Post(sim.URL+ucsim.PathGetUserToken, "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"user": {sim.User()}, "password": {sim.Password()}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b.Transport = resp.Proto + " over plain HTTP"
	if resp.TLS != nil {
		b.Transport = resp.Proto + " over TLS, certificate valid 14 days or more"
		if leaf := resp.TLS.PeerCertificates[0]; time.Until(leaf.NotAfter) < 14*24*time.Hour {
			b.Transport = resp.Proto + " over TLS, certificate valid less than 14 days"
		}
	}
	b.LoginStatus = resp.StatusCode

	var token string
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("login answer %q is not JSON", body)
	}
	switch x := v.(type) {
	case string:
		b.LoginShape, token = "a bare string", x
	case []any:
		if s, ok := x[len(x)-1].(string); ok && len(x) == 3 && s != "SuperUser" {
			b.LoginShape, token = "an array, token last", s
		} else if s, ok := x[0].(string); ok {
			b.LoginShape, token = "an array, token first", s
		}
	}
	if token == "" {
		t.Fatalf("no token in the login answer %s", body)
	}
	b.TokenShape = "other"
	if raw, err := base64.StdEncoding.DecodeString(token); err == nil && userUUID.Match(raw) {
		b.TokenShape = "Admin:<UUID>"
	}

	_, b.BadLogin = login(t, sim, "uccheck-nobody-1234", "x")
	if b.BadLogin != "0" {
		b.BadLogin = "a token"
	}
	bogus := base64.StdEncoding.EncodeToString([]byte("Admin:0f8fad5b-d9cb-469f-a165-70867728950e"))
	b.ProbeNoAuth = probe(t, sim, "")
	b.ProbeBogus = probe(t, sim, bogus)
	b.ProbeLive = probe(t, sim, token)
	b.Logout = logout(t, sim, sim.User(), token)
	b.ProbeEnded = probe(t, sim, token)
	b.LogoutRepeat = logout(t, sim, sim.User(), token)
	b.LogoutBogus = logout(t, sim, sim.User(), bogus)
	return b
}

// honest is the documented behaviour.
var honest = behaviour{
	Transport: "HTTP/2.0 over TLS, certificate valid 14 days or more", LoginStatus: 200, LoginShape: "an array, token last", TokenShape: "Admin:<UUID>",
	BadLogin: "0", ProbeLive: 200, ProbeNoAuth: 401, ProbeBogus: 401,
	Logout: "1", ProbeEnded: 401, LogoutRepeat: "0", LogoutBogus: "0",
}

func TestHonest(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	if got := observe(t, sim); got != honest {
		t.Errorf("a simulator without faults:\n got %+v\nwant %+v", got, honest)
	}
}

func TestEachFaultBreaksOneBehaviour(t *testing.T) {
	breaks := map[ucsim.Fault]func(b *behaviour){
		ucsim.FaultLoginStatus:       func(b *behaviour) { b.LoginStatus = 201 },
		ucsim.FaultBareStringToken:   func(b *behaviour) { b.LoginShape = "a bare string" },
		ucsim.FaultTokenFirst:        func(b *behaviour) { b.LoginShape = "an array, token first" },
		ucsim.FaultOpaqueToken:       func(b *behaviour) { b.TokenShape = "other" },
		ucsim.FaultAnyUserLogin:      func(b *behaviour) { b.BadLogin = "a token" },
		ucsim.FaultPlainHTTP:         func(b *behaviour) { b.Transport = "HTTP/1.1 over plain HTTP" },
		ucsim.FaultHTTP1Only:         func(b *behaviour) { b.Transport = "HTTP/1.1 over TLS, certificate valid 14 days or more" },
		ucsim.FaultCertExpiring:      func(b *behaviour) { b.Transport = "HTTP/2.0 over TLS, certificate valid less than 14 days" },
		ucsim.FaultBasicRejected:     func(b *behaviour) { b.ProbeLive = 401 },
		ucsim.FaultNoAuthAccepted:    func(b *behaviour) { b.ProbeNoAuth = 200 },
		ucsim.FaultBogusAccepted:     func(b *behaviour) { b.ProbeBogus = 200 },
		ucsim.FaultLogoutOKText:      func(b *behaviour) { b.Logout = "OK" },
		ucsim.FaultNoRevocation:      func(b *behaviour) { b.ProbeEnded = 200 },
		ucsim.FaultRepeatLogoutOne:   func(b *behaviour) { b.LogoutRepeat = "1" },
		ucsim.FaultBadTokenLogoutOne: func(b *behaviour) { b.LogoutBogus = "1" },
	}
	if len(breaks) != len(ucsim.Faults) {
		t.Fatalf("the test knows %d faults, the simulator %d", len(breaks), len(ucsim.Faults))
	}
	for _, f := range ucsim.Faults {
		t.Run(string(f), func(t *testing.T) {
			change, ok := breaks[f]
			if !ok {
				t.Fatalf("fault %s: the test does not say what it breaks", f)
			}
			want := honest
			change(&want)
			sim := ucsim.New(ucsim.Options{Faults: []ucsim.Fault{f}})
			defer sim.Close()
			if got := observe(t, sim); got != want {
				t.Errorf("with %s:\n got %+v\nwant %+v", f, got, want)
			}
		})
	}
}

func TestLiveSessions(t *testing.T) {
	sim := ucsim.New(ucsim.Options{User: "api-monitor", Password: "s3cret"})
	defer sim.Close()
	live := func(want int) {
		t.Helper()
		if got := sim.LiveSessions(); got != want {
			t.Errorf("LiveSessions() = %d, want %d", got, want)
		}
	}
	live(0)
	_, a := login(t, sim, "api-monitor", "s3cret")
	_, b := login(t, sim, "api-monitor", "s3cret")
	tokA, tokB := lastString(t, a), lastString(t, b)
	live(2)
	if want := []string{min(tokA, tokB), max(tokA, tokB)}; !slices.Equal(sim.IssuedTokens(), want) {
		t.Errorf("IssuedTokens() = %q, want %q", sim.IssuedTokens(), want)
	}
	if _, body := login(t, sim, "api-monitor", "wrong"); body != "0" {
		t.Errorf("a wrong password: %q, want 0", body)
	}
	if _, body := login(t, sim, ucsim.DefaultUser, ucsim.DefaultPassword); body != "0" {
		t.Errorf("the default user when another is configured: %q, want 0", body)
	}
	live(2)
	if got := logout(t, sim, "someone-else", tokA); got != "0" {
		t.Errorf("EndSession by another user = %q, want 0", got)
	}
	live(2)
	if got := logout(t, sim, "api-monitor", tokA); got != "1" {
		t.Errorf("EndSession = %q, want 1", got)
	}
	live(1)
	if got := logout(t, sim, "api-monitor", tokA); got != "0" {
		t.Errorf("a second EndSession = %q, want 0", got)
	}
	live(1)
	logout(t, sim, "api-monitor", tokB)
	live(0)
	if n := len(sim.IssuedTokens()); n != 2 {
		t.Errorf("IssuedTokens() has %d, want the 2 issued, ended or not", n)
	}
	if got := sim.Calls(ucsim.PathGetUserToken); got != 4 {
		t.Errorf("Calls(getUserToken) = %d, want 4", got)
	}
	if got := sim.Calls(ucsim.PathEndSession); got != 4 {
		t.Errorf("Calls(EndSession) = %d, want 4", got)
	}
}

// lastString returns the last element of a JSON array, which must be a string.
func lastString(t *testing.T, body string) string {
	t.Helper()
	var arr []any
	if err := json.Unmarshal([]byte(body), &arr); err != nil || len(arr) == 0 {
		t.Fatalf("login answer %q: want a JSON array", body)
	}
	s, ok := arr[len(arr)-1].(string)
	if !ok {
		t.Fatalf("login answer %q: the last element is no string", body)
	}
	return s
}

func TestOnlyPOST(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	for _, path := range []string{ucsim.PathGetUserToken, ucsim.PathEndSession, ucsim.PathCampaignStatus} {
		resp, err := sim.Client().Get(sim.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: HTTP %d, want 405", path, resp.StatusCode)
		}
	}
	if sim.LiveSessions() != 0 {
		t.Error("a GET opened a session")
	}
}

func TestParseFault(t *testing.T) {
	seen := map[ucsim.Fault]bool{}
	for _, f := range ucsim.Faults {
		if seen[f] {
			t.Errorf("fault %s is listed twice", f)
		}
		seen[f] = true
		if got, err := ucsim.ParseFault(string(f)); err != nil || got != f {
			t.Errorf("ParseFault(%q) = %q, %v", f, got, err)
		}
	}
	for _, name := range []string{"", "nope", "Plain-HTTP", "plain-http "} {
		_, err := ucsim.ParseFault(name)
		if err == nil {
			t.Errorf("ParseFault(%q): want an error", name)
			continue
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) {
			t.Errorf("error %q does not name %q", err, name)
		}
		for _, f := range ucsim.Faults {
			if !strings.Contains(err.Error(), string(f)) {
				t.Errorf("error %q does not list %s", err, f)
			}
		}
	}
}

func TestCertificates(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	if !strings.HasPrefix(sim.URL, "https://127.0.0.1:") || sim.User() != ucsim.DefaultUser || sim.Password() != ucsim.DefaultPassword {
		t.Errorf("URL %q, user %q, password %q", sim.URL, sim.User(), sim.Password())
	}
	block, _ := pem.Decode(sim.CAPEM())
	if block == nil {
		t.Fatal("CAPEM() is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	// The PEM and the pool hold the certificate the server presents.
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	if !pool.Equal(sim.CertPool()) {
		t.Error("CAPEM() and CertPool() hold different certificates")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = sim.CertPool()
	resp, err := (&http.Client{Transport: tr}).Post(sim.URL+ucsim.PathGetUserToken, "", nil)
	if err != nil {
		t.Fatalf("a client trusting CertPool(): %v", err)
	}
	resp.Body.Close()

	plain := ucsim.New(ucsim.Options{Faults: []ucsim.Fault{ucsim.FaultPlainHTTP}})
	defer plain.Close()
	if !strings.HasPrefix(plain.URL, "http://") || plain.CAPEM() != nil || plain.CertPool() != nil {
		t.Errorf("plain HTTP: URL %q, CAPEM %d bytes, CertPool %v", plain.URL, len(plain.CAPEM()), plain.CertPool())
	}
}

// TestAddr: a simulator listens where it is told, and answers there.
func TestAddr(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()
	sim := ucsim.New(ucsim.Options{Addr: addr})
	defer sim.Close()
	if sim.URL != "https://"+addr {
		t.Fatalf("URL %s, want https://%s", sim.URL, addr)
	}
	resp, err := sim.Client().Post(sim.URL+ucsim.PathGetUserToken, "application/x-www-form-urlencoded", strings.NewReader("user=x&password=y"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}
