package main_test

// End-to-end tests: build the real binary once, then run it as a user would against simulators
// and small servers started here, on loopback only, and read back what it printed and wrote.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/ucsim"
)

// binary is the uccheck binary TestMain gets from testutil (built once per go test ./... run).
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	var err error
	if binary, err = testutil.UccheckPath(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building uccheck:", err)
		return 1
	}
	// The hostile trickle sends a byte per interval: fast enough that a short --timeout is hit
	// soon. Set once, before any test starts a simulator, as the tests run in parallel.
	ucsim.TrickleInterval = 50 * time.Millisecond
	return m.Run()
}

// testPassword is recognisable, so that a leak of it is easy to spot in any output.
const testPassword = "e2e-Pa55word-never-print-me"

// allChecks lists every check ID, in report order. The tests name them on purpose rather than
// importing suites.Checks: a renamed check must break a test.
var allChecks = []string{
	"login.status-ok", "login.json-array", "login.token-last", "login.token-shape", "login.bad-credentials-zero",
	"transport.https", "transport.http2", "transport.cert-valid",
	"auth.basic-accepted", "auth.missing-rejected", "auth.bogus-rejected",
	"logout.ok-one", "logout.token-revoked", "logout.repeat-zero", "logout.bad-token-zero",
}

// faultCheck maps each simulator fault to the one check it must make fail.
var faultCheck = map[ucsim.Fault]string{
	ucsim.FaultLoginStatus:       "login.status-ok",
	ucsim.FaultBareStringToken:   "login.json-array",
	ucsim.FaultTokenFirst:        "login.token-last",
	ucsim.FaultOpaqueToken:       "login.token-shape",
	ucsim.FaultAnyUserLogin:      "login.bad-credentials-zero",
	ucsim.FaultPlainHTTP:         "transport.https",
	ucsim.FaultHTTP1Only:         "transport.http2",
	ucsim.FaultCertExpiring:      "transport.cert-valid",
	ucsim.FaultBasicRejected:     "auth.basic-accepted",
	ucsim.FaultNoAuthAccepted:    "auth.missing-rejected",
	ucsim.FaultBogusAccepted:     "auth.bogus-rejected",
	ucsim.FaultLogoutOKText:      "logout.ok-one",
	ucsim.FaultNoRevocation:      "logout.token-revoked",
	ucsim.FaultRepeatLogoutOne:   "logout.repeat-zero",
	ucsim.FaultBadTokenLogoutOne: "logout.bad-token-zero",
}

// TestFaultTableCoversEveryCheck makes sure that the table below is the whole story: every fault
// the simulator knows is mapped, and every check has a fault that makes it fail.
func TestFaultTableCoversEveryCheck(t *testing.T) {
	if len(faultCheck) != len(ucsim.Faults) {
		t.Errorf("faultCheck has %d faults, ucsim.Faults %d", len(faultCheck), len(ucsim.Faults))
	}
	seen := map[string]ucsim.Fault{}
	for _, f := range ucsim.Faults {
		id, ok := faultCheck[f]
		if !ok {
			t.Errorf("fault %q has no check in faultCheck", f)
			continue
		}
		if other, dup := seen[id]; dup {
			t.Errorf("faults %q and %q both map to %s", other, f, id)
		}
		seen[id] = f
	}
	for _, id := range allChecks {
		if _, ok := seen[id]; !ok {
			t.Errorf("check %s has no fault that makes it fail", id)
		}
	}
}

