package cli

import (
	"bytes"
	"context"
	"fmt"
	goldenflag "github.com/uccheck/uccheck/internal/golden"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/collections"
)

// fixtureDir holds the realistic exports shared with the collections package's tests; absolute,
// since tests change the working folder.
var fixtureDir = func() string {
	d, err := filepath.Abs(filepath.Join("..", "..", "..", "collections", "testdata", "import"))
	if err != nil {
		panic(err)
	}
	return d
}()

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// cliResult is what one uccheck invocation printed and returned.
type cliResult struct {
	out, err string
	code     ExitCode
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.out, r.err)
}

// uccheck runs the command line in-process with an empty environment.
func uccheck(stdin []byte, args ...string) cliResult {
	var out, errOut bytes.Buffer
	code := Main(args, IO{In: bytes.NewReader(stdin), Out: &out, Err: &errOut, Context: context.Background()})
	return cliResult{out: out.String(), err: errOut.String(), code: code}
}

// inTempDir makes a fresh working folder holding the named fixtures, and returns the absolute
// path of the fixture folder (for files read after the move).
func inTempDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for to, from := range files {
		if err := os.WriteFile(filepath.Join(dir, to), fixture(t, from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return fixtureDir
}

// cliGolden compares got with testdata/name, or rewrites it with -update. path is the package
// folder (the test may have changed the working folder).
func cliGolden(t *testing.T, pkgDir, name, got string) {
	t.Helper()
	goldenflag.Assert(t, filepath.Join(pkgDir, "testdata", name), []byte(got))
}

func pkgDir(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// parseImport parses `uccheck import` arguments through the runF seam.
func parseImport(t *testing.T, env map[string]string, args ...string) (*ImportOptions, error) {
	t.Helper()
	var out bytes.Buffer
	streams := IO{Out: &out, Err: &out, Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	var got *ImportOptions
	cmd := newImportCmd(streams, func(o *ImportOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	return got, cmd.Execute()
}

func TestImportOptions(t *testing.T) {
	o, err := parseImport(t, map[string]string{
		"UCCHECK_TO": "collections/x.json", "UCCHECK_DRY_RUN": "true", "UCCHECK_SECRET_PATTERN": "acme-[0-9]{3,6}\nkey-[a-z]+",
		"UCCHECK_LOGIN_ITEM": "Auth / Login",
	}, "vendor.json", "--probe-item", "Estado")
	if err != nil {
		t.Fatal(err)
	}
	if o.File != "vendor.json" || o.To != "collections/x.json" || !o.DryRun || o.Force || o.Diff {
		t.Errorf("options: %+v", o)
	}
	if want := []string{"acme-[0-9]{3,6}", "key-[a-z]+"}; !slices.Equal(o.SecretPatterns, want) {
		t.Errorf("SecretPatterns = %q, want %q (a comma inside a pattern must not split it)", o.SecretPatterns, want)
	}
	if o.Roles != (collections.RoleOverrides{Login: "Auth / Login", Probe: "Estado"}) {
		t.Errorf("Roles = %+v", o.Roles)
	}
}

func TestRunRoleOverrides(t *testing.T) {
	o, err := parseRun(t, map[string]string{"UCCHECK_LOGOUT_ITEM": "Salir"}, "--probe-item", "Supervisor / Agentes")
	if err != nil {
		t.Fatal(err)
	}
	if o.Roles != (collections.RoleOverrides{Probe: "Supervisor / Agentes", Logout: "Salir"}) {
		t.Errorf("Roles = %+v", o.Roles)
	}
	r := uccheck(nil, "run", "--probe-item", "nope")
	if r.code != ExitUsage || !strings.Contains(r.err, `no item for the probe role: looked for the item given with --probe-item: no item is named or has the path "nope"`) {
		t.Error(r)
	}
}

// TestImportExitCodes: the command maps the importer's refusals to exit 2 and prints why (the
// importer's own behaviour is tested in collections/importer).
func TestImportExitCodes(t *testing.T) {
	inTempDir(t, map[string]string{"vendor.json": "vendor-v21.postman_collection.json"})
	if r := uccheck(nil, "import"); r.code != ExitUsage {
		t.Errorf("no argument: %s", r)
	}
	if r := uccheck(nil, "import", "nope.json"); r.code != ExitUsage || !strings.Contains(r.err, "uccheck: reading nope.json") {
		t.Errorf("a missing file: %s", r)
	}
	if r := uccheck(nil, "import", "vendor.json", "--to", "c.json", "--secret-pattern", "a("); r.code != ExitUsage || !strings.Contains(r.err, `--secret-pattern "a("`) {
		t.Errorf("a bad --secret-pattern: %s", r)
	}
	r := uccheck(nil, "import", "vendor.json", "--to", "c.json", "--dry-run")
	if r.code != ExitOK || !strings.Contains(r.out, "Dry run: would write c.json (nothing written).") {
		t.Errorf("--dry-run: %s", r)
	}
	if r := uccheck(nil, "import", "vendor.json", "--to", "c.json"); r.code != ExitOK || !strings.Contains(r.out, "Wrote c.json") {
		t.Errorf("import: %s", r)
	}
}
