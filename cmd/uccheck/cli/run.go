package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/reports"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/sandbox"
	"github.com/uccheck/uccheck/suites"
	"github.com/uccheck/uccheck/ucsim"
)

// RunOptions are the options of `uccheck run`, filled from flags and UCCHECK_* variables.
type RunOptions struct {
	Domain        string
	BaseURL       string
	User          string
	Password      string // from UCCHECK_PASSWORD, --password-file or --password-stdin; never a flag
	PasswordFile  string
	PasswordStdin bool
	CACert        string
	Insecure      bool
	Timeout       time.Duration
	JUnit         string
	Skip, Only    []string
	Collection    string
	Vars          []string
	NoColor       bool

	// The collection pass (see docs/postman.md).
	Environment   string        // --environment FILE: a Postman environment export
	Globals       string        // --globals FILE: a Postman globals export
	Folders       []string      // --folder NAME: also run this folder's items; repeatable
	AllItems      bool          // --all-items: run every item of the collection
	IterationData string        // --iteration-data FILE.csv|json
	Iterations    int           // --iteration-count N
	ScriptTimeout time.Duration // --timeout-script
	WorkingDir    string        // --working-dir: where file bodies are read from
	Verbose       bool          // --verbose: show the scripts' console output

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
	f.StringVar(&o.Domain, "domain", "", "tenant `HOST[:PORT]`; requests go to https://HOST/Integra/resources/...")
	f.StringVar(&o.BaseURL, "base-url", "", "base `URL` instead of --domain (e.g. http://localhost:8080 for a local server)")
	f.StringVar(&o.User, "user", "", "SuperUser name to log in with (the vendor recommends a user dedicated to the API)")
	f.StringVar(&o.PasswordFile, "password-file", "", "read the password from `FILE` (first line)")
	f.BoolVar(&o.PasswordStdin, "password-stdin", false, "read the password from standard input (first line)")
	f.StringVar(&o.CACert, "ca-cert", "", "trust the CA certificates in PEM `FILE` (besides the system roots)")
	f.BoolVar(&o.Insecure, "insecure", false, "do not verify the server's certificate (recorded in the report)")
	f.DurationVar(&o.Timeout, "timeout", runner.DefaultTimeout, "timeout of each request")
	f.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report to `FILE` (written even when checks fail)")
	f.StringArrayVar(&o.Skip, "skip", nil, "do not judge check `ID` (or a group: login, transport, auth, logout); repeatable")
	f.StringArrayVar(&o.Only, "only", nil, "judge only check `ID` (or a group); repeatable")
	f.StringVar(&o.Collection, "collection", "", "Postman collection `FILE` to build the requests from (default: the embedded \"API Security\")")
	f.StringArrayVar(&o.Vars, "var", nil, "set variable `KEY=VALUE`; it wins over the collection, --environment and --globals; repeatable")
	f.BoolVar(&o.NoColor, "no-color", false, "no colours in the console output (also: NO_COLOR)")
	f.StringVar(&o.Environment, "environment", "", "Postman environment `FILE` for the collection pass (--var wins over it)")
	f.StringVar(&o.Globals, "globals", "", "Postman globals `FILE` for the collection pass")
	f.StringArrayVar(&o.Folders, "folder", nil, "also run the items of folder `NAME` (or the request of that name) in the collection pass; repeatable")
	f.BoolVar(&o.AllItems, "all-items", false, "run every item of the collection in the collection pass (not only the login, probe and logout items)")
	f.StringVar(&o.IterationData, "iteration-data", "", "run the collection pass once per row of `FILE` (CSV or JSON)")
	f.IntVar(&o.Iterations, "iteration-count", 0, "number of iterations of the collection pass (default: one per data row, or 1)")
	f.DurationVar(&o.ScriptTimeout, "timeout-script", sandbox.DefaultTimeout, "stop a pre-request or test script that runs longer than this")
	f.StringVar(&o.WorkingDir, "working-dir", "", "`DIR` that file bodies and form-data files are read from (default: the current folder)")
	f.BoolVar(&o.Verbose, "verbose", false, "show the collection scripts' console output (secrets redacted)")
	return cmd
}

