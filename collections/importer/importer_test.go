package importer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/collections"
	goldenflag "github.com/uccheck/uccheck/internal/golden"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/ucsim"
)

// The exit codes `uccheck import` maps Run's result to.
const (
	exitOK    = 0
	exitUsage = 2
)

// fixtureDir holds the realistic exports shared with the collections package's tests; absolute,
// since tests change the working folder.
var fixtureDir = func() string {
	d, err := filepath.Abs(filepath.Join("..", "testdata", "import"))
	if err != nil {
		panic(err)
	}
	return d
}()

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// result is what one import printed and the exit code `uccheck import` makes of it.
type result struct {
	out, err string
	code     int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.out, r.err)
}

// run imports as `uccheck import args...` would (the file and the flags these tests use), and
// prints Run's error on stderr as the command does.
func run(stdin []byte, args ...string) result {
	var out, errOut bytes.Buffer
	o := Options{In: bytes.NewReader(stdin), Out: &out, Err: &errOut}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--to":
			i++
			o.To = args[i]
		case "--secret-pattern":
			i++
			o.SecretPatterns = append(o.SecretPatterns, args[i])
		case "--logout-item":
			i++
			o.Roles.Logout = args[i]
		case "--diff":
			o.Diff = true
		case "--force":
			o.Force = true
		case "--dry-run":
			o.DryRun = true
		default:
			o.File = a
		}
	}
	code := exitOK
	if err := Run(o); err != nil {
		fmt.Fprintf(&errOut, "uccheck: %v\n", err)
		code = exitUsage
	}
	return result{out: out.String(), err: errOut.String(), code: code}
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

