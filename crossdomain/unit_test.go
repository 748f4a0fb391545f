package crossdomain_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/crossdomain"
)

func TestParseOrigin(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
		loopback      bool
	}{
		{in: "https://crm.example.test", want: "https://crm.example.test"},
		{in: "https://CRM.example.test:443/", want: "https://crm.example.test"},
		{in: "http://crm.example.test:8080", want: "http://crm.example.test:8080"},
		{in: "http://127.0.0.1:9000", want: "http://127.0.0.1:9000", loopback: true},
		{in: "http://localhost:3000", want: "http://localhost:3000", loopback: true},
		{in: "http://[::1]:3000", want: "http://[::1]:3000", loopback: true},
		{in: "https://crm.example.test/path", err: "an origin has no path"},
		{in: "https://crm.example.test?x=1", err: "an origin has no path"},
		{in: "ftp://crm.example.test", err: "want http(s)://HOST[:PORT]"},
		{in: "crm.example.test", err: "want http(s)://HOST[:PORT]"},
		{in: "*", err: "want http(s)://HOST[:PORT]"},
	} {
		o, err := crossdomain.ParseOrigin(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseOrigin(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || o.String() != tc.want || o.Loopback() != tc.loopback {
			t.Errorf("ParseOrigin(%q) = %v (loopback %t), %v; want %s (loopback %t)", tc.in, o, o.Loopback(), err, tc.want, tc.loopback)
		}
	}
}

func TestForeignOrigins(t *testing.T) {
	origins := func(expected string) []string {
		o, err := crossdomain.ParseOrigin(expected)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range crossdomain.ForeignOrigins(o) {
			out = append(out, f.Origin)
		}
		return out
	}
	if got, want := origins("https://crm.example.test"), []string{
		"https://attacker.uccheck.invalid",
		"https://crm.example.test.attacker.uccheck.invalid",
		"https://attacker-crm.example.test",
		"http://crm.example.test",
		"null",
	}; !slices.Equal(got, want) {
		t.Errorf("for https://crm.example.test: %q, want %q", got, want)
	}
	if got, want := origins("http://127.0.0.1:9000"), []string{
		"https://attacker.uccheck.invalid",
		"http://127.0.0.1.attacker.uccheck.invalid:9000",
		"null",
	}; !slices.Equal(got, want) {
		t.Errorf("for http://127.0.0.1:9000: %q, want %q", got, want)
	}
	// None of them is the expected origin, whatever it is.
	for _, exp := range []string{"https://crm.example.test", "https://crm.example.test:8443", "http://localhost:3000"} {
		for _, f := range origins(exp) {
			if f == exp {
				t.Errorf("%s is among its own foreign origins", exp)
			}
		}
	}
}

func TestValues(t *testing.T) {
	in := `{"action":"DISPOSITION_CALL","n":123456,"ok":true,"z":null,"u":{"$js":"undefined"},` +
		`"f":{"$js":"function","name":"callbackDiposition"},"a":[1,"x"],"d":{"$js":"Date","text":"2019-05-04T15:55:55.000Z"},"e":{},"weird key":"ñ"}`
	v, err := crossdomain.DecodeValue([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{ action: "DISPOSITION_CALL", n: 123456, ok: true, z: null, u: undefined, f: <function callbackDiposition>, a: [1, "x"], d: Date(2019-05-04T15:55:55.000Z), e: {}, "weird key": "ñ" }`
	if got := crossdomain.JS(v); got != want {
		t.Errorf("JS =\n%s\nwant\n%s", got, want)
	}
	obj := v.(*crossdomain.Object)
	for k, typ := range map[string]string{"action": "string", "n": "number", "ok": "boolean", "z": "null", "u": "undefined", "f": "function", "a": "array", "d": "Date", "e": "object"} {
		if f, _ := obj.Get(k); crossdomain.TypeOf(f) != typ {
			t.Errorf("TypeOf(%s) = %s, want %s", k, crossdomain.TypeOf(f), typ)
		}
	}
	// What the harness posts comes back as it went.
	msg := crossdomain.DispositionMessage()
	data, err := crossdomain.EncodeValue(msg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := crossdomain.DecodeValue(data)
	if err != nil || crossdomain.JS(back) != crossdomain.JS(msg) {
		t.Errorf("round trip: %s, %v", crossdomain.JS(back), err)
	}
	if _, err := crossdomain.DecodeValue([]byte(`{"a":1} 2`)); err == nil {
		t.Error("trailing data accepted")
	}
}

func TestMalformedAreNotDocumented(t *testing.T) {
	for _, p := range crossdomain.Malformed() {
		if crossdomain.JS(p.Message) == crossdomain.JS(crossdomain.DispositionMessage()) || crossdomain.JS(p.Message) == crossdomain.JS(crossdomain.CloseTabMessage()) {
			t.Errorf("%s is a documented message", p.Name)
		}
	}
	// The example's values are distinct, so that a misplaced argument shows where it came from.
	seen := map[string]bool{}
	d := crossdomain.DocumentedDisposition()
	for _, f := range crossdomain.DispositionFields {
		v, _ := d.Get(f)
		if s, _ := v.(string); s == "" || seen[s] {
			t.Errorf("field %s: %q is empty or repeated", f, s)
		} else {
			seen[s] = true
		}
	}
}

func TestSweepProfiles(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	host, _ := os.Hostname()
	mk := func(name, lock string, age time.Duration) string {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if lock != "" {
			if err := os.Symlink(lock, filepath.Join(p, "SingletonLock")); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A process that has exited: its PID is free (for now).
	done := exec.Command("true")
	if err := done.Run(); err != nil {
		t.Skip("no true command:", err)
	}
	deadPID := done.ProcessState.Pid()

	live := mk("chromedp-runner111", fmt.Sprintf("%s-%d", host, os.Getpid()), time.Hour)
	dead := mk("chromedp-runner222", fmt.Sprintf("%s-%d", host, deadPID), time.Minute)
	oldNoLock := mk("chromedp-runner333", "", time.Hour)
	youngNoLock := mk("chromedp-runner444", "", time.Second)
	other := mk("something-else", "", time.Hour)

	removed := crossdomain.SweepProfiles(dir, now)
	slices.Sort(removed)
	if want := []string{dead, oldNoLock}; !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	for _, p := range []string{live, youngNoLock, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}

func TestFindChromium(t *testing.T) {
	dir := t.TempDir()
	if _, err := crossdomain.FindChromium(dir); err == nil || !strings.Contains(err.Error(), "apt-get install chromium") {
		t.Errorf("empty PATH: %v", err)
	}
	bin := filepath.Join(dir, "google-chrome")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := crossdomain.FindChromium("/nonexistent" + string(os.PathListSeparator) + dir); err != nil || got != bin {
		t.Errorf("FindChromium = %q, %v; want %q", got, err, bin)
	}
	if err := os.WriteFile(filepath.Join(dir, "chromium"), []byte("not executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := crossdomain.FindChromium(dir); got != bin {
		t.Errorf("a file that is not executable was chosen: %q", got)
	}
}

func TestPages(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/form.html":
			w.Header().Set("X-Frame-Options", "DENY")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
			fmt.Fprint(w, "<!doctype html>form")
		case "/moved":
			http.Redirect(w, r, "http://"+r.Host+"/form.html", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer upstream.Close()

	p, err := crossdomain.URLPage(upstream.URL+"/form.html?tenant=acme", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Path != "/form.html?tenant=acme" {
		t.Errorf("Path = %q", p.Path)
	}
	if e := p.Check(context.Background()); e != nil {
		t.Fatal(e)
	}
	rec := httptest.NewRecorder()
	p.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/form.html", nil))
	if rec.Header().Get("X-Frame-Options") != "" || strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors") {
		t.Errorf("framing headers kept: %v", rec.Header())
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the rest of the CSP was dropped: %q", csp)
	}
	rec = httptest.NewRecorder()
	p.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/moved", nil))
	if loc := rec.Header().Get("Location"); loc != "/form.html" {
		t.Errorf("a redirect to the upstream origin was kept as %q, want /form.html", loc)
	}

	missing, _ := crossdomain.URLPage(upstream.URL+"/nope.html", nil)
	if e := missing.Check(context.Background()); e == nil || e.Kind != crossdomain.ErrUnreachable || !strings.Contains(e.Message, "answered HTTP 404") {
		t.Errorf("a 404 page: %v", e)
	}
	if _, err := crossdomain.URLPage("file:///etc/passwd", nil); err == nil {
		t.Error("a file URL was accepted")
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mi formulario.html"), []byte("<!doctype html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	fp, err := crossdomain.FilePage(filepath.Join(dir, "mi formulario.html"))
	if err != nil {
		t.Fatal(err)
	}
	if e := fp.Check(context.Background()); e != nil {
		t.Errorf("file page: %v (path %q)", e, fp.Path)
	}
	if _, err := crossdomain.FilePage(dir); err == nil {
		t.Error("a folder was accepted as a page")
	}
}