// runRun runs the contract flow and reports it.
func runRun(o *RunOptions) error {
	sel, err := suites.Select(o.Only, o.Skip)
	if err != nil {
		return usageErr("%v", err)
	}
	vars, err := parseVars(o.Vars)
	if err != nil {
		return err
	}
	coll, roles, rolesErr, err := loadCollectionRoles(o.Collection)
	if err != nil {
		return err
	}
	if rolesErr != nil && !o.AllItems && len(o.Folders) == 0 {
		return usageErr("%v\n  the contract checks need these items: 'uccheck inspect --collection FILE' shows how each role was looked for, and --login-item, --probe-item and --logout-item name them; to run the collection's own items and scripts instead, use --all-items or --folder NAME", rolesErr)
	}
	passItems, err := selectItems(coll, roles, rolesErr == nil, o.Folders, o.AllItems)
	if err != nil {
		return err
	}
	if o.Iterations < 0 {
		return usageErr("--iteration-count must not be negative, got %d", o.Iterations)
	}
	if o.ScriptTimeout <= 0 {
		return usageErr("--timeout-script must be positive, got %s", o.ScriptTimeout)
	}
	passFiles, err := loadPassFiles(o)
	if err != nil {
		return err
	}
	if o.Domain != "" && o.BaseURL != "" {
		return usageErr("--domain and --base-url both given: use one")
	}
	if o.Timeout <= 0 {
		return usageErr("--timeout must be positive, got %s", o.Timeout)
	}

	out := o.IO.Out
	client := runner.NewClient(runner.ClientOptions{Insecure: o.Insecure})
	var base string
	simulated := false
	switch {
	case o.Domain != "":
		if base, err = domainURL(o.Domain); err != nil {
			return err
		}
	case o.BaseURL != "":
		if base, err = baseURL(o.BaseURL); err != nil {
			return err
		}
	default:
		simulated = true
		sim := ucsim.New(ucsim.Options{User: o.User})
		defer sim.Close()
		base = sim.URL
		if o.User == "" {
			o.User = sim.User()
		}
		o.Password = sim.Password()
		client = runner.NewClient(runner.ClientOptions{RootCAs: sim.CertPool()})
		fmt.Fprintf(out, "No --domain given: running against the built-in uContact simulator at %s (user %q).\n", sim.URL, o.User)
	}
	if !simulated {
		if o.User == "" {
			return usageErr("--user is required with --domain or --base-url (or UCCHECK_USER)")
		}
		if err := o.readPassword(); err != nil {
			return err
		}
		if o.CACert != "" || o.Insecure {
			pool, err := loadCA(o.CACert)
			if err != nil {
				return err
			}
			client = runner.NewClient(runner.ClientOptions{RootCAs: pool, Insecure: o.Insecure})
		}
		if o.Insecure {
			fmt.Fprintln(o.IO.Err, "uccheck: warning: --insecure: the server's certificate is not verified; the report records it")
		}
	}

	ctx := o.IO.ctx()
	passOpts := runner.PassOptions{
		Collection: coll, Items: passItems,
		Globals: passFiles.globals, Environment: passFiles.env, EnvName: passFiles.envName,
		Preset: map[string]string{"domain": hostOf(base), "user": o.User, "password": o.Password},
		Vars:   vars, Data: passFiles.data, Iterations: o.Iterations,
		Client: client, Timeout: o.Timeout, ScriptTimeout: o.ScriptTimeout, WorkingDir: o.WorkingDir,
	}
	if err := runner.Check(passOpts); err != nil {
		return usageErr("collection %s: nothing was sent:\n%v", coll.Source, err)
	}
	var transcript *runner.Transcript
	if rolesErr != nil {
		transcript = &runner.Transcript{Target: base, Collection: coll.Source, User: o.User, Started: time.Now()}
		why := fmt.Sprintf("contract checks skipped: %v (hint: 'uccheck inspect --collection FILE' shows how each role was looked for; --login-item, --probe-item and --logout-item name the items)", rolesErr)
		for _, id := range suites.IDs() {
			sel.Excluded[id] = why
		}
	} else {
		transcript, err = runner.Run(ctx, runner.Options{
			BaseURL: base, User: o.User, Password: o.Password,
			Vars: vars, CollectionVars: coll.Variables, Roles: roles, Source: coll.Source,
			Steps: sel.Steps(), Client: client, Timeout: o.Timeout,
		})
		if err != nil {
			return usageErr("%v", err)
		}
	}
	var pass *runner.PassTranscript
	if len(passItems) > 0 {
		pass = runner.RunPass(ctx, passOpts)
		transcript.Secrets = append(transcript.Secrets, pass.Secrets...)
		if pass.Interrupted && !transcript.Interrupted {
			transcript.Interrupted, transcript.Aborted = true, pass.Aborted
		}
	}
	greport, err := suites.JudgeWithPass(transcript, pass, sel)
	if err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	run := &reports.Run{
		Version: Version, Target: transcript.Target, Collection: coll.Source, User: o.User,
		Simulated: simulated, Insecure: o.Insecure, Started: transcript.Started, Duration: transcript.Duration,
		Aborted: transcript.Aborted, Interrupted: transcript.Interrupted,
		Results:  reports.ResultsFromGinkgo(greport),
		Redactor: reports.NewRedactor(transcript.Secrets),
	}
	if pass != nil {
		run.PassSummary = suites.PassSummary(pass)
		run.Duration += pass.Duration
		if o.Verbose {
			for _, l := range pass.Console {
				fmt.Fprintln(out, run.Redactor.Redact(fmt.Sprintf("  console.%s [%s, %s]: %s", l.Level, l.Item, l.Event, l.Text)))
			}
		}
	}
	if err := reports.Console(out, run, reports.ConsoleOptions{Color: o.IO.Terminal && !o.NoColor}); err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	if o.JUnit != "" {
		if err := reports.WriteJUnit(o.JUnit, greport, run); err != nil {
			return &exitError{code: ExitUsage, err: fmt.Errorf("writing the JUnit report %s: %w", o.JUnit, err)}
		}
	}
	return exitFor(ctx, run)
}

