// Package ucsim is a simulator of the uContact "Integra" auth endpoints, shaped like
// httptest.NewTLSServer: New returns a started server on 127.0.0.1 with its URL, its CA and a
// client that trusts it. Each Fault breaks exactly one documented behaviour, so that every
// uccheck check can be shown to fail when the server breaks what it checks. It also serves the
// CrossDomain reference pages and their faulty variants (see CrossdomainPages).
package ucsim

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"
)

// Fault names one documented behaviour that the simulator breaks on purpose.
type Fault string

// The faults, one per uccheck check. Each breaks exactly the behaviour its check judges.
const (
	// FaultLoginStatus answers getUserToken for valid credentials with HTTP 201 instead of 200.
	FaultLoginStatus Fault = "login-status-201"
	// FaultBareStringToken answers getUserToken with a bare JSON string instead of an array.
	FaultBareStringToken Fault = "bare-string-token"
	// FaultTokenFirst puts the token first in the array, with a user record last.
	FaultTokenFirst Fault = "token-first"
	// FaultOpaqueToken issues tokens that are not base64 of "<user>:<UUID>".
	FaultOpaqueToken Fault = "opaque-token"
	// FaultAnyUserLogin issues a session to any user name, even one that cannot exist.
	FaultAnyUserLogin Fault = "any-user-login"
	// FaultPlainHTTP serves plain HTTP instead of HTTPS.
	FaultPlainHTTP Fault = "plain-http"
	// FaultHTTP1Only serves HTTPS without HTTP/2.
	FaultHTTP1Only Fault = "http1-only"
	// FaultCertExpiring serves a certificate that expires in 7 days.
	FaultCertExpiring Fault = "cert-expiring"
	// FaultBasicRejected rejects the probe even with a live token in "Authorization: Basic".
	FaultBasicRejected Fault = "basic-rejected"
	// FaultNoAuthAccepted answers the probe without any Authorization header.
	FaultNoAuthAccepted Fault = "no-auth-accepted"
	// FaultBogusAccepted answers the probe for well-formed tokens it never issued.
	FaultBogusAccepted Fault = "bogus-accepted"
	// FaultLogoutOKText answers a successful EndSession with "OK" instead of 1.
	FaultLogoutOKText Fault = "logout-ok-text"
	// FaultNoRevocation keeps accepting a token on the probe after EndSession ended it.
	FaultNoRevocation Fault = "no-revocation"
	// FaultRepeatLogoutOne answers 1 to a second EndSession of an already ended token.
	FaultRepeatLogoutOne Fault = "repeat-logout-one"
	// FaultBadTokenLogoutOne answers 1 to EndSession of a token it never issued.
	FaultBadTokenLogoutOne Fault = "bad-token-logout-one"
)

// Faults lists every fault, in the order of the checks they break.
var Faults = []Fault{
	FaultLoginStatus, FaultBareStringToken, FaultTokenFirst, FaultOpaqueToken, FaultAnyUserLogin,
	FaultPlainHTTP, FaultHTTP1Only, FaultCertExpiring,
	FaultBasicRejected, FaultNoAuthAccepted, FaultBogusAccepted,
	FaultLogoutOKText, FaultNoRevocation, FaultRepeatLogoutOne, FaultBadTokenLogoutOne,
}

// Default demo credentials, printed by `uccheck serve` and used when Options leave them empty.
const (
	DefaultUser     = "Admin"
	DefaultPassword = "demo-password"
)

// The paths the simulator serves.
const (
	PathGetUserToken   = "/Integra/resources/auth/getUserToken"
	PathEndSession     = "/Integra/resources/auth/EndSession"
	PathCampaignStatus = "/Integra/resources/Supervisor/campaignstatus"
	// PathEcho is not a uContact endpoint: the simulator answers any request under it with what
	// it received (method, path, query, headers, form or raw body) as JSON, so that tests can
	// see what a client sent. It needs no auth and opens no session.
	PathEcho = "/_ucsim/echo/"
)

// Options configures a simulator.
type Options struct {
	User     string  // the one valid SuperUser (DefaultUser when empty)
	Password string  // its password (DefaultPassword when empty)
	Faults   []Fault // behaviours to break; none for a server that honours the contract
	// Certificate, when set, is served instead of httptest's built-in one (to test expired or
	// wrong-host certificates); CertPool and CAPEM then return the leaf, so pass your own CA.
	Certificate *tls.Certificate

	// APIToken is a long-lived token, as created in the uContact UI ("API tokens"), that the
	// probe accepts without any login; APITokenScheme is its Authorization scheme ("Basic" when
	// empty, or "Bearer"). EndSession never ends it.
	APIToken       string
	APITokenScheme string

	// Latency delays every answer (a slow tenant).
	Latency time.Duration

	// Addr is the loopback address to listen on ("127.0.0.1:8443"); empty: a free port.
	Addr string
}