func TestFaults(t *testing.T) {
	for _, fault := range ucsim.Faults {
		t.Run(string(fault), func(t *testing.T) {
			t.Parallel()
			want := faultCheck[fault]
			sim := ucsim.New(ucsim.Options{Password: testPassword, Faults: []ucsim.Fault{fault}})
			defer sim.Close()
			dir := t.TempDir()
			junit := filepath.Join(dir, "report.xml")
			args := []string{"run", "--base-url", sim.URL, "--user", "Admin", "--junit", junit}
			if fault != ucsim.FaultPlainHTTP {
				args = append(args, "--ca-cert", writeCA(t, dir, sim.CAPEM()))
			} else if sim.CAPEM() != nil {
				t.Fatal("the plain-http simulator has a certificate")
			}
			res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()}, args...)

			if res.code != 1 {
				t.Fatalf("exit code %d, want 1 (a check failed)\n%s", res.code, res)
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("%d sessions left open on the server", n)
			}
			doc := readJUnit(t, junit)
			outcomes := doc.outcomes(t)
			if got := idsWith(outcomes, "failed"); !slices.Equal(got, []string{want}) {
				t.Errorf("JUnit: failed checks %v, want exactly [%s]", got, want)
			}
			if got := idsWith(outcomes, "error"); len(got) > 0 {
				t.Errorf("JUnit: errors in %v, want none", got)
			}
			console := consoleOutcomes(t, res.stdout)
			if got := idsWith(console, "failed"); !slices.Equal(got, []string{want}) {
				t.Errorf("console: failed checks %v, want exactly [%s]\n%s", got, want, res.stdout)
			}
			if !maps.Equal(outcomes, console) {
				t.Errorf("console and JUnit disagree:\nconsole %v\njunit   %v", console, outcomes)
			}
			checkOthersPassedOrSkipped(t, doc, want)

			tc := doc.testcase(want)
			if tc.Failure == nil {
				t.Fatalf("testcase %s has no <failure>", want)
			}
			for _, s := range []string{"expected:", "actual:"} {
				if !strings.Contains(tc.Failure.Message+tc.Failure.Text, s) {
					t.Errorf("<failure> of %s does not say %q:\nmessage=%q\n%s", want, s, tc.Failure.Message, tc.Failure.Text)
				}
			}
			if !strings.Contains(res.stdout, "✗ "+want) {
				t.Errorf("console does not mark %s failed:\n%s", want, res.stdout)
			}
			checkSuite(t, doc, sim.URL)
			checkNoSecrets(t, sim, res, junit)
		})
	}
}

func TestCleanSimulator(t *testing.T) {
	t.Parallel()
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	dir := t.TempDir()
	junit := filepath.Join(dir, "report.xml")
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--user", "Admin", "--junit", junit)
	if res.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", res.code, res)
	}
	doc := readJUnit(t, junit)
	outcomes := doc.outcomes(t)
	if got := idsWith(outcomes, "passed"); !slices.Equal(got, sortedCopy(allChecks)) {
		t.Errorf("passed %v, want every check", got)
	}
	if !strings.Contains(res.stdout, fmt.Sprintf("%d checks: %d passed, 0 failed, 0 errors, 0 skipped", len(allChecks), len(allChecks))) {
		t.Errorf("console summary:\n%s", res.stdout)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
	if n := len(sim.IssuedTokens()); n != 1 {
		t.Errorf("%d tokens issued, want 1 (one login)", n)
	}
	checkSuite(t, doc, sim.URL)
	checkNoSecrets(t, sim, res, junit)
}

