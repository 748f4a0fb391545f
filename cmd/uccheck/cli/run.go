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
	Deadline      time.Duration
	MaxBody       int64
	Verbose       bool
	JUnit         string
	Skip, Only    []string
	Collection    string
	Roles         collections.RoleOverrides // --login-item, --probe-item, --logout-item
	Vars          []string
	NoColor       bool

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
ended, after failures and interruptions too. It sends no other request of the collection.

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
	f.DurationVar(&o.Deadline, "deadline", 0, "time limit for the whole run (0: none); sessions are still ended and reports written")
	f.Int64Var(&o.MaxBody, "max-body", runner.DefaultMaxBody, "read at most `BYTES` of each response body; a longer body fails the check that reads it")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "print every exchange (headers, bodies, TLS, timings) to stderr, secrets redacted")
	f.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report to `FILE` (written even when checks fail)")
	f.StringArrayVar(&o.Skip, "skip", nil, "do not judge check `ID` (or a group: login, transport, auth, logout); repeatable")
	f.StringArrayVar(&o.Only, "only", nil, "judge only check `ID` (or a group); repeatable")
	f.StringVar(&o.Collection, "collection", "", "Postman collection `FILE` to build the requests from (default: the embedded \"API Security\")")
	f.StringArrayVar(&o.Vars, "var", nil, "set collection variable `KEY=VALUE`; repeatable")
	addRoleItemFlags(f, &o.Roles)
	f.BoolVar(&o.NoColor, "no-color", false, "no colours in the console output (also: NO_COLOR)")
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
	coll, roles, err := loadCollection(o.Collection, o.Roles)
	if err != nil {
		return err
	}
	if o.Domain != "" && o.BaseURL != "" {
		return usageErr("--domain and --base-url both given: use one")
	}
	if o.Timeout <= 0 {
		return usageErr("--timeout must be positive, got %s", o.Timeout)
	}
	if o.Deadline < 0 {
		return usageErr("--deadline must not be negative, got %s", o.Deadline)
	}
	if o.MaxBody <= 0 {
		return usageErr("--max-body must be positive, got %d", o.MaxBody)
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
	runCtx := ctx
	if o.Deadline > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Deadline)
		defer cancel()
	}
	transcript, err := runner.Run(runCtx, runner.Options{
		BaseURL: base, User: o.User, Password: o.Password,
		Vars: vars, CollectionVars: coll.Variables, Roles: roles, Source: coll.Source,
		Steps: sel.Steps(), Client: client, Timeout: o.Timeout, MaxBody: o.MaxBody,
	})
	client.CloseIdleConnections()
	if err != nil {
		return usageErr("%v", err)
	}
	redactor := reports.NewRedactor(transcript.Secrets)
	if o.Verbose {
		_ = reports.WriteTranscript(o.IO.Err, transcript, redactor)
	}
	greport, err := suites.Judge(transcript, sel)
	if err != nil {
		return &exitError{code: ExitUsage, err: err}
	}
	run := &reports.Run{
		Version: Version, Target: transcript.Target, Collection: coll.Source, User: o.User,
		Simulated: simulated, Insecure: o.Insecure, Started: transcript.Started, Duration: transcript.Duration,
		Aborted: transcript.Aborted, Interrupted: transcript.Interrupted,
		Results:  reports.ResultsFromGinkgo(greport),
		Redactor: redactor,
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

func loadCollection(path string, overrides collections.RoleOverrides) (*collections.Collection, collections.Roles, error) {
	var c *collections.Collection
	if path == "" {
		c = collections.Embedded()
	} else {
		var err error
		if c, err = collections.Load(path); err != nil {
			return nil, collections.Roles{}, usageErr("%v", err)
		}
	}
	roles, err := c.RolesWith(overrides)
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
