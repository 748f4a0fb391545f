package crossdomain_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/ucsim"
)

// End-to-end: the real binary, run as a user would (a browser of its own per run), with a
// TMPDIR of its own so that the test sees whether the browser's profile folder is left behind.

// uccheckBinary is the binary built once for every end-to-end package of the run.
func uccheckBinary(t *testing.T) string {
	t.Helper()
	return testutil.Uccheck(t)
}

type cliRun struct {
	code           int
	stdout, stderr string
	tmp            string // the run's TMPDIR
}

// startUccheck starts the binary with args, in a TMPDIR of its own.
func startUccheck(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer, string) {
	t.Helper()
	bin := uccheckBinary(t)
	tmp := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stdout, &stderr, tmp
}

func finish(t *testing.T, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, tmp string) cliRun {
	t.Helper()
	err := cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("uccheck died of %s\n%s%s", ws.Signal(), stdout, stderr)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return cliRun{code: code, stdout: stdout.String(), stderr: stderr.String(), tmp: tmp}
}

func runUccheck(t *testing.T, args ...string) cliRun {
	t.Helper()
	cmd, stdout, stderr, tmp := startUccheck(t, args...)
	return finish(t, cmd, stdout, stderr, tmp)
}

// assertNoBrowserLeft checks that the run's browser is gone: no process uses its TMPDIR, and no
// profile folder is left in it.
func assertNoBrowserLeft(t *testing.T, tmp string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		procs := processesMentioning(tmp)
		left, _ := filepath.Glob(filepath.Join(tmp, "chromedp-runner*"))
		if len(procs) == 0 && len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the browser outlived uccheck: processes %v, profile folders %v", procs, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processesMentioning returns the PIDs whose command line mentions s.
func processesMentioning(s string) []string {
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(s)) {
			out = append(out, e.Name())
		}
	}
	return out
}

func readJUnit(t *testing.T, path string) *testutil.JUnit {
	t.Helper()
	doc := testutil.ReadJUnit(t, path)
	if len(doc.Suites) != 1 {
		t.Fatalf("%d test suites, want 1", len(doc.Suites))
	}
	return doc
}