func TestBuiltinSimulator(t *testing.T) {
	t.Parallel()
	junit := filepath.Join(t.TempDir(), "report.xml")
	res := runUC(t, nil, "run", "--junit", junit)
	if res.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", res.code, res)
	}
	first, _, _ := strings.Cut(res.stdout, "\n")
	if !strings.Contains(first, "simulator") {
		t.Errorf("first line does not say it runs against the simulator: %q", first)
	}
	if !strings.Contains(res.stdout, fmt.Sprintf("%d checks: %d passed, 0 failed, 0 errors, 0 skipped", len(allChecks), len(allChecks))) {
		t.Errorf("console summary:\n%s", res.stdout)
	}
	if got := idsWith(consoleOutcomes(t, res.stdout), "passed"); len(got) != len(allChecks) {
		t.Errorf("console: %d checks passed, want %d:\n%s", len(got), len(allChecks), res.stdout)
	}
	doc := readJUnit(t, junit)
	if got := doc.property("simulator"); got != "true" {
		t.Errorf("property simulator=%q, want true", got)
	}
	if got := idsWith(doc.outcomes(t), "passed"); len(got) != len(allChecks) {
		t.Errorf("JUnit: %d checks passed, want %d", len(got), len(allChecks))
	}
	if strings.Contains(res.stdout+res.stderr, ucsim.DefaultPassword) {
		t.Errorf("the simulator's password is printed:\n%s", res)
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	junit := filepath.Join(t.TempDir(), "report.xml")
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": testPassword},
		"run", "--base-url", "http://"+addr, "--user", "Admin", "--junit", junit)
	if res.code != 3 {
		t.Fatalf("exit code %d, want 3 (could not ask)\n%s", res.code, res)
	}
	doc := readJUnit(t, junit)
	checkErrorsOnly(t, doc, "connection refused")
	if !strings.Contains(res.stdout, "connection refused") {
		t.Errorf("console does not say connection refused:\n%s", res.stdout)
	}
	if strings.Contains(res.stdout+res.stderr+readFile(t, junit), testPassword) {
		t.Errorf("the password leaked")
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	junit := filepath.Join(t.TempDir(), "report.xml")
	start := time.Now()
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": testPassword},
		"run", "--base-url", srv.URL, "--user", "Admin", "--timeout", "200ms", "--junit", junit)
	if res.code != 3 {
		t.Fatalf("exit code %d, want 3 (could not ask)\n%s", res.code, res)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the run took %s with --timeout 200ms", d)
	}
	doc := readJUnit(t, junit)
	if tc := doc.testcase("login.status-ok"); tc.Error == nil || !strings.Contains(tc.Error.Message, "timeout") {
		t.Errorf("login.status-ok: want an <error> saying timeout, got %+v", tc)
	}
	checkErrorsOnly(t, doc, "")
	if !strings.Contains(res.stdout, "timeout") {
		t.Errorf("console does not say timeout:\n%s", res.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	malformed := filepath.Join(dir, "broken.postman_collection.json")
	if err := os.WriteFile(malformed, []byte("{\n  \"info\": {\n    \"name\": \"x\",\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "no-such-collection.json")
	pw := map[string]string{"UCCHECK_PASSWORD": testPassword}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // substrings of stderr
	}{
		{"unknown flag", nil, []string{"run", "--bogus-flag"}, []string{"unknown flag: --bogus-flag", "uccheck --help"}},
		{"password flag", nil, []string{"run", "--password", "x"}, []string{"unknown flag: --password"}},
		// Targets are closed loopback ports: should a usage error go unnoticed, nothing leaves the machine.
		{"domain with scheme", pw, []string{"run", "--domain", "https://127.0.0.1:1", "--user", "Admin"}, []string{`--domain "https://127.0.0.1:1"`, "host only", "--base-url"}},
		{"same target twice", pw, []string{"run", "--domain", "127.0.0.1:1", "--base-url", "https://127.0.0.1:1", "--user", "Admin"}, []string{"named twice", "one session per tenant"}},
		{"unknown skip", nil, []string{"run", "--skip", "login.no-such-check"}, []string{`unknown check "login.no-such-check"`, "login.status-ok"}},
		{"no password", nil, []string{"run", "--domain", "127.0.0.1:1", "--user", "Admin"}, []string{"no password", "UCCHECK_PASSWORD"}},
		{"unreadable collection", pw, []string{"run", "--base-url", "https://127.0.0.1:1", "--user", "Admin", "--collection", missing}, []string{missing, "no such file"}},
		{"malformed collection", pw, []string{"run", "--base-url", "https://127.0.0.1:1", "--user", "Admin", "--collection", malformed}, []string{malformed, "line 4", "not valid JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runUC(t, tt.env, tt.args...)
			if res.code != 2 {
				t.Fatalf("exit code %d, want 2\n%s", res.code, res)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, res.stderr)
				}
			}
			if !strings.HasPrefix(res.stderr, "uccheck: ") {
				t.Errorf("stderr does not start with \"uccheck: \": %q", res.stderr)
			}
			if res.stdout != "" {
				t.Errorf("stdout is not empty (nothing should have run):\n%s", res.stdout)
			}
		})
	}
}

