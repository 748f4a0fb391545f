package reports

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A report path that is a symlink is written through: the link stays, its target gets the report.
func TestAttackWriteFileAtomicThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.xml")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.xml")
	if err := os.Symlink("real.xml", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Fatalf("the link's target holds %q, want %q", b, "new")
	}
	// A dangling link: its target is created, the link stays.
	dangling := filepath.Join(dir, "dangling.xml")
	if err := os.Symlink("later.xml", dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dangling, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(dangling); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the dangling symlink was replaced: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "later.xml")); string(b) != "x" {
		t.Fatalf("the dangling link's target holds %q", b)
	}
}

// A report path that is a FIFO (or a device such as /dev/stdout) is written into, never replaced.
func TestAttackWriteFileAtomicIntoFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no mkfifo:", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // opens for reading: blocks until the writer opens it
		got <- b
	}()
	if err := WriteFileAtomic(fifo, []byte("<testsuites/>")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		// Unblock the reader so the test ends.
		t.Fatalf("the FIFO was replaced by %v (%v)", fi.Mode(), err)
	}
	select {
	case b := <-got:
		if string(b) != "<testsuites/>" {
			t.Fatalf("the FIFO's reader got %q", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the FIFO's reader got nothing")
	}
}
