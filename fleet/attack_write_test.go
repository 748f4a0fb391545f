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
