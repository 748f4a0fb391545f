package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"time"
)

// Policy is how the one exchange path (exchanger.exchange) sends every request of a target:
// contract steps, collection items and the EndSessions that end what they left open.
type Policy struct {
	Client *http.Client
	// Target is the base URL every request is rebased on (see rebase) and whose origin a
	// redirect is judged against; "" keeps each request's URL, and judges a redirect against
	// the origin of the request that was redirected first.
	Target    string
	Timeout   time.Duration // per request
	MaxBody   int64         // bytes of a body read at most
	Retries   int           // how many times a failed exchange may be sent again (see retryable)
	RetryBase time.Duration // first wait before a retry
	Rand      io.Reader     // jitter
	Now       func() time.Time
}

// Outgoing is one request for the exchange path, and the per-request part of its policy.
type Outgoing struct {
	Step   Step
	Item   string
	Method string
	URL    string
	Header http.Header
	Body   string

	// FollowRedirects and MaxRedirects are Newman's protocolProfileBehavior followRedirects and
	// maxRedirects (the contract flow never follows).
	FollowRedirects bool
	MaxRedirects    int
	Insecure        bool // strictSSL false: no certificate verification
	OpensSession    bool // a login: waited for past --timeout, read past --max-body
	ReadOnly        bool // may be sent again after a timeout
	Credentials     bool // carries a password or a token (besides what exchange finds itself)
}

// exchanger sends requests under one Policy and records them as Exchanges.
type exchanger struct {
	pol      Policy
	insecure *http.Transport // for strictSSL false: built once per run, closed by close
	sessions *Sessions       // whether a session exists (retries) and which secrets to guard
	secrets  func() []string // values whose presence in a request makes it carry credentials

	leaf                    *x509.Certificate // the last certificate seen, and its names
	leafSubject, leafIssuer string
}

func newExchanger(p Policy, s *Sessions, secrets func() []string) *exchanger {
	if p.Client == nil {
		p.Client = NewClient(ClientOptions{})
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultTimeout
	}
	if p.MaxBody <= 0 {
		p.MaxBody = DefaultMaxBody
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	p.Target = strings.TrimRight(p.Target, "/")
	return &exchanger{pol: p, sessions: s, secrets: secrets}
}

func (x *exchanger) close() {
	if x.insecure != nil {
		x.insecure.CloseIdleConnections()
	}
}

// exchange is the one send of uccheck: it rebases the request on the target, sends it with the
// per-request timeout under the redirect and TLS policy, retries what may be retried, and
// records the request as sent, the response, timings and TLS facts.
func (x *exchanger) exchange(ctx context.Context, o Outgoing) *Exchange {
	ex := &Exchange{Step: o.Step, Item: o.Item, Start: x.pol.Now()}
	if x.pol.Target != "" {
		if u, err := rebase(o.URL, x.pol.Target); err == nil {
			o.URL = u
		}
	}
	if o.Header == nil {
		o.Header = http.Header{}
	}
	ex.Request = Request{Method: o.Method, URL: o.URL, Header: o.Header.Clone(), Body: o.Body}
	for attempt := 0; ; attempt++ {
		x.attempt(ctx, ex, o)
		why, retry := x.retryable(ex, o)
		if !retry || attempt >= x.pol.Retries {
			return ex
		}
		wait := backoff(x.pol.RetryBase, x.pol.Rand, attempt)
		ex.Retries = append(ex.Retries, Retry{Attempt: attempt + 1, Reason: why, Wait: wait})
		select {
		case <-ctx.Done():
			ex.Response, ex.Late = nil, nil
			ex.Err = classify(ctx, ctx, context.Cause(ctx), x.pol.Timeout)
			return ex
		case <-time.After(wait):
		}
		ex.Response, ex.Err, ex.Late, ex.RedirectRefused = nil, nil, nil, ""
	}
}

// client returns the client for one request: the run's, with its redirect policy and, for
// strictSSL false, the insecure transport.
func (x *exchanger) client(o Outgoing, ex *Exchange) *http.Client {
	c := *x.pol.Client
	creds := x.carries(o)
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !o.FollowRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) > o.MaxRedirects {
			// As Newman (postman-request): an error, not the last redirect.
			return fmt.Errorf("exceeded maxRedirects (%d): probably stuck in a redirect loop", o.MaxRedirects)
		}
		home := via[0].URL
		if x.pol.Target != "" {
			if t, err := url.Parse(x.pol.Target); err == nil {
				home = t
			}
		}
		if creds && origin(req.URL) != origin(home) {
			// Unlike Newman: a password, a token or an Authorization header never follows a
			// redirect away from the target's origin (judged on every hop).
			ex.RedirectRefused = fmt.Sprintf("not followed: a redirect to %s, another origin than the target's (%s), while the request carries credentials", origin(req.URL), origin(home))
			return http.ErrUseLastResponse
		}
		return nil
	}
	if o.Insecure {
		if tr := x.insecureTransport(); tr != nil {
			c.Transport = tr
		}
	}
	return &c
}

