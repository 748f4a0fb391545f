package ucsim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Hostile faults: behaviours no uContact server should have, which uccheck must survive without
// leaking a secret, hanging, running out of memory or reporting a pass. They are not tied to one
// check, so they are not in Faults.
const (
	// HostileRedirectOtherHost answers every request with 307 to the same path on another server
	// (see Server.Sink), which records what reaches it.
	HostileRedirectOtherHost Fault = "redirect-other-host"
	// HostileRedirectToHTTP answers every request with 307 to the same path over plain http.
	HostileRedirectToHTTP Fault = "redirect-to-http"
	// HostileRedirectLoop answers every request with 302 to itself.
	HostileRedirectLoop Fault = "redirect-loop"
	// HostileHang accepts requests and never answers.
	HostileHang Fault = "hang"
	// HostileTrickle answers the probe one byte per TrickleInterval.
	HostileTrickle Fault = "trickle"
	// HostileHugeBody answers getUserToken with an endless body.
	HostileHugeBody Fault = "huge-body"
	// HostileHugeArray answers getUserToken with a JSON array of a million elements (~2 MB).
	HostileHugeArray Fault = "huge-array"
	// HostileInvalidJSON answers getUserToken with truncated JSON.
	HostileInvalidJSON Fault = "invalid-json"
	// HostileInvalidUTF8 answers getUserToken with bytes that are not UTF-8.
	HostileInvalidUTF8 Fault = "invalid-utf8"
	// HostileCaptivePortal answers every request with HTTP 200 and an HTML page.
	HostileCaptivePortal Fault = "captive-portal"
	// HostileZeroBOM answers refused credentials and ended tokens with a BOM before the `0`.
	HostileZeroBOM Fault = "zero-bom"
	// HostileZeroWhitespace answers `0` and `1` with whitespace around them (still valid).
	HostileZeroWhitespace Fault = "zero-whitespace"
	// HostileWrongContentType labels JSON answers text/html (uccheck does not judge it).
	HostileWrongContentType Fault = "wrong-content-type"
	// HostileEcho echoes every request, headers and body (password included), into its answer.
	HostileEcho Fault = "echo"
)

// HostileFaults lists the hostile faults.
var HostileFaults = []Fault{
	HostileRedirectOtherHost, HostileRedirectToHTTP, HostileRedirectLoop, HostileHang, HostileTrickle,
	HostileHugeBody, HostileHugeArray, HostileInvalidJSON, HostileInvalidUTF8, HostileCaptivePortal,
	HostileZeroBOM, HostileZeroWhitespace, HostileWrongContentType, HostileEcho,
}

// TrickleInterval is how often HostileTrickle sends one byte.
var TrickleInterval = time.Second

// Sink is a server that records every request that reaches it: the place a hostile redirect points.
type Sink struct {
	URL string
	ts  *httptest.Server

	mu       sync.Mutex
	requests []SinkRequest
}

// SinkRequest is what reached a Sink.
type SinkRequest struct {
	Method, Path  string
	Authorization string
	Body          string
}

// Requests returns what reached the sink.
func (k *Sink) Requests() []SinkRequest {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]SinkRequest(nil), k.requests...)
}

func newSink() *Sink {
	k := &Sink{}
	k.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		k.mu.Lock()
		k.requests = append(k.requests, SinkRequest{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization"), Body: string(body)})
		k.mu.Unlock()
		writeText(w, http.StatusOK, "0")
	}))
	k.URL = k.ts.URL
	return k
}

// hostile wraps the simulator's handler with the hostile faults; it returns h when none is set.
func (s *Server) hostile(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s.faults[HostileRedirectOtherHost]:
			http.Redirect(w, r, s.Sink.URL+r.URL.Path, http.StatusTemporaryRedirect)
		case s.faults[HostileRedirectToHTTP]:
			http.Redirect(w, r, "http://"+r.Host+r.URL.Path, http.StatusTemporaryRedirect)
		case s.faults[HostileRedirectLoop]:
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		case s.faults[HostileHang]:
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
		case s.faults[HostileCaptivePortal]:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, "<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body><h1>Please log in to the guest network</h1><form method=post><input name=room></form></body></html>")
		case s.faults[HostileEcho]:
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			var b strings.Builder
			fmt.Fprintf(&b, "<html><body><h1>400 Bad Request</h1><pre>%s %s\n", r.Method, r.URL)
			for k, vs := range r.Header {
				fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(vs, ", "))
			}
			fmt.Fprintf(&b, "\n%s</pre></body></html>", body)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, b.String())
		case r.URL.Path == PathGetUserToken && s.garbage(w):
		case r.URL.Path == PathCampaignStatus && s.faults[HostileTrickle]:
			w.WriteHeader(http.StatusOK)
			for i := 0; ; i++ {
				if _, err := w.Write([]byte{"abcdefgh"[i%8]}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-s.closing:
					return
				case <-time.After(TrickleInterval):
				}
			}
		default:
			rec := &shaper{ResponseWriter: w, s: s}
			h.ServeHTTP(rec, r)
		}
	})
}

// garbage answers getUserToken with a malformed body when such a fault is set.
func (s *Server) garbage(w http.ResponseWriter) bool {
	switch {
	case s.faults[HostileHugeBody]:
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(`"QWRtaW46AAAA",`), 4096)
		_, _ = w.Write([]byte("["))
		for i := 0; i < 1<<12; i++ { // 240 MiB at most, if anyone reads that far
			if _, err := w.Write(chunk); err != nil {
				return true
			}
		}
	case s.faults[HostileHugeArray]:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("[" + strings.Repeat("0,", 999_999) + "0]"))
	case s.faults[HostileInvalidJSON]:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"user":"Admin"}, "SuperUser", "QWRtaW46`))
	case s.faults[HostileInvalidUTF8]:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("[\"\xff\xfe\xfd\", \"\xc3\x28\"]"))
	default:
		return false
	}
	return true
}

// shaper rewrites the simulator's own text and JSON answers for the shaping hostile faults.
type shaper struct {
	http.ResponseWriter
	s *Server
}

func (w *shaper) WriteHeader(code int) {
	if w.s.faults[HostileWrongContentType] && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		w.Header().Set("Content-Type", "text/html")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *shaper) Write(b []byte) (int, error) {
	switch {
	case w.s.faults[HostileZeroBOM] && string(b) == "0":
		_, err := w.ResponseWriter.Write([]byte("\ufeff0"))
		return len(b), err
	case w.s.faults[HostileZeroWhitespace] && (string(b) == "0" || string(b) == "1"):
		_, err := w.ResponseWriter.Write([]byte(" " + string(b) + "\r\n"))
		return len(b), err
	}
	return w.ResponseWriter.Write(b)
}
