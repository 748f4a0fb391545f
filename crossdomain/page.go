package crossdomain

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
)

// Page is a page under test (a form, or an integrator's iframe page) and what serves it. The
// harness serves every page from its own loopback origins, so that the browser puts it in the
// same process as the harness (a page from another site runs in another process, out of reach of
// the harness's scripts) and so that a file is served over HTTP, never as file://.
type Page struct {
	Name    string       // how reports name it: the URL or file as given, or "simulator form"
	Handler http.Handler // serves the page and everything it loads by absolute path
	Path    string       // the page's path and query on Handler, "/forms/sale.html?x=1"
}

// FilePage serves a local HTML file, and the files beside it, as the page under test.
func FilePage(file string) (Page, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return Page{}, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return Page{}, err
	}
	if st.IsDir() {
		return Page{}, fmt.Errorf("%s is a folder, not an HTML file", file)
	}
	dir := filepath.Dir(abs)
	return Page{
		Name:    file,
		Handler: noStore(http.FileServer(http.Dir(dir))),
		Path:    "/" + url.PathEscape(filepath.Base(abs)),
	}, nil
}

// URLPage serves a page fetched from rawURL (and what it loads from the same origin) through a
// reverse proxy, so that it runs in the harness's origin. Framing headers are dropped on the way
// (uContact embeds the form; the harness must too). client may be nil.
func URLPage(rawURL string, client *http.Client) (Page, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Page{}, fmt.Errorf("%q: want an http(s) URL", rawURL)
	}
	target := &url.URL{Scheme: u.Scheme, Host: u.Host}
	transport := http.DefaultTransport
	if client != nil && client.Transport != nil {
		transport = client.Transport
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
			r.Out.Header.Del("Referer")
			r.Out.Header.Del("Origin")
		},
		Transport: transport,
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Del("X-Frame-Options")
			if csp := resp.Header.Get("Content-Security-Policy"); csp != "" {
				resp.Header.Set("Content-Security-Policy", frameAncestorsRE.ReplaceAllString(csp, ""))
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				if l, err := url.Parse(loc); err == nil && l.Host == target.Host {
					resp.Header.Set("Location", l.RequestURI())
				}
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set(proxyErrorHeader, err.Error())
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return Page{Name: rawURL, Handler: proxy, Path: path}, nil
}

// HandlerPage serves the page at path on h (an in-process server, such as the simulator's).
func HandlerPage(name string, h http.Handler, path string) Page {
	return Page{Name: name, Handler: h, Path: path}
}

var frameAncestorsRE = regexp.MustCompile(`(?i)(^|;)\s*frame-ancestors[^;]*`)

// proxyErrorHeader carries a proxy's transport error to Check.
const proxyErrorHeader = "X-Uccheck-Proxy-Error"

// Check fetches the page once, as the harness will, and says why it cannot be tested: it could not
// be fetched, or it answered with an HTTP error. Nil when it answered 2xx or 3xx.
func (p Page) Check(ctx context.Context) *Error {
	if p.Handler == nil {
		return &Error{Kind: ErrHarness, Message: "no page to serve"}
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, p.Path, nil)
	rec := httptest.NewRecorder()
	p.Handler.ServeHTTP(rec, req)
	if msg := rec.Header().Get(proxyErrorHeader); msg != "" {
		return &Error{Kind: ErrUnreachable, Message: fmt.Sprintf("%s could not be fetched: %s", p.Name, msg)}
	}
	if err := ctx.Err(); err != nil {
		return &Error{Kind: ErrInterrupted, Message: err.Error()}
	}
	if rec.Code >= 400 {
		return &Error{Kind: ErrUnreachable, Message: fmt.Sprintf("%s answered HTTP %d", p.Name, rec.Code)}
	}
	return nil
}

func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}