// carries reports whether a request carries credentials: an Authorization or Cookie header, or
// a password or token uccheck knows anywhere in it, in any encoding (see mentions).
func (x *exchanger) carries(o Outgoing) bool {
	if o.Credentials || o.Header.Get("Authorization") != "" || o.Header.Get("Cookie") != "" {
		return true
	}
	var secrets []string
	if x.secrets != nil {
		secrets = x.secrets()
	}
	if x.sessions != nil {
		secrets = append(secrets, x.sessions.Tokens()...)
	}
	parts := []string{o.URL, o.Body}
	for _, vs := range o.Header {
		parts = append(parts, vs...)
	}
	for _, s := range secrets {
		for _, part := range parts {
			if mentions(part, s) {
				return true
			}
		}
	}
	return false
}

// origin is scheme://host:port, with the default port made explicit.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// insecureTransport returns the run's transport that skips certificate verification (built on
// the client's once), or nil when the client's transport is not an *http.Transport.
func (x *exchanger) insecureTransport() *http.Transport {
	if x.insecure == nil {
		tr, ok := x.pol.Client.Transport.(*http.Transport)
		if !ok {
			return nil
		}
		x.insecure = tr.Clone()
		cfg := x.insecure.TLSClientConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		cfg.InsecureSkipVerify = true
		x.insecure.TLSClientConfig = cfg
	}
	return x.insecure
}

// limit is the time one attempt may take.
func (x *exchanger) limit(o Outgoing) time.Duration {
	limit := x.pol.Timeout
	if o.Step == StepCleanup {
		limit = max(limit, CleanupTimeout) // ending a session is worth waiting for
	}
	if o.OpensSession {
		// A login that answers after --timeout may still have opened a session: wait a grace
		// period longer to learn its token and end it, and judge the login as timed out.
		limit += LoginGrace(x.pol.Timeout)
	}
	return limit
}

