package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/fleet"
	"github.com/uccheck/uccheck/inspect"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/sandbox"
)

// InspectOptions are the options of `uccheck inspect`: the run options that change what is
// sent, and --json.
type InspectOptions struct {
	fleet.Options
	JSON bool

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
		Long: `Inspect takes the flags of 'uccheck run' that change what is sent (--collection, --only, --skip,
--var, --folder, --all-items, the --*-item overrides, --api-token-file or UCCHECK_API_TOKEN...),
computes the run's plan with the code 'uccheck run' uses, and prints, without sending anything: its name,
schema version and items as a tree (folder / item, method, URL template); which item fills each
role of the flow (login, probe, logout) and why (URL path match or --*-item override); the
variables each role item needs and where each value would come from (uccheck itself, --var, the
collection, or unset); the requests a run sends (the contract steps, then the collection pass's
items); the contract steps not sent and why; the checks that would run or be skipped, and why;
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
  uccheck inspect --collection vendor.json --probe-item "Supervisor / agentstatus" --json
  uccheck inspect --collection vendor.json --folder Supervisor --only auth.basic-accepted`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			if v, ok := streams.getenv("UCCHECK_API_TOKEN"); ok {
				o.APIToken = v
			}
			if runF != nil {
				return runF(o)
			}
			return runInspect(o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.JSON, "json", false, "print JSON (stable field names: docs/collections.md#inspect-json)")
	addPlanFlags(f, &o.Options)
	// What a plan does not depend on, at run's defaults (prepare checks them).
	o.Timeout, o.MaxBody, o.Parallel, o.ScriptTimeout = runner.DefaultTimeout, runner.DefaultMaxBody, 1, sandbox.DefaultTimeout
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
	InspectLeft    = inspect.InspectLeft
	InspectSkipped = inspect.InspectSkipped
)

func runInspect(o *InspectOptions) error {
	if len(o.Collections) > 1 {
		return usageErr("inspect takes one --collection, got %d", len(o.Collections))
	}
	res, err := fleet.Plan(o.Options)
	var ue *fleet.UsageError
	if errors.As(err, &ue) {
		return &exitError{code: ExitUsage, err: ue.Err}
	}
	if err != nil {
		return err
	}
	in := inspect.Inspect(res)
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
