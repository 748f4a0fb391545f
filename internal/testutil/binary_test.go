package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSourceKey: the cache key changes with what the binary is built from (Go source, embedded
// files, go.mod) and not with tests, testdata or node_modules, so a stale binary is never reused.
func TestSourceKey(t *testing.T) {
	root := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	key := func() string {
		t.Helper()
		k, err := sourceKey(root)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write("go.mod", "module example.test\n")
	write("main.go", "package main\n")
	write("collections/c.json", "{}")
	base := key()
	for _, rel := range []string{"main_test.go", "testdata/x.json", "tools/newman/node_modules/a.js", ".git/HEAD"} {
		write(rel, "changed")
		if k := key(); k != base {
			t.Errorf("writing %s changed the key: a test-only change rebuilt the binary", rel)
		}
	}
	for _, rel := range []string{"main.go", "collections/c.json", "go.mod", "go.sum"} {
		write(rel, "changed "+rel)
		k := key()
		if k == base {
			t.Errorf("changing %s kept the key: a stale binary would be reused", rel)
		}
		base = k
	}
}

// TestUccheckBuildsOnce: the binary is built into the cache and a second call returns the same
// path without building again.
func TestUccheckBuildsOnce(t *testing.T) {
	p := Uccheck(t)
	info, err := os.Stat(p)
	if err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("%s is not an executable: %v", p, err)
	}
	if again := Uccheck(t); again != p {
		t.Errorf("second call: %s, want %s", again, p)
	}
}
