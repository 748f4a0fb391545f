package textdiff

import (
	"math/rand"
	"strings"
	"testing"
)

// The package has no golden files; it takes -update so that `go test ./... -update` runs here too.

// lcs is the textbook O(NM) longest common subsequence length, the oracle for minimality.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] >= cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// check asserts that ops is a valid edit script from a to b, and a shortest one.
func check(t *testing.T, a, b []string) {
	t.Helper()
	ops := Lines(a, b)
	var gotA, gotB []string
	equal := 0
	for _, op := range ops {
		switch op.Kind {
		case Equal:
			if a[op.A] != b[op.B] {
				t.Fatalf("Equal op joins different lines %q and %q", a[op.A], b[op.B])
			}
			gotA, gotB = append(gotA, a[op.A]), append(gotB, b[op.B])
			equal++
		case Delete:
			gotA = append(gotA, a[op.A])
		case Insert:
			gotB = append(gotB, b[op.B])
		}
	}
	if strings.Join(gotA, "|") != strings.Join(a, "|") || strings.Join(gotB, "|") != strings.Join(b, "|") {
		t.Fatalf("edit script does not replay: a=%q b=%q ops=%v", a, b, ops)
	}
	if want := lcs(a, b); equal != want {
		t.Fatalf("edit script keeps %d lines, the LCS has %d: a=%q b=%q", equal, want, a, b)
	}
}

func TestLinesShortest(t *testing.T) {
	cases := [][2]string{
		{"", ""}, {"a", ""}, {"", "a"}, {"a", "a"}, {"abc", "abc"}, {"abc", "axc"},
		{"abcabba", "cbabac"}, {"aaaa", "aa"}, {"ab", "ba"}, {"abcdef", "fedcba"}, {"xaxbxc", "abc"},
	}
	for _, c := range cases {
		check(t, strings.Split(c[0], ""), strings.Split(c[1], ""))
	}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 3000; n++ {
		gen := func() []string {
			s := make([]string, r.Intn(25))
			for i := range s {
				s[i] = string(rune('a' + r.Intn(1+r.Intn(5))))
			}
			return s
		}
		check(t, gen(), gen())
	}
}

func TestUnified(t *testing.T) {
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"
	new := "a\nb\nC\nd\ne\nf\ng\nh\ni\nj\nk\nl\n"
	got := Unified("a/x.json", "b/x.json", old, new)
	want := `--- a/x.json
+++ b/x.json
@@ -1,6 +1,6 @@
 a
 b
-c
+C
 d
 e
 f
@@ -9,3 +9,4 @@
 i
 j
 k
+l
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := Unified("a", "b", old, old); got != "" {
		t.Errorf("equal texts: got %q", got)
	}
	got = Unified("a", "b", "", "x\ny")
	want = "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = Unified("a", "b", "p\nq\n", "p\n")
	want = "--- a\n+++ b\n@@ -1,2 +1 @@\n p\n-q\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLargeReplacementIsLinearSpace(t *testing.T) {
	var a, b []string
	for i := 0; i < 5000; i++ {
		a = append(a, "old line\n")
		b = append(b, "new line\n")
	}
	del, ins := Count(a, b)
	if del != 5000 || ins != 5000 {
		t.Fatalf("Count = -%d +%d", del, ins)
	}
}