// Server is a running simulator.
type Server struct {
	// URL is the base URL, such as https://127.0.0.1:41234 (no trailing slash).
	URL string

	// Sink is where HostileRedirectOtherHost points; nil without that fault.
	Sink *Sink

	ts      *httptest.Server
	opts    Options
	faults  map[Fault]bool
	closing chan struct{}
	once    sync.Once

	mu       sync.Mutex
	sessions map[string]*session // by token
	calls    map[string]int      // by path
	log      []string            // "METHOD PATH" of every request, in order of arrival
}

type session struct {
	user  string
	ended bool
}

// ParseFault returns the Fault with the given name, or an error listing the known ones.
func ParseFault(name string) (Fault, error) {
	all := append(append([]Fault(nil), Faults...), HostileFaults...)
	for _, f := range all {
		if string(f) == name {
			return f, nil
		}
	}
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown simulator fault %q (known: %s)", name, strings.Join(names, ", "))
}

// New starts a simulator on 127.0.0.1. Close it when done.
func New(opts Options) *Server {
	if opts.User == "" {
		opts.User = DefaultUser
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	s := &Server{
		opts:     opts,
		faults:   map[Fault]bool{},
		sessions: map[string]*session{},
		calls:    map[string]int{},
		closing:  make(chan struct{}),
	}
	for _, f := range opts.Faults {
		s.faults[f] = true
	}
	mux := http.NewServeMux()
	mux.HandleFunc(PathGetUserToken, s.getUserToken)
	mux.HandleFunc(PathEndSession, s.endSession)
	mux.HandleFunc(PathCampaignStatus, s.campaignStatus)
	mux.Handle(PathCrossdomain, CrossdomainHandler())
	mux.HandleFunc(PathEcho, s.echo)
	if s.faults[HostileRedirectOtherHost] {
		s.Sink = newSink()
	}
	s.ts = httptest.NewUnstartedServer(stripTenant(s.count(s.slow(s.hostile(mux)))))
	if opts.Addr != "" {
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			panic(fmt.Sprintf("ucsim: listening on %s: %v", opts.Addr, err))
		}
		s.ts.Listener.Close()
		s.ts.Listener = l
	}
	switch {
	case s.faults[FaultPlainHTTP]:
		s.ts.Start()
	default:
		s.ts.EnableHTTP2 = !s.faults[FaultHTTP1Only]
		if s.faults[FaultCertExpiring] && opts.Certificate == nil {
			opts.Certificate = expiringCertificate(7 * 24 * time.Hour)
		}
		if opts.Certificate != nil {
			s.ts.TLS = &tls.Config{Certificates: []tls.Certificate{*opts.Certificate}}
		}
		s.ts.StartTLS()
	}
	s.URL = s.ts.URL
	return s
}

// Close shuts the simulator down (hanging and trickling answers end first).
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.ts.Close()
		if s.Sink != nil {
			s.Sink.ts.Close()
		}
	})
}

// Client returns an HTTP client that trusts the simulator's certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// CertPool returns a pool holding the simulator's certificate (nil for plain HTTP).
func (s *Server) CertPool() *x509.CertPool {
	if s.ts.Certificate() == nil {
		return nil
	}
	p := x509.NewCertPool()
	p.AddCert(s.ts.Certificate())
	return p
}

// CAPEM returns the simulator's certificate in PEM, for --ca-cert (nil for plain HTTP).
func (s *Server) CAPEM() []byte {
	c := s.ts.Certificate()
	if c == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// User returns the valid user name.
func (s *Server) User() string { return s.opts.User }

// Password returns the valid user's password.
func (s *Server) Password() string { return s.opts.Password }

// LiveSessions returns how many issued tokens have not been ended.
func (s *Server) LiveSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, ss := range s.sessions {
		if !ss.ended {
			n++
		}
	}
	return n
}

// IssuedTokens returns every token the simulator has issued, sorted.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.sessions))
	for t := range s.sessions {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Calls returns how many requests reached the given path.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// Requests returns "METHOD PATH" of every request the server received, in order of arrival.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func (s *Server) count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[r.URL.Path]++
		s.log = append(s.log, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (s *Server) newToken(user string) string {
	if s.faults[FaultOpaqueToken] {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		return fmt.Sprintf("%x", b)
	}
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + newUUID()))
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) getUserToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeText(w, http.StatusMethodNotAllowed, "")
		return
	}
	user, password := r.PostFormValue("user"), r.PostFormValue("password")
	valid := user == s.opts.User && password == s.opts.Password
	if !valid && !s.faults[FaultAnyUserLogin] {
		writeText(w, http.StatusOK, "0")
		return
	}
	token := s.newToken(user)
	s.mu.Lock()
	s.sessions[token] = &session{user: user}
	s.mu.Unlock()

	status := http.StatusOK
	if s.faults[FaultLoginStatus] {
		status = http.StatusCreated
	}
	record := map[string]any{"user": user, "name": user, "phone": nil}
	switch {
	case s.faults[FaultBareStringToken]:
		writeJSON(w, status, token)
	case s.faults[FaultTokenFirst]:
		writeJSON(w, status, []any{token, "SuperUser", record})
	default:
		// A supervisor without a phone: the token is the last element of the list.
		writeJSON(w, status, []any{record, "SuperUser", token})
	}
}