// exitFor maps a judged run to its exit code: an interruption first, then a failure (the server
// broke the contract: that stands whatever else happened), then an error (could not ask).
func exitFor(ctx context.Context, run *reports.Run) error {
	var ic *InterruptCause
	if run.Interrupted && errors.As(context.Cause(ctx), &ic) {
		return &exitError{code: ic.Code, err: errSilent}
	}
	if run.Interrupted {
		return &exitError{code: ExitInterrupted, err: errSilent}
	}
	c := run.Counts()
	switch {
	case c.Failed > 0:
		return &exitError{code: ExitFailed, err: errSilent}
	case c.Errors > 0:
		return &exitError{code: ExitUnreachable, err: errSilent}
	}
	return nil
}

func (o *RunOptions) readPassword() error {
	sources := 0
	for _, set := range []bool{o.Password != "", o.PasswordFile != "", o.PasswordStdin} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return usageErr("the password comes from more than one place (UCCHECK_PASSWORD, --password-file, --password-stdin): use one")
	}
	switch {
	case o.PasswordFile != "":
		data, err := os.ReadFile(o.PasswordFile)
		if err != nil {
			return usageErr("--password-file: %v", err)
		}
		o.Password = firstLine(string(data))
	case o.PasswordStdin:
		if o.IO.In == nil {
			return usageErr("--password-stdin: no standard input")
		}
		data, err := io.ReadAll(io.LimitReader(o.IO.In, 64<<10))
		if err != nil {
			return usageErr("--password-stdin: %v", err)
		}
		o.Password = firstLine(string(data))
	}
	if o.Password == "" {
		return usageErr("no password: set UCCHECK_PASSWORD, or use --password-file FILE or --password-stdin")
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimRight(line, "\r")
}

func loadCA(path string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if path == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("--ca-cert: %v", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usageErr("--ca-cert %s: no PEM certificate in the file", path)
	}
	return pool, nil
}

