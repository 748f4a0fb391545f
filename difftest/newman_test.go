// Package difftest proves uccheck's collection pass against Newman, the reference: each realistic
// exported collection under testdata/postman runs through both, against the same simulator,
// and every pm.test must have the same outcome (passed, failed, skipped) in both, in the same
// order. It needs Node and Newman (see NewmanVersion); without them it skips, saying why, except
// in CI (CI=true), where it fails so that a missing install cannot pass unnoticed.
package difftest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/ucsim"
)

// NewmanVersion is the Newman the differential test is pinned to.
const NewmanVersion = "6.2.2"

// runTimeout bounds each Newman and uccheck run, so that a hang fails the test instead of CI.
const runTimeout = 2 * time.Minute

// installHint is how to install the pinned Newman (tools/newman/package-lock.json pins every
// dependency too) where the test looks for it.
const installHint = "npm ci --prefix tools/newman --no-audit --no-fund"

// knownDivergences are pm.tests whose outcome differs on purpose: Newman has a known defect
// there, and uccheck does what the Postman app does. uccheck must pass them; Newman must not.
// They live in their own collection (divergence-*.postman_collection.json): in every other
// collection each pm.test must agree.
var knownDivergences = map[string]string{
	"disabled environment entry ignored": `Newman uses environment entries exported with "enabled": false (newman#1710, newman#2986); uccheck ignores them`,
}

type dcase struct {
	name       string
	collection string
	env        string
	globals    string
	data       string
	iterations int
}

var cases = []dcase{
	{name: "uContact vendor export", collection: "uContact-integra.postman_collection.json", env: "uContact.postman_environment.json"},
	{name: "bodies auth variables", collection: "bodies-and-auth.postman_collection.json"},
	{name: "legacy v2.0 JSON data", collection: "legacy-v20-data.postman_collection.json", env: "legacy.postman_environment.json", globals: "legacy.postman_globals.json", data: "legacy-data.json"},
	{name: "legacy v2.0 CSV data 2 iterations", collection: "legacy-v20-data.postman_collection.json", env: "legacy.postman_environment.json", globals: "legacy.postman_globals.json", data: "legacy-data.csv", iterations: 2},
	{name: "edge cases", collection: "edge-cases.postman_collection.json"},
	// Not part of the set that must agree: it pins the one documented divergence.
	{name: "known divergence", collection: "divergence-disabled-environment.postman_collection.json", env: "legacy.postman_environment.json"},
}

// outcome is one pm.test's result in one run.
type outcome struct {
	Item      string
	Iteration int
	Test      string
	Status    string // passed, failed, skipped
}

func (o outcome) String() string {
	return fmt.Sprintf("%s [iteration %d] › %s: %s", o.Item, o.Iteration+1, o.Test, o.Status)
}

func TestCollectionsAgainstNewman(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the differential test runs Newman")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	newman := findNewman(t, root)
	bin := buildUccheck(t, root)
	dir := filepath.Join(root, "testdata", "postman")

	sim := ucsim.New(ucsim.Options{})
	t.Cleanup(sim.Close) // after the parallel cases, not when this function returns
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, sim.CAPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(sim.URL, "https://")

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each case has its own sessions and folder; Newman mostly waits on Node's start
			out := t.TempDir()
			want := runNewman(t, newman, dir, out, host, sim, c)
			got := runUccheck(t, bin, dir, out, ca, sim, c)
			compare(t, want, got)
		})
	}
}

func findNewman(t *testing.T, root string) string {
	t.Helper()
	missing := func(why string) {
		msg := fmt.Sprintf("%s: the differential test against Newman %s needs Node and Newman; install with: %s", why, NewmanVersion, installHint)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not on PATH")
	}
	newman := os.Getenv("UCCHECK_NEWMAN")
	if newman == "" {
		newman = filepath.Join(root, "tools", "newman", "node_modules", ".bin", "newman")
		// Also a project-local install such as: npm install --prefix .tools newman@6.2.2
		if alt := filepath.Join(root, ".tools", "node_modules", ".bin", "newman"); !exists(newman) && exists(alt) {
			newman = alt
		}
	}
	if _, err := os.Stat(newman); err != nil {
		missing("newman not found at " + newman + " (or set UCCHECK_NEWMAN)")
	}
	v, err := exec.Command(newman, "--version").Output()
	if err != nil {
		missing(fmt.Sprintf("%s --version: %v", newman, err))
	}
	if got := strings.TrimSpace(string(v)); got != NewmanVersion {
		t.Fatalf("newman is %s, the differential test is pinned to %s: %s", got, NewmanVersion, installHint)
	}
	return newman
}

func goTool() string { return filepath.Join(runtime.GOROOT(), "bin", "go") }

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func buildUccheck(t *testing.T, root string) string {
	t.Helper()
	return uccheckBin(t)
}

// passFlags are the case's environment, globals and iteration flags: the same names in Newman
// and uccheck.
func (c dcase) passFlags() []string {
	var args []string
	if c.env != "" {
		args = append(args, "--environment", c.env)
	}
	if c.globals != "" {
		args = append(args, "--globals", c.globals)
	}
	if c.data != "" {
		args = append(args, "--iteration-data", c.data)
	}
	if c.iterations > 0 {
		args = append(args, "--iteration-count", fmt.Sprint(c.iterations))
	}
	return args
}

