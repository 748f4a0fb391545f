package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A report folder uccheck cannot write in is refused before anything is sent, not found out
// after every flow ran (exit 2 then, with the sessions already spent).
func TestAttackReportFolderNotWritable(t *testing.T) {
	if fi, err := os.Stat("/proc/self"); err != nil || !fi.IsDir() {
		t.Skip("no /proc: no folder even root cannot write in")
	}
	o := &Options{JUnit: "/proc/report.xml"}
	err := o.checkReportPaths()
	if err == nil || !strings.Contains(err.Error(), "--junit /proc/report.xml") {
		t.Fatalf("got %v, want an error naming --junit and its path", err)
	}
	// A writable folder passes, and the probe leaves nothing behind.
	dir := t.TempDir()
	o = &Options{JSON: filepath.Join(dir, "r.json")}
	if err := o.checkReportPaths(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("the probe left %v", left)
	}
}

// Two reports on one path would leave only the last; a report on an input file (a typo such as
// --junit tenants.txt) would destroy it. Both are refused before anything is sent.
func TestAttackReportPathCollides(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "tenants.txt")
	if err := os.WriteFile(list, []byte("acme.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	same := filepath.Join(dir, "r.out")
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{JUnit: same, JSON: same}, "--json " + same + ": also the path of --junit"},
		{Options{JUnit: same, HTML: filepath.Join(dir, ".", "r.out")}, "also the path of --junit"},
		{Options{DomainsFile: list, JUnit: list}, "--junit " + list + ": is --domains-file"},
		{Options{Collections: []string{list}, JSON: list}, "is --collection"},
		{Options{Environment: list, HTML: list}, "is --environment"},
	} {
		err := tc.o.checkReportPaths()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.o, err, tc.want)
		}
	}
	if b, _ := os.ReadFile(list); string(b) != "acme.example\n" {
		t.Fatal("the input file changed")
	}
}
