package fleet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/runner"
)

func TestTargets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "domains.txt")
	data := "# tenants\nbeta.example  ops  BETA_PW\n\nhttps://gamma.example:8443/Integra/resources # full URL\n"
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	o := &Options{Domains: []string{"acme.example"}, BaseURLs: []string{"http://localhost:8080/"}, DomainsFile: file}
	got, err := o.targets()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ base, where, user, env string }{
		{"https://acme.example", "--domain", "", ""},
		{"http://localhost:8080", "--base-url", "", ""},
		{"https://beta.example", file + ":2", "ops", "BETA_PW"},
		{"https://gamma.example:8443", file + ":4", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d targets, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if g := got[i]; g.Base != w.base || g.Where != w.where || g.User != w.user || g.credEnv != w.env {
			t.Errorf("target %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestTargetsRefused(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file string
		o          Options
		want       string
	}{
		{"one tenant twice, case aside", "", Options{Domains: []string{"acme.example", "ACME.example"}}, "named twice"},
		{"a URL as --domain", "", Options{Domains: []string{"https://acme.example"}}, "--base-url"},
		{"a query in --base-url", "", Options{BaseURLs: []string{"https://acme.example/?x=1"}}, "no query"},
		{"a password in column 3", "acme.example ops hunter2!\n", Options{}, "value not shown"},
		{"four columns", "acme.example ops PW extra\n", Options{}, "got 4 fields"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file != "" {
				tc.o.DomainsFile = filepath.Join(dir, strings.Repeat("d", i+1))
				if err := os.WriteFile(tc.o.DomainsFile, []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := tc.o.targets()
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a usage error saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error echoes the password: %v", err)
			}
		})
	}
}

func TestCredentialsFromDomainsFile(t *testing.T) {
	o := &Options{User: "shared", Password: "shared-pw", io: Streams{Getenv: func(k string) (string, bool) {
		return map[string]string{"BETA_PW": "beta-pw"}[k], k == "BETA_PW"
	}}}
	targets := []target{{Base: "https://a.example"}, {Base: "https://b.example", User: "ops", credEnv: "BETA_PW"}}
	if err := o.credentials(targets); err != nil {
		t.Fatal(err)
	}
	if targets[0].User != "shared" || targets[0].Password != "shared-pw" || targets[1].User != "ops" || targets[1].Password != "beta-pw" {
		t.Errorf("credentials = %+v", targets)
	}
	missing := []target{{Base: "https://c.example", Where: "d.txt:3", credEnv: "UNSET"}}
	if err := o.credentials(missing); err == nil || !strings.Contains(err.Error(), "UNSET") {
		t.Errorf("an unset variable: %v", err)
	}
}

func TestShards(t *testing.T) {
	if i, n, err := parseShard("2/8"); err != nil || i != 2 || n != 8 {
		t.Errorf("parseShard(2/8) = %d, %d, %v", i, n, err)
	}
	for _, bad := range []string{"0/3", "4/3", "1/0", "a/b", "3"} {
		if _, _, err := parseShard(bad); err == nil {
			t.Errorf("parseShard(%q) accepted", bad)
		}
	}
	var targets []target
	for _, h := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		targets = append(targets, target{Base: "https://" + h + ".example"})
	}
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		for _, t := range shard(targets, i, 3) {
			seen[t.Base]++
		}
	}
	for _, tg := range targets {
		if seen[tg.Base] != 1 {
			t.Errorf("%s is in %d shards, want 1", tg.Base, seen[tg.Base])
		}
		if ShardOf(tg.Base, 3) != ShardOf(strings.ToUpper(tg.Base), 3) {
			t.Errorf("%s: the shard depends on the case", tg.Base)
		}
	}
}

func TestParseBudgets(t *testing.T) {
	all, err := parseBudgets("2s")
	if err != nil || len(all) != len(runner.Flow) || all[runner.StepLogin] != 2*time.Second {
		t.Errorf("parseBudgets(2s) = %v, %v", all, err)
	}
	some, err := parseBudgets("login=1s, probe=500ms")
	if err != nil || len(some) != 2 || some[runner.StepProbe] != 500*time.Millisecond {
		t.Errorf("pairs = %v, %v", some, err)
	}
	for _, bad := range []string{"-1s", "login=x", "nosuch=1s"} {
		if _, err := parseBudgets(bad); err == nil {
			t.Errorf("parseBudgets(%q) accepted", bad)
		}
	}
}

func TestPerCollectionLabels(t *testing.T) {
	c := func(name, src string) target {
		return target{coll: &collections.Collection{Name: name, Source: src}}
	}
	one := perCollection([]target{{Base: "https://a.example"}}, []target{c("API", "x.json")})
	if len(one) != 1 || one[0].Label != "https://a.example" {
		t.Errorf("one collection: %+v", one)
	}
	two := perCollection([]target{{Base: "https://a.example"}}, []target{c("API", "dir1/x.json"), c("API", "dir2/x.json")})
	if len(two) != 2 || two[0].Label == two[1].Label || !strings.HasSuffix(two[1].Label, "#2") {
		t.Errorf("two collections of one name: labels %q, %q", two[0].Label, two[1].Label)
	}
}

func TestCheckReportPaths(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{JUnit: dir}, "is a folder"},
		{Options{JSON: filepath.Join(dir, "nope", "r.json")}, "does not exist"},
	} {
		if err := tc.o.checkReportPaths(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
	if err := (&Options{HTML: filepath.Join(dir, "r.html")}).checkReportPaths(); err != nil {
		t.Errorf("a writable path refused: %v", err)
	}
}
