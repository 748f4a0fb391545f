package importer

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/internal/textdiff"
)

// writeSummary says what the input is, which items play each role, what was scrubbed and what
// changes against the file it replaces (with diff, as a unified diff of the normalised JSON).
func (in *input) writeSummary(b *strings.Builder, ex *existing, diff bool) {
	prepared, roles := in.prepared, in.roles
	fmt.Fprintf(b, "Collection %q (Postman %s) from %s: %s\n", prepared.Name, collections.SchemaVersion(in.coll.Schema), in.source, plural(len(in.coll.Items), "request"))
	for _, r := range collections.AllRoles {
		it := map[collections.Role]*collections.Item{collections.RoleLogin: roles.Login, collections.RoleProbe: roles.Probe, collections.RoleLogout: roles.Logout}[r]
		fmt.Fprintf(b, "  %-6s  %q: %s\n", r, it.PathString(), roles.Why[r])
	}
	writeScrubbed(b, prepared.Scrubbed)
	switch {
	case !ex.exists:
		fmt.Fprintf(b, "\n%s is a new file.\n", ex.target)
	case ex.changes == nil:
		fmt.Fprintf(b, "\nReplaces %s, which is not a collection this version can compare (%s).\n", ex.target, ex.tgt.Why)
	default:
		writeChanges(b, ex.target, ex.changes)
	}
	if diff {
		writeDiff(b, ex, string(prepared.Content))
	}
}

// writeDiff writes the unified diff of the normalised JSON against the file it replaces.
func writeDiff(b *strings.Builder, ex *existing, content string) {
	if ex.exists && ex.tgt.Content == nil {
		fmt.Fprintf(b, "\n(no diff: %s is not valid JSON)\n", ex.target)
		return
	}
	oldName, newName, oldText := "/dev/null", diffName("b/", ex.target), ""
	if ex.exists {
		oldName, oldText = diffName("a/", ex.target), string(ex.tgt.Content)
	}
	d := textdiff.Unified(oldName, newName, oldText, content)
	if d == "" {
		d = "(no difference in the normalised JSON)\n"
	}
	b.WriteString("\n" + d)
}

func writeScrubbed(b *strings.Builder, list []Scrubbed) {
	if len(list) == 0 {
		b.WriteString("\nNo secrets found.\n")
		return
	}
	fmt.Fprintf(b, "\nScrubbed %s (value never shown):\n", plural(len(list), "secret"))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, s := range list {
		with := "emptied"
		if s.With != "" {
			with = "-> " + s.With
		}
		item := s.Item
		if item == "" {
			item = "(collection)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", item, s.Field, with, s.Rule)
	}
	tw.Flush()
}

func writeChanges(b *strings.Builder, target string, cs *ChangeSet) {
	if cs.Empty() {
		fmt.Fprintf(b, "\nNo change in the collection's content against %s.\n", target)
		return
	}
	a, r, n, c := cs.Counts()
	fmt.Fprintf(b, "\nChanges against %s: %d added, %d removed, %d renamed, %d changed\n", target, a, r, n, c)
	for _, it := range cs.Items {
		switch it.Kind {
		case ChangeAdded, ChangeRemoved:
			fmt.Fprintf(b, "  %-8s %s  (%s %s)\n", it.Kind, it.Path, it.Method, it.URL)
		case ChangeRenamed:
			fmt.Fprintf(b, "  %-8s %s -> %s\n", it.Kind, it.OldPath, it.Path)
		default:
			fmt.Fprintf(b, "  %-8s %s\n", it.Kind, it.Path)
		}
		for _, d := range it.Details {
			fmt.Fprintf(b, "             %s\n", d)
		}
	}
	for _, d := range cs.Collection {
		fmt.Fprintf(b, "  collection: %s\n", d)
	}
}

// diffName names a side of the diff as git does ("a/collections/x.json"); an absolute path as it is.
func diffName(side, path string) string {
	if filepath.IsAbs(path) {
		return filepath.ToSlash(path)
	}
	return side + filepath.ToSlash(path)
}

// roleFlags are the --<role>-item flags that find the same roles in the file written.
func roleFlags(o collections.RoleOverrides) string {
	var s string
	for _, r := range collections.AllRoles {
		if v := o.Of(r); v != "" {
			s += fmt.Sprintf(" --%s-item %q", r, v)
		}
	}
	return s
}