func TestCLIReferencePages(t *testing.T) {
	t.Parallel()
	needChromium(t)
	junit := filepath.Join(t.TempDir(), "crossdomain.xml")
	r := runUccheck(t, "crossdomain", "--junit", junit)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, id := range []string{dispositionCall, closeTab, unknownIgnored, originCheck, messageShape} {
		if !strings.Contains(r.stdout, "✓ "+id) {
			t.Errorf("no ✓ for %s:\n%s", id, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "5 checks: 5 passed, 0 failed, 0 errors, 0 skipped") {
		t.Errorf("summary:\n%s", r.stdout)
	}
	doc := readJUnit(t, junit)
	s := doc.Suites[0]
	if s.Tests != 5 || s.Failures != 0 || s.Errors != 0 || len(s.Cases) != 5 {
		t.Errorf("suite %q: %d tests, %d failures, %d errors", s.Name, s.Tests, s.Failures, s.Errors)
	}
	if len(s.Cases) > 0 && !strings.HasPrefix(s.Cases[0].Name, "["+dispositionCall+"] ") {
		t.Errorf("first testcase %q", s.Cases[0].Name)
	}
	assertNoBrowserLeft(t, r.tmp)
}

func TestCLIFaults(t *testing.T) {
	t.Parallel()
	needChromium(t)
	dir := t.TempDir()
	junit, shots := filepath.Join(dir, "crossdomain.xml"), filepath.Join(dir, "shots")
	r := runUccheck(t, "crossdomain", "--fault", "form-swapped-args", "--fault", "iframe-iso-schedule", "--junit", junit, "--artifacts", shots)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"✗ " + dispositionCall,
		`expected: UC_DispositionCall("CampañaTest", "123456Test",`,
		`actual:   UC_DispositionCall("123456Test", "CampañaTest",`,
		"✗ " + messageShape,
		`schedule "2019-05-04T`,
		"✓ " + closeTab, "✓ " + unknownIgnored, "✓ " + originCheck,
		"5 checks: 3 passed, 2 failed, 0 errors, 0 skipped",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	doc := readJUnit(t, junit)
	if s := doc.Suites[0]; s.Failures != 2 || s.Errors != 0 {
		t.Errorf("JUnit: %d failures, %d errors, want 2 and 0", s.Failures, s.Errors)
	}
	for _, c := range doc.Suites[0].Cases {
		if strings.Contains(c.Name, dispositionCall) {
			if c.Failure == nil || !strings.Contains(c.Failure.Message, "expected: UC_DispositionCall(") || !strings.Contains(c.Failure.Message, "actual: UC_DispositionCall(\"123456Test\"") {
				t.Errorf("the disposition-call failure message: %+v", c.Failure)
			}
		}
	}
	for _, id := range []string{dispositionCall, messageShape} {
		png, err := os.ReadFile(filepath.Join(shots, id+".png"))
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("screenshot of %s: %v", id, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(shots, "*.png")); len(left) != 2 {
		t.Errorf("screenshots %v, want one per failed check", left)
	}
	assertNoBrowserLeft(t, r.tmp)
}

func TestCLIFormFile(t *testing.T) {
	t.Parallel()
	needChromium(t)
	page, _ := ucsim.LookupCrossdomainPage("form-vendor")
	file := filepath.Join(t.TempDir(), "form.html")
	if err := os.WriteFile(file, []byte(page.HTML()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runUccheck(t, "crossdomain", "--form", file, "--expect-origin", ucsim.CrossdomainIntegratorOrigin)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"✓ " + dispositionCall, "✓ " + closeTab, "✗ " + unknownIgnored, "✗ " + originCheck,
		"- " + messageShape, "skipped: no iframe page given",
		"if (event.origin !== 'https://crm.example.test') return;",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	assertNoBrowserLeft(t, r.tmp)
}

// TestCLINoBrowser: a browser that cannot be started makes every check an error and exits 3.
func TestCLINoBrowser(t *testing.T) {
	t.Parallel()
	junit := filepath.Join(t.TempDir(), "crossdomain.xml")
	r := runUccheck(t, "crossdomain", "--chromium", "/nonexistent/chromium", "--junit", junit)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "! "+dispositionCall) || !strings.Contains(r.stdout, "no Chromium found: /nonexistent/chromium is not an executable file") {
		t.Errorf("output:\n%s", r.stdout)
	}
	if doc := readJUnit(t, junit); doc.Suites[0].Errors != 5 {
		t.Errorf("JUnit: %d errors, want 5", doc.Suites[0].Errors)
	}
}

// TestCLIUnreachable: a form that cannot be fetched and an iframe page without the element to
// click are errors (exit 3), not failures.
func TestCLIUnreachable(t *testing.T) {
	t.Parallel()
	needChromium(t)
	file := filepath.Join(t.TempDir(), "crm.html")
	if err := os.WriteFile(file, []byte(`<!doctype html><p>no button here</p>`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runUccheck(t, "crossdomain", "--form", "http://127.0.0.1:1/form.html", "--embed", file, "--click", "#save", "--timeout", "1s")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"! " + dispositionCall,
		"error (could not ask): http://127.0.0.1:1/form.html could not be fetched",
		"! " + messageShape,
		`error (could not ask): no element of the page matches "#save" (waited 1s)`,
		"5 checks: 0 passed, 0 failed, 5 errors, 0 skipped",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	assertNoBrowserLeft(t, r.tmp)
}

func TestCLIUsage(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, []byte("<!doctype html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--embed", file}, "--embed needs the user action"},
		{[]string{"--embed", file, "--click", "#a", "--eval", "1"}, "--click and --eval both given"},
		{[]string{"--form", "ftp://example.test/form.html"}, "give an http(s) URL or a file's path"},
		{[]string{"--form", "/no/such/form.html"}, "--form:"},
		{[]string{"--form", file, "--expect-origin", "https://crm.example.test/path"}, "an origin has no path"},
		{[]string{"--fault", "no-such-fault"}, `--fault "no-such-fault": not a built-in faulty page`},
		{[]string{"--fault", "form-vendor", "--fault", "form-unguarded"}, "give one per side"},
		{[]string{"--fault", "form-vendor", "--form", file}, "--fault picks a built-in page"},
		{[]string{"--click", "#a", "--form", file}, "--click acts in the iframe page: give --embed"},
		{[]string{"--timeout", "0s"}, "--timeout must be positive"},
	} {
		r := runUccheck(t, append([]string{"crossdomain"}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestCLIInterrupt: SIGINT while a check waits closes the browser, writes the report and exits 130.
func TestCLIInterrupt(t *testing.T) {
	needChromium(t)
	file := filepath.Join(t.TempDir(), "silent.html")
	if err := os.WriteFile(file, []byte(`<!doctype html><button id="save">Save</button>`), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(t.TempDir(), "crossdomain.xml")
	cmd, stdout, stderr, tmp := startUccheck(t, "crossdomain", "--embed", file, "--click", "#save", "--timeout", "30s", "--junit", junit)
	// Wait until the browser runs, then interrupt while the harness waits for a message.
	deadline := time.Now().Add(20 * time.Second)
	for len(processesMentioning(tmp)) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	r := finish(t, cmd, stdout, stderr, tmp)
	if r.code != 130 {
		t.Fatalf("exit %d, want 130\n%s%s", r.code, r.stdout, r.stderr)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("uccheck took %s to stop after SIGINT", took)
	}
	if !strings.Contains(r.stdout, "skipped: not run: interrupted") {
		t.Errorf("output:\n%s", r.stdout)
	}
	readJUnit(t, junit)
	assertNoBrowserLeft(t, r.tmp)
}
