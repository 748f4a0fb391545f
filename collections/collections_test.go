package collections_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/collections"
)

func load(t *testing.T, name string) *collections.Collection {
	t.Helper()
	c, err := collections.Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return c
}

func TestParseEmbedded(t *testing.T) {
	c, err := collections.Parse(collections.APISecurityJSON(), collections.EmbeddedName)
	if err != nil {
		t.Fatalf("Parse(embedded): %v", err)
	}
	if c.Name != "API Security" || c.Source != collections.EmbeddedName {
		t.Errorf("name, source = %q, %q; want %q, %q", c.Name, c.Source, "API Security", collections.EmbeddedName)
	}
	if !strings.Contains(c.Schema, "v2.1.0") {
		t.Errorf("schema = %q, want the v2.1.0 schema", c.Schema)
	}
	var names []string
	for _, it := range c.Items {
		names = append(names, it.PathString())
	}
	if want := []string{"getUserToken", "campaignstatus", "EndSession"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("items = %q, want %q", names, want)
	}
	login := c.Items[0]
	if login.Method != "POST" || login.URL != "https://{{domain}}/Integra/resources/auth/getUserToken" || login.BodyMode != "urlencoded" {
		t.Errorf("login = %s %s (%s)", login.Method, login.URL, login.BodyMode)
	}
	if want := []collections.Field{{Key: "user", Value: "{{user}}"}, {Key: "password", Value: "{{password}}"}}; !reflect.DeepEqual(login.Form, want) {
		t.Errorf("login form = %v, want %v", login.Form, want)
	}
	if want := []collections.Field{{Key: "Content-Type", Value: "application/x-www-form-urlencoded; charset=UTF-8"}}; !reflect.DeepEqual(login.Header, want) {
		t.Errorf("login header = %v, want %v", login.Header, want)
	}
	if got := login.URLPath(); got != "/Integra/resources/auth/getUserToken" {
		t.Errorf("URLPath() = %q", got)
	}
	if c.Variables["domain"] != "dominio.ucontactcloud.com" {
		t.Errorf("variables = %v, want domain=dominio.ucontactcloud.com", c.Variables)
	}
	// Embedded parses the same bytes, and APISecurityJSON hands out a copy.
	if e := collections.Embedded(); len(e.Items) != len(c.Items) {
		t.Errorf("Embedded() has %d items, Parse has %d", len(e.Items), len(c.Items))
	}
	b := collections.APISecurityJSON()
	b[0] = 'X'
	if collections.APISecurityJSON()[0] == 'X' {
		t.Error("APISecurityJSON returns the embedded slice itself: a caller can change the shipped collection")
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		file                 string
		login, probe, logout string // item paths
		probeWhy             string // part of Why[RoleProbe]
	}{
		{
			file:  "renamed.postman_collection.json",
			login: "Autenticación / Inicio de sesión", probe: "Servicios / Estado de campañas", logout: "Autenticación / Cerrar sesión",
			probeWhy: "ends with /Supervisor/campaignstatus",
		},
		{
			file:  "probe-fallback.postman_collection.json",
			login: "hello", probe: "agents", logout: "bye",
			probeWhy: "first item that is neither login nor logout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := load(t, tt.file).Roles()
			if err != nil {
				t.Fatalf("Roles(): %v", err)
			}
			got := []string{r.Login.PathString(), r.Probe.PathString(), r.Logout.PathString()}
			if want := []string{tt.login, tt.probe, tt.logout}; !reflect.DeepEqual(got, want) {
				t.Errorf("login, probe, logout = %q, want %q", got, want)
			}
			if !strings.Contains(r.Why[collections.RoleProbe], tt.probeWhy) {
				t.Errorf("Why[probe] = %q, want it to contain %q", r.Why[collections.RoleProbe], tt.probeWhy)
			}
			if !strings.Contains(r.Why[collections.RoleLogin], collections.LoginPathSuffix) {
				t.Errorf("Why[login] = %q, want it to name %s", r.Why[collections.RoleLogin], collections.LoginPathSuffix)
			}
		})
	}
}

