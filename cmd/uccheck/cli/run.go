package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/uccheck/uccheck/fleet"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/sandbox"
	"github.com/uccheck/uccheck/suites"
)

// RunOptions are the options of `uccheck run`, filled from flags and UCCHECK_* variables: the
// fleet's options and the process's streams.
type RunOptions struct {
	fleet.Options
	IO IO
}

func newRunCmd(streams IO, runF func(*RunOptions) error) *cobra.Command {
	o := &RunOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "run [flags]",
		Short: "Run the auth flow against a tenant and judge every documented check",
		Long: `Run logs in with getUserToken, calls an authenticated read-only service
(Supervisor/campaignstatus), ends the session with EndSession, sends the negative variants the
contract implies (no Authorization, a never-issued token, a user name that cannot exist, a second
EndSession), and judges each documented behaviour as a named check. Every session it opens is
ended, after failures and interruptions too.

Then the collection pass runs the collection's own items as Newman does, scripts included, and
judges each pm.test beside the checks. By default it runs only the login, probe and logout
items; --folder NAME and --all-items widen it (a vendor collection may place calls or send SMS).
See docs/postman.md for the pm sandbox and the variable precedence.

With no --domain and no --base-url it starts the built-in uContact simulator and runs against it.

The password comes from UCCHECK_PASSWORD, --password-file or --password-stdin, never from a flag
(a flag shows in ps). Every flag can also be set by UCCHECK_<FLAG> (e.g. UCCHECK_DOMAIN,
UCCHECK_JUNIT, UCCHECK_SKIP=a,b); a flag given on the command line wins.

` + exitCodesHelp,
		Example: `  uccheck run
  UCCHECK_PASSWORD=... uccheck run --domain acme.ucontactcloud.com --user api-monitor --junit report.xml
  uccheck run --base-url http://localhost:8080 --user Admin --password-file pw.txt --skip transport`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), streams); err != nil {
				return err
			}
			if v, ok := streams.getenv("UCCHECK_PASSWORD"); ok {
				o.Password = v
			}
			if v, ok := streams.getenv("UCCHECK_API_TOKEN"); ok {
				o.APIToken = v
			}
			if _, ok := streams.getenv("NO_COLOR"); ok {
				o.NoColor = true
			}
			if runF != nil {
				return runF(o)
			}
			return runRun(o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.Domains, "domain", nil, "tenant `HOST[:PORT]`; requests go to https://HOST/Integra/resources/...; repeatable")
	f.StringArrayVar(&o.BaseURLs, "base-url", nil, "base `URL` instead of --domain (e.g. http://localhost:8080 for a local server); repeatable")
	f.StringVar(&o.DomainsFile, "domains-file", "", "read targets from `FILE`: one per line, HOST[:PORT] or URL, then optionally USER and the name of an environment variable holding its password (or API token); # comments")
	f.IntVar(&o.Parallel, "parallel", 4, "run up to `N` targets at once (never two sessions on one target)")
	f.StringVar(&o.Shard, "shard", "", "take share `I/N` of the targets (the same target always lands in the same shard)")
	f.StringVar(&o.User, "user", "", "SuperUser name to log in with (the vendor recommends a user dedicated to the API)")
	f.StringVar(&o.PasswordFile, "password-file", "", "read the password from `FILE` (first line)")
	f.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from standard input (first line)")
	f.StringVar(&o.CACert, "ca-cert", "", "trust the CA certificates in PEM `FILE` (besides the system roots)")
	f.BoolVar(&o.Insecure, "insecure", false, "do not verify the server's certificate (recorded in the report)")
	f.DurationVar(&o.Timeout, "timeout", runner.DefaultTimeout, "timeout of each request")
	f.DurationVar(&o.Deadline, "deadline", 0, "time limit for the whole run (0: none); sessions are still ended and reports written")
	f.Int64Var(&o.MaxBody, "max-body", runner.DefaultMaxBody, "read at most `BYTES` of each response body; a longer body fails the check that reads it")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "print every exchange (headers, bodies, TLS, timings) to stderr, secrets redacted")
	f.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report to `FILE` (written even when checks fail)")
	addPlanFlags(f, &o.Options)
	f.BoolVar(&o.NoColor, "no-color", false, "no colours in the console output (also: NO_COLOR)")
	f.IntVar(&o.Iterations, "iteration-count", 0, "number of iterations of the collection pass (default: one per data row, or 1)")
	f.DurationVar(&o.ScriptTimeout, "timeout-script", sandbox.DefaultTimeout, "stop a pre-request or test script that runs longer than this")
	f.StringVar(&o.WorkingDir, "working-dir", "", "`DIR` that file bodies and form-data files are read from (default: the current folder)")
	f.IntVar(&o.Retries, "retries", 0, "send a request again up to `N` times when it could not be exchanged (never a contract violation, never a request that may have changed state)")
	f.StringVar(&o.MaxLatency, "max-latency", "", "latency budget: `DURATION` for every step, or per step (login=2s,probe=1s); each budget is a latency.<step> check")
	f.IntVar(&o.CertMinDays, "cert-min-days", suites.DefaultCertMinDays, "transport.cert-valid fails when the certificate expires within `N` days")
	f.StringVar(&o.JSON, "json", "", "write the JSON report (docs/fleet.md) to `FILE`")
	f.StringVar(&o.HTML, "html", "", "write a self-contained HTML report to `FILE`")
	f.StringVar(&o.HARDir, "har", "", "write one redacted HAR file per target into `DIR`")
	return cmd
}