func TestSkipSendsNoBadLogin(t *testing.T) {
	t.Parallel()
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	dir := t.TempDir()
	junit := filepath.Join(dir, "report.xml")
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--user", "Admin",
		"--skip", "login.bad-credentials-zero", "--junit", junit)
	if res.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", res.code, res)
	}
	if n := sim.Calls(ucsim.PathGetUserToken); n != 1 {
		t.Errorf("getUserToken was called %d times, want 1 (no login with a bogus user)", n)
	}
	doc := readJUnit(t, junit)
	tc := doc.testcase("login.bad-credentials-zero")
	if tc.Skipped == nil || !strings.Contains(tc.Skipped.Message, "--skip login.bad-credentials-zero") {
		t.Errorf("login.bad-credentials-zero: want skipped on request, got %+v", tc)
	}
	outcomes := doc.outcomes(t)
	if got := idsWith(outcomes, "skipped"); !slices.Equal(got, []string{"login.bad-credentials-zero"}) {
		t.Errorf("skipped %v, want only login.bad-credentials-zero", got)
	}
	if got := idsWith(outcomes, "passed"); len(got) != len(allChecks)-1 {
		t.Errorf("passed %v, want the other %d", got, len(allChecks)-1)
	}
	if !strings.Contains(res.stdout, "skipped: skipped on request (--skip login.bad-credentials-zero)") {
		t.Errorf("console does not give the skip reason:\n%s", res.stdout)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}

func TestSkipAndOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    []ucsim.Fault
		args     []string
		env      map[string]string
		code     int
		passed   []string
		reason   string // every other check is skipped with a reason containing this
		getToken int    // getUserToken calls
		probes   int    // campaignstatus calls
	}{
		{
			name: "only a group", args: []string{"--only", "logout"}, code: 0,
			passed: []string{"logout.ok-one", "logout.token-revoked", "logout.repeat-zero", "logout.bad-token-zero"},
			reason: "not selected (--only logout)", getToken: 1, probes: 2,
		},
		{
			name: "skip a group", args: []string{"--skip", "auth", "--skip", "transport"}, code: 0,
			passed: []string{"login.status-ok", "login.json-array", "login.token-last", "login.token-shape", "login.bad-credentials-zero",
				"logout.ok-one", "logout.token-revoked", "logout.repeat-zero", "logout.bad-token-zero"},
			reason: "skipped on request (--skip ", getToken: 2, probes: 2,
		},
		{
			name: "skip the failing check", fault: []ucsim.Fault{ucsim.FaultTokenFirst}, args: []string{"--skip", "login.token-last"}, code: 0,
			passed: without(allChecks, "login.token-last"), reason: "--skip login.token-last", getToken: 2, probes: 4,
		},
		{
			name: "skip from the environment", fault: []ucsim.Fault{ucsim.FaultNoRevocation},
			env: map[string]string{"UCCHECK_SKIP": "logout.token-revoked,logout.repeat-zero"}, code: 0,
			passed: without(allChecks, "logout.token-revoked", "logout.repeat-zero"), reason: "skipped on request", getToken: 2, probes: 3,
		},
		{
			name: "only the failing check", fault: []ucsim.Fault{ucsim.FaultNoRevocation}, args: []string{"--only", "logout.token-revoked"}, code: 1,
			passed: nil, reason: "not selected (--only logout.token-revoked)", getToken: 1, probes: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sim := ucsim.New(ucsim.Options{Password: testPassword, Faults: tt.fault})
			defer sim.Close()
			dir := t.TempDir()
			junit := filepath.Join(dir, "report.xml")
			env := map[string]string{"UCCHECK_PASSWORD": sim.Password()}
			for k, v := range tt.env {
				env[k] = v
			}
			args := append([]string{"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--user", "Admin", "--junit", junit}, tt.args...)
			res := runUC(t, env, args...)
			if res.code != tt.code {
				t.Fatalf("exit code %d, want %d\n%s", res.code, tt.code, res)
			}
			doc := readJUnit(t, junit)
			outcomes := doc.outcomes(t)
			if got := idsWith(outcomes, "passed"); !slices.Equal(got, sortedCopy(tt.passed)) {
				t.Errorf("passed %v, want %v", got, sortedCopy(tt.passed))
			}
			for _, tc := range doc.Suites[0].Cases {
				id := caseID(tc.Name)
				if slices.Contains(tt.passed, id) || outcomes[id] == "failed" {
					continue
				}
				if tc.Skipped == nil || !strings.Contains(tc.Skipped.Message, tt.reason) {
					t.Errorf("%s: want skipped with a reason containing %q, got %+v", id, tt.reason, tc)
				}
			}
			if n := sim.Calls(ucsim.PathGetUserToken); n != tt.getToken {
				t.Errorf("getUserToken called %d times, want %d", n, tt.getToken)
			}
			if n := sim.Calls(ucsim.PathCampaignStatus); n != tt.probes {
				t.Errorf("campaignstatus called %d times, want %d", n, tt.probes)
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("%d sessions left open", n)
			}
		})
	}
}