// attempt sends the request once and records the answer (or the error) and timings in ex.
func (x *exchanger) attempt(ctx context.Context, ex *Exchange, o Outgoing) {
	send := ctx
	if o.OpensSession {
		// A login in flight when the run is interrupted may open a session all the same: wait
		// for its answer (bounded by its limit) to learn the token, so the cleanup can end it.
		send = context.WithoutCancel(ctx)
	}
	rctx, cancel := context.WithTimeout(send, x.limit(o))
	defer cancel()
	var tm Timings
	var dnsStart, connStart, tlsStart time.Time
	wrote := false
	start := time.Now()
	trace := &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { dnsStart = time.Now() },
		DNSDone:              func(httptrace.DNSDoneInfo) { tm.DNS = time.Since(dnsStart) },
		ConnectStart:         func(string, string) { connStart = time.Now() },
		ConnectDone:          func(string, string, error) { tm.Connect = time.Since(connStart) },
		TLSHandshakeStart:    func() { tlsStart = time.Now() },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { tm.TLS = time.Since(tlsStart) },
		WroteHeaders:         func() { wrote = true },
		GotFirstResponseByte: func() { tm.FirstByte = time.Since(start) },
	}
	defer func() { ex.Timings = tm }()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(rctx, trace), o.Method, o.URL, strings.NewReader(o.Body))
	if err != nil {
		ex.Err = &Error{Kind: ErrOther, Message: err.Error()}
		return
	}
	req.Header = o.Header.Clone()
	if h := o.Header.Get("Host"); h != "" {
		req.Host = h
	}
	resp, err := x.client(o, ex).Do(req)
	if err != nil {
		tm.Total = time.Since(start)
		ex.Err = classify(ctx, rctx, err, x.pol.Timeout)
		ex.Err.Sent = wrote
		return
	}
	defer resp.Body.Close()
	readLimit := x.pol.MaxBody
	if o.OpensSession {
		// Read a login past a small --max-body: the token must be learned to end its session,
		// even when the body is judged as cut.
		readLimit = max(readLimit, DefaultMaxBody)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, readLimit+1))
	tm.Total = time.Since(start)
	if err != nil {
		ex.Err = classify(ctx, rctx, err, x.pol.Timeout)
		ex.Err.Sent = true
		return
	}
	out := &Response{Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header.Clone(), Body: data, read: data, TLS: x.tlsInfo(resp.TLS)}
	if int64(len(data)) > x.pol.MaxBody {
		out.Body, out.Truncated = data[:x.pol.MaxBody], true
	}
	if o.OpensSession && tm.Total > x.pol.Timeout {
		ex.Late = out
		ex.Err = &Error{Kind: ErrTimeout, Message: fmt.Sprintf("no complete answer within %s (--timeout); it came after %s", x.pol.Timeout, tm.Total.Round(time.Millisecond)), Sent: true}
		return
	}
	ex.Response = out
}

// tlsInfo records the facts of the connection a response came over (nil over plain HTTP).
func (x *exchanger) tlsInfo(cs *tls.ConnectionState) *TLSInfo {
	if cs == nil {
		return nil
	}
	info := &TLSInfo{Version: tls.VersionName(cs.Version), Cipher: cipherName(cs.CipherSuite), ALPN: cs.NegotiatedProtocol, ServerName: cs.ServerName}
	if len(cs.PeerCertificates) > 0 {
		leaf := cs.PeerCertificates[0]
		if leaf != x.leaf { // the same connection's certificate: name it once
			x.leaf, x.leafSubject, x.leafIssuer = leaf, leaf.Subject.String(), leaf.Issuer.String()
		}
		info.Subject, info.Issuer, info.NotAfter = x.leafSubject, x.leafIssuer, leaf.NotAfter
	}
	return info
}

// retryable says whether an attempt failed to exchange in a way that may be retried: a request
// that never reached the server (refused, DNS, connect timeout, TLS handshake); a read-only
// request that timed out or was reset; or 502/503/504 while no session exists. A contract
// violation is never retried, nor a request that could have changed state on the server, nor a
// login answer that carries a token (its session must be ended).
func (x *exchanger) retryable(ex *Exchange, o Outgoing) (string, bool) {
	if e := ex.Err; e != nil {
		switch {
		case e.Kind == ErrInterrupted || e.Kind == ErrDeadline:
			return "", false
		case !e.Sent:
			return e.Error() + " (not sent)", true
		case o.ReadOnly && (e.Kind == ErrTimeout || e.Kind == ErrOther):
			return e.Error() + " (read-only request)", true
		}
		return "", false
	}
	switch ex.Response.Status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if o.OpensSession {
			if tok, _ := ExtractToken(ex.Response.read); tok != "" {
				return "", false // it opened a session all the same: keep its token to end it
			}
		}
		if x.sessions == nil || !x.sessions.Opened() {
			return fmt.Sprintf("HTTP %d before any session exists", ex.Response.Status), true
		}
	}
	return "", false
}

// backoff is the wait before retry attempt+1: exponential from base, plus up to as much again
// of jitter.
func backoff(base time.Duration, rnd io.Reader, attempt int) time.Duration {
	if base <= 0 {
		base = DefaultRetryBase
	}
	d := base << attempt
	var b [2]byte
	if rnd != nil {
		_, _ = io.ReadFull(rnd, b[:])
	}
	jitter := time.Duration(int64(d) * int64(uint16(b[0])<<8|uint16(b[1])) / 65536)
	return d + jitter
}
