package cli

import (
	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/collections/importer"
)

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

// runImport imports o.File; every error is exit 2: nothing was written.
func runImport(o *ImportOptions) error {
	err := importer.Run(importer.Options{
		File: o.File, To: o.To, Force: o.Force, DryRun: o.DryRun, Diff: o.Diff,
		SecretPatterns: o.SecretPatterns, Roles: o.Roles,
		In: o.IO.In, Out: o.IO.Out, Err: o.IO.Err,
	})
	if err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	return nil
}