func TestInterrupt(t *testing.T) {
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()

	// A front server that passes everything to the simulator, except the probe, which blocks
	// until the client goes away (or the test ends).
	front, blocked := blockingFront(t, sim, ucsim.PathCampaignStatus)

	dir := t.TempDir()
	junit := filepath.Join(dir, "report.xml")
	ca := writeCA(t, dir, pemOf(front))
	cmd, stdout, stderr := command(map[string]string{"UCCHECK_PASSWORD": sim.Password()},
		"run", "--base-url", front.URL, "--ca-cert", ca, "--user", "Admin", "--junit", junit)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-blocked:
	case err := <-done:
		t.Fatalf("uccheck ended before the probe blocked: %v\n%s\n%s", err, stdout, stderr)
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the probe was never sent")
	}
	if n := sim.LiveSessions(); n != 1 {
		t.Fatalf("%d live sessions while the probe blocks, want 1 (the test would prove nothing)", n)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("uccheck did not end after SIGINT\n%s\n%s", stdout, stderr)
	}
	res := result{code: exitCode(t, err), stdout: stdout.String(), stderr: stderr.String()}
	if res.code != 130 {
		t.Fatalf("exit code %d, want 130\n%s", res.code, res)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open after SIGINT", n)
	}
	if n := sim.Calls(ucsim.PathEndSession); n < 1 {
		t.Errorf("EndSession was not sent after SIGINT")
	}
	doc := readJUnit(t, junit)
	outcomes := doc.outcomes(t)
	if got := idsWith(outcomes, "failed"); len(got) > 0 {
		t.Errorf("checks failed after an interruption: %v", got)
	}
	if doc.testcase("auth.missing-rejected").Skipped == nil {
		t.Errorf("auth.missing-rejected (the interrupted probe) is not skipped: %+v", doc.testcase("auth.missing-rejected"))
	}
	if !strings.Contains(doc.property("aborted"), "interrupted") {
		t.Errorf("property aborted=%q, want it to say interrupted", doc.property("aborted"))
	}
	checkNoSecrets(t, sim, res, junit)
}

func TestJUnitReplacedAtomically(t *testing.T) {
	t.Parallel()
	sim := ucsim.New(ucsim.Options{Password: testPassword})
	defer sim.Close()
	caDir, reportDir, tmpDir := t.TempDir(), t.TempDir(), t.TempDir()
	junit := filepath.Join(reportDir, "report.xml")
	if err := os.WriteFile(junit, []byte("an old report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(junit)
	if err != nil {
		t.Fatal(err)
	}
	res := runUC(t, map[string]string{"UCCHECK_PASSWORD": sim.Password(), "TMPDIR": tmpDir},
		"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, caDir, sim.CAPEM()), "--user", "Admin", "--junit", junit)
	if res.code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", res.code, res)
	}
	after, err := os.Stat(junit)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Errorf("the report was rewritten in place, not replaced by a rename")
	}
	readJUnit(t, junit)
	for dir, want := range map[string][]string{reportDir: {"report.xml"}, tmpDir: nil} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %v, want %v (temporary files left behind)", dir, names, want)
		}
	}
}

// ---- running the binary ----

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("--- stdout\n%s--- stderr\n%s", r.stdout, r.stderr)
}

// command prepares the binary with the test's environment minus every UCCHECK_* and NO_COLOR
// variable, plus env.
func command(env map[string]string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(binary, args...)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "UCCHECK_") || strings.HasPrefix(kv, "NO_COLOR=") {
			continue
		}
		if k, _, _ := strings.Cut(kv, "="); env[k] != "" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// runUC runs the binary to its end (at most 30s) and returns what it did.
func runUC(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	cmd, stdout, stderr := command(env, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := context.AfterFunc(ctx, func() { _ = cmd.Process.Kill() })
	defer stop()
	err := cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("uccheck %v did not end within 30s", args)
	}
	return result{code: exitCode(t, err), stdout: stdout.String(), stderr: stderr.String()}
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("uccheck was killed by %v", ws.Signal())
		}
		return ee.ExitCode()
	}
	t.Fatalf("running uccheck: %v", err)
	return -1
}

