package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/reports"
)

// readInput reads the collection to import, from a file or in ("-"), without a UTF-8 byte
// order mark (Windows tools write one; JSON has none). It returns the name to show for it.
func readInput(file string, in io.Reader) (string, []byte, error) {
	var data []byte
	var err error
	source := file
	if file == "-" {
		source = "stdin"
		if in == nil {
			return "", nil, errors.New("import -: no standard input")
		}
		data, err = io.ReadAll(io.LimitReader(in, MaxImportSize+1))
	} else {
		var f *os.File
		if f, err = os.Open(file); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, MaxImportSize+1))
			f.Close()
		}
	}
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %v", source, err)
	}
	if len(data) > MaxImportSize {
		return "", nil, fmt.Errorf("%s: larger than %d MiB; nothing written", source, MaxImportSize>>20)
	}
	return source, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// targetPath is where the collection named name goes: to, to/<slug>.json when to is a folder,
// or collections/<slug>.json.
func targetPath(to, name string) string {
	if to == "" {
		return filepath.Join("collections", collections.Slug(name)+".json")
	}
	if st, err := os.Stat(to); err == nil && st.IsDir() {
		return filepath.Join(to, collections.Slug(name)+".json")
	}
	return to
}

// existing is what the import would replace.
type existing struct {
	target  string
	old     []byte // the file as it is
	exists  bool
	tgt     Target
	changes *ChangeSet // nil: no file, or not one this version can compare
}

// examine reads the file the import would replace and compares it with what we write.
func examine(target string, scrub ScrubOptions, prepared *Prepared) (*existing, error) {
	old, err := os.ReadFile(target)
	ex := &existing{target: target, old: old, exists: err == nil}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %v", target, err)
	}
	if ex.exists {
		ex.tgt = ExamineTarget(old, scrub)
		if ex.tgt.Content != nil {
			if ex.changes, err = Changes(ex.tgt.Content, prepared.Content); err != nil {
				ex.changes = nil
			}
		}
	}
	return ex, nil
}

// write writes output to the target unless it already holds it, the import is refused or a
// dry run, and says which on b.
func write(b *strings.Builder, ex *existing, output []byte, refuse bool, o Options) error {
	target := ex.target
	switch {
	case ex.exists && bytes.Equal(ex.old, output):
		fmt.Fprintf(b, "\n%s already holds this collection: nothing to write.\n", target)
	case refuse:
	case o.DryRun:
		fmt.Fprintf(b, "\nDry run: would write %s (nothing written).\n", target)
	default:
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("creating the folder of %s: %v", target, err)
		}
		if err := reports.WriteFileAtomic(target, output); err != nil {
			return fmt.Errorf("writing %s: %v", target, err)
		}
		fmt.Fprintf(b, "\nWrote %s. Run it with: %s\n", target, "uccheck run --collection "+target+roleFlags(o.Roles))
	}
	return nil
}
