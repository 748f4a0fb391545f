package cli

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/runner"
)

// parseRun parses `uccheck run` arguments with the given environment through the runF seam and
// returns the options run would have been called with (nil when it was not called).
func parseRun(t *testing.T, env map[string]string, args ...string) (*RunOptions, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := IO{Out: &out, Err: &errOut, Getenv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}}
	var got *RunOptions
	cmd := newRunCmd(streams, func(o *RunOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(append([]string{}, args...)) // never nil: cobra reads os.Args (go test flags) for nil
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	return got, err
}

func TestRunDefaults(t *testing.T) {
	o, err := parseRun(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o == nil {
		t.Fatal("runF was not called")
	}
	if o.Timeout != runner.DefaultTimeout {
		t.Errorf("Timeout = %s, want %s", o.Timeout, runner.DefaultTimeout)
	}
	if len(o.Domains) != 0 || len(o.BaseURLs) != 0 || o.User != "" || o.Password != "" || o.JUnit != "" ||
		o.Skip != nil || o.Only != nil || o.Vars != nil || o.Insecure || o.NoColor {
		t.Errorf("options not empty with no flags and no environment: %+v", o)
	}
}

func TestRunOptionsFromEnv(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, o *RunOptions)
	}{
		{"UCCHECK_DOMAIN", map[string]string{"UCCHECK_DOMAIN": "acme.ucontactcloud.com"}, func(t *testing.T, o *RunOptions) {
			if !slices.Equal(o.Domains, []string{"acme.ucontactcloud.com"}) {
				t.Errorf("Domains = %q", o.Domains)
			}
		}},
		{"UCCHECK_BASE_URL", map[string]string{"UCCHECK_BASE_URL": "http://127.0.0.1:8080"}, func(t *testing.T, o *RunOptions) {
			if !slices.Equal(o.BaseURLs, []string{"http://127.0.0.1:8080"}) {
				t.Errorf("BaseURLs = %q", o.BaseURLs)
			}
		}},
		{"UCCHECK_USER", map[string]string{"UCCHECK_USER": "api-monitor"}, func(t *testing.T, o *RunOptions) {
			if o.User != "api-monitor" {
				t.Errorf("User = %q", o.User)
			}
		}},
		{"UCCHECK_PASSWORD", map[string]string{"UCCHECK_PASSWORD": "s3cret"}, func(t *testing.T, o *RunOptions) {
			if o.Password != "s3cret" {
				t.Errorf("Password = %q", o.Password)
			}
		}},
		{"UCCHECK_JUNIT", map[string]string{"UCCHECK_JUNIT": "out/report.xml"}, func(t *testing.T, o *RunOptions) {
			if o.JUnit != "out/report.xml" {
				t.Errorf("JUnit = %q", o.JUnit)
			}
		}},
		{"UCCHECK_SKIP comma separated", map[string]string{"UCCHECK_SKIP": "login.token-shape, transport"}, func(t *testing.T, o *RunOptions) {
			if want := []string{"login.token-shape", "transport"}; !slices.Equal(o.Skip, want) {
				t.Errorf("Skip = %q, want %q", o.Skip, want)
			}
		}},
		{"UCCHECK_ONLY", map[string]string{"UCCHECK_ONLY": "logout,auth"}, func(t *testing.T, o *RunOptions) {
			if want := []string{"logout", "auth"}; !slices.Equal(o.Only, want) {
				t.Errorf("Only = %q, want %q", o.Only, want)
			}
		}},
		{"UCCHECK_VAR newline separated, commas kept", map[string]string{"UCCHECK_VAR": "queue=Ventas,Soporte\nregion=uy\n"}, func(t *testing.T, o *RunOptions) {
			if want := []string{"queue=Ventas,Soporte", "region=uy"}; !slices.Equal(o.Vars, want) {
				t.Errorf("Vars = %q, want %q", o.Vars, want)
			}
		}},
		{"UCCHECK_TIMEOUT", map[string]string{"UCCHECK_TIMEOUT": "3s"}, func(t *testing.T, o *RunOptions) {
			if o.Timeout != 3*time.Second {
				t.Errorf("Timeout = %s, want 3s", o.Timeout)
			}
		}},
		{"UCCHECK_CA_CERT and UCCHECK_INSECURE", map[string]string{"UCCHECK_CA_CERT": "ca.pem", "UCCHECK_INSECURE": "true"}, func(t *testing.T, o *RunOptions) {
			if o.CACert != "ca.pem" || !o.Insecure {
				t.Errorf("CACert = %q, Insecure = %t", o.CACert, o.Insecure)
			}
		}},
		{"UCCHECK_COLLECTION", map[string]string{"UCCHECK_COLLECTION": "vendor.json"}, func(t *testing.T, o *RunOptions) {
			if !slices.Equal(o.Collections, []string{"vendor.json"}) {
				t.Errorf("Collections = %q", o.Collections)
			}
		}},
		{"NO_COLOR", map[string]string{"NO_COLOR": ""}, func(t *testing.T, o *RunOptions) {
			if !o.NoColor {
				t.Errorf("NoColor = false with NO_COLOR set")
			}
		}},
		{"empty values are unset", map[string]string{"UCCHECK_DOMAIN": "", "UCCHECK_TIMEOUT": ""}, func(t *testing.T, o *RunOptions) {
			if len(o.Domains) != 0 || o.Timeout != runner.DefaultTimeout {
				t.Errorf("Domains = %q, Timeout = %s", o.Domains, o.Timeout)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseRun(t, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if o == nil {
				t.Fatal("runF was not called")
			}
			tt.check(t, o)
		})
	}
}

func TestRunFlagWinsOverEnv(t *testing.T) {
	env := map[string]string{
		"UCCHECK_DOMAIN":  "env.example",
		"UCCHECK_USER":    "env-user",
		"UCCHECK_JUNIT":   "env.xml",
		"UCCHECK_SKIP":    "login,auth",
		"UCCHECK_VAR":     "a=env\nb=env",
		"UCCHECK_TIMEOUT": "3s",
	}
	o, err := parseRun(t, env,
		"--domain", "flag.example", "--user", "flag-user", "--junit", "flag.xml",
		"--skip", "logout", "--var", "a=flag",
		"--timeout", runner.DefaultTimeout.String()) // the default value, given explicitly
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Domains, []string{"flag.example"}) || o.User != "flag-user" || o.JUnit != "flag.xml" {
		t.Errorf("Domains, User, JUnit = %q, %q, %q: the environment won over the flags", o.Domains, o.User, o.JUnit)
	}
	if !slices.Equal(o.Skip, []string{"logout"}) {
		t.Errorf("Skip = %q, want [logout] (the flag replaces the environment, not adds to it)", o.Skip)
	}
	if !slices.Equal(o.Vars, []string{"a=flag"}) {
		t.Errorf("Vars = %q, want [a=flag]", o.Vars)
	}
	if o.Timeout != runner.DefaultTimeout {
		t.Errorf("Timeout = %s: UCCHECK_TIMEOUT won over --timeout %s", o.Timeout, runner.DefaultTimeout)
	}
}

func TestRunBadEnvIsUsageError(t *testing.T) {
	o, err := parseRun(t, map[string]string{"UCCHECK_TIMEOUT": "soon"})
	if o != nil {
		t.Errorf("runF was called with a bad UCCHECK_TIMEOUT")
	}
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitUsage {
		t.Fatalf("err = %v, want a usage error (exit %d)", err, ExitUsage)
	}
	if !strings.Contains(err.Error(), "UCCHECK_TIMEOUT") {
		t.Errorf("the error does not name the variable: %v", err)
	}
}

func TestNoPasswordFlag(t *testing.T) {
	if f := newRunCmd(IO{}, nil).Flags().Lookup("password"); f != nil {
		t.Fatalf("run has a --password flag: a password on the command line shows in ps")
	}
	o, err := parseRun(t, nil, "--password", "s3cret")
	if o != nil {
		t.Errorf("runF was called with --password")
	}
	if err == nil || !strings.Contains(err.Error(), "unknown flag: --password") {
		t.Errorf("err = %v, want unknown flag: --password", err)
	}

	var out, errOut bytes.Buffer
	code := Main([]string{"run", "--password", "s3cret"}, IO{Out: &out, Err: &errOut})
	if code != ExitUsage {
		t.Errorf("exit code %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(errOut.String(), "unknown flag: --password") {
		t.Errorf("stderr: %q", errOut.String())
	}
}

// exitCodeLineRE matches a line of the exit code table in --help: "  130  interrupted ...".
var exitCodeLineRE = regexp.MustCompile(`(?m)^\s+(\d+)\s{2,}\S`)

func TestHelpListsExitCodes(t *testing.T) {
	wantListed := []ExitCode{ExitOK, ExitFailed, ExitUsage, ExitUnreachable, ExitInterrupted}
	for _, args := range [][]string{{"--help"}, {"run", "--help"}, {"help", "run"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := Main(args, IO{Out: &out, Err: &errOut}); code != ExitOK {
				t.Fatalf("exit code %d, stderr %q", code, errOut.String())
			}
			help := out.String()
			_, table, ok := strings.Cut(help, "Exit codes:")
			if !ok {
				t.Fatalf("no \"Exit codes:\" section in the help:\n%s", help)
			}
			var listed []ExitCode
			for _, m := range exitCodeLineRE.FindAllStringSubmatch(table, -1) {
				n, _ := strconv.Atoi(m[1])
				listed = append(listed, ExitCode(n))
			}
			if !slices.Equal(listed, wantListed) {
				t.Errorf("the help lists exit codes %v, want %v:\n%s", listed, wantListed, table)
			}
			if !strings.Contains(table, strconv.Itoa(int(ExitTerminated))) {
				t.Errorf("the help does not mention %d (SIGTERM):\n%s", ExitTerminated, table)
			}
		})
	}
}