// golden compares got with testdata/name, or rewrites it with -update. pkgDir is the package
// folder (the test may have changed the working folder).
func golden(t *testing.T, pkgDir, name, got string) {
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

var sekritRE = regexp.MustCompile(`SEKRIT-[A-Za-z0-9-]+`)
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{8,}={0,2}`)

func TestImportGolden(t *testing.T) {
	pkg := pkgDir(t)
	for _, tt := range []struct{ fixture, golden, slug string }{
		{"vendor-v21.postman_collection.json", "import-v21.txt", "ucontact-integra-api-v6"},
		{"vendor-v20.postman_collection.json", "import-v20.txt", "integra-v5-2-0"},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			inTempDir(t, map[string]string{"vendor.json": tt.fixture})
			r := run(nil, "vendor.json")
			if r.code != exitOK {
				t.Fatal(r)
			}
			golden(t, pkg, tt.golden, r.out)
			written, err := os.ReadFile(filepath.Join("collections", tt.slug+".json"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(pkg, "testdata", "golden", strings.TrimSuffix(tt.fixture, ".postman_collection.json")+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(written, want) {
				t.Error("the file written differs from the golden file TestPrepareGolden checks (testdata/golden)")
			}
			if entries, _ := os.ReadDir("collections"); len(entries) != 1 {
				t.Errorf("the target folder holds %d files (a temporary file left behind?)", len(entries))
			}
		})
	}
}

func TestImportChangesGolden(t *testing.T) {
	pkg := pkgDir(t)
	inTempDir(t, map[string]string{"previous.json": "vendor-v21-previous.postman_collection.json", "vendor.json": "vendor-v21.postman_collection.json"})
	if r := run(nil, "previous.json", "--to", "integra.json"); r.code != exitOK {
		t.Fatal(r)
	}
	r := run(nil, "vendor.json", "--to", "integra.json", "--diff")
	if r.code != exitOK {
		t.Fatal(r)
	}
	golden(t, pkg, "import-changes-diff.txt", r.out)
	again := run(nil, "vendor.json", "--to", "integra.json")
	if again.code != exitOK || !strings.Contains(again.out, "integra.json already holds this collection: nothing to write.") {
		t.Errorf("a second import of the same export:\n%s", again)
	}
}

// TestImportNeverPrintsASecret: whatever the flags, no secret of the input reaches stdout,
// stderr or the file written.
func TestImportNeverPrintsASecret(t *testing.T) {
	v21, v20, prev := fixture(t, "vendor-v21.postman_collection.json"), fixture(t, "vendor-v20.postman_collection.json"), fixture(t, "vendor-v21-previous.postman_collection.json")
	// A collection whose only problem is a bad item, with secrets around it: the problem is
	// reported, and nothing secret with it.
	at := bytes.Index(v21, []byte(`SMS/send",`))
	host := bytes.Index(v21[at:], []byte(`"host": [`))
	if at < 0 || host < 0 {
		t.Fatal("could not break the fixture")
	}
	bad := slices.Concat(v21[:at], []byte(`SMS/send", "note": "SEKRIT-bad-item-99",`), v21[at+len(`SMS/send",`):at+host],
		[]byte(`"host": 5, "was": [`), v21[at+host+len(`"host": [`):])
	secrets := secretsIn(t, v21, v20, prev, bad)
	cases := []struct {
		name  string
		setup map[string]string
		stdin []byte
		args  []string
	}{
		{"v21", nil, nil, []string{"in.json", "--to", "out.json"}},
		{"v20 --diff", nil, nil, []string{"in20.json", "--to", "out.json", "--diff"}},
		{"over a previous import, --diff", map[string]string{"prev": "in-prev.json"}, nil, []string{"in.json", "--to", "out.json", "--diff"}},
		{"over a hand-edited file with secrets, --diff --force", map[string]string{"raw": "in-prev.json"}, nil, []string{"in.json", "--to", "out.json", "--diff", "--force"}},
		{"over a hand-edited file, refused", map[string]string{"raw": "in-prev.json"}, nil, []string{"in.json", "--to", "out.json", "--diff"}},
		{"stdin --dry-run --secret-pattern", nil, v21, []string{"-", "--to", "out.json", "--dry-run", "--diff", "--secret-pattern", `acme\.[a-z]+`}},
		{"a bad item", nil, nil, []string{"bad.json", "--to", "out.json"}},
		{"no role", nil, nil, []string{"in.json", "--to", "out.json", "--logout-item", "Nope"}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for name, data := range map[string][]byte{"in.json": v21, "in20.json": v20, "in-prev.json": prev, "bad.json": bad} {
				if err := os.WriteFile(name, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if src, ok := tt.setup["prev"]; ok {
				if r := run(nil, src, "--to", "out.json"); r.code != exitOK {
					t.Fatal(r)
				}
			}
			if src, ok := tt.setup["raw"]; ok { // a file someone copied in by hand, secrets and all
				data, _ := os.ReadFile(src)
				if err := os.WriteFile("out.json", data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := run(tt.stdin, tt.args...)
			written, _ := os.ReadFile("out.json")
			if _, raw := tt.setup["raw"]; raw && r.code != exitOK {
				written = nil // refused: the hand-made file is still there, as it was
			}
			for _, s := range secrets {
				for where, text := range map[string]string{"stdout": r.out, "stderr": r.err, "the file written": string(written)} {
					if strings.Contains(text, s) {
						t.Errorf("secret %q in %s:\n%s", s, where, r)
					}
				}
			}
			if r.out == "" && r.err == "" {
				t.Error("printed nothing")
			}
		})
	}
}

func TestImportLocalChanges(t *testing.T) {
	inTempDir(t, map[string]string{"previous.json": "vendor-v21-previous.postman_collection.json", "vendor.json": "vendor-v21.postman_collection.json"})
	if r := run(nil, "previous.json", "--to", "c.json"); r.code != exitOK {
		t.Fatal(r)
	}
	imported, _ := os.ReadFile("c.json")

	// Reformatting is not a local change.
	var reformatted bytes.Buffer
	if err := json.Indent(&reformatted, imported, "", "\t"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("c.json", reformatted.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(nil, "vendor.json", "--to", "c.json", "--dry-run"); r.code != exitOK {
		t.Errorf("a reformatted file counts as edited:\n%s", r)
	}

	// An edit is: refused without --force, and the file is left as it is.
	edited := bytes.Replace(imported, []byte(`"value": "es"`), []byte(`"value": "en"`), 1)
	if bytes.Equal(edited, imported) {
		t.Fatal("could not edit the file")
	}
	if err := os.WriteFile("c.json", edited, 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(nil, "vendor.json", "--to", "c.json")
	if r.code != exitUsage || !strings.Contains(r.err, "c.json has local changes: it was changed after uccheck import wrote it") || !strings.Contains(r.err, "--force") {
		t.Errorf("an edited file was not refused:\n%s", r)
	}
	if now, _ := os.ReadFile("c.json"); !bytes.Equal(now, edited) {
		t.Error("the refused import changed the file")
	}
	if !strings.Contains(r.out, "Changes against c.json") {
		t.Errorf("the refusal does not show what would change:\n%s", r)
	}
	// --force overwrites.
	r = run(nil, "vendor.json", "--to", "c.json", "--force")
	if r.code != exitOK || !strings.Contains(r.out, "Wrote c.json") {
		t.Fatalf("--force:\n%s", r)
	}

	// A file uccheck did not write is a local change too, unless its content is what we write.
	if err := os.WriteFile("hand.json", fixture(t, "vendor-v21-previous.postman_collection.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(nil, "vendor.json", "--to", "hand.json"); r.code != exitUsage || !strings.Contains(r.err, "not written by uccheck import") {
		t.Errorf("a hand-made file was overwritten:\n%s", r)
	}
	if err := os.WriteFile("hand.json", fixture(t, "vendor-v21.postman_collection.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(nil, "vendor.json", "--to", "hand.json"); r.code != exitOK || !strings.Contains(r.out, "No change in the collection's content") {
		t.Errorf("a raw export of the same collection was refused:\n%s", r)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	inTempDir(t, map[string]string{"vendor.json": "vendor-v21.postman_collection.json"})
	r := run(nil, "vendor.json", "--dry-run", "--diff")
	if r.code != exitOK || !strings.Contains(r.out, "Dry run: would write collections/ucontact-integra-api-v6.json (nothing written).") {
		t.Fatal(r)
	}
	if !strings.Contains(r.out, "--- /dev/null\n+++ b/collections/ucontact-integra-api-v6.json\n") {
		t.Errorf("--diff of a new file:\n%s", r.out)
	}
	if _, err := os.Stat("collections"); !os.IsNotExist(err) {
		t.Errorf("--dry-run created the target folder: %v", err)
	}
}

func TestImportStdinAndFolderTarget(t *testing.T) {
	inTempDir(t, nil)
	if err := os.Mkdir("colls", 0o755); err != nil {
		t.Fatal(err)
	}
	// With a byte order mark, as Windows tools write.
	r := run(append([]byte("\xef\xbb\xbf"), fixture(t, "vendor-v20.postman_collection.json")...), "-", "--to", "colls")
	if r.code != exitOK || !strings.Contains(r.out, "from stdin") {
		t.Fatal(r)
	}
	if _, err := collections.Load(filepath.Join("colls", "integra-v5-2-0.json")); err != nil {
		t.Fatal(err)
	}
}

func TestImportMalformed(t *testing.T) {
	noLogout := `{"info":{"name":"x"},"item":[{"name":"login","request":{"method":"POST","url":"https://h/Integra/resources/auth/getUserToken"}},{"name":"probe","request":"https://h/Integra/resources/Supervisor/campaignstatus"}]}`
	tests := []struct {
		name  string
		input string
		args  []string
		want  []string // in stderr
	}{
		{"not JSON", "{\n  \"info\": {\"name\": \"x\"},\n  \"item\": [,]\n}", nil, []string{"in.json", "line 3, column", "not valid JSON", "nothing written"}},
		{"truncated", `{"info": {"name": "x"}, "item": [`, nil, []string{"in.json", "line 1", "nothing written"}},
		{"empty file", ``, nil, []string{"in.json", "nothing written"}},
		{"null", `null`, nil, []string{"in.json", "null"}},
		{"an array", `[1, 2]`, nil, []string{"in.json"}},
		{"an environment, not a collection", `{"id":"e","name":"prod","values":[{"key":"a","value":"b"}],"_postman_variable_scope":"environment"}`, nil, []string{"in.json", `no "info.name" and no "item"`}},
		{"two bad items", `{"info":{"name":"x"},"item":[{"name":"F","item":[{"name":"one","request":{"url":5}}]},{"name":"two","request":42},{"name":"ok","request":"https://h/x"}]}`, nil,
			[]string{`item "F / one"`, `item "two"`, "2 problems; nothing written"}},
		{"no logout item", noLogout, nil, []string{"no item for the logout role: looked for an item whose URL path ends with /auth/EndSession", "nothing written"}},
		{"an unknown override", noLogout, []string{"--logout-item", "Salir"}, []string{`--logout-item: no item is named or has the path "Salir"`}},
		{"a bad --secret-pattern", `{}`, []string{"--secret-pattern", "a("}, []string{`--secret-pattern "a("`}},
		{"a --secret-pattern that matches everything", `{}`, []string{"--secret-pattern", "x*"}, []string{"matches the empty string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inTempDir(t, nil)
			if err := os.WriteFile("in.json", []byte(tt.input), 0o644); err != nil {
				t.Fatal(err)
			}
			r := run(nil, append([]string{"in.json", "--to", "out/c.json"}, tt.args...)...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d:\n%s", r.code, exitUsage, r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r)
				}
			}
			if _, err := os.Stat("out"); !os.IsNotExist(err) {
				t.Errorf("something was written: %v", err)
			}
		})
	}
	t.Run("a missing file", func(t *testing.T) {
		inTempDir(t, nil)
		r := run(nil, "nope.json")
		if r.code != exitUsage || !strings.Contains(r.err, "nope.json") {
			t.Error(r)
		}
	})
}

// TestImportedCollectionsRunGreen: an imported collection loads, its roles are found, and the
// whole flow runs against the simulator with every step answered and every check passing.
func TestImportedCollectionsRunGreen(t *testing.T) {
	for _, fx := range []string{"vendor-v21.postman_collection.json", "vendor-v20.postman_collection.json"} {
		t.Run(fx, func(t *testing.T) {
			inTempDir(t, map[string]string{"vendor.json": fx})
			if r := run(nil, "vendor.json", "--to", "c.json"); r.code != exitOK {
				t.Fatal(r)
			}
			coll, err := collections.Load("c.json")
			if err != nil {
				t.Fatal(err)
			}
			roles, err := coll.Roles()
			if err != nil {
				t.Fatal(err)
			}
			sim := ucsim.New(ucsim.Options{})
			defer sim.Close()
			client := runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()})
			defer client.CloseIdleConnections()
			tr, err := runner.Run(context.Background(), runner.Options{
				BaseURL: sim.URL, User: sim.User(), Password: sim.Password(),
				CollectionVars: coll.Variables, Roles: roles, Source: coll.Source, Client: client,
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, step := range runner.Flow {
				ex := tr.Get(step)
				if ex == nil || ex.Response == nil {
					t.Errorf("step %s: no response (%+v)", step, ex)
				}
			}
			if tr.Aborted != "" || sim.LiveSessions() != 0 {
				t.Errorf("aborted %q, %d live sessions", tr.Aborted, sim.LiveSessions())
			}
			// Judging runs once per process (Ginkgo): the end-to-end tests run the real binary on
			// an imported collection and check that every check passes.
		})
	}
}

// secretsIn lists the secrets of fixtures: every SEKRIT-… marker, and every token-shaped value
// with the text it decodes to and its session part.
func secretsIn(t *testing.T, data ...[]byte) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, d := range data {
		for _, m := range sekritRE.FindAllString(string(d), -1) {
			add(m)
		}
		for _, m := range base64Run.FindAllString(string(d), -1) {
			if collections.LooksLikeCredential(m) {
				raw, _ := base64.StdEncoding.DecodeString(m)
				_, rest, _ := strings.Cut(string(raw), ":")
				add(m)
				add(string(raw))
				add(rest)
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d secrets in the fixtures: the test would prove little", len(out))
	}
	return out
}