// loadCollectionRoles loads the collection; a collection whose roles cannot be recognised is
// not an error here (rolesErr says why): it may still get its collection pass.
func loadCollectionRoles(path string) (c *collections.Collection, roles collections.Roles, rolesErr, err error) {
	if path == "" {
		c = collections.Embedded()
	} else if c, err = collections.Load(path); err != nil {
		return nil, roles, nil, usageErr("%v", err)
	}
	roles, rolesErr = c.Roles()
	return c, roles, rolesErr, nil
}

// selectItems returns the items of the collection pass, in collection order: the role items
// (when recognised), the items of each --folder (a folder, or a request of that name, as in
// Newman), or every item with --all-items.
func selectItems(c *collections.Collection, r collections.Roles, haveRoles bool, folders []string, all bool) ([]*collections.Item, error) {
	want := map[*collections.Item]bool{}
	if haveRoles {
		want[r.Login], want[r.Probe], want[r.Logout] = true, true, true
	}
	for _, f := range folders {
		found := false
		for _, it := range c.Items {
			// As Newman's --folder: a folder's items, or a request of that name.
			for i := 0; i < len(it.Path); i++ {
				if it.Path[i] == f {
					want[it], found = true, true
				}
			}
		}
		if !found {
			var names []string
			for _, fo := range c.Folders {
				names = append(names, fmt.Sprintf("%q", fo.Name))
			}
			return nil, usageErr("--folder %q: no folder or request of that name in collection %s (folders: %s)", f, c.Source, strings.Join(names, ", "))
		}
	}
	var out []*collections.Item
	for _, it := range c.Items {
		if all || want[it] {
			out = append(out, it)
		}
	}
	return out, nil
}

type passFiles struct {
	globals, env []collections.Variable
	envName      string
	data         []map[string]any
}

func loadPassFiles(o *RunOptions) (passFiles, error) {
	var pf passFiles
	var err error
	if o.Globals != "" {
		if pf.globals, _, err = collections.LoadVariables(o.Globals); err != nil {
			return pf, usageErr("--globals: %v", err)
		}
	}
	if o.Environment != "" {
		if pf.env, pf.envName, err = collections.LoadVariables(o.Environment); err != nil {
			return pf, usageErr("--environment: %v", err)
		}
	}
	if o.IterationData != "" {
		if pf.data, err = collections.LoadIterationData(o.IterationData); err != nil {
			return pf, usageErr("--iteration-data: %v", err)
		}
	}
	return pf, nil
}

func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return u.Host
}

func loadCollection(path string) (*collections.Collection, collections.Roles, error) {
	var c *collections.Collection
	if path == "" {
		c = collections.Embedded()
	} else {
		var err error
		if c, err = collections.Load(path); err != nil {
			return nil, collections.Roles{}, usageErr("%v", err)
		}
	}
	roles, err := c.Roles()
	if err != nil {
		return nil, roles, usageErr("%v", err)
	}
	return c, roles, nil
}

func parseVars(vars []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range vars {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageErr("--var %q: want KEY=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}

// domainURL turns --domain HOST[:PORT] into https://HOST[:PORT].
func domainURL(d string) (string, error) {
	if strings.Contains(d, "://") {
		return "", usageErr("--domain %q: give the host only (acme.ucontactcloud.com), or use --base-url for a full URL", d)
	}
	if strings.ContainsAny(d, "/?#@ ") {
		return "", usageErr("--domain %q: want HOST[:PORT], with no path", d)
	}
	host := d
	if h, port, err := net.SplitHostPort(d); err == nil {
		if port == "" {
			return "", usageErr("--domain %q: empty port", d)
		}
		host = h
	}
	if host == "" {
		return "", usageErr("--domain %q: empty host", d)
	}
	return "https://" + d, nil
}

// baseURL validates --base-url: http or https, a host, no query.
func baseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageErr("--base-url %q: want http(s)://HOST[:PORT][/PREFIX]", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", usageErr("--base-url %q: no query, fragment or user info", s)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
