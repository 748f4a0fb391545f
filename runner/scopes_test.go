package runner

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
)

func vars(kv ...any) []collections.Variable {
	var out []collections.Variable
	for i := 0; i < len(kv); i += 2 {
		out = append(out, collections.Variable{Key: kv[i].(string), Value: kv[i+1]})
	}
	return out
}

func TestScopesPrecedence(t *testing.T) {
	s := &Scopes{
		Globals:     NewVarScope("globals", vars("a", "global", "b", "global", "c", "global", "d", "global", "e", "global", "g", "global")),
		Collection:  NewVarScope("collection", vars("b", "collection", "c", "collection", "d", "collection", "e", "collection")),
		Environment: NewVarScope("environment", vars("c", "environment", "d", "environment", "e", "environment")),
		Data:        NewVarScope("data", vars("d", "data", "e", "data")),
		Local:       NewVarScope("local", vars("e", "local")),
		Fallback:    []*VarScope{NewVarScope("item", vars("f", "item", "a", "item")), NewVarScope("folder", vars("f", "folder"))},
	}
	want := map[string]string{"a": "global", "b": "collection", "c": "environment", "d": "data", "e": "local", "f": "item", "g": "global"}
	for k, w := range want {
		if got, ok := s.Lookup(k); !ok || got != w {
			t.Errorf("Lookup(%q) = %q, %v; want %q", k, got, ok, w)
		}
	}
	if _, ok := s.Get("f"); ok {
		t.Errorf("pm.variables.get must not see item variables (Newman does not)")
	}
}

func TestDisabledIgnored(t *testing.T) {
	s := &Scopes{Environment: NewVarScope("environment", []collections.Variable{{Key: "x", Value: "1", Disabled: true}}),
		Globals: NewVarScope("globals", vars("x", "g"))}
	if v, _ := s.Lookup("x"); v != "g" {
		t.Errorf("x = %q, want the global (the environment entry is disabled)", v)
	}
}

func TestResolveNestedAndUnresolved(t *testing.T) {
	s := &Scopes{Collection: NewVarScope("collection", vars("base", "https://{{host}}", "host", "h.example", "n", 5.0, "z", nil))}
	got, unresolved := s.Resolve("{{base}}/x/{{n}}/{{z}}/{{missing}}/{{ spaced }}")
	if got != "https://h.example/x/5/null/{{missing}}/{{ spaced }}" {
		t.Errorf("Resolve = %q", got)
	}
	if strings.Join(unresolved, ",") != "missing, spaced " {
		t.Errorf("unresolved = %q", unresolved)
	}
	err := &UnresolvedError{Names: unresolved, Item: "F / R", Field: "URL"}
	for _, w := range []string{`item "F / R"`, "URL", "{{missing}}", "--var missing=VALUE"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q lacks %q", err, w)
		}
	}
}

func TestDynamicVariables(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	d := &Dynamic{Now: func() time.Time { return now }, Rand: bytes.NewReader(bytes.Repeat([]byte{7}, 4096))}
	s := &Scopes{Dynamic: d, Local: NewVarScope("local", vars("$timestamp", "mine"))}
	got, un := s.Resolve("{{$guid}} {{$randomUUID}} {{$timestamp}} {{$isoTimestamp}} {{$randomInt}} {{$nope}}")
	if len(un) != 1 || un[0] != "$nope" {
		t.Fatalf("unresolved = %v", un)
	}
	f := strings.Fields(got)
	if len(f[0]) != 36 || f[0][14] != '4' {
		t.Errorf("$guid = %q", f[0])
	}
	if f[2] != "mine" {
		t.Errorf("a scope variable named $timestamp must win, got %q", f[2])
	}
	if f[3] != "2026-01-02T03:04:05.006Z" {
		t.Errorf("$isoTimestamp = %q", f[3])
	}
	if v, _ := d.Value("$timestamp"); v != "1767323045" {
		t.Errorf("$timestamp = %q", v)
	}
	var ue *UnresolvedError
	if !errors.As(error(&UnresolvedError{Names: []string{"$nope"}}), &ue) || !strings.Contains(ue.Error(), "{{$guid}}") {
		t.Errorf("an unknown dynamic variable's error must list the known ones: %v", ue)
	}
}

func TestSetKeepsType(t *testing.T) {
	s := NewVarScope("collection", []collections.Variable{{Key: "n", Value: "1", Type: "number"}})
	s.Set("n", "42")
	if v, _ := s.Get("n"); v != 42.0 {
		t.Errorf("n = %#v, want 42 (a number variable stays a number)", v)
	}
	s.Set("new", true)
	if v, _ := s.Get("new"); v != true {
		t.Errorf("new = %#v", v)
	}
	s.Unset("n")
	if s.Has("n") {
		t.Error("unset failed")
	}
}
