// Package importer brings an exported Postman collection into the repository: it validates it
// with the loader `uccheck run` uses, scrubs its secrets, summarises what changes against the
// file it replaces, and writes it atomically with the marker that tells a later import whether
// the file was edited since (--force, --dry-run). `uccheck import` is a thin shell around Run.
package importer

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/uccheck/uccheck/internal/tabtext"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/reports"
)

// MaxImportSize bounds the collection an import reads (a 2,000-item export is ~5 MB).
const MaxImportSize = 64 << 20

// Options are what one import reads, where it writes and how.
type Options struct {
	File           string // the exported collection; "-" for In
	To             string // where to write it (a folder: FOLDER/<slug>.json); default collections/<slug of info.name>.json
	Force          bool   // overwrite a file with local changes
	DryRun         bool   // check, scrub and compare, but write nothing
	Diff           bool   // also print a unified diff of the normalised JSON
	SecretPatterns []string
	Roles          collections.RoleOverrides

	In       io.Reader // standard input, for File "-"
	Out, Err io.Writer // the summary; the list of the input's problems
}

// Run imports o.File. It prints the summary (what was found, scrubbed and changed, what was
// written) on o.Out and each problem of an invalid input on o.Err, never a secret of the input.
// A non-nil error means nothing was written, or the summary could not be printed: bad options,
// an unreadable or invalid input, roles not found, a target with local changes without Force,
// or a file that cannot be written.
func Run(o Options) error {
	scrub, err := scrubOptions(o.SecretPatterns)
	if err != nil {
		return err
	}
	source, data, err := readInput(o.File, o.In)
	if err != nil {
		return err
	}
	in, err := validate(data, source, scrub, o)
	if err != nil {
		return err
	}
	target := targetPath(o.To, in.prepared.Name)
	if err := in.checkScrubbed(target, o.Roles); err != nil {
		return err
	}
	ex, err := examine(target, scrub, in.prepared)
	if err != nil {
		return err
	}
	var b strings.Builder
	in.writeSummary(&b, ex, o.Diff)
	refuse := ex.exists && ex.tgt.Edited && !bytes.Equal(ex.tgt.Content, in.prepared.Content) && !o.Force
	if err := write(&b, ex, in.prepared.Output, refuse, o); err != nil {
		return err
	}
	if _, err := io.WriteString(o.Out, tabtext.TrimLines(in.redactor.Redact(b.String()))); err != nil {
		return err
	}
	if refuse {
		return fmt.Errorf("%s has local changes: %s. Importing would drop them; nothing written. Review them with --dry-run --diff, keep what you need in the export, then use --force", target, ex.tgt.Why)
	}
	return nil
}

// scrubOptions compiles the --secret-pattern expressions.
func scrubOptions(patterns []string) (ScrubOptions, error) {
	var scrub ScrubOptions
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return scrub, fmt.Errorf("--secret-pattern %q: %v", p, err)
		}
		if re.MatchString("") {
			return scrub, fmt.Errorf("--secret-pattern %q matches the empty string: it would match everywhere", p)
		}
		scrub.Patterns = append(scrub.Patterns, re)
	}
	return scrub, nil
}

// input is a collection that loads, with its roles found, scrubbed and ready to write.
type input struct {
	source   string
	coll     *collections.Collection
	roles    collections.Roles
	prepared *Prepared
	redactor *reports.Redactor // the input's secrets, for any message that quotes it
}

// validate loads the input as `uccheck run` would and scrubs it; each problem goes to o.Err.
func validate(data []byte, source string, scrub ScrubOptions, o Options) (*input, error) {
	redactor := reports.NewRedactor(nil)
	prepared, prepErr := Prepare(data, scrub)
	if prepErr == nil {
		redactor = reports.NewRedactor(prepared.Secrets)
	}
	coll, problems := Problems(data, source)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(o.Err, "uccheck: %s\n", redactor.Redact(p.Error()))
		}
		return nil, fmt.Errorf("%s: %s; nothing written", source, plural(len(problems), "problem"))
	}
	if prepErr != nil {
		return nil, fmt.Errorf("%s: %v; nothing written", source, prepErr)
	}
	roles, err := coll.RolesWith(o.Roles)
	if err != nil {
		return nil, fmt.Errorf("%s; nothing written", redactor.Redact(err.Error()))
	}
	return &input{source: source, coll: coll, roles: roles, prepared: prepared, redactor: redactor}, nil
}

// checkScrubbed proves that what we write loads and finds the same roles: scrubbing must not
// break the collection.
func (in *input) checkScrubbed(target string, overrides collections.RoleOverrides) error {
	written, err := collections.Parse(in.prepared.Output, target)
	if err != nil {
		return fmt.Errorf("internal error: the scrubbed collection does not load (%v); nothing written: please report it", in.redactor.Redact(err.Error()))
	}
	again, err := written.RolesWith(overrides)
	roles := in.roles
	if err != nil || again.Login.PathString() != roles.Login.PathString() || again.Probe.PathString() != roles.Probe.PathString() || again.Logout.PathString() != roles.Logout.PathString() {
		return fmt.Errorf("internal error: the scrubbed collection's roles differ from the original's; nothing written: please report it")
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