func runNewman(t *testing.T, newman, dir, out, host string, sim *ucsim.Server, c dcase) []outcome {
	t.Helper()
	report := filepath.Join(out, "newman.json")
	args := []string{"run", c.collection, "--insecure", "--working-dir", dir,
		"--env-var", "domain=" + host, "--env-var", "user=" + sim.User(), "--env-var", "password=" + sim.Password(),
		"--reporters", "cli,json", "--reporter-json-export", report, "--timeout-request", "10000"}
	args = append(args, c.passFlags()...)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, newman, args...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	logPath := filepath.Join(out, "newman.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("newman: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Newman ends by setting process.exitCode and waiting for Node's event loop to drain, which
	// an idle keep-alive connection to the simulator can hold open: once the report is
	// complete, give it a moment, then end it.
	err = nil
	for waiting := true; waiting; {
		select {
		case err = <-done:
			waiting = false
		case <-time.After(200 * time.Millisecond):
			if data, rerr := os.ReadFile(report); rerr == nil && json.Valid(data) {
				select {
				case err = <-done:
				case <-time.After(3 * time.Second):
					_ = cmd.Process.Kill()
					<-done
					err = nil
				}
				waiting = false
			}
		}
	}
	logf.Close()
	if err != nil {
		// Newman exits 1 when a test fails, which the collections do on purpose.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("newman: %v\n%s", err, b)
		}
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("newman wrote no report: %v", err)
	}
	var doc struct {
		Run struct {
			Executions []struct {
				Item       struct{ Name string }
				Cursor     struct{ Iteration int }
				Assertions []struct {
					Assertion string
					Skipped   bool
					Error     *struct{ Message string }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("newman's JSON report: %v", err)
	}
	var out2 []outcome
	for _, e := range doc.Run.Executions {
		for _, a := range e.Assertions {
			st := "passed"
			switch {
			case a.Skipped:
				st = "skipped"
			case a.Error != nil:
				st = "failed"
			}
			out2 = append(out2, outcome{Item: e.Item.Name, Iteration: e.Cursor.Iteration, Test: a.Assertion, Status: st})
		}
	}
	return out2
}

func runUccheck(t *testing.T, bin, dir, out, ca string, sim *ucsim.Server, c dcase) []outcome {
	t.Helper()
	report := filepath.Join(out, "uccheck.xml")
	args := []string{"run", "--base-url", sim.URL, "--ca-cert", ca, "--user", sim.User(),
		"--collection", c.collection, "--all-items", "--working-dir", dir, "--junit", report, "--no-color"}
	args = append(args, c.passFlags()...)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "UCCHECK_PASSWORD="+sim.Password())
	b, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("uccheck: %v (want exit 1: the collections hold failing tests)\n%s", err, b)
	}
	if _, err := os.Stat(report); err != nil {
		t.Fatalf("uccheck wrote no JUnit report: %v\n%s", err, b)
	}
	doc := testutil.ReadJUnit(t, report)
	var got []outcome
	for _, s := range doc.Suites {
		for _, tc := range s.Cases {
			props := map[string]string{}
			for _, p := range tc.Properties {
				props[p.Name] = p.Value
			}
			if props["check"] != "" && tc.Failure != nil {
				t.Errorf("contract check failed against the simulator: %s", tc.Name)
			}
			if props["kind"] == "pm.error" && props["test"] != "script error" {
				t.Errorf("uccheck could not run %s: %s", tc.Name, tc.Error.Message)
			}
			if props["kind"] != "pm.test" {
				continue
			}
			st := "passed"
			switch {
			case tc.Skipped != nil:
				st = "skipped"
			case tc.Failure != nil:
				st = "failed"
			case tc.Error != nil:
				st = "error"
			}
			var iter int
			fmt.Sscan(props["iteration"], &iter)
			item := props["item"]
			if i := strings.LastIndex(item, " / "); i >= 0 {
				item = item[i+3:]
			}
			got = append(got, outcome{Item: item, Iteration: iter - 1, Test: props["test"], Status: st})
		}
	}
	return got
}

func compare(t *testing.T, want, got []outcome) {
	t.Helper()
	failed, passed := 0, 0
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g outcome
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w.Status == "failed" {
			failed++
		}
		if w.Status == "passed" {
			passed++
		}
		if why, known := knownDivergences[w.Test]; known && w.Test == g.Test && w.Item == g.Item {
			if g.Status != "passed" || w.Status == "passed" {
				t.Errorf("#%d %s: known divergence (%s) no longer holds: newman %s, uccheck %s", i+1, w.Test, why, w.Status, g.Status)
			}
			continue
		}
		if w != g {
			t.Errorf("#%d differs:\n  newman:  %v\n  uccheck: %v", i+1, w, g)
		}
	}
	if len(want) == 0 || failed == 0 || passed == 0 {
		t.Errorf("newman ran %d pm.tests (%d failed, %d passed): each collection must hold passing and failing tests", len(want), failed, passed)
	}
	t.Logf("%d pm.tests compared (%d meant to fail)", len(want), failed)
}
