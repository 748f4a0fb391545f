package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/inspect"
	"github.com/uccheck/uccheck/suites"
)

// InspectOptions are the options of `uccheck inspect`.
type InspectOptions struct {
	Collection string
	JSON       bool
	Skip, Only []string
	Vars       []string
	Roles      collections.RoleOverrides

	IO IO
}

// addRoleItemFlags adds --login-item, --probe-item and --logout-item.
func addRoleItemFlags(f *pflag.FlagSet, o *collections.RoleOverrides) {
	f.StringVar(&o.Login, "login-item", "", "the item that logs in, by `NAME` or path \"Folder / Item\" (default: found by URL path .../auth/getUserToken)")
	f.StringVar(&o.Probe, "probe-item", "", "the authenticated read-only item to probe with, by `NAME` or path (default: .../Supervisor/campaignstatus)")
	f.StringVar(&o.Logout, "logout-item", "", "the item that ends the session, by `NAME` or path (default: .../auth/EndSession)")
}

func newInspectCmd(streams IO, runF func(*InspectOptions) error) *cobra.Command {
	o := &InspectOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "inspect [flags]",
		Short: "Show what a run would do with a collection, without sending anything",
		Long: `Inspect loads a collection as 'uccheck run' does and prints, without sending anything: its name,
schema version and items as a tree (folder / item, method, URL template); which item fills each
role of the flow (login, probe, logout) and why (URL path match or --*-item override); the
variables each role item needs and where each value would come from (uccheck itself, --var, the
collection, or unset); the requests a run sends; the checks that would run or be skipped, and why;
and the items a run leaves out, flagging those that look like writes (calls, SMS, dispositions,
dialers, uploads...: see docs/collections.md#writes).

--json prints the same as JSON for scripts (fields: docs/collections.md#inspect-json).
It exits 2 when a run with the same flags would stop before sending anything (no item for a
role, a variable unset). Flags can also be set by UCCHECK_<FLAG>, as for run.

Exit codes:
  0  shown; a run with the same flags would send its requests
  2  the collection cannot be loaded, or a run with these flags would stop before sending anything`,
		Example: `  uccheck inspect
  uccheck inspect --collection collections/integra.json --skip transport
  uccheck inspect --collection vendor.json --probe-item "Supervisor / agentstatus" --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runInspect(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Collection, "collection", "", "Postman collection `FILE` (default: the embedded \"API Security\")")
	f.BoolVar(&o.JSON, "json", false, "print JSON (stable field names: docs/collections.md#inspect-json)")
	f.StringArrayVar(&o.Skip, "skip", nil, "as in run: leave out check `ID` (or a group); repeatable")
	f.StringArrayVar(&o.Only, "only", nil, "as in run: keep only check `ID` (or a group); repeatable")
	f.StringArrayVar(&o.Vars, "var", nil, "as in run: set collection variable `KEY=VALUE`; repeatable")
	addRoleItemFlags(f, &o.Roles)
	return cmd
}

// The values `inspect --json` prints (docs/collections.md#inspect-json), from package inspect.
type (
	Inspection     = inspect.Inspection
	InspectItem    = inspect.InspectItem
	InspectRole    = inspect.InspectRole
	InspectVar     = inspect.InspectVar
	InspectNote    = inspect.InspectNote
	InspectRequest = inspect.InspectRequest
	InspectCheck   = inspect.InspectCheck
)

func runInspect(o *InspectOptions) error {
	sel, err := suites.Select(o.Only, o.Skip)
	if err != nil {
		return usageErr("%v", err)
	}
	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	var coll *collections.Collection
	if o.Collection == "" {
		coll = collections.Embedded()
	} else if coll, err = collections.Load(o.Collection); err != nil {
		return usageErr("%v", err)
	}
	roles, roleErr := coll.RolesWith(o.Roles)
	in := inspect.Inspect(coll, roles, roleErr, sel, vars)
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(in); err != nil {
			return &exitError{code: ExitUsage, err: err}
		}
	} else if err := inspect.Write(o.IO.Out, in); err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	if !in.Runnable {
		return &exitError{code: ExitUsage, err: fmt.Errorf("a run with these flags would stop before sending anything: %s", strings.Join(in.Problems, "; "))}
	}
	return nil
}
