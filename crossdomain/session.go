// Package crossdomain checks uContact's CrossDomain protocol in a real headless Chromium: a form's
// message listener (DISPOSITION_CALL -> UC_DispositionCall, CLOSE_TAB -> parent.closeActiveTab())
// and an integrator's iframe page that posts those messages to its parent.
//
// A Session owns the browser and the loopback servers; CheckForm and CheckEmbed run the scenarios
// in tabs of it and return what they saw as plain values (Result). They print nothing and judge
// nothing: package suites judges a Result as Ginkgo specs.
package crossdomain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// Defaults of Options.
const (
	DefaultTimeout = 10 * time.Second
	DefaultSettle  = 100 * time.Millisecond
)

// startTimeout bounds the browser's start.
const startTimeout = 30 * time.Second

// closeTimeout bounds the browser's graceful close; after it the process is killed.
const closeTimeout = 5 * time.Second

// Options configures a Session.
type Options struct {
	Chromium string // the browser command (see FindChromium)
	// Origins are the integrator origins that forms may be asked to trust (FormOptions.ExpectOrigin).
	// The browser resolves them, and the look-alikes of ForeignOrigins, to the harness's loopback
	// servers; they are fixed when the browser starts.
	Origins []string
	// Timeout bounds each wait: a page load, a message's round trip, the message after the user
	// action. DefaultTimeout when zero.
	Timeout time.Duration
	// Settle is how long after a message the harness still attributes what a page does to it (its
	// asynchronous work). DefaultSettle when zero.
	Settle time.Duration
	// Screenshots asks for a PNG of the harness at the end of every scenario.
	Screenshots bool
}

// Session is a running headless Chromium and the loopback servers that play the other origins.
// It is safe for concurrent use: each check runs in tabs of its own.
type Session struct {
	opts    Options
	version string
	binding string // the name of the recording binding in the pages
	barrier string // the key of barrier messages
	inject  string // the script every frame runs first

	allocCancel   context.CancelFunc
	browserCtx    context.Context
	browserCancel context.CancelFunc

	tlsSrv, plainSrv *httptest.Server   // serve every mapped foreign origin, by scheme
	loopback         []*httptest.Server // serve loopback origins on their very ports
	served           map[string]bool    // the origins a helper frame can be loaded from

	idle    chan *tab // open tabs kept for reuse
	mu      sync.Mutex
	closing bool
	notes   []string // chromedp's last log messages

	closeOnce sync.Once
	closeErr  error
}

//go:embed assets/inject.js
var injectJS string

//go:embed assets/sender.html
var senderHTML string

// Start starts the loopback servers and a headless Chromium. The browser stays off the network:
// no background networking, component updates, QUIC or sync, and the only names it resolves
// specially are the harness's (to loopback). Close the session on every path.
func Start(ctx context.Context, o Options) (*Session, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Settle <= 0 {
		o.Settle = DefaultSettle
	}
	if o.Chromium == "" {
		return nil, &Error{Kind: ErrBrowser, Message: ErrNoChromium.Error()}
	}
	if err := CheckChromium(o.Chromium); err != nil {
		return nil, &Error{Kind: ErrBrowser, Message: err.Error()}
	}
	SweepProfiles(os.TempDir(), time.Now())

	nonce := randomHex(8)
	s := &Session{
		opts:    o,
		binding: "__uccheck_" + nonce,
		barrier: "uccheck-barrier-" + nonce,
		served:  map[string]bool{},
		idle:    make(chan *tab, idleTabs),
	}
	cfg, _ := json.Marshal(map[string]any{"binding": s.binding, "barrierKey": s.barrier, "settle": o.Settle.Milliseconds()})
	s.inject = "const CFG = " + string(cfg) + ";\n" + injectJS

	helper := http.HandlerFunc(serveHelper)
	s.tlsSrv = httptest.NewUnstartedServer(helper)
	s.tlsSrv.EnableHTTP2 = true
	s.tlsSrv.StartTLS()
	s.plainSrv = httptest.NewServer(helper)

	rules, err := s.mapOrigins(o.Origins, helper)
	if err != nil {
		s.closeServers()
		return nil, err
	}
	spki, err := spkiHash(s.tlsSrv)
	if err != nil {
		s.closeServers()
		return nil, &Error{Kind: ErrHarness, Message: err.Error()}
	}

	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(o.Chromium),
		// Off the network: the defaults already disable background networking and sync.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.WindowSize(1024, 768),
		// Trust the harness's certificate by its key only: no blanket certificate bypass.
		chromedp.Flag("ignore-certificate-errors-spki-list", spki),
	)
	if len(rules) > 0 {
		flags = append(flags, chromedp.Flag("host-resolver-rules", strings.Join(rules, ", ")))
	}
	if os.Geteuid() == 0 {
		flags = append(flags, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	s.allocCtx(flags)

	started := make(chan error, 1)
	go func() { started <- chromedp.Do(s.browserCtx) }()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err = <-started:
	case <-timer.C:
		err = fmt.Errorf("it did not start within %s", startTimeout)
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	if err != nil {
		_ = s.Close()
		if ctx.Err() != nil {
			return nil, &Error{Kind: ErrInterrupted, Message: "interrupted while the browser started"}
		}
		return nil, &Error{Kind: ErrBrowser, Message: fmt.Sprintf("the browser %s could not be started: %v", o.Chromium, err)}
	}
	if v, err := chromedp.CallBrowser(s.browserCtx, browser.GetVersion, cdp.Empty{}); err == nil {
		s.version = v.Product
	}
	return s, nil
}

func (s *Session) allocCtx(flags []chromedp.ExecAllocatorOption) {
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), flags...)
	s.allocCancel = allocCancel
	// chromedp logs to the standard logger by default; the package prints nothing, so its
	// messages are kept (the last few) for the errors that need them.
	s.browserCtx, s.browserCancel = chromedp.NewContext(allocCtx, chromedp.WithLogf(s.note), chromedp.WithErrorf(s.note))
}

