package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// xdParse runs `uccheck crossdomain args` up to the options, with env as the environment.
func xdParse(t *testing.T, env map[string]string, args ...string) (*CrossdomainOptions, error) {
	t.Helper()
	var got *CrossdomainOptions
	var out, errOut bytes.Buffer
	streams := IO{Out: &out, Err: &errOut, Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	cmd := newCrossdomainCmd(streams, func(o *CrossdomainOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	return got, err
}

func TestCrossdomainFlags(t *testing.T) {
	o, err := xdParse(t, map[string]string{
		"UCCHECK_CHROMIUM": "/opt/chrome/chrome", "UCCHECK_JUNIT": "env.xml", "UCCHECK_FAULT": "form-vendor,iframe-star-target",
		"UCCHECK_TIMEOUT": "3s", "NO_COLOR": "",
	}, "--junit", "flag.xml", "--artifacts", "shots")
	if err != nil {
		t.Fatal(err)
	}
	if o.Chromium != "/opt/chrome/chrome" || o.JUnit != "flag.xml" || o.Artifacts != "shots" || o.Timeout != 3*time.Second || !o.NoColor {
		t.Errorf("options: %+v", o)
	}
	if strings.Join(o.Faults, ",") != "form-vendor,iframe-star-target" {
		t.Errorf("faults from the environment: %q", o.Faults)
	}
}

func TestCrossdomainRegistered(t *testing.T) {
	var out bytes.Buffer
	code := Main([]string{"crossdomain", "--help"}, IO{Out: &out, Err: &out})
	if code != ExitOK || !strings.Contains(out.String(), "Exit codes:") || !strings.Contains(out.String(), "form-swapped-args") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}
