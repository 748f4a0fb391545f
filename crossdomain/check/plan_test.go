package check

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/ucsim"
)

func TestCrossdomainPlan(t *testing.T) {
	file := filepath.Join(t.TempDir(), "form.html")
	if err := os.WriteFile(file, []byte("<!doctype html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := &Options{Timeout: time.Second}
	p, err := o.plan()
	if err != nil {
		t.Fatal(err)
	}
	if !p.simulated || p.form.ExpectOrigin != ucsim.CrossdomainIntegratorOrigin || p.embed.Click != "#save" || p.embed.ExpectTargetOrigin != ucsim.CrossdomainFormOrigin {
		t.Errorf("built-in plan: %+v %+v %+v", p, p.form, p.embed)
	}
	o = &Options{Timeout: time.Second, Faults: []string{"iframe-star-target"}}
	if p, err = o.plan(); err != nil || !strings.HasSuffix(p.embed.Page.Path, "/iframe-star-target") || !strings.HasSuffix(p.form.Page.Path, "/form") {
		t.Errorf("--fault iframe-star-target: %v %+v", err, p)
	}
	o = &Options{Timeout: time.Second, Form: file, ExpectOrigin: "https://CRM.example.test"}
	if p, err = o.plan(); err != nil || p.simulated || p.embed != nil || p.form.Page.Name != file || p.form.ExpectOrigin != "https://CRM.example.test" {
		t.Errorf("--form FILE: %v %+v", err, p)
	}
	o = &Options{Timeout: time.Second, Embed: "https://crm.example.test/uc?x=1", Eval: "save()"}
	if p, err = o.plan(); err != nil || p.form != nil || p.embed.Page.Path != "/uc?x=1" || p.embed.Eval != "save()" {
		t.Errorf("--embed URL: %v %+v", err, p)
	}
	for _, bad := range []*Options{
		{Timeout: time.Second, Embed: file},
		{Timeout: time.Second, Form: file, ExpectTargetOrigin: "https://acme.ucontactcloud.com"},
		{Timeout: time.Second, Embed: file, Click: "#a", ExpectOrigin: "https://crm.example.test"},
		{Timeout: time.Second, Faults: []string{"form"}},
	} {
		if _, err := bad.plan(); err == nil {
			t.Errorf("%+v: no usage error", bad)
		} else if ue := (*UsageError)(nil); !errors.As(err, &ue) {
			t.Errorf("%+v: %v, want a usage error", bad, err)
		}
	}
}
