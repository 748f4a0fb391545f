package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/ucsim"
)

// TestImportThenRun: a realistic vendor export, full of secrets, imported with the real binary,
// runs green against the simulator; only the role items are sent; inspect flags the writes; and
// nothing secret of the export reaches any output.
func TestImportThenRun(t *testing.T) {
	t.Parallel()
	for _, fx := range []string{"vendor-v21.postman_collection.json", "vendor-v20.postman_collection.json"} {
		t.Run(fx, func(t *testing.T) {
			src, err := filepath.Abs(filepath.Join("..", "..", "collections", "testdata", "import", fx))
			if err != nil {
				t.Fatal(err)
			}
			export, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			coll := filepath.Join(dir, "collections", "vendor.json")
			imp := runUC(t, nil, "import", src, "--to", coll, "--diff")
			if imp.code != 0 {
				t.Fatalf("import: exit %d\n%s", imp.code, imp)
			}

			sim := ucsim.New(ucsim.Options{Password: testPassword})
			defer sim.Close()
			junit := filepath.Join(dir, "report.xml")
			run := runUC(t, map[string]string{"UCCHECK_PASSWORD": testPassword},
				"run", "--base-url", sim.URL, "--ca-cert", writeCA(t, dir, sim.CAPEM()), "--user", "Admin",
				"--collection", coll, "--junit", junit)
			if run.code != 0 || !strings.Contains(run.stdout, fmt.Sprintf("%d checks: %d passed", len(allChecks), len(allChecks))) {
				t.Fatalf("run on the imported collection: exit %d\n%s", run.code, run)
			}
			if n := sim.LiveSessions(); n != 0 {
				t.Errorf("%d sessions left open", n)
			}
			for _, path := range []string{"/Integra/resources/Telephony/makeCall", "/Integra/resources/SMS/send", "/Integra/resources/Supervisor/agentstatus"} {
				if n := sim.Calls(path); n != 0 {
					t.Errorf("%s was called %d times: only the role items may be sent", path, n)
				}
			}
			checkNoSecrets(t, sim, run, junit)

			ins := runUC(t, nil, "inspect", "--collection", coll)
			if ins.code != 0 {
				t.Fatalf("inspect: exit %d\n%s", ins.code, ins)
			}
			if fx == "vendor-v21.postman_collection.json" && !strings.Contains(ins.stdout, `looks like a write: "sms" in the path`) {
				t.Errorf("inspect does not flag the SMS item:\n%s", ins.stdout)
			}

			written := readFile(t, coll)
			for _, s := range exportSecrets(export) {
				for where, text := range map[string]string{"import stdout": imp.stdout, "import stderr": imp.stderr, "the imported file": written, "inspect": ins.stdout, "run": run.stdout + run.stderr} {
					if strings.Contains(text, s) {
						t.Errorf("secret %q of the export in %s", s, where)
					}
				}
			}
		})
	}
}

var sekrit = regexp.MustCompile(`SEKRIT-[A-Za-z0-9-]+|[A-Za-z0-9+/]{16,}={0,2}`)

// exportSecrets lists the fixture's marked secrets and its tokens (base64 of user:secret).
func exportSecrets(data []byte) []string {
	var out []string
	for _, m := range sekrit.FindAllString(string(data), -1) {
		if strings.HasPrefix(m, "SEKRIT-") || collections.LooksLikeCredential(m) {
			out = append(out, m)
		}
	}
	return out
}
