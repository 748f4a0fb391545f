package crossdomain_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uccheck/uccheck/crossdomain"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// The tests that need a browser share one Session (a tab per scenario); they skip, saying why,
// when no Chromium is installed.
var (
	sessionOnce sync.Once
	session     *crossdomain.Session
	sessionErr  error
	noChromium  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if session != nil {
		_ = session.Close()
	}
	os.Exit(code)
}

// chromiumPath returns the browser the tests use (UCCHECK_CHROMIUM, or one in PATH), or "" with
// why there is none.
func chromiumPath() (string, string) {
	if p := os.Getenv("UCCHECK_CHROMIUM"); p != "" {
		if err := crossdomain.CheckChromium(p); err != nil {
			return "", err.Error()
		}
		return p, ""
	}
	p, err := crossdomain.FindChromium(os.Getenv("PATH"))
	if err != nil {
		return "", err.Error()
	}
	return p, ""
}

// needChromium skips the test when no browser is installed.
func needChromium(t *testing.T) string {
	t.Helper()
	skipShort(t)
	p, why := chromiumPath()
	if p == "" {
		t.Skipf("skipping: this test drives a real browser and %s", why)
	}
	return p
}

// skipShort skips a test that drives a real browser under -short: those take most of this
// package's time (a few seconds of CPU per page); CI runs them in full.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: this test drives a real browser")
	}
}

// shared returns the session the tests share, started on first use.
func shared(t *testing.T) *crossdomain.Session {
	t.Helper()
	skipShort(t)
	sessionOnce.Do(func() {
		p, why := chromiumPath()
		if p == "" {
			noChromium = why
			return
		}
		session, sessionErr = crossdomain.Start(context.Background(), crossdomain.Options{
			Chromium: p, Origins: []string{ucsim.CrossdomainIntegratorOrigin},
		})
	})
	if noChromium != "" {
		t.Skipf("skipping: this test drives a real browser and %s", noChromium)
	}
	if sessionErr != nil {
		t.Fatalf("starting the browser: %v", sessionErr)
	}
	return session
}

func simPage(t *testing.T, name string) crossdomain.Page {
	t.Helper()
	p, err := ucsim.LookupCrossdomainPage(name)
	if err != nil {
		t.Fatal(err)
	}
	return crossdomain.HandlerPage("simulator "+p.Path(), ucsim.CrossdomainHandler(), p.Path())
}

// verdicts judges every CrossDomain check on the result, outside Ginkgo.
func verdicts(r *crossdomain.Result) map[string]suites.Verdict {
	out := map[string]suites.Verdict{}
	for _, c := range suites.CrossdomainChecks {
		out[c.ID] = suites.EvaluateCrossdomain(c, r)
	}
	return out
}

