// Package cli is the uccheck command line: flags and environment into options, options into calls
// to the runner, suites and reports packages, and errors into exit codes. It touches no process
// globals: streams, environment and cancellation come in through IO.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Version is uccheck's version, set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "0.1.0-dev"

// ExitCode is the process exit status of a uccheck command.
type ExitCode int

// The exit codes, by class. They are documented in --help and the README and never change.
const (
	ExitOK          ExitCode = 0   // every check passed (or was skipped on request)
	ExitFailed      ExitCode = 1   // a check failed: the server broke the contract
	ExitUsage       ExitCode = 2   // usage, collection or local file error: nothing or not everything was asked
	ExitUnreachable ExitCode = 3   // the target could not be asked (DNS, TLS, refused, timeout) and no check failed
	ExitInterrupted ExitCode = 130 // interrupted (SIGINT); 143 for SIGTERM
	ExitTerminated  ExitCode = 143
)

// exitCodesHelp is the exit code table for --help.
const exitCodesHelp = `Exit codes:
  0    every check passed (checks skipped on request do not count)
  1    a check failed: the server answered against the documented contract
  2    usage, collection or local file error (bad flag, unreadable collection, no password)
  3    the target could not be asked (DNS, TLS, connection refused, timeout) and no check failed
  130  interrupted by SIGINT (143: SIGTERM); sessions were ended and reports written`

// IO is what a command may touch of its process: streams, environment and cancellation.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv looks up an environment variable; nil means an empty environment.
	Getenv func(string) (string, bool)
	// Context is cancelled on SIGINT/SIGTERM, with the signal's exit code as cause (an *InterruptCause).
	Context context.Context
	// Terminal says that Out is a terminal (colours, unless NO_COLOR is set).
	Terminal bool
}

// InterruptCause is the cancellation cause main sets when a signal arrives.
type InterruptCause struct {
	Signal string
	Code   ExitCode
}

func (c *InterruptCause) Error() string { return "interrupted by " + c.Signal }

// exitError carries an exit code up through cobra.
type exitError struct {
	code ExitCode
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

func (s IO) getenv(k string) (string, bool) {
	if s.Getenv == nil {
		return "", false
	}
	return s.Getenv(k)
}

func (s IO) ctx() context.Context {
	if s.Context == nil {
		return context.Background()
	}
	return s.Context
}

// Main runs uccheck with the given arguments (without the program name) and returns its exit code.
func Main(args []string, streams IO) ExitCode {
	root := NewRoot(streams)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != errSilent {
			fmt.Fprintf(streams.Err, "uccheck: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag, wrong argument count.
	fmt.Fprintf(streams.Err, "uccheck: %v\nRun 'uccheck --help' for usage.\n", err)
	return ExitUsage
}

// errSilent marks an exit code whose explanation was already printed.
var errSilent = errors.New("")

// NewRoot returns the uccheck command tree.
func NewRoot(streams IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "uccheck",
		Short: "Prove that a uContact tenant honours its documented API security contract",
		Long: `uccheck runs the uContact "Integra" auth flow (getUserToken -> an authenticated
service -> EndSession) against a tenant, judges every documented behaviour as a named check,
and writes a console summary and JUnit reports for CI.

With no --domain, 'uccheck run' runs against a built-in uContact simulator.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetIn(streams.In)
	root.AddCommand(newRunCmd(streams, nil), newServeCmd(streams, nil), newCrossdomainCmd(streams, nil),
		newInspectCmd(streams, nil), newImportCmd(streams, nil), newMergeCmd(streams), newVersionCmd(streams))
	return root
}

func newVersionCmd(streams IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print uccheck's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(streams.Out, "uccheck %s\n", Version)
			return nil
		},
	}
}

// bindEnv fills every flag the command line left unset from UCCHECK_<FLAG_NAME> (dashes become
// underscores). List flags take comma-separated values, except --var (one KEY=VALUE per line)
// and --secret-pattern (one expression per line: a regular expression may hold commas).
func bindEnv(fs *pflag.FlagSet, streams IO) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "help" {
			return
		}
		name := EnvName(f.Name)
		v, ok := streams.getenv(name)
		if !ok || v == "" {
			return
		}
		var parts []string
		switch {
		case f.Name == "var" || f.Name == "secret-pattern":
			parts = strings.Split(strings.TrimSpace(v), "\n")
		case strings.HasSuffix(f.Value.Type(), "Array") || strings.HasSuffix(f.Value.Type(), "Slice"):
			parts = strings.Split(v, ",")
		default:
			parts = []string{v}
		}
		for _, p := range parts {
			if e := fs.Set(f.Name, strings.TrimSpace(p)); e != nil {
				err = usageErr("environment variable %s=%q: %v", name, v, e)
				return
			}
		}
	})
	return err
}

// EnvName returns the environment variable that sets a flag: "ca-cert" -> "UCCHECK_CA_CERT".
func EnvName(flag string) string {
	return "UCCHECK_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}
