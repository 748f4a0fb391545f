package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/ucsim"
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

func TestCrossdomainPlan(t *testing.T) {
	file := filepath.Join(t.TempDir(), "form.html")
	if err := os.WriteFile(file, []byte("<!doctype html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := &CrossdomainOptions{Timeout: time.Second}
	p, err := o.plan()
	if err != nil {
		t.Fatal(err)
	}
	if !p.simulated || p.form.ExpectOrigin != ucsim.CrossdomainIntegratorOrigin || p.embed.Click != "#save" || p.embed.ExpectTargetOrigin != ucsim.CrossdomainFormOrigin {
		t.Errorf("built-in plan: %+v %+v %+v", p, p.form, p.embed)
	}
	o = &CrossdomainOptions{Timeout: time.Second, Faults: []string{"iframe-star-target"}}
	if p, err = o.plan(); err != nil || !strings.HasSuffix(p.embed.Page.Path, "/iframe-star-target") || !strings.HasSuffix(p.form.Page.Path, "/form") {
		t.Errorf("--fault iframe-star-target: %v %+v", err, p)
	}
	o = &CrossdomainOptions{Timeout: time.Second, Form: file, ExpectOrigin: "https://CRM.example.test"}
	if p, err = o.plan(); err != nil || p.simulated || p.embed != nil || p.form.Page.Name != file || p.form.ExpectOrigin != "https://CRM.example.test" {
		t.Errorf("--form FILE: %v %+v", err, p)
	}
	o = &CrossdomainOptions{Timeout: time.Second, Embed: "https://crm.example.test/uc?x=1", Eval: "save()"}
	if p, err = o.plan(); err != nil || p.form != nil || p.embed.Page.Path != "/uc?x=1" || p.embed.Eval != "save()" {
		t.Errorf("--embed URL: %v %+v", err, p)
	}
	for _, bad := range []*CrossdomainOptions{
		{Timeout: time.Second, Embed: file},
		{Timeout: time.Second, Form: file, ExpectTargetOrigin: "https://acme.ucontactcloud.com"},
		{Timeout: time.Second, Embed: file, Click: "#a", ExpectOrigin: "https://crm.example.test"},
		{Timeout: time.Second, Faults: []string{"form"}},
	} {
		if _, err := bad.plan(); err == nil {
			t.Errorf("%+v: no usage error", bad)
		} else if ee, ok := err.(*exitError); !ok || ee.code != ExitUsage {
			t.Errorf("%+v: %v, want a usage error", bad, err)
		}
	}
}

func TestCrossdomainRegistered(t *testing.T) {
	var out bytes.Buffer
	code := Main([]string{"crossdomain", "--help"}, IO{Out: &out, Err: &out})
	if code != ExitOK || !strings.Contains(out.String(), "Exit codes:") || !strings.Contains(out.String(), "form-swapped-args") {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}
