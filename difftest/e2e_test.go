package difftest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/internal/testutil"
	"github.com/uccheck/uccheck/ucsim"
)

// uccheckBin is the binary built once for every end-to-end package of the run.
func uccheckBin(t *testing.T) string {
	t.Helper()
	return testutil.Uccheck(t)
}

// uccheck runs the binary with args against sim (nil: no --base-url) and returns its output and
// exit code.
func uccheck(t *testing.T, sim *ucsim.Server, args ...string) (string, int) {
	t.Helper()
	if sim != nil {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, sim.CAPEM(), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--base-url", sim.URL, "--ca-cert", ca, "--user", sim.User())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, uccheckBin(t), args...)
	cmd.Dir = "testdata"
	cmd.Env = []string{"NO_COLOR=1", "HOME=" + t.TempDir()}
	if sim != nil { // with no target uccheck runs its simulator and refuses credentials
		cmd.Env = append(cmd.Env, "UCCHECK_PASSWORD="+ucsim.DefaultPassword)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), code
}

// TestRunWithNoFlags: the embedded collection has no scripts, so a run sends no collection pass.
func TestRunWithNoFlags(t *testing.T) {
	out, code := uccheck(t, nil, "run")
	if code != 0 || !strings.Contains(out, "15 checks: 15 passed") || strings.Contains(out, "collection pass") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestRoleItemsWithScripts: a collection whose role items carry pm.tests gets its collection
// pass by default, judged beside the checks (three of its tests are meant to fail).
func TestRoleItemsWithScripts(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	out, code := uccheck(t, sim, "run", "--collection", "../../testdata/postman/uContact-integra.postman_collection.json")
	if code != 1 || !strings.Contains(out, "15 checks: 15 passed") || !strings.Contains(out, "collection tests: 17 passed, 3 failed, 0 errors, 1 skipped") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if n := sim.LiveSessions(); n != 0 {
		t.Errorf("%d sessions left open", n)
	}
}

func TestFolderPassWithIterationData(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	junit := filepath.Join(t.TempDir(), "r.xml")
	out, code := uccheck(t, sim, "run", "--collection", "e2e.postman_collection.json", "--folder", "Auth",
		"--iteration-data", "rows.csv", "--junit", junit, "--verbose")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (row 2 fails)\n%s", code, out)
	}
	for _, w := range []string{
		"contract checks skipped", // no login/probe/logout roles in this collection
		"✓ Auth / login › row 1 [iteration 1/2]",
		"✗ Auth / login › row 2 [iteration 2/2]",
		"password is [redacted]",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, ucsim.DefaultPassword) {
		t.Errorf("the password leaked:\n%s", out)
	}
	if sim.Calls("/_ucsim/echo/w") != 0 {
		t.Error("--folder Auth ran an item of another folder")
	}
	if sim.LiveSessions() != 0 {
		t.Errorf("%d sessions left open", sim.LiveSessions())
	}
	doc := testutil.ReadJUnit(t, junit)
	names := map[string]string{}
	for _, tc := range doc.Suites[0].Cases {
		st := "passed"
		switch {
		case tc.Failure != nil:
			st = "failure"
		case tc.Error != nil:
			st = "error"
		case tc.Skipped != nil:
			st = "skipped"
		}
		names[tc.Name] = st
	}
	if names["Auth / login › row 1 [iteration 1/2]"] != "passed" || names["Auth / login › row 2 [iteration 2/2]"] != "failure" {
		t.Errorf("JUnit testcases: %v", names)
	}
}

func TestScriptErrorIsAJUnitError(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	junit := filepath.Join(t.TempDir(), "r.xml")
	out, code := uccheck(t, sim, "run", "--collection", "e2e.postman_collection.json", "--folder", "Writes", "--junit", junit)
	if code != 3 {
		t.Errorf("exit %d, want 3 (an error, no failure)\n%s", code, out)
	}
	doc := testutil.ReadJUnit(t, junit)
	found := false
	for _, tc := range doc.Suites[0].Cases {
		if tc.Name == "Writes / broken script › script error" && tc.Error != nil {
			found = true
			for _, w := range []string{`item "Writes / broken script"`, "test script of the item", "line 3", "ReferenceError"} {
				if !strings.Contains(tc.Error.Message, w) {
					t.Errorf("error message %q lacks %q", tc.Error.Message, w)
				}
			}
		}
	}
	if !found {
		data, _ := os.ReadFile(junit)
		t.Errorf("no <error> testcase for the script error:\n%s", data)
	}
}

func TestLoadTimeErrorsExit2BeforeSending(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := `{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [`
	tests := []struct {
		name, file string
		want       []string
	}{
		{"unresolved variable", write("unresolved.json", head+`{"name": "F", "item": [{"name": "R", "request": {"method": "GET", "url": "https://{{domain}}/x?k={{apiKey}}"}}]}]}`),
			[]string{`item "F / R", URL: variable {{apiKey}} is not set`, "--var apiKey=VALUE", "nothing was sent"}},
		{"unknown auth type", write("digest.json", head+`{"name": "R", "request": {"auth": {"type": "digest", "digest": []}, "method": "GET", "url": "https://{{domain}}/x"}}]}`),
			[]string{`item "R": auth type "digest"`, "not supported"}},
		{"bad shape", write("shape.json", head+`{"name": "R", "request": {"method": "GET", "url": {"host": 3}}}]}`),
			[]string{"shape.json", `item "R", field "request.url.host"`}},
		{"roles not recognised", write("noroles.json", head+`{"name": "R", "request": {"method": "GET", "url": "https://{{domain}}/x"}}]}`),
			[]string{"no item for the login role", "--all-items or --folder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := ucsim.New(ucsim.Options{})
			defer sim.Close()
			args := []string{"run", "--collection", tt.file}
			if tt.name != "roles not recognised" && tt.name != "bad shape" {
				args = append(args, "--all-items")
			}
			out, code := uccheck(t, sim, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if n := sim.Calls(ucsim.PathGetUserToken) + sim.Calls("/x"); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}