func TestRolesMissing(t *testing.T) {
	tests := []struct {
		file   string
		role   collections.Role
		looked []string // parts of the message
	}{
		{"no-login.postman_collection.json", collections.RoleLogin, []string{"login role", "/auth/getUserToken"}},
		{"no-logout.postman_collection.json", collections.RoleLogout, []string{"logout role", "/auth/EndSession"}},
		{"no-probe.postman_collection.json", collections.RoleProbe, []string{"probe role", "/Supervisor/campaignstatus", "any item besides login and logout"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := load(t, tt.file).Roles()
			var re *collections.RoleError
			if !errors.As(err, &re) {
				t.Fatalf("Roles() error = %v, want a *RoleError", err)
			}
			if re.Role != tt.role {
				t.Errorf("Role = %q, want %q", re.Role, tt.role)
			}
			msg := err.Error()
			for _, part := range append(tt.looked, filepath.Join("testdata", tt.file)) {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q does not name %q", msg, part)
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		file  string
		parts []string // parts of the message
	}{
		// The stray comma is at line 3, column 13.
		{"invalid.json", []string{"line 3, column 13", "not valid JSON"}},
		{"array.json", []string{"line 1, column 1", "not a Postman collection", "array"}},
		{"no-url.postman_collection.json", []string{`item "Auth / hello"`, `"request.url": missing`}},
		{"bad-urlencoded.postman_collection.json", []string{`item "hello"`, `"request.body.urlencoded"`, "list of {key, value} objects"}},
		{"does-not-exist.json", []string{"does-not-exist.json", "no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			c, err := collections.Load(path)
			var le *collections.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load() = %v, %v; want a *LoadError", c, err)
			}
			if le.Source != path {
				t.Errorf("Source = %q, want %q", le.Source, path)
			}
			msg := err.Error()
			for _, part := range append(tt.parts, path) {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q does not contain %q", msg, part)
				}
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, data, part string
	}{
		{"null", "null", "empty document"},
		{"empty object", "{}", "not a Postman collection"},
		{"only folders", `{"info": {"name": "x"}, "item": [{"name": "f", "item": []}]}`, "holds no request"},
		{"truncated", "{\n  \"info\": {\"name\": \"x\"},\n", "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := collections.Parse([]byte(tt.data), "inline")
			var le *collections.LoadError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.part) {
				t.Fatalf("Parse(%q) error = %v, want a *LoadError containing %q", tt.data, err, tt.part)
			}
		})
	}
}

func TestDisabledLeftOut(t *testing.T) {
	c := load(t, "disabled.postman_collection.json")
	it := c.Items[0]
	wantHeader := []collections.Field{
		{Key: "Content-Type", Value: "application/x-www-form-urlencoded; charset=UTF-8"},
		{Key: "Accept", Value: "application/json"},
	}
	if !reflect.DeepEqual(it.Header, wantHeader) {
		t.Errorf("Header = %v, want %v (the disabled X-Debug left out)", it.Header, wantHeader)
	}
	// A non-string value is kept as its JSON text.
	wantForm := []collections.Field{{Key: "user", Value: "{{user}}"}, {Key: "password", Value: "{{password}}"}, {Key: "attempt", Value: "3"}}
	if !reflect.DeepEqual(it.Form, wantForm) {
		t.Errorf("Form = %v, want %v (the disabled remember left out)", it.Form, wantForm)
	}
	if want := map[string]string{"domain": "acme.ucontactcloud.com"}; !reflect.DeepEqual(c.Variables, want) {
		t.Errorf("Variables = %v, want %v (the disabled one left out)", c.Variables, want)
	}
}

func TestV20StringURL(t *testing.T) {
	c := load(t, "v20.postman_collection.json")
	if len(c.Items) != 2 {
		t.Fatalf("%d items, want 2", len(c.Items))
	}
	login, status := c.Items[0], c.Items[1]
	if login.Method != "POST" || login.URL != "https://{{domain}}/Integra/resources/auth/getUserToken" {
		t.Errorf("login = %s %q", login.Method, login.URL)
	}
	if got := login.URLPath(); got != "/Integra/resources/auth/getUserToken" {
		t.Errorf("login URLPath() = %q", got)
	}
	// A request given as a bare string is a GET of that URL.
	if status.Method != "GET" || status.URL != "https://{{domain}}/Integra/resources/Supervisor/campaignstatus" {
		t.Errorf("status = %s %q", status.Method, status.URL)
	}
}

func TestURLRebuiltFromParts(t *testing.T) {
	// The renamed collection's login has no "raw": its URL is rebuilt from protocol, host, port and path.
	c := load(t, "renamed.postman_collection.json")
	r, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://{{domain}}:8443/Integra/resources/auth/getUserToken"; r.Login.URL != want {
		t.Errorf("login URL = %q, want %q", r.Login.URL, want)
	}
	if r.Probe.Method != "POST" {
		t.Errorf("probe method = %q, want it upper-cased to POST", r.Probe.Method)
	}
}

func TestURLPath(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://{{domain}}/Integra/resources/auth/EndSession", "/Integra/resources/auth/EndSession"},
		{"{{base}}/Integra/resources/auth/EndSession?x=1#f", "/Integra/resources/auth/EndSession"},
		{"http://host:8080/a/b#frag", "/a/b"},
		{"https://host", "/"},
		{"https://host?x=/y", "/"},
	}
	for _, tt := range tests {
		it := &collections.Item{URL: tt.url}
		if got := it.URLPath(); got != tt.want {
			t.Errorf("URLPath(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
