package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/internal/textdiff"
	"github.com/uccheck/uccheck/reports"
)

// MaxImportSize bounds the collection `uccheck import` reads (a 2,000-item export is ~5 MB).
const MaxImportSize = 64 << 20

// ImportOptions are the options of `uccheck import`.
type ImportOptions struct {
	File           string // the exported collection; "-" for standard input
	To             string // where to write it; default collections/<slug of info.name>.json
	Force          bool
	DryRun         bool
	Diff           bool
	SecretPatterns []string
	Roles          collections.RoleOverrides

	IO IO
}

func newImportCmd(streams IO, runF func(*ImportOptions) error) *cobra.Command {
	o := &ImportOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "import FILE|- [flags]",
		Short: "Bring an exported Postman collection into the repository, scrubbed of secrets",
		Long: `Import reads an exported Postman collection (v2.0 or v2.1; - for standard input), and:

  - validates it with the loader 'uccheck run' uses, listing every problem with its item path,
    and refuses it (exit 2, nothing written) if the login, probe and logout items cannot be found;
  - scrubs secrets: values of variables, auth parameters, headers, query parameters, body fields,
    scripts and saved example responses whose key names a secret (password, token, apikey,
    secret, Authorization...), values shaped like a uContact token (base64 of user:UUID), and
    whatever matches --secret-pattern. Each is replaced by {{password}}, {{token}} or
    "Basic {{token}}" where that is what it was, else emptied, and listed by item and field,
    never by value (rules: docs/collections.md#scrubbing);
  - says what changed against the file it replaces: items added, removed, renamed and changed
    (--diff: a unified diff of the normalised JSON);
  - writes it atomically in a canonical form (two-space JSON, key order kept), so that the next
    import's git diff shows only what changed.

It does not overwrite a file with local changes (one not written by uccheck import, or edited
since) unless --force: see docs/collections.md#local-changes. --dry-run writes nothing.

Every flag can also be set by UCCHECK_<FLAG> (UCCHECK_TO, UCCHECK_DRY_RUN...);
UCCHECK_SECRET_PATTERN takes one expression per line. A flag on the command line wins.

Exit codes:
  0  imported (or, with --dry-run, would be)
  2  nothing written: unreadable or invalid input, roles not found, a target with local changes
     without --force, or a file that cannot be written`,
		Example: `  uccheck import ~/Downloads/Integra.postman_collection.json
  uccheck import vendor.json --to collections/integra.json --dry-run --diff
  curl -s https://example.com/collection.json | uccheck import - --secret-pattern 'acme-[0-9]{6}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			o.File = args[0]
			if runF != nil {
				return runF(o)
			}
			return runImport(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.To, "to", "", "write the collection to `FILE` (a folder: FOLDER/<name>.json) (default: collections/<name>.json, <name> from info.name)")
	f.BoolVar(&o.Force, "force", false, "overwrite a file with local changes (one not written by uccheck import, or edited since)")
	f.BoolVar(&o.DryRun, "dry-run", false, "check, scrub and compare, but write nothing")
	f.BoolVar(&o.Diff, "diff", false, "also print a unified diff of the normalised JSON against the file it replaces")
	f.StringArrayVar(&o.SecretPatterns, "secret-pattern", nil, "also remove every match of `REGEX` (Go syntax) from every value; repeatable")
	addRoleItemFlags(f, &o.Roles)
	return cmd
}

func runImport(o *ImportOptions) error {
	var scrub collections.ScrubOptions
	for _, p := range o.SecretPatterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return usageErr("--secret-pattern %q: %v", p, err)
		}
		if re.MatchString("") {
			return usageErr("--secret-pattern %q matches the empty string: it would match everywhere", p)
		}
		scrub.Patterns = append(scrub.Patterns, re)
	}

	source, data, err := readImport(o)
	if err != nil {
		return err
	}
	out, errOut := o.IO.Out, o.IO.Err

	// The secrets of the input, to redact from any message that quotes it.
	redactor := reports.NewRedactor(nil)
	prepared, prepErr := collections.Prepare(data, scrub)
	if prepErr == nil {
		redactor = reports.NewRedactor(prepared.Secrets)
	}

	coll, problems := collections.Problems(data, source)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(errOut, "uccheck: %s\n", redactor.Redact(p.Error()))
		}
		return &exitError{code: ExitUsage, err: fmt.Errorf("%s: %s; nothing written", source, plural(len(problems), "problem"))}
	}
	if prepErr != nil {
		return usageErr("%s: %v; nothing written", source, prepErr)
	}
	roles, err := coll.RolesWith(o.Roles)
	if err != nil {
		return usageErr("%s; nothing written", redactor.Redact(err.Error()))
	}

	target := o.To
	if target == "" {
		target = filepath.Join("collections", collections.Slug(prepared.Name)+".json")
	} else if st, err := os.Stat(target); err == nil && st.IsDir() {
		target = filepath.Join(target, collections.Slug(prepared.Name)+".json")
	}

	// What we write must load and find the same roles: scrubbing must not break the collection.
	written, err := collections.Parse(prepared.Output, target)
	if err != nil {
		return usageErr("internal error: the scrubbed collection does not load (%v); nothing written: please report it", redactor.Redact(err.Error()))
	}
	again, err := written.RolesWith(o.Roles)
	if err != nil || again.Login.PathString() != roles.Login.PathString() || again.Probe.PathString() != roles.Probe.PathString() || again.Logout.PathString() != roles.Logout.PathString() {
		return usageErr("internal error: the scrubbed collection's roles differ from the original's; nothing written: please report it")
	}

	old, err := os.ReadFile(target)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return usageErr("reading %s: %v", target, err)
	}
	var tgt collections.Target
	var changes *collections.ChangeSet
	if exists {
		tgt = collections.ExamineTarget(old, scrub)
		if tgt.Content != nil {
			if changes, err = collections.Changes(tgt.Content, prepared.Content); err != nil {
				changes = nil
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Collection %q (Postman %s) from %s: %s\n", prepared.Name, collections.SchemaVersion(coll.Schema), source, plural(len(coll.Items), "request"))
	for _, r := range collections.AllRoles {
		it := map[collections.Role]*collections.Item{collections.RoleLogin: roles.Login, collections.RoleProbe: roles.Probe, collections.RoleLogout: roles.Logout}[r]
		fmt.Fprintf(&b, "  %-6s  %q: %s\n", r, it.PathString(), roles.Why[r])
	}
	writeScrubbed(&b, prepared.Scrubbed)
	switch {
	case !exists:
		fmt.Fprintf(&b, "\n%s is a new file.\n", target)
	case changes == nil:
		fmt.Fprintf(&b, "\nReplaces %s, which is not a collection this version can compare (%s).\n", target, tgt.Why)
	default:
		writeChanges(&b, target, changes)
	}
	if o.Diff {
		switch {
		case exists && tgt.Content == nil:
			fmt.Fprintf(&b, "\n(no diff: %s is not valid JSON)\n", target)
		default:
			oldName, newName, oldText := "/dev/null", diffName("b/", target), ""
			if exists {
				oldName, oldText = diffName("a/", target), string(tgt.Content)
			}
			d := textdiff.Unified(oldName, newName, oldText, string(prepared.Content))
			if d == "" {
				d = "(no difference in the normalised JSON)\n"
			}
			b.WriteString("\n" + d)
		}
	}

	refuse := exists && tgt.Edited && !bytes.Equal(tgt.Content, prepared.Content) && !o.Force
	runHint := "uccheck run --collection " + target + roleFlags(o.Roles)
	switch {
	case exists && bytes.Equal(old, prepared.Output):
		fmt.Fprintf(&b, "\n%s already holds this collection: nothing to write.\n", target)
	case refuse:
	case o.DryRun:
		fmt.Fprintf(&b, "\nDry run: would write %s (nothing written).\n", target)
	default:
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return usageErr("creating the folder of %s: %v", target, err)
		}
		if err := reports.WriteFileAtomic(target, prepared.Output); err != nil {
			return usageErr("writing %s: %v", target, err)
		}
		fmt.Fprintf(&b, "\nWrote %s. Run it with: %s\n", target, runHint)
	}
	if _, err := io.WriteString(out, trimLines(redactor.Redact(b.String()))); err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	if refuse {
		return usageErr("%s has local changes: %s. Importing would drop them; nothing written. Review them with --dry-run --diff, keep what you need in the export, then use --force", target, tgt.Why)
	}
	return nil
}

// readImport reads the collection to import, from a file or standard input ("-"), without a
// UTF-8 byte order mark (Windows tools write one; JSON has none).
func readImport(o *ImportOptions) (string, []byte, error) {
	var data []byte
	var err error
	source := o.File
	if o.File == "-" {
		source = "stdin"
		if o.IO.In == nil {
			return "", nil, usageErr("import -: no standard input")
		}
		data, err = io.ReadAll(io.LimitReader(o.IO.In, MaxImportSize+1))
	} else {
		var f *os.File
		if f, err = os.Open(o.File); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, MaxImportSize+1))
			f.Close()
		}
	}
	if err != nil {
		return "", nil, usageErr("reading %s: %v", source, err)
	}
	if len(data) > MaxImportSize {
		return "", nil, usageErr("%s: larger than %d MiB; nothing written", source, MaxImportSize>>20)
	}
	return source, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

func writeScrubbed(b *strings.Builder, list []collections.Scrubbed) {
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

func writeChanges(b *strings.Builder, target string, cs *collections.ChangeSet) {
	if cs.Empty() {
		fmt.Fprintf(b, "\nNo change in the collection's content against %s.\n", target)
		return
	}
	a, r, n, c := cs.Counts()
	fmt.Fprintf(b, "\nChanges against %s: %d added, %d removed, %d renamed, %d changed\n", target, a, r, n, c)
	for _, it := range cs.Items {
		switch it.Kind {
		case collections.ChangeAdded, collections.ChangeRemoved:
			fmt.Fprintf(b, "  %-8s %s  (%s %s)\n", it.Kind, it.Path, it.Method, it.URL)
		case collections.ChangeRenamed:
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

func roleFlags(o collections.RoleOverrides) string {
	var s string
	for _, r := range collections.AllRoles {
		if v := o.Of(r); v != "" {
			s += fmt.Sprintf(" --%s-item %q", r, v)
		}
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
