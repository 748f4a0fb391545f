package runner

import (
	"errors"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/collections"
)

func TestBuildAuthAndBodies(t *testing.T) {
	c, err := collections.Load("testdata/auth-bodies.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*collections.Item{}
	for _, it := range c.Items {
		byName[it.Name()] = it
	}
	build := func(name string) (*Built, error) {
		it := byName[name]
		sc := &Scopes{Collection: NewVarScope("collection", c.VarList)}
		return Build(Template(c, it), BuildOptions{Item: it.PathString(), Scopes: sc, WorkingDir: "testdata", Profile: ProtocolProfile(c, it), Boundary: "BOUNDARY"})
	}
	tests := []struct {
		name, url, body string
		headers         map[string]string // "" value: must be absent
	}{
		{"inherits collection basic", "http://h.example/a", "", map[string]string{"Authorization": "Basic YW5hOnB3"}},
		{"inherits folder bearer", "http://h.example/b", `{"u": "ana"}`, map[string]string{"Authorization": "Bearer T0K", "Content-Type": "application/json", "X-Off": ""}},
		{"noauth stops it", "http://h.example/c", "a%20b=1%262", map[string]string{"Authorization": "", "Content-Type": "application/x-www-form-urlencoded"}},
		{"apikey header", "http://h.example/d", "", map[string]string{"X-Api-Key": "k1", "Authorization": ""}},
		{"apikey query", "http://h.example/e/ana?x=1&api_key=k2", "", map[string]string{"Authorization": ""}},
		{"formdata", "http://h.example/g", "--BOUNDARY\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nana\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"f\"; filename=\"upload.txt\"\r\nContent-Type: text/plain\r\n\r\nhello file\n\r\n--BOUNDARY--\r\n", map[string]string{"Content-Type": "multipart/form-data; boundary=BOUNDARY"}},
		{"file", "http://h.example/h", "hello file\n", nil},
		{"graphql", "http://h.example/i", `{"query":"query Q { u(name: \"ana\") }","variables":{"n": 1}}`, map[string]string{"Content-Type": "application/json"}},
		{"get with body pruned", "http://h.example/j", "", nil},
		{"get with body kept", "http://h.example/k", "x", map[string]string{"Content-Type": "text/plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := build(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if b.URL != tt.url {
				t.Errorf("URL = %q, want %q", b.URL, tt.url)
			}
			if string(b.Body) != tt.body {
				t.Errorf("body = %q, want %q", b.Body, tt.body)
			}
			for k, v := range tt.headers {
				if got := b.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			n := 0
			for _, h := range b.Header {
				if strings.EqualFold(h.Key, "Authorization") || strings.EqualFold(h.Key, "X-Api-Key") {
					n++
				}
			}
			if n > 1 {
				t.Errorf("auth header sent twice: %+v", b.Header)
			}
		})
	}
	t.Run("unknown auth type", func(t *testing.T) {
		err := CheckAuth(c, byName["digest"])
		if err == nil || !strings.Contains(err.Error(), `"digest"`) || !strings.Contains(err.Error(), "Bearer folder / digest") {
			t.Errorf("CheckAuth = %v", err)
		}
		if _, err := build("digest"); err == nil {
			t.Error("Build sent a digest-auth request without its auth")
		}
	})
	t.Run("unresolved", func(t *testing.T) {
		_, err := build("unresolved")
		var ue *UnresolvedError
		if !errors.As(err, &ue) || ue.Names[0] != "nobody" || ue.Item != "unresolved" || !strings.Contains(ue.Field, `header "X"`) {
			t.Errorf("err = %v", err)
		}
	})
}