func writeCA(t *testing.T, dir string, pemData []byte) string {
	t.Helper()
	path := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(path, pemData, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ---- reading the console ----

var consoleLineRE = regexp.MustCompile(`^  ([✓✗!-]) ([a-z0-9-]+\.[a-z0-9.-]+) `)

// consoleOutcomes reads the outcome of every check from the console summary.
func consoleOutcomes(t *testing.T, stdout string) map[string]string {
	t.Helper()
	marks := map[string]string{"✓": "passed", "✗": "failed", "!": "error", "-": "skipped"}
	out := map[string]string{}
	for _, line := range strings.Split(stdout, "\n") {
		if m := consoleLineRE.FindStringSubmatch(line); m != nil {
			out[m[2]] = marks[m[1]]
		}
	}
	if len(out) != len(allChecks) {
		t.Errorf("console lists %d checks, want %d:\n%s", len(out), len(allChecks), stdout)
	}
	return out
}

// ---- reading JUnit, independently of the reporter that wrote it ----

// junitDoc is testutil's independent JUnit reader, with this package's lookups.
type junitDoc struct{ *testutil.JUnit }

type (
	junitSuite = testutil.JUnitSuite
	junitCase  = testutil.JUnitCase
)

func readJUnit(t *testing.T, path string) *junitDoc {
	t.Helper()
	doc := testutil.ReadJUnit(t, path)
	if len(doc.Suites) != 1 {
		t.Fatalf("the JUnit report has %d <testsuite>, want 1", len(doc.Suites))
	}
	return &junitDoc{doc}
}

var caseIDRE = regexp.MustCompile(`^\[([a-z0-9-]+\.[a-z0-9.-]+)\] `)

func caseID(name string) string {
	if m := caseIDRE.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return ""
}

// outcomes returns each check's outcome by ID, checking that every testcase is named
// "[<id>] ..." and has at most one of failure, error and skipped.
func (d *junitDoc) outcomes(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tc := range d.Suites[0].Cases {
		id := caseID(tc.Name)
		if id == "" {
			t.Errorf("testcase %q is not named \"[<check id>] ...\"", tc.Name)
			continue
		}
		if _, dup := out[id]; dup {
			t.Errorf("check %s has two testcases", id)
		}
		outcome, n := "passed", 0
		if tc.Failure != nil {
			outcome, n = "failed", n+1
		}
		if tc.Error != nil {
			outcome, n = "error", n+1
		}
		if tc.Skipped != nil {
			outcome, n = "skipped", n+1
		}
		if n > 1 {
			t.Errorf("testcase %s has %d of failure, error and skipped", id, n)
		}
		out[id] = outcome
	}
	var ids []string
	for id := range out {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if !slices.Equal(ids, sortedCopy(allChecks)) {
		t.Errorf("JUnit testcases %v, want %v", ids, sortedCopy(allChecks))
	}
	s := d.Suites[0]
	c := counts(out)
	if s.Tests != len(s.Cases) || s.Failures != c["failed"] || s.Errors != c["error"] || s.Skipped != c["skipped"] {
		t.Errorf("<testsuite> counts tests=%d failures=%d errors=%d skipped=%d, the testcases say %d/%v",
			s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), c)
	}
	return out
}

func (d *junitDoc) testcase(id string) junitCase {
	for _, tc := range d.Suites[0].Cases {
		if caseID(tc.Name) == id {
			return tc
		}
	}
	return junitCase{}
}

func (d *junitDoc) property(name string) string {
	for _, p := range d.Suites[0].Properties {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// ---- shared assertions ----

// checkOthersPassedOrSkipped asserts that every check but failing passed, or was skipped with a
// reason.
func checkOthersPassedOrSkipped(t *testing.T, d *junitDoc, failing string) {
	t.Helper()
	for _, tc := range d.Suites[0].Cases {
		id := caseID(tc.Name)
		switch {
		case id == failing:
		case tc.Failure != nil || tc.Error != nil:
			t.Errorf("%s did not pass: %+v", id, tc)
		case tc.Skipped != nil && strings.TrimSpace(tc.Skipped.Message) == "":
			t.Errorf("%s skipped without a reason", id)
		}
	}
}

// checkErrorsOnly asserts that every check is an <error> (none a <failure>), and that the first
// one's message contains want.
func checkErrorsOnly(t *testing.T, d *junitDoc, want string) {
	t.Helper()
	outcomes := d.outcomes(t)
	if got := idsWith(outcomes, "failed"); len(got) > 0 {
		t.Errorf("<failure> for %v: a target that could not be asked is an <error>", got)
	}
	errs := idsWith(outcomes, "error")
	if len(errs) == 0 {
		t.Fatalf("no <error> in the report: %v", outcomes)
	}
	if idsWith(outcomes, "passed") != nil {
		t.Errorf("checks passed against a target that could not be asked: %v", idsWith(outcomes, "passed"))
	}
	if want == "" {
		return
	}
	tc := d.testcase("login.status-ok")
	if tc.Error == nil || !strings.Contains(tc.Error.Message, want) {
		t.Errorf("login.status-ok: want an <error> whose message says %q, got %+v", want, tc)
	}
	for _, tc := range d.Suites[0].Cases {
		if tc.Error != nil && !strings.Contains(tc.Error.Message+tc.Error.Text, want) {
			t.Errorf("%s: <error> does not say %q: %q", caseID(tc.Name), want, tc.Error.Message)
		}
	}
}

// checkSuite asserts the <testsuite>'s properties.
func checkSuite(t *testing.T, d *junitDoc, target string) {
	t.Helper()
	want := map[string]string{"target": target, "collection": "embedded:api-security.postman_collection.json"}
	for k, v := range want {
		if got := d.property(k); got != v {
			t.Errorf("property %s=%q, want %q", k, got, v)
		}
	}
	if d.property("uccheck.version") == "" {
		t.Errorf("no uccheck.version property")
	}
}

// checkNoSecrets asserts that neither the password nor any token the server issued, as they
// are or in base64, appears in stdout, stderr or the JUnit report.
func checkNoSecrets(t *testing.T, sim *ucsim.Server, res result, junit string) {
	t.Helper()
	tokens := sim.IssuedTokens()
	if len(tokens) == 0 {
		t.Fatal("the server issued no token: the leak check would prove nothing")
	}
	secrets := map[string]string{}
	add := func(name, s string) {
		secrets[name] = s
		for i, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			secrets[fmt.Sprintf("%s in base64 (encoding %d)", name, i)] = enc.EncodeToString([]byte(s))
		}
	}
	add("the password", sim.Password())
	for i, tok := range tokens {
		name := fmt.Sprintf("token %d", i+1)
		add(name, tok)
		if raw, err := base64.StdEncoding.DecodeString(tok); err == nil {
			// A token's session part ("user:<UUID>"). An opaque token's random bytes may hold a ':'
			// by chance, leaving a few bytes (or none) that are no secret and match any output.
			if _, session, ok := strings.Cut(string(raw), ":"); ok && len(session) >= 8 && utf8.ValidString(session) {
				secrets[name+"'s session id"] = session
			}
		}
	}
	outputs := map[string]string{"stdout": res.stdout, "stderr": res.stderr, "the JUnit report": readFile(t, junit)}
	for where, text := range outputs {
		for what, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds %s (%q)", where, what, s)
			}
		}
		// Nor a piece of one, such as a body excerpt cut in the middle of a token.
		for i, tok := range tokens {
			if frag := sharedFragment(text, tok, fragmentLen); frag != "" {
				t.Errorf("%s holds %q, a piece of token %d", where, frag, i+1)
			}
		}
	}
}

// fragmentLen is the length from which a piece of a token counts as a leak. Shorter pieces are
// not secret: "QWRtaW46" is base64 of "Admin:" and the docs quote "QWRtaW46OTgz…".
const fragmentLen = 16

// sharedFragment returns a substring of secret of length n that text contains, or "".
func sharedFragment(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

// ---- small helpers ----

func idsWith(outcomes map[string]string, outcome string) []string {
	var out []string
	for id, o := range outcomes {
		if o == outcome {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func counts(outcomes map[string]string) map[string]int {
	c := map[string]int{}
	for _, o := range outcomes {
		c[o]++
	}
	return c
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

func without(s []string, drop ...string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}
