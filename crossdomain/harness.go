package crossdomain

import (
	_ "embed"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

//go:embed assets/agent.html
var agentHTML string

//go:embed assets/recorder.html
var recorderHTML string

var (
	agentTmpl    = template.Must(template.New("agent").Parse(agentHTML))
	recorderTmpl = template.Must(template.New("recorder").Parse(recorderHTML))
)

// The harness's frame names; the harness's script tells the frames apart by them.
const (
	frameForm     = "uc-form"     // the form under test
	frameRecorder = "uc-recorder" // the stand-in form around the iframe page under test
	frameEmbed    = "uc-embed"    // the iframe page under test
)

// site is a loopback HTTP server for one check: the harness's pages under /__uccheck/, and the
// page under test (with everything it loads) at every other path.
type site struct {
	srv *httptest.Server
	URL string // "http://127.0.0.1:PORT"
}

// newSite starts a site serving page (nil: nothing but the harness).
func newSite(page http.Handler) *site {
	mux := http.NewServeMux()
	mux.HandleFunc("/__uccheck/", serveHarness)
	if page != nil {
		mux.Handle("/", page)
	}
	srv := httptest.NewServer(mux)
	return &site{srv: srv, URL: srv.URL}
}

func (s *site) close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// serveHarness serves the harness's pages:
//
//	/__uccheck/form?src=PATH      the agent window around the form at PATH (frame uc-form)
//	/__uccheck/embed?src=URL      the agent window around the stand-in form (frame uc-recorder)
//	/__uccheck/recorder?src=URL   the stand-in form around the iframe page at URL (frame uc-embed)
//	/__uccheck/sender#SPEC        a child frame that posts SPEC's messages to its parent
func serveHarness(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	src := r.URL.Query().Get("src")
	switch r.URL.Path {
	case "/__uccheck/form":
		if !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") {
			http.Error(w, "src: want a path", http.StatusBadRequest)
			return
		}
		render(w, agentTmpl, map[string]any{
			"Title": "form side", "FrameName": frameForm, "Src": src,
			"FrameDoc": "the uContact form under test.",
		})
	case "/__uccheck/embed":
		if !isHTTPURL(src) {
			http.Error(w, "src: want a URL", http.StatusBadRequest)
			return
		}
		render(w, agentTmpl, map[string]any{
			"Title": "iframe side", "FrameName": frameRecorder, "Src": "/__uccheck/recorder?src=" + url.QueryEscape(src),
			"FrameDoc": "a stand-in uContact form, which embeds the integrator's page under test.",
		})
	case "/__uccheck/recorder":
		if !isHTTPURL(src) {
			http.Error(w, "src: want a URL", http.StatusBadRequest)
			return
		}
		render(w, recorderTmpl, map[string]any{"Src": src})
	case "/__uccheck/sender":
		serveHelper(w, r)
	default:
		http.NotFound(w, r)
	}
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = t.Execute(w, data)
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
