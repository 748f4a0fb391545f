package main_test

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
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

	"github.com/uccheck/uccheck/cmd/uccheck/cli"
	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/ucsim"
)

// readSuites parses a JUnit file with several <testsuite> (the independent reader's structs).
func readSuites(t *testing.T, path string) []junitSuite {
	t.Helper()
	return testutil.ReadJUnit(t, path).Suites
}

func failedIn(s junitSuite) []string {
	var out []string
	for _, c := range s.Cases {
		if c.Failure != nil {
			out = append(out, caseID(c.Name))
		}
	}
	return out
}

// TestManyTargets runs three tenants from a domains file (a clean one, one that does not revoke
// ended tokens, a slow one), each with its own password variable, with every report format.
func TestManyTargets(t *testing.T) {
	t.Parallel()
	clean := ucsim.New(ucsim.Options{Password: "pw-clean-1234"})
	broken := ucsim.New(ucsim.Options{Password: "pw-broken-5678", Faults: []ucsim.Fault{ucsim.FaultNoRevocation}})
	slow := ucsim.New(ucsim.Options{Password: "pw-slow-9012", Latency: 20 * time.Millisecond})
	sims := []*ucsim.Server{clean, broken, slow}
	for _, s := range sims {
		defer s.Close()
	}
	dir := t.TempDir()
	// Every simulator has its own certificate: trust them all.
	var bundle []byte
	for _, s := range sims {
		bundle = append(bundle, s.CAPEM()...)
	}
	ca := writeCA(t, dir, bundle)
	domains := filepath.Join(dir, "domains.txt")
	list := fmt.Sprintf("# nightly tenants\n%s Admin CLEAN_PW\n\n%s  Admin BROKEN_PW  # does not revoke\n%s Admin SLOW_PW\n", clean.URL, broken.URL, slow.URL)
	if err := os.WriteFile(domains, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	junit, jsonPath, htmlPath, harDir, summary := filepath.Join(dir, "u.xml"), filepath.Join(dir, "u.json"), filepath.Join(dir, "u.html"), filepath.Join(dir, "har"), filepath.Join(dir, "summary.md")
	res := runUC(t, map[string]string{"CLEAN_PW": clean.Password(), "BROKEN_PW": broken.Password(), "SLOW_PW": slow.Password(), "GITHUB_STEP_SUMMARY": summary},
		"run", "--domains-file", domains, "--ca-cert", ca, "--parallel", "2", "--max-latency", "probe=5s",
		"--junit", junit, "--json", jsonPath, "--html", htmlPath, "--har", harDir)
	if res.code != 1 {
		t.Fatalf("exit code %d, want 1\n%s", res.code, res)
	}
	for _, s := range sims {
		if n := s.LiveSessions(); n != 0 {
			t.Errorf("%s: %d sessions left open", s.URL, n)
		}
	}
	// One line per target as it finished, then the failures and the totals.
	for _, s := range sims {
		if !strings.Contains(res.stdout, s.URL+"  ") {
			t.Errorf("no console line for %s:\n%s", s.URL, res.stdout)
		}
	}
	if !strings.Contains(res.stdout, "3 targets (1 with failures or errors)") || !strings.Contains(res.stdout, "latency per step across targets") {
		t.Errorf("console summary:\n%s", res.stdout)
	}

	suites := readSuites(t, junit)
	if len(suites) != 3 {
		t.Fatalf("%d testsuites, want one per target", len(suites))
	}
	for _, s := range suites {
		want := []string(nil)
		if s.Name == broken.URL {
			want = []string{"logout.token-revoked"}
		}
		if got := failedIn(s); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("suite %s: failed %v, want %v", s.Name, got, want)
		}
		if s.Tests != 16 { // 15 checks + latency.probe
			t.Errorf("suite %s: %d tests, want 16", s.Name, s.Tests)
		}
	}

	var doc struct {
		Schema string `json:"schema"`
		Totals struct {
			Targets, TargetsFailed, Failed int
		} `json:"totals"`
		Latency []struct {
			Step  string  `json:"step"`
			N     int     `json:"n"`
			P50MS float64 `json:"p50_ms"`
		} `json:"latency"`
		Targets []struct {
			Target string `json:"target"`
			Checks []struct {
				ID, Outcome string
			} `json:"checks"`
			Exchanges []struct {
				Step      string `json:"step"`
				TimingsMS struct {
					Total float64 `json:"total"`
				} `json:"timings_ms"`
			} `json:"exchanges"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(readFile(t, jsonPath)), &doc); err != nil {
		t.Fatalf("--json does not parse: %v", err)
	}
	if doc.Schema != "uccheck.report/v1" || len(doc.Targets) != 3 || len(doc.Latency) == 0 {
		t.Errorf("--json: schema %q, %d targets, %d latency rows", doc.Schema, len(doc.Targets), len(doc.Latency))
	}
	for _, tr := range doc.Targets {
		if tr.Target == slow.URL {
			for _, e := range tr.Exchanges {
				if e.TimingsMS.Total < 20 {
					t.Errorf("slow target: %s took %.1fms, the simulator waits 20ms", e.Step, e.TimingsMS.Total)
				}
			}
		}
	}

	page := readFile(t, htmlPath)
	for _, want := range []string{"<table", "logout.token-revoked", "expected:", "<svg", broken.URL} {
		if !strings.Contains(page, want) {
			t.Errorf("--html lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "<link", " src=", "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("--html is not self-contained: it has %q", banned)
		}
	}

	hars, _ := filepath.Glob(filepath.Join(harDir, "*.har"))
	if len(hars) != 3 {
		t.Fatalf("%d HAR files, want 3", len(hars))
	}
	for _, h := range hars {
		var har struct {
			Log struct {
				Version string `json:"version"`
				Entries []struct {
					Request struct {
						Method string `json:"method"`
					} `json:"request"`
					Response struct {
						Status int `json:"status"`
					} `json:"response"`
				} `json:"entries"`
			} `json:"log"`
		}
		if err := json.Unmarshal([]byte(readFile(t, h)), &har); err != nil || har.Log.Version != "1.2" || len(har.Log.Entries) < 9 {
			t.Errorf("%s: not a HAR 1.2 with the flow (%v, %d entries)", h, err, len(har.Log.Entries))
		}
	}
	md := readFile(t, summary)
	if !strings.Contains(md, "logout.token-revoked") || !strings.Contains(md, "| step |") {
		t.Errorf("GITHUB_STEP_SUMMARY:\n%s", md)
	}

	everything := res.stdout + res.stderr + readFile(t, junit) + readFile(t, jsonPath) + page + md
	for _, h := range hars {
		everything += readFile(t, h)
	}
	for _, s := range sims {
		for _, secret := range append([]string{s.Password()}, s.IssuedTokens()...) {
			for _, form := range secretForms(secret) {
				if strings.Contains(everything, form) {
					t.Errorf("a secret of %s leaked (form %q…)", s.URL, form[:min(6, len(form))])
				}
			}
		}
	}
}

// TestShardsAndMerge splits ten tenants (path prefixes on one simulator) into three shards: each
// tenant lands in exactly one, always the same, and merge-reports puts them back together.
func TestShardsAndMerge(t *testing.T) {
	t.Parallel()
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	dir := t.TempDir()
	ca := writeCA(t, dir, sim.CAPEM())
	var lines []string
	for i := 0; i < 10; i++ {
		lines = append(lines, fmt.Sprintf("%s/t%02d", sim.URL, i))
	}
	domains := filepath.Join(dir, "domains.txt")
	_ = os.WriteFile(domains, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	seen := map[string]int{}
	var parts []string
	for i := 1; i <= 3; i++ {
		junit := filepath.Join(dir, fmt.Sprintf("shard-%d.xml", i))
		parts = append(parts, junit)
		res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
			"run", "--domains-file", domains, "--ca-cert", ca, "--user", "Admin", "--shard", fmt.Sprintf("%d/3", i), "--junit", junit)
		if res.code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, res.code, res)
		}
		for _, s := range readSuites(t, junit) {
			seen[s.Name]++
			if cli.ShardOf(s.Name, 3) != i {
				t.Errorf("%s ran in shard %d, its hash says %d", s.Name, i, cli.ShardOf(s.Name, 3))
			}
		}
	}
	if len(seen) != 10 {
		t.Errorf("%d tenants ran over the shards, want 10", len(seen))
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s ran %d times", name, n)
		}
	}
	merged := filepath.Join(dir, "all.xml")
	res := runUC(t, nil, append([]string{"merge-reports", merged}, parts...)...)
	if res.code != 0 {
		t.Fatalf("merge-reports: exit %d\n%s", res.code, res)
	}
	if n := len(readSuites(t, merged)); n != 10 {
		t.Errorf("merged report has %d testsuites, want 10", n)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
	bad := filepath.Join(dir, "bad.xml")
	_ = os.WriteFile(bad, []byte("<html>"), 0o600)
	if res := runUC(t, nil, "merge-reports", filepath.Join(dir, "x.xml"), bad); res.code != 2 || !strings.Contains(res.stderr, "not a JUnit document") {
		t.Errorf("merging garbage: exit %d\n%s", res.code, res)
	}
}

// TestAPITokenMode never sends EndSession (nor getUserToken) with a shared API token.
func TestAPITokenMode(t *testing.T) {
	t.Parallel()
	const token = "UC-API-TOKEN-0123456789abcdef"
	for _, tc := range []struct {
		name, simScheme, flagScheme string
		code                        int
		failed                      string
	}{
		{name: "basic", simScheme: "Basic", flagScheme: "Basic", code: 0},
		{name: "bearer", simScheme: "Bearer", flagScheme: "Bearer", code: 0},
		{name: "wrong scheme", simScheme: "Bearer", flagScheme: "Basic", code: 1, failed: "auth.basic-accepted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := ucsim.New(ucsim.Options{Password: testPassword, APIToken: token, APITokenScheme: tc.simScheme})
			defer sim.Close()
			dir := t.TempDir()
			junit := filepath.Join(dir, "u.xml")
			res := runUC(t, map[string]string{"UCCHECK_API_TOKEN": token},
				"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--token-scheme", tc.flagScheme, "--junit", junit)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", res.code, tc.code, res)
			}
			if n := sim.Calls(ucsim.PathEndSession); n != 0 {
				t.Errorf("EndSession was sent %d times in API-token mode", n)
			}
			if n := sim.Calls(ucsim.PathGetUserToken); n != 0 {
				t.Errorf("getUserToken was sent %d times in API-token mode", n)
			}
			s := readSuites(t, junit)[0]
			for _, c := range s.Cases {
				id := caseID(c.Name)
				isSession := strings.HasPrefix(id, "login.") || strings.HasPrefix(id, "logout.")
				if isSession && (c.Skipped == nil || !strings.Contains(c.Skipped.Message, "API-token mode")) {
					t.Errorf("%s: want skipped in API-token mode", id)
				}
			}
			if got := strings.Join(failedIn(s), ","); got != tc.failed {
				t.Errorf("failed %q, want %q", got, tc.failed)
			}
			if strings.Contains(res.stdout+res.stderr+readFile(t, junit), token) {
				t.Error("the API token leaked")
			}
		})
	}
}

// flaky answers the first n requests to a path with 503, then passes everything to the simulator.
func flaky(t *testing.T, sim *ucsim.Server, path string, n int) (*httptest.Server, func() int) {
	proxy := simProxy(sim)
	var mu sync.Mutex
	seen := 0
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			mu.Lock()
			seen++
			k := seen
			mu.Unlock()
			if k <= n {
				http.Error(w, "upstream busy", http.StatusServiceUnavailable)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	front.EnableHTTP2 = true
	front.StartTLS()
	t.Cleanup(front.Close)
	return front, func() int { mu.Lock(); defer mu.Unlock(); return seen }
}

func TestRetries(t *testing.T) {
	t.Parallel()
	t.Run("503 before any session is retried", func(t *testing.T) {
		sim := ucsim.New(ucsim.Options{Password: testPassword})
		defer sim.Close()
		front, calls := flaky(t, sim, ucsim.PathGetUserToken, 2)
		dir := t.TempDir()
		caFile := writeCA(t, dir, pemOf(front))
		jsonPath := filepath.Join(dir, "u.json")
		res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
			"run", "--base-url", front.URL, "--ca-cert", caFile, "--user", "Admin", "--retries", "3", "--json", jsonPath, "--skip", "transport.cert-valid")
		if res.code != 0 {
			t.Fatalf("exit %d, want 0 after retries\n%s", res.code, res)
		}
		if n := calls(); n != 4 { // 2×503, the login, the bad login
			t.Errorf("getUserToken reached %d times, want 4", n)
		}
		if !strings.Contains(readFile(t, jsonPath), "HTTP 503 before any session exists") {
			t.Errorf("the retries are not in the JSON report")
		}
		if !strings.Contains(res.stdout, "logout.bad-token-zero") {
			t.Errorf("console:\n%s", res.stdout)
		}
		if n := sim.LiveSessions(); n != 0 {
			t.Errorf("%d sessions left open", n)
		}
	})
	t.Run("without --retries the 503 is judged", func(t *testing.T) {
		sim := ucsim.New(ucsim.Options{Password: testPassword})
		defer sim.Close()
		front, _ := flaky(t, sim, ucsim.PathGetUserToken, 1)
		dir := t.TempDir()
		res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
			"run", "--base-url", front.URL, "--ca-cert", writeCA(t, dir, pemOf(front)), "--user", "Admin")
		if res.code != 1 || !strings.Contains(res.stdout, "HTTP 503") {
			t.Fatalf("exit %d, want 1 with the 503 judged\n%s", res.code, res)
		}
	})
	t.Run("a contract violation is never retried", func(t *testing.T) {
		sim := ucsim.New(ucsim.Options{Password: testPassword, Faults: []ucsim.Fault{ucsim.FaultLoginStatus}})
		defer sim.Close()
		dir := t.TempDir()
		res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
			"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--user", "Admin", "--retries", "5")
		if res.code != 1 {
			t.Fatalf("exit %d\n%s", res.code, res)
		}
		if n := sim.Calls(ucsim.PathGetUserToken); n != 2 {
			t.Errorf("getUserToken sent %d times, want 2 (login and bad login, no retry)", n)
		}
	})
	t.Run("503 after a session exists is not retried", func(t *testing.T) {
		sim := ucsim.New(ucsim.Options{Password: testPassword})
		defer sim.Close()
		front, calls := flaky(t, sim, ucsim.PathEndSession, 1)
		dir := t.TempDir()
		res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
			"run", "--base-url", front.URL, "--ca-cert", writeCA(t, dir, pemOf(front)), "--user", "Admin", "--retries", "3")
		if res.code != 1 || !strings.Contains(res.stdout, "✗ logout.ok-one") {
			t.Fatalf("exit %d, want logout.ok-one failed\n%s", res.code, res)
		}
		// logout (503), the cleanup's EndSession for the live token, the repeat, the bogus one.
		if n := calls(); n > 4 {
			t.Errorf("EndSession reached %d times: it was retried", n)
		}
		if n := sim.LiveSessions(); n != 0 {
			t.Errorf("%d sessions left open", n)
		}
	})
}

// simProxy passes requests on to the simulator.
func simProxy(sim *ucsim.Server) *httputil.ReverseProxy {
	target, _ := url.Parse(sim.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = sim.Client().Transport
	return proxy
}

func pemOf(s *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
}

func TestLatencyBudget(t *testing.T) {
	sim := ucsim.New(ucsim.Options{Password: testPassword, Latency: 30 * time.Millisecond})
	defer sim.Close()
	dir := t.TempDir()
	ca := writeCA(t, dir, sim.CAPEM())
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", sim.URL, "--ca-cert", ca, "--user", "Admin", "--max-latency", "probe=5ms,login=10s")
	if res.code != 1 || !strings.Contains(res.stdout, "✗ latency.probe") || !strings.Contains(res.stdout, "✓ latency.login") {
		t.Fatalf("exit %d, want latency.probe failed and latency.login passed\n%s", res.code, res)
	}
	if !strings.Contains(res.stdout, "expected: an answer within 5ms") {
		t.Errorf("the failure does not say the budget:\n%s", res.stdout)
	}
	if res := runUC(t, nil, "run", "--max-latency", "nosuchstep=1s"); res.code != 2 || !strings.Contains(res.stderr, "unknown step") {
		t.Errorf("a bad budget: exit %d\n%s", res.code, res)
	}
}

func TestDeadline(t *testing.T) {
	sim := ucsim.New(ucsim.Options{Password: testPassword, Latency: 100 * time.Millisecond})
	defer sim.Close()
	dir := t.TempDir()
	junit := filepath.Join(dir, "u.xml")
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", sim.URL+"/a", "--base-url", sim.URL+"/b", "--parallel", "1", "--ca-cert", writeCA(t, dir, sim.CAPEM()),
		"--user", "Admin", "--deadline", "350ms", "--junit", junit)
	if res.code != 3 {
		t.Fatalf("exit %d, want 3 (the deadline left checks unasked)\n%s", res.code, res)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open after the deadline", n)
	}
	suites := readSuites(t, junit)
	if len(suites) != 2 {
		t.Fatalf("%d testsuites, want 2 (the report is written with what ran)", len(suites))
	}
	if !strings.Contains(readFile(t, junit), "deadline") {
		t.Errorf("the report does not say the deadline stopped the run")
	}
}

// blockingFront passes everything to the simulator except the paths given, which block until the
// client goes away or the test ends; blocked receives one value per blocked request.
func blockingFront(t *testing.T, sim *ucsim.Server, paths ...string) (*httptest.Server, chan struct{}) {
	proxy := simProxy(sim)
	blocked := make(chan struct{}, 64)
	release := make(chan struct{})
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range paths {
			if strings.HasSuffix(r.URL.Path, p) {
				blocked <- struct{}{}
				select {
				case <-r.Context().Done():
				case <-release:
				}
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	front.EnableHTTP2 = true
	front.StartTLS()
	t.Cleanup(front.Close)
	t.Cleanup(func() { close(release) })
	return front, blocked
}

// TestInterruptManyTargets: SIGINT while one of several tenants is in flight ends its session,
// marks the tenants not started as not run, and still writes one testsuite per tenant.
func TestInterruptManyTargets(t *testing.T) {
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	front, blocked := blockingFront(t, sim, ucsim.PathCampaignStatus)
	dir := t.TempDir()
	junit := filepath.Join(dir, "u.xml")
	cmd, stdout, stderr := command(map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", front.URL+"/a", "--base-url", front.URL+"/b", "--base-url", front.URL+"/c",
		"--parallel", "1", "--ca-cert", writeCA(t, dir, pemOf(front)), "--user", "Admin", "--junit", junit)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-blocked:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the probe never blocked")
	}
	_ = cmd.Process.Signal(os.Interrupt)
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("uccheck did not end after SIGINT")
	}
	if code := exitCode(t, err); code != 130 {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, stdout, stderr)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
	suites := readSuites(t, junit)
	if len(suites) != 3 {
		t.Fatalf("%d testsuites, want 3", len(suites))
	}
	for _, s := range suites[1:] {
		for _, c := range s.Cases {
			if c.Skipped == nil || !strings.Contains(c.Skipped.Message, "not run") {
				t.Errorf("%s %s: want skipped as not run", s.Name, caseID(c.Name))
			}
		}
	}
}

// TestSecondInterruptExitsAtOnce: the first SIGINT starts the cleanup; when EndSession itself
// hangs, a second SIGINT ends uccheck without waiting for it.
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	front, blocked := blockingFront(t, sim, ucsim.PathCampaignStatus, ucsim.PathEndSession)
	dir := t.TempDir()
	cmd, stdout, stderr := command(map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", front.URL, "--ca-cert", writeCA(t, dir, pemOf(front)), "--user", "Admin")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for i, what := range []string{"the probe", "the cleanup's EndSession"} {
		select {
		case <-blocked:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("%s never blocked\n%s\n%s", what, stdout, stderr)
		}
		if i == 1 {
			time.Sleep(1100 * time.Millisecond) // a signal within a second of the first is its echo
		}
		_ = cmd.Process.Signal(os.Interrupt)
	}
	select {
	case err := <-done:
		if code := exitCode(t, err); code != 130 {
			t.Errorf("exit %d, want 130", code)
		}
	case <-time.After(4 * time.Second): // the cleanup alone would wait 5s
		_ = cmd.Process.Kill()
		t.Fatal("a second SIGINT did not end uccheck while EndSession hung")
	}
}

// TestSeveralCollections runs each target once per --collection, one session at a time.
func TestSeveralCollections(t *testing.T) {
	t.Parallel()
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	dir := t.TempDir()
	embedded := readFile(t, "../../collections/api-security.postman_collection.json")
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	_ = os.WriteFile(a, []byte(embedded), 0o600)
	_ = os.WriteFile(b, []byte(strings.Replace(embedded, `"name": "API Security"`, `"name": "Vendor 2026"`, 1)), 0o600)
	junit := filepath.Join(dir, "u.xml")
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--user", "Admin",
		"--collection", a, "--collection", b, "--parallel", "4", "--junit", junit)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res)
	}
	suites := readSuites(t, junit)
	if len(suites) != 2 || !strings.Contains(suites[0].Name, "API Security (a.json)") || !strings.Contains(suites[1].Name, "Vendor 2026 (b.json)") {
		var names []string
		for _, s := range suites {
			names = append(names, s.Name)
		}
		t.Fatalf("testsuites %q, want one per collection", names)
	}
	if n := sim.Calls(ucsim.PathGetUserToken); n != 4 {
		t.Errorf("getUserToken sent %d times, want 4 (two flows)", n)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}