// failing returns the IDs of the checks that failed or errored, sorted.
func failing(v map[string]suites.Verdict) []string {
	var out []string
	for id, vv := range v {
		if vv.Outcome == reports.Failed || vv.Outcome == reports.Errored {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

const (
	dispositionCall = "crossdomain.disposition-call"
	closeTab        = "crossdomain.close-tab"
	unknownIgnored  = "crossdomain.unknown-ignored"
	originCheck     = "crossdomain.origin"
	messageShape    = "crossdomain.message-shape"
)

// TestSimulatorPages proves every check: the reference pages pass them all, and each faulty page
// fails exactly the checks of the behaviour it breaks, with a message that shows expected vs
// actual.
func TestSimulatorPages(t *testing.T) {
	t.Parallel()
	s := shared(t)
	type pageCase struct {
		page  string
		fails []string
		want  map[string][]string // check ID -> substrings of its failure message
	}
	cases := []pageCase{
		{page: "form"},
		{page: "form-swapped-args", fails: []string{dispositionCall}, want: map[string][]string{dispositionCall: {
			`expected: UC_DispositionCall("CampañaTest", "123456Test", "3123-3123-3123-312-3123"`,
			`actual:   UC_DispositionCall("123456Test", "CampañaTest", "3123-3123-3123-312-3123"`,
			"campaign and callerid are swapped",
			`argument 1 (campaign): expected "CampañaTest", got "123456Test" (the callerid)`,
			`argument 2 (callerid): expected "123456Test", got "CampañaTest" (the campaign)`,
		}}},
		{page: "form-missing-field", fails: []string{dispositionCall}, want: map[string][]string{dispositionCall: {
			`actual:   UC_DispositionCall("CampañaTest", "123456Test", "nivel1"`,
			"guid left out (the other values follow in order)",
			`argument 3 (guid): expected "3123-3123-3123-312-3123", got "nivel1" (the l1)`,
			"argument 12 (onError): expected <function>, got nothing",
		}}},
		{page: "form-no-listener", fails: []string{dispositionCall, closeTab}, want: map[string][]string{
			dispositionCall: {"actual:   no call of UC_DispositionCall (the message reached the form's window"},
			closeTab:        {"actual:   no call of parent.closeActiveTab()"},
		}},
		{page: "form-close-tab-self", fails: []string{closeTab}, want: map[string][]string{closeTab: {
			"expected: parent.closeActiveTab(), once",
			"actual:   no call of parent.closeActiveTab(): the listener threw",
			"ReferenceError: closeActiveTab is not defined",
		}}},
		{page: "form-unguarded", fails: []string{unknownIgnored}, want: map[string][]string{unknownIgnored: {
			"actual:   the form acted on 4 of 7",
			"- null: Uncaught TypeError: Cannot read properties of null (reading 'action')",
			`a DISPOSITION_CALL whose disposition is a string, { action: "DISPOSITION_CALL", disposition: "CampañaTest" }: UC_DispositionCall(undefined, undefined`,
		}}},
		{page: "form-origin-unchecked", fails: []string{originCheck}, want: map[string][]string{originCheck: {
			"expected: no call and no uncaught error for messages from any origin but https://crm.example.test",
			"actual:   the form acted on 6 of 6",
			`DISPOSITION_CALL from https://attacker.uccheck.invalid (another site): UC_DispositionCall("CampañaTest", "123456Test"`,
			"CLOSE_TAB from https://attacker.uccheck.invalid (another site): parent.closeActiveTab()",
			"DISPOSITION_CALL from null (a sandboxed frame)",
			"the form does not check event.origin (nor does the vendor page's listener)",
			"if (event.origin !== 'https://crm.example.test') return;",
		}}},
		{page: "form-vendor", fails: []string{unknownIgnored, originCheck}},
		{page: "iframe"},
		{page: "iframe-missing-field", fails: []string{messageShape}, want: map[string][]string{messageShape: {
			"expected: one window.parent.postMessage(",
			`actual:   window.parent.postMessage({ action: "DISPOSITION_CALL", disposition: { campaign: "CampañaTest", callerid: "123456Test", l1: "nivel1"`,
			"the disposition has no guid",
		}}},
		{page: "iframe-iso-schedule", fails: []string{messageShape}, want: map[string][]string{messageShape: {
			`schedule "2019-05-04T`,
			"is not empty or YYYY-MM-DD HH:MM:SS",
		}}},
		{page: "iframe-star-target", fails: []string{messageShape}, want: map[string][]string{messageShape: {
			`"https://acme.ucontactcloud.com")` + "\n",
			`}, "*"): targetOrigin "*" hands the disposition to whatever page frames the iframe; post to "https://acme.ucontactcloud.com"`,
		}}},
	}
	// Every faulty page the simulator serves is tried here.
	for _, p := range ucsim.CrossdomainPages {
		if !slices.ContainsFunc(cases, func(c pageCase) bool { return c.page == p.Name }) {
			t.Errorf("the simulator page %s has no test", p.Name)
		}
	}
	for _, tc := range cases {
		t.Run(tc.page, func(t *testing.T) {
			t.Parallel()
			r := &crossdomain.Result{}
			if strings.HasPrefix(tc.page, "form") {
				r.Form = s.CheckForm(context.Background(), crossdomain.FormOptions{Page: simPage(t, tc.page), ExpectOrigin: ucsim.CrossdomainIntegratorOrigin})
			} else {
				r.Embed = s.CheckEmbed(context.Background(), crossdomain.EmbedOptions{Page: simPage(t, tc.page), Click: "#save", ExpectTargetOrigin: ucsim.CrossdomainFormOrigin})
			}
			v := verdicts(r)
			want := slices.Sorted(slices.Values(tc.fails))
			if got := failing(v); !slices.Equal(got, want) {
				for id, vv := range v {
					t.Logf("%s: %s\n%s", id, vv.Outcome, vv.Message)
				}
				t.Fatalf("failing checks = %v, want %v", got, want)
			}
			for id, subs := range tc.want {
				for _, sub := range subs {
					if !strings.Contains(v[id].Message, sub) {
						t.Errorf("%s message lacks %q:\n%s", id, sub, v[id].Message)
					}
				}
			}
			// The other side's checks do not apply.
			for _, c := range suites.CrossdomainChecks {
				if (c.Side == suites.SideForm) != strings.HasPrefix(tc.page, "form") && v[c.ID].Outcome != reports.Skipped {
					t.Errorf("%s: %s, want skipped (no page of its side)", c.ID, v[c.ID].Outcome)
				}
			}
		})
	}
}

// TestFormWithoutExpectedOrigin: the messages come from another loopback origin, the origin check
// is skipped with the way to run it, and a form that checks its origin gets a hint.
func TestFormWithoutExpectedOrigin(t *testing.T) {
	t.Parallel()
	s := shared(t)
	r := &crossdomain.Result{Form: s.CheckForm(context.Background(), crossdomain.FormOptions{Page: simPage(t, "form-vendor")})}
	v := verdicts(r)
	if got := failing(v); !slices.Equal(got, []string{unknownIgnored}) {
		t.Fatalf("failing = %v, want only %s", got, unknownIgnored)
	}
	if o := v[originCheck]; o.Outcome != reports.Skipped || !strings.Contains(o.Message, "--expect-origin") {
		t.Errorf("origin: %s %q, want skipped pointing at --expect-origin", o.Outcome, o.Message)
	}

	// The reference form trusts https://crm.example.test only: from elsewhere it does nothing.
	r = &crossdomain.Result{Form: s.CheckForm(context.Background(), crossdomain.FormOptions{Page: simPage(t, "form")})}
	v = verdicts(r)
	if d := v[dispositionCall]; d.Outcome != reports.Failed || !strings.Contains(d.Message, "hint: if the form checks event.origin, give the origin it trusts with --expect-origin") {
		t.Errorf("disposition-call: %s\n%s", d.Outcome, d.Message)
	}
}

// TestFilePage serves a form from a file, with a script beside it, as the CLI's --form FILE does.
func TestFilePage(t *testing.T) {
	t.Parallel()
	s := shared(t)
	dir := t.TempDir()
	ref, _ := ucsim.LookupCrossdomainPage("form-swapped-args")
	html := ref.HTML()
	// Move the listener into a script file beside the page: the harness serves the folder.
	start, end := strings.Index(html, "<script>"), strings.Index(html, "</script>")
	js := html[start+len("<script>") : end]
	html = html[:start] + `<script src="listener.js"></script>` + html[end+len("</script>"):]
	if err := os.WriteFile(filepath.Join(dir, "form.html"), []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "listener.js"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	page, err := crossdomain.FilePage(filepath.Join(dir, "form.html"))
	if err != nil {
		t.Fatal(err)
	}
	r := &crossdomain.Result{Form: s.CheckForm(context.Background(), crossdomain.FormOptions{Page: page, ExpectOrigin: ucsim.CrossdomainIntegratorOrigin})}
	if got := failing(verdicts(r)); !slices.Equal(got, []string{dispositionCall}) {
		t.Fatalf("failing = %v, want [%s]", got, dispositionCall)
	}
	if !strings.HasPrefix(r.Form.URL, "http://127.0.0.1:") {
		t.Errorf("the file was served at %q, want over HTTP on loopback", r.Form.URL)
	}
}

// TestURLPage fetches the form through the harness's proxy, as --form URL does; a page that
// cannot be fetched is an error, not a failure.
func TestURLPage(t *testing.T) {
	t.Parallel()
	s := shared(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY") // dropped by the proxy: uContact embeds the form
		ucsim.CrossdomainHandler().ServeHTTP(w, r)
	}))
	defer srv.Close()
	page, err := crossdomain.URLPage(srv.URL+"/crossdomain/form", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &crossdomain.Result{Form: s.CheckForm(context.Background(), crossdomain.FormOptions{Page: page, ExpectOrigin: ucsim.CrossdomainIntegratorOrigin})}
	v := verdicts(r)
	if got := failing(v); len(got) != 0 {
		t.Fatalf("failing = %v, want none\n%v", got, v)
	}

	for _, u := range []string{srv.URL + "/crossdomain/no-such-page", "http://127.0.0.1:1/form.html"} {
		page, err := crossdomain.URLPage(u, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := &crossdomain.Result{Form: s.CheckForm(context.Background(), crossdomain.FormOptions{Page: page})}
		if r.Form.Err == nil || r.Form.Err.Kind != crossdomain.ErrUnreachable {
			t.Fatalf("%s: Err = %v, want unreachable", u, r.Form.Err)
		}
		d := suites.EvaluateCrossdomain(suites.CrossdomainChecks[0], r)
		if d.Outcome != reports.Errored || d.ErrorKind != "unreachable" {
			t.Errorf("%s: %s (%s), want an unreachable error", u, d.Outcome, d.ErrorKind)
		}
	}
}

// TestEmbedEval makes the page post with a script instead of a click: CLOSE_TAB is documented too.
func TestEmbedEval(t *testing.T) {
	t.Parallel()
	s := shared(t)
	r := &crossdomain.Result{Embed: s.CheckEmbed(context.Background(), crossdomain.EmbedOptions{
		Page: simPage(t, "iframe"), Eval: "document.getElementById('close').click()",
		ExpectTargetOrigin: ucsim.CrossdomainFormOrigin,
	})}
	if r.Embed.Err != nil {
		t.Fatal(r.Embed.Err)
	}
	if len(r.Embed.Posts) != 1 || crossdomain.JS(r.Embed.Posts[0].Data) != `{ action: "CLOSE_TAB" }` {
		t.Fatalf("posts = %+v", r.Embed.Posts)
	}
	if len(r.Embed.Received) != 1 {
		t.Errorf("the stand-in form received %d messages, want 1", len(r.Embed.Received))
	}
	if v := suites.EvaluateCrossdomain(suites.CrossdomainChecks[4], r); v.Outcome != reports.Passed {
		t.Errorf("message-shape: %s\n%s", v.Outcome, v.Message)
	}
}

// TestEmbedToTopAndErrors: a page that posts to window.top (the agent window) instead of its
// parent, and throws, fails with both in the message.
func TestEmbedToTopAndErrors(t *testing.T) {
	t.Parallel()
	s := shared(t)
	dir := t.TempDir()
	page := `<!doctype html><button id="save">Save</button><script>
document.getElementById('save').addEventListener('click', () => {
  window.top.postMessage({ action: 'CLOSE_TAB' }, '*');
  console.error('saving failed');
  undefinedFunction();
});
</script>`
	if err := os.WriteFile(filepath.Join(dir, "crm.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := crossdomain.FilePage(filepath.Join(dir, "crm.html"))
	if err != nil {
		t.Fatal(err)
	}
	r := &crossdomain.Result{Embed: s.CheckEmbed(context.Background(), crossdomain.EmbedOptions{Page: p, Click: "#save"})}
	v := suites.EvaluateCrossdomain(suites.CrossdomainChecks[4], r)
	if v.Outcome != reports.Failed {
		t.Fatalf("message-shape: %s, want failed\n%s", v.Outcome, v.Message)
	}
	for _, want := range []string{
		"actual:   no message to the parent; 1 message went to the agent window (window.top) instead",
		`- top.postMessage({ action: "CLOSE_TAB" })`,
		"error in the iframe page: Uncaught ReferenceError: undefinedFunction is not defined",
		"browser console:",
		"error: saving failed",
	} {
		if !strings.Contains(v.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, v.Message)
		}
	}
}

// TestStartFails: a binary that is not a browser is an error of kind browser.
func TestStartFails(t *testing.T) {
	_, err := crossdomain.Start(context.Background(), crossdomain.Options{Chromium: "/bin/false"})
	e, ok := err.(*crossdomain.Error)
	if !ok || e.Kind != crossdomain.ErrBrowser || !strings.Contains(e.Message, "could not be started") {
		t.Fatalf("err = %v, want a browser error", err)
	}
	_, err = crossdomain.Start(context.Background(), crossdomain.Options{Chromium: filepath.Join(t.TempDir(), "chromium")})
	if e, ok := err.(*crossdomain.Error); !ok || e.Kind != crossdomain.ErrBrowser {
		t.Fatalf("err = %v, want a browser error", err)
	}
}
