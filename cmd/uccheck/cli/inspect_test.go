package cli

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestInspectGolden(t *testing.T) {
	pkg := pkgDir(t)
	t.Run("embedded", func(t *testing.T) {
		r := uccheck(nil, "inspect")
		if r.code != ExitOK {
			t.Fatal(r)
		}
		cliGolden(t, pkg, "inspect-embedded.txt", r.out)
	})
	t.Run("imported vendor collection", func(t *testing.T) {
		inTempDir(t, map[string]string{"vendor.json": "vendor-v21.postman_collection.json"})
		if r := uccheck(nil, "import", "vendor.json", "--to", "c.json"); r.code != ExitOK {
			t.Fatal(r)
		}
		r := uccheck(nil, "inspect", "--collection", "c.json", "--skip", "transport", "--only", "login", "--only", "transport", "--var", "lang=es")
		if r.code != ExitOK {
			t.Fatal(r)
		}
		cliGolden(t, pkg, "inspect-v21.txt", r.out)
		j := uccheck(nil, "inspect", "--collection", "c.json", "--json", "--probe-item", "Supervisor / Agentes")
		if j.code != ExitOK {
			t.Fatal(j)
		}
		cliGolden(t, pkg, "inspect-v21.json", j.out)
	})
}

// TestInspectJSONFields: the JSON's field names are the documented, stable ones.
func TestInspectJSONFields(t *testing.T) {
	r := uccheck(nil, "inspect", "--json", "--skip", "logout.bad-token-zero")
	if r.code != ExitOK {
		t.Fatal(r)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if got, want := keys(doc), []string{"api_token", "checks", "items", "items_left", "name", "problems", "requests", "roles", "runnable", "schema", "schema_version", "skipped_steps", "source"}; !slices.Equal(got, want) {
		t.Errorf("top-level fields %q, want %q", got, want)
	}
	role := doc["roles"].([]any)[0].(map[string]any)
	if got, want := keys(role), []string{"how", "item", "role", "set_by_uccheck", "variables", "why"}; !slices.Equal(got, want) {
		t.Errorf("role fields %q, want %q", got, want)
	}
	v := role["variables"].([]any)[0].(map[string]any)
	if got, want := keys(v), []string{"detail", "name", "source", "where"}; !slices.Equal(got, want) {
		t.Errorf("variable fields %q, want %q", got, want)
	}
	var checks []InspectCheck
	raw, _ := json.Marshal(doc["checks"])
	if err := json.Unmarshal(raw, &checks); err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if (c.ID == "logout.bad-token-zero") == c.Runs {
			t.Errorf("check %s runs=%t (%s)", c.ID, c.Runs, c.Why)
		}
	}
	// The documentation lists every field.
	docs, err := os.ReadFile("../../../docs/collections.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []reflect.Type{reflect.TypeOf(Inspection{}), reflect.TypeOf(InspectItem{}), reflect.TypeOf(InspectRole{}),
		reflect.TypeOf(InspectVar{}), reflect.TypeOf(InspectNote{}), reflect.TypeOf(InspectRequest{}), reflect.TypeOf(InspectCheck{}), reflect.TypeOf(InspectLeft{}), reflect.TypeOf(InspectSkipped{})} {
		for i := 0; i < f.NumField(); i++ {
			name, _, _ := strings.Cut(f.Field(i).Tag.Get("json"), ",")
			if !strings.Contains(string(docs), name+"` |") {
				t.Errorf("docs/collections.md does not document the field %s.%s (%q)", f.Name(), f.Field(i).Name, name)
			}
		}
	}
}

func TestInspectWouldNotRun(t *testing.T) {
	inTempDir(t, nil)
	noLogout := `{"info":{"name":"x","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[
	  {"name":"login","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/getUserToken"}},
	  {"name":"probe","request":{"method":"POST","url":"{{baseUrl}}/Integra/resources/Supervisor/campaignstatus"}},
	  {"name":"bye","request":{"method":"POST","url":"{{baseUrl}}/Integra/resources/auth/Salir"}}]}`
	if err := os.WriteFile("c.json", []byte(noLogout), 0o644); err != nil {
		t.Fatal(err)
	}
	r := uccheck(nil, "inspect", "--collection", "c.json")
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want 2\n%s", r.code, r)
	}
	for _, want := range []string{
		"logout  none: no item: looked for an item whose URL path ends with /auth/EndSession (or name one with --logout-item)",
		"A run with these flags would stop before sending anything:",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q\n%s", want, r)
		}
	}

	// With an override the roles are found; the probe then needs {{baseUrl}}.
	r = uccheck(nil, "inspect", "--collection", "c.json", "--logout-item", "bye")
	if r.code != ExitUsage || !strings.Contains(r.out, `item "probe" needs {{baseUrl}}, which is not set (set it with --var baseUrl=VALUE)`) ||
		!strings.Contains(r.out, `logout  "bye": override: --logout-item "bye" matched the item's name`) {
		t.Fatalf("with --logout-item:\n%s", r)
	}
	r = uccheck(nil, "inspect", "--collection", "c.json", "--logout-item", "bye", "--var", "baseUrl=https://h", "--json")
	if r.code != ExitOK {
		t.Fatal(r)
	}
	var in Inspection
	if err := json.Unmarshal([]byte(r.out), &in); err != nil {
		t.Fatal(err)
	}
	if !in.Runnable || in.Roles[2].How != "override" || !reflect.DeepEqual(in.Roles[1].Variables[0], InspectVar{Name: "baseUrl", Source: "var", Detail: "--var baseUrl=…", Value: "https://h", Where: []string{"URL"}}) {
		t.Errorf("JSON: %+v", in)
	}
}

func TestInspectHidesSecretValues(t *testing.T) {
	inTempDir(t, nil)
	coll := `{"info":{"name":"x"},"variable":[{"key":"apiKey","value":"SEKRIT-var-1"},{"key":"q","value":"Ventas"},{"key":"t","value":"QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3"}],"item":[
	  {"name":"login","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/getUserToken"}},
	  {"name":"probe","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/Supervisor/campaignstatus?k={{apiKey}}&q={{q}}&t={{t}}"}},
	  {"name":"bye","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/EndSession"}}]}`
	if err := os.WriteFile("c.json", []byte(coll), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"inspect", "--collection", "c.json"}, {"inspect", "--collection", "c.json", "--json"}} {
		r := uccheck(nil, args...)
		if r.code != ExitOK {
			t.Fatal(r)
		}
		if strings.Contains(r.out, "SEKRIT") || strings.Contains(r.out, "OTgzNWM1") {
			t.Errorf("a secret value is shown:\n%s", r.out)
		}
		if !strings.Contains(r.out, "Ventas") {
			t.Errorf("a plain value is hidden:\n%s", r.out)
		}
	}
}

func TestInspectOptions(t *testing.T) {
	var got *InspectOptions
	cmd := newInspectCmd(IO{Getenv: func(k string) (string, bool) {
		v, ok := map[string]string{"UCCHECK_COLLECTION": "c.json", "UCCHECK_SKIP": "transport,auth", "UCCHECK_PROBE_ITEM": "Agentes"}[k]
		return v, ok
	}}, func(o *InspectOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--json", "--var", "a=b"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Collections, []string{"c.json"}) || !got.JSON || !slices.Equal(got.Skip, []string{"transport", "auth"}) || got.Roles.Probe != "Agentes" || !slices.Equal(got.Vars, []string{"a=b"}) {
		t.Errorf("options: %+v", got)
	}
}
