package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ClientOptions configures the HTTP client NewClient builds.
type ClientOptions struct {
	RootCAs  *x509.CertPool // nil: the system roots
	Insecure bool           // skip certificate verification
}

// NewClient returns a client for uContact servers: HTTP/2 when the server offers it, TLS 1.2 or
// later, and no redirects followed (a redirect is returned as it is, so that credentials are
// never sent to another place and the checks can say where the server pointed).
func NewClient(o ClientOptions) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.ForceAttemptHTTP2 = true
	tr.TLSClientConfig = &tls.Config{RootCAs: o.RootCAs, InsecureSkipVerify: o.Insecure, MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// LoginGrace is how much longer than the timeout a login is waited for: four timeouts, at most
// CleanupTimeout.
func LoginGrace(timeout time.Duration) time.Duration { return min(CleanupTimeout, 4*timeout) }

var cipherNames sync.Map // uint16 -> string: tls.CipherSuiteName builds its lists on every call

func cipherName(id uint16) string {
	if n, ok := cipherNames.Load(id); ok {
		return n.(string)
	}
	n := tls.CipherSuiteName(id)
	cipherNames.Store(id, n)
	return n
}

// classify turns a client error into an Error kind a person can act on.
func classify(parent, rctx context.Context, err error, timeout time.Duration) *Error {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var uaErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	switch {
	case parent.Err() != nil && errors.Is(context.Cause(parent), context.DeadlineExceeded):
		return &Error{Kind: ErrDeadline, Message: "the run's deadline (--deadline) was reached before the answer came"}
	case parent.Err() != nil:
		return &Error{Kind: ErrInterrupted, Message: "the run was interrupted before the answer came"}
	case errors.Is(rctx.Err(), context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{Kind: ErrTimeout, Message: fmt.Sprintf("no complete answer within %s (--timeout)", timeout)}
	case errors.As(err, &dnsErr):
		return &Error{Kind: ErrDNS, Message: msg}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: ErrRefused, Message: msg}
	case errors.As(err, &certErr), errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr), errors.As(err, &recErr):
		return &Error{Kind: ErrTLS, Message: msg + " (use --ca-cert FILE for a private CA, or --insecure)"}
	}
	return &Error{Kind: ErrOther, Message: msg}
}

// rebase replaces the scheme, host and any prefix before "/Integra/" of a resolved URL with base.
func rebase(raw, base string) (string, error) {
	rest := raw
	if k := strings.Index(rest, "://"); k >= 0 && !strings.ContainsAny(rest[:k], "/?#") {
		rest = rest[k+3:] // a scheme; a "://" after the host is part of the path or query
	}
	path := rest
	if k := strings.IndexAny(path, "?#"); k >= 0 {
		path = path[:k] // an /Integra/ in the query or fragment is data
	}
	if k := strings.Index(path, "/Integra/"); k >= 0 {
		rest = rest[k:]
	} else if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		rest = rest[k:]
	} else {
		rest = ""
	}
	u, err := url.Parse(base + rest)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}