// maxNotes is how many of chromedp's log messages a session keeps.
const maxNotes = 20

// note keeps one of chromedp's log messages.
func (s *Session) note(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.notes) == maxNotes {
		s.notes = s.notes[1:]
	}
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// Notes returns the last messages the browser connection logged (errors writing to a browser that
// went away, unknown events), for diagnosis.
func (s *Session) Notes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.notes...)
}

// mapOrigins makes every origin in origins, and their foreign look-alikes, loadable in the browser:
// a loopback origin gets a server on its very port, any other is resolved by the browser to the
// TLS or plain server. It returns the browser's host resolver rules.
func (s *Session) mapOrigins(origins []string, helper http.Handler) ([]string, error) {
	var rules []string
	mapped := map[string]string{} // "host:port" -> scheme
	add := func(o Origin) error {
		if s.served[o.String()] {
			return nil
		}
		if o.Loopback() {
			host := "127.0.0.1" // localhost
			if net.ParseIP(o.Host) != nil {
				host = o.Host
			}
			l, err := net.Listen("tcp", net.JoinHostPort(host, o.Port))
			if err != nil {
				return &Error{Kind: ErrHarness, Message: fmt.Sprintf("cannot serve the origin %s: %v", o, err)}
			}
			srv := httptest.NewUnstartedServer(helper)
			srv.Listener.Close()
			srv.Listener = l
			if o.Scheme == "https" {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			s.loopback = append(s.loopback, srv)
			s.served[o.String()] = true
			return nil
		}
		hostPort := net.JoinHostPort(o.Host, o.Port)
		if scheme, ok := mapped[hostPort]; ok && scheme != o.Scheme {
			return nil // the same host and port over both schemes: the first one wins
		}
		srv := s.plainSrv
		if o.Scheme == "https" {
			srv = s.tlsSrv
		}
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		rules = append(rules, fmt.Sprintf("MAP %s 127.0.0.1:%s", hostPort, port))
		mapped[hostPort] = o.Scheme
		s.served[o.String()] = true
		return nil
	}
	for _, raw := range origins {
		exp, err := ParseOrigin(raw)
		if err != nil {
			return nil, &Error{Kind: ErrHarness, Message: err.Error()}
		}
		if err := add(exp); err != nil {
			return nil, err
		}
		for _, f := range ForeignOrigins(exp) {
			if f.Origin == "null" {
				continue
			}
			fo, err := ParseOrigin(f.Origin)
			if err != nil || fo.Loopback() {
				continue
			}
			if err := add(fo); err != nil {
				return nil, err
			}
		}
	}
	return rules, nil
}

// Version returns the browser's product and version, "HeadlessChrome/156.0.8078.108".
func (s *Session) Version() string { return s.version }

// Close closes the browser gracefully (waiting a few seconds at most, then killing it), which
// removes its profile folder, and stops the servers. It is safe to call more than once.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		s.mu.Unlock()
		for len(s.idle) > 0 {
			(<-s.idle).close()
		}
		if s.browserCtx != nil {
			cctx, cancel := context.WithTimeout(s.browserCtx, closeTimeout)
			err := chromedp.Cancel(cctx)
			cancel()
			s.browserCancel()
			s.allocCancel() // waits for the process to exit and its profile to be removed
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				s.closeErr = err
			}
		}
		s.closeServers()
	})
	return s.closeErr
}

func (s *Session) closeServers() {
	for _, srv := range append([]*httptest.Server{s.tlsSrv, s.plainSrv}, s.loopback...) {
		if srv != nil {
			srv.CloseClientConnections()
			srv.Close()
		}
	}
}

// serveHelper serves the helper pages any origin may have to play: the sender.
func serveHelper(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/__uccheck/sender" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(senderHTML))
}

// spkiHash returns the base64 SHA-256 of the server certificate's public key, for
// --ignore-certificate-errors-spki-list.
func spkiHash(srv *httptest.Server) (string, error) {
	if srv.TLS == nil || len(srv.TLS.Certificates) == 0 || len(srv.TLS.Certificates[0].Certificate) == 0 {
		return "", errors.New("the TLS server has no certificate")
	}
	cert, err := x509.ParseCertificate(srv.TLS.Certificates[0].Certificate[0])
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
