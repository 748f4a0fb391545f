package collections

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	postman "github.com/rbretecher/go-postman-collection"
)

// load loads testdata/shapes/<name>.json.
func load(t *testing.T, name string) *Collection {
	t.Helper()
	c, err := Load(filepath.Join("testdata", "shapes", name+".json"))
	if err != nil {
		t.Fatalf("Load(%s): %v", name, err)
	}
	return c
}

// libraryRejects asserts that go-postman-collection v0.9.0 alone cannot read the file: the
// gap the normalising layer closes is real.
func libraryRejects(t *testing.T, name string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "shapes", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := postman.ParseCollection(bytes.NewReader(data)); err == nil {
		t.Fatalf("the library now reads %s by itself: the normalising rule for it may be obsolete", name)
	}
}

func TestNormalizeShapes(t *testing.T) {
	tests := []struct {
		name     string
		rejected bool // the library alone fails on it
		check    func(t *testing.T, c *Collection)
	}{
		{"url-host-string", true, func(t *testing.T, c *Collection) {
			it := c.Items[0]
			if want := []string{"{{host.name}}", "example", "com"}; !reflect.DeepEqual(it.Parts.Host, want) {
				t.Errorf("host = %q, want %q (dots inside {{}} do not split)", it.Parts.Host, want)
			}
			if it.PathString() != "Folder / get" {
				t.Errorf("path = %q", it.PathString())
			}
		}},
		{"url-path-string", true, func(t *testing.T, c *Collection) {
			it := c.Items[0]
			if want := []string{"Integra", "resources", "auth", "getUserToken"}; !reflect.DeepEqual(it.Parts.Path, want) {
				t.Errorf("path = %q, want %q", it.Parts.Path, want)
			}
			if _, err := c.Roles(); err == nil || !strings.Contains(err.Error(), "logout") {
				t.Errorf("Roles() = %v; want the login found and the logout missing", err)
			}
		}},
		{"path-segment-objects", true, func(t *testing.T, c *Collection) {
			u := c.Items[0].Parts
			if want := []string{"users", ":id"}; !reflect.DeepEqual(u.Path, want) {
				t.Errorf("path = %q, want %q", u.Path, want)
			}
			if len(u.Variables) != 1 || u.Variables[0].Key != "id" || u.Variables[0].String() != "42" {
				t.Errorf("path variables = %+v, want id=42", u.Variables)
			}
		}},
		{"header-string", true, func(t *testing.T, c *Collection) {
			it := c.Items[0]
			want := []Header{{Key: "Accept", Value: "application/json"}, {Key: "X-Time", Value: "10:30:00"}, {Key: "X-Off", Value: "no", Disabled: true}}
			if !reflect.DeepEqual(it.Headers, want) {
				t.Errorf("headers = %+v, want %+v", it.Headers, want)
			}
			if len(it.Header) != 2 {
				t.Errorf("enabled headers = %+v, want 2", it.Header)
			}
		}},
		{"exec-string", true, func(t *testing.T, c *Collection) {
			if len(c.Events) != 1 || c.Events[0].Listen != "test" || !strings.Contains(c.Events[0].Exec, "\n  pm.response.to.have.status(200);\n") {
				t.Errorf("collection events = %+v", c.Events)
			}
		}},
		{"variable-types", true, func(t *testing.T, c *Collection) {
			byKey := map[string]Variable{}
			for _, v := range c.VarList {
				byKey[v.Key] = v
			}
			if v := byKey["n"]; v.Value != 5.0 || v.String() != "5" {
				t.Errorf("n = %#v", v)
			}
			if v := byKey["f"]; CastOut(v.Value, v.Type) != 1.5 {
				t.Errorf("f = %#v", v)
			}
			if v := byKey["b"]; CastOut(v.Value, v.Type) != true || v.String() != "true" {
				t.Errorf("b = %#v", v)
			}
			if v := byKey["z"]; v.Value != nil || v.String() != "null" {
				t.Errorf("z = %#v", v)
			}
			if v := byKey["o"]; !reflect.DeepEqual(v.Value, map[string]any{"a": 1.0}) {
				t.Errorf("o = %#v", v)
			}
			if v := byKey["seven"]; v.Key != "" {
				t.Errorf("a numeric key must stay a key, got %#v", v)
			}
			if _, ok := byKey["7"]; !ok {
				t.Errorf("numeric key 7 missing: %+v", c.VarList)
			}
			if _, ok := c.Variables["off"]; ok {
				t.Errorf("disabled variable in Variables: %v", c.Variables)
			}
			if c.Variables["n"] != "5" || c.Variables["b"] != "true" {
				t.Errorf("Variables = %v", c.Variables)
			}
			if iv := c.Items[0].Variables; len(iv) != 1 || iv[0].Value != false {
				t.Errorf("item variables = %+v", iv)
			}
		}},
		{"description-objects", true, func(t *testing.T, c *Collection) {
			if c.Items[0].PathString() != "Folder / get" || len(c.Items[0].Parts.Query) != 1 {
				t.Errorf("item = %+v", c.Items[0])
			}
		}},
		{"info-version-object", true, func(t *testing.T, c *Collection) {
			if c.Version != "2.1.0-beta" {
				t.Errorf("version = %q, want 2.1.0-beta", c.Version)
			}
		}},
		{"query-disabled", false, func(t *testing.T, c *Collection) {
			q := c.Items[0].Parts.Query
			if len(q) != 3 || !q[1].Disabled || q[0].Disabled || !q[2].NoValue {
				t.Errorf("query = %+v", q)
			}
			if s := c.Items[0].Parts.String(); s != "https://example.com/p?a=1&flag" {
				t.Errorf("URL = %q, want the disabled parameter left out", s)
			}
		}},
		{"collection-ppb", false, func(t *testing.T, c *Collection) {
			if c.ProtocolProfileBehavior["followRedirects"] != false || c.ProtocolProfileBehavior["disableBodyPruning"] != true {
				t.Errorf("collection protocolProfileBehavior = %v", c.ProtocolProfileBehavior)
			}
			if c.Items[0].ProtocolProfileBehavior["strictSSL"] != false {
				t.Errorf("item protocolProfileBehavior = %v", c.Items[0].ProtocolProfileBehavior)
			}
		}},
		{"typed-bodies", false, func(t *testing.T, c *Collection) {
			u := c.Items[0].Body
			if len(u.URLEncoded) != 3 || u.URLEncoded[1].Value != "2" || !u.URLEncoded[2].Disabled {
				t.Errorf("urlencoded = %+v", u.URLEncoded)
			}
			if len(c.Items[0].Form) != 2 {
				t.Errorf("Form (enabled) = %+v", c.Items[0].Form)
			}
			f := c.Items[1].Body
			if len(f.FormData) != 3 || f.FormData[1].Type != "file" || f.FormData[1].Src[0] != "files/a.txt" || f.FormData[1].ContentType != "text/plain" || !f.FormData[2].Disabled {
				t.Errorf("formdata = %+v", f.FormData)
			}
			if b := c.Items[2].Body; b.Mode != "file" || b.FileSrc != "files/a.txt" {
				t.Errorf("file = %+v", b)
			}
			if g := c.Items[3].Body.GraphQL; g == nil || g.Query != "query { a }" || g.Variables != `{"x": 1}` {
				t.Errorf("graphql = %+v", g)
			}
			if b := c.Items[4].Body; b.Language != "json" || b.Raw != `{"a": 1}` {
				t.Errorf("raw = %+v", b)
			}
		}},
		{"url-escapes", false, func(t *testing.T, c *Collection) {
			it := c.Items[0]
			if it.URL != `https://example.com/search?a=1&b=café&c="q"` {
				t.Errorf("URL = %q, want JSON escapes decoded", it.URL)
			}
			if q := it.Parts.Query; len(q) != 3 || q[1].Value != "café" {
				t.Errorf("query = %+v", q)
			}
		}},
		{"v20-auth-map", false, func(t *testing.T, c *Collection) {
			if c.Auth == nil || c.Auth.Type != "basic" || c.Auth.Params["username"] != "u" || c.Auth.Params["password"] != "p" {
				t.Errorf("collection auth = %+v", c.Auth)
			}
			a := c.Items[0].Auth
			if a == nil || a.Type != "apikey" || a.Params["key"] != "X-Key" || a.Params["in"] != "header" {
				t.Errorf("request auth = %+v", a)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.rejected {
				libraryRejects(t, tt.name)
			}
			tt.check(t, load(t, tt.name))
		})
	}
}

func TestNormalizeErrorsNameFileItemAndField(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"bad-host", []string{"bad-host.json", `item "Folder / Broken"`, `field "request.url.host"`, "got a number"}},
		{"bad-exec", []string{"bad-exec.json", `item "Folder / Broken"`, `field "event[0].script.exec"`, "got a number"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", "shapes", tt.file+".json"))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LoadError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw  string
		want URL
	}{
		{"{{baseUrl}}/Integra/resources/auth/getUserToken", URL{Host: []string{"{{baseUrl}}"}, Path: []string{"Integra", "resources", "auth", "getUserToken"}}},
		{"https://u:p@{{h.x}}.com:8443/a/:id.json?x=1&y#frag", URL{Protocol: "https", Auth: &URLAuth{User: "u", Password: ptr("p")}, Host: []string{"{{h.x}}", "com"}, Port: "8443", Path: []string{"a", ":id.json"}, Query: []Param{{Key: "x", Value: "1"}, {Key: "y", NoValue: true}}, Hash: ptr("frag"), Variables: []Variable{{Key: "id"}}}},
		{"http://example.com", URL{Protocol: "http", Host: []string{"example", "com"}}},
		{"{{url}}?q={{a/b}}", URL{Host: []string{"{{url}}"}, Query: []Param{{Key: "q", Value: "{{a/b}}"}}}},
	}
	for _, tt := range tests {
		got := ParseURL(tt.raw)
		tt.want.Raw = tt.raw
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("ParseURL(%q) =\n %+v\nwant\n %+v", tt.raw, *got, tt.want)
		}
		if s := got.String(); s != tt.raw {
			t.Errorf("ParseURL(%q).String() = %q", tt.raw, s)
		}
	}
}

func ptr(s string) *string { return &s }

func TestEmbeddedStillLoads(t *testing.T) {
	c := Embedded()
	r, err := c.Roles()
	if err != nil {
		t.Fatal(err)
	}
	if r.Login.Name() != "getUserToken" || r.Probe.Name() != "campaignstatus" || r.Logout.Name() != "EndSession" {
		t.Errorf("roles = %s, %s, %s", r.Login.Name(), r.Probe.Name(), r.Logout.Name())
	}
	if len(r.Login.Form) != 2 || r.Login.URL != "https://{{domain}}/Integra/resources/auth/getUserToken" {
		t.Errorf("login item = %+v", r.Login)
	}
}

func TestVariableWithoutValueIsEmpty(t *testing.T) {
	c, err := Parse([]byte(`{"info": {"name": "x"}, "variable": [{"key": "none"}, {"key": "null", "value": null}], "item": [{"name": "r", "request": "https://h/"}]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if c.Variables["none"] != "" || c.Variables["null"] != "null" {
		t.Errorf("Variables = %q; want none=\"\" and null=\"null\", as Postman substitutes them", c.Variables)
	}
}
