package fleet

import (
	"bytes"
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// lineWatch is a console that says when a line containing want was written.
type lineWatch struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *lineWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// TestJudgedWhileOthersRun is the one test of this package that runs Ginkgo (Run judges once per
// process). The second tenant's server holds its first request until the first tenant's console
// line is out: the line can only come while that flow is still running if each target is judged
// as its own flow ends (judging after every flow would wait for ever), and the run must still
// judge both, end every session and drop nothing.
func TestJudgedWhileOthersRun(t *testing.T) {
	first := ucsim.New(ucsim.Options{})
	defer first.Close()
	second := ucsim.New(ucsim.Options{})
	defer second.Close()
	u, _ := url.Parse(second.URL)
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = runner.NewClient(runner.ClientOptions{RootCAs: second.CertPool()}).Transport

	out := &lineWatch{want: first.URL + "  ", seen: make(chan struct{})}
	held := make(chan bool, 1)
	var once sync.Once
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() {
			select {
			case <-out.seen:
				held <- true
			case <-time.After(10 * time.Second):
				held <- false
			}
		})
		proxy.ServeHTTP(w, r)
	}))
	front.EnableHTTP2 = true // as uContact: transport.http2 judges it
	front.StartTLS()
	defer front.Close()

	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	certs := append(first.CAPEM(), second.CAPEM()...)
	certs = append(certs, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw})...)
	if err := os.WriteFile(ca, certs, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := Options{
		BaseURLs: []string{first.URL, front.URL}, User: ucsim.DefaultUser, Password: ucsim.DefaultPassword,
		CACert: ca, Parallel: 2, Timeout: 15 * time.Second, MaxBody: runner.DefaultMaxBody, TokenScheme: "Basic",
		ScriptTimeout: time.Second, Version: "test",
	}
	var errOut bytes.Buffer
	fl, err := Run(context.Background(), opts, Streams{Out: out, Err: &errOut})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, errOut.String())
	}
	if !<-held {
		t.Fatalf("the first tenant's line was not streamed while the second tenant's flow ran:\n%s", out.buf.String())
	}
	if len(fl.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(fl.Runs))
	}
	for _, r := range fl.Runs {
		if c := r.Counts(); c.Failed+c.Errors > 0 || c.Passed == 0 {
			t.Errorf("%s: %+v, want every check passed\n%s", r.Target, c, out.buf.String())
		}
	}
	if !strings.Contains(out.buf.String(), front.URL+"  ") {
		t.Errorf("no line for the second tenant:\n%s", out.buf.String())
	}
	if n := first.LiveSessions() + second.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}