// bearer returns the token of "Authorization: Basic <token>", or "" when absent or of another scheme.
func basicToken(r *http.Request) string {
	return schemeToken(r, "Basic")
}

// schemeToken returns the credentials of "Authorization: <scheme> <token>", or "".
func schemeToken(r *http.Request, scheme string) string {
	h := r.Header.Get("Authorization")
	if len(h) > len(scheme)+1 && strings.EqualFold(h[:len(scheme)+1], scheme+" ") {
		return strings.TrimSpace(h[len(scheme)+1:])
	}
	return ""
}

// apiTokenOK reports whether the request carries the simulator's long-lived API token.
func (s *Server) apiTokenOK(r *http.Request) bool {
	if s.opts.APIToken == "" {
		return false
	}
	scheme := s.opts.APITokenScheme
	if scheme == "" {
		scheme = "Basic"
	}
	return schemeToken(r, scheme) == s.opts.APIToken
}

// wellFormed reports whether a token has the documented shape: base64 of "<user>:<something>".
func wellFormed(token string) bool {
	raw, err := base64.StdEncoding.DecodeString(token)
	return err == nil && strings.Contains(string(raw), ":")
}

func (s *Server) campaignStatus(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeText(w, http.StatusMethodNotAllowed, "")
		return
	}
	token := basicToken(r)
	s.mu.Lock()
	ss := s.sessions[token]
	s.mu.Unlock()
	ok := false
	switch {
	case s.apiTokenOK(r):
		ok = true
	case token == "":
		ok = s.faults[FaultNoAuthAccepted]
	case ss == nil:
		ok = s.faults[FaultBogusAccepted] && wellFormed(token)
	case ss.ended:
		ok = s.faults[FaultNoRevocation]
	default:
		ok = !s.faults[FaultBasicRejected]
	}
	if !ok {
		writeText(w, http.StatusUnauthorized, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"Ventas": map[string]any{"campaign": "Ventas", "availables": 3, "busy": 1, "paused": 0,
			"completed": 42, "abandoned": 2, "servicelevel": 95.2},
		"Soporte": map[string]any{"campaign": "Soporte", "availables": 1, "busy": 2, "paused": 1,
			"completed": 17, "abandoned": 0, "servicelevel": 88.0},
	})
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeText(w, http.StatusMethodNotAllowed, "")
		return
	}
	user, token := r.PostFormValue("user"), r.PostFormValue("token")
	s.mu.Lock()
	ss := s.sessions[token]
	answer := "0"
	switch {
	case ss == nil:
		if s.faults[FaultBadTokenLogoutOne] {
			answer = "1"
		}
	case ss.user != user:
		answer = "0"
	case ss.ended:
		if s.faults[FaultRepeatLogoutOne] {
			answer = "1"
		}
	default:
		ss.ended = true
		answer = "1"
		if s.faults[FaultLogoutOKText] {
			answer = "OK"
		}
	}
	s.mu.Unlock()
	writeText(w, http.StatusOK, answer)
}

// echo answers with what the request carried. A "status" query parameter sets the answer's status
// code; a "redirect" query parameter answers 302 to that location.
func (s *Server) echo(w http.ResponseWriter, r *http.Request) {
	if loc := r.URL.Query().Get("redirect"); loc != "" {
		http.Redirect(w, r, loc, http.StatusFound)
		return
	}
	out := map[string]any{
		"method": r.Method, "path": r.URL.Path, "query": r.URL.Query(), "rawQuery": r.URL.RawQuery,
		"headers": r.Header, "proto": r.Proto,
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			out["form"] = r.MultipartForm.Value
			files := map[string]any{}
			for k, fhs := range r.MultipartForm.File {
				var list []map[string]any
				for _, fh := range fhs {
					f, _ := fh.Open()
					b := make([]byte, fh.Size)
					_, _ = f.Read(b)
					f.Close()
					list = append(list, map[string]any{"filename": fh.Filename, "contentType": fh.Header.Get("Content-Type"), "content": string(b)})
				}
				files[k] = list
			}
			out["files"] = files
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err == nil {
			out["form"] = r.PostForm
		}
	default:
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		out["body"] = string(b)
	}
	status := http.StatusOK
	if v := r.URL.Query().Get("status"); v != "" {
		fmt.Sscan(v, &status)
	}
	writeJSON(w, status, out)
}