// runRun runs the fleet and maps its outcome to an exit code.
func runRun(o *RunOptions) error {
	ctx := o.IO.ctx()
	o.Version = Version
	fl, err := fleet.Run(ctx, o.Options, fleet.Streams{In: o.IO.In, Out: o.IO.Out, Err: o.IO.Err, Getenv: o.IO.Getenv, Terminal: o.IO.Terminal})
	var ue *fleet.UsageError
	if errors.As(err, &ue) {
		return &exitError{code: ExitUsage, err: ue.Err}
	}
	if err != nil {
		return err
	}
	return exitFor(ctx, fl)
}

// ShardOf returns the shard (1..n) a target lands in; see fleet.ShardOf.
func ShardOf(base string, n int) int { return fleet.ShardOf(base, n) }

// parseVars reads --var KEY=VALUE pairs.
func parseVars(vars []string) (map[string]string, error) {
	m, err := fleet.ParseVars(vars)
	var ue *fleet.UsageError
	if errors.As(err, &ue) {
		return nil, &exitError{code: ExitUsage, err: ue.Err}
	}
	return m, err
}

// exitFor maps a judged run to its exit code: an interruption first, then a failure (the server
// broke the contract: that stands whatever else happened), then an error (could not ask).
func exitFor(ctx context.Context, f *reports.Fleet) error {
	var ic *InterruptCause
	if errors.As(context.Cause(ctx), &ic) { // a signal, even one that came after the flows
		return &exitError{code: ic.Code, err: errSilent}
	}
	if f.Interrupted() {
		return &exitError{code: ExitInterrupted, err: errSilent}
	}
	c := f.Counts()
	switch {
	case c.Failed > 0:
		return &exitError{code: ExitFailed, err: errSilent}
	case c.Errors > 0:
		return &exitError{code: ExitUnreachable, err: errSilent}
	}
	return nil
}

// addPlanFlags adds the flags that change what a run sends, shared by run and inspect.
func addPlanFlags(f *pflag.FlagSet, o *fleet.Options) {
	f.StringArrayVar(&o.Skip, "skip", nil, "do not judge check `ID` (or a group: login, transport, auth, logout); repeatable")
	f.StringArrayVar(&o.Only, "only", nil, "judge only check `ID` (or a group); repeatable")
	f.StringArrayVar(&o.Collections, "collection", nil, "Postman collection `FILE` to build the requests from (default: the embedded \"API Security\"); repeatable: each target runs once per collection")
	f.StringArrayVar(&o.Vars, "var", nil, "set variable `KEY=VALUE`; it wins over the collection, --environment and --globals; repeatable")
	addRoleItemFlags(f, &o.Roles)
	f.StringVar(&o.Environment, "environment", "", "Postman environment `FILE` for the collection pass (--var wins over it)")
	f.StringVar(&o.Globals, "globals", "", "Postman globals `FILE` for the collection pass")
	f.StringArrayVar(&o.Folders, "folder", nil, "also run the items of folder `NAME` (or the request of that name) in the collection pass; repeatable")
	f.BoolVar(&o.AllItems, "all-items", false, "run every item of the collection in the collection pass (not only the login, probe and logout items)")
	f.StringVar(&o.IterationData, "iteration-data", "", "run the collection pass once per row of `FILE` (CSV or JSON)")
	f.StringVar(&o.APITokenFile, "api-token-file", "", "API-token mode: read a long-lived token created in the uContact UI from `FILE` (or UCCHECK_API_TOKEN); no login, and no EndSession ever")
	f.StringVar(&o.TokenScheme, "token-scheme", "Basic", "Authorization scheme of the API token: Basic (as the vendor page shows) or Bearer")
}
