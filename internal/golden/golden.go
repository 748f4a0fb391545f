// Package golden holds the -update flag of every test package, so that `go test ./... -update`
// regenerates the golden files under each package's testdata/ (review them in the diff), and the
// one comparison every golden test uses. A test package without golden files imports it for the
// flag alone.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Update is true under `go test ... -update`: tests rewrite their golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Assert compares got with the golden file at path, or writes it there under -update (creating
// its folder). A difference fails the test with the first lines that differ.
func Assert(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (go test -update creates it; review the diff)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("output differs from %s (go test -update rewrites it; review the diff):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff describes the first line where got differs from want, with a line of context each side.
func Diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b || i >= len(w) || i >= len(g) {
			var s strings.Builder
			fmt.Fprintf(&s, "line %d:\n", i+1)
			if i > 0 && i-1 < len(w) {
				fmt.Fprintf(&s, "  same: %q\n", w[i-1])
			}
			fmt.Fprintf(&s, "  want: %q\n  got:  %q", a, b)
			return s.String()
		}
	}
	return "(no difference)"
}
