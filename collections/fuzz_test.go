package collections

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: the loader never panics on any input, and every failure is a *LoadError naming the
// source.
func FuzzParse(f *testing.F) {
	f.Add(APISecurityJSON())
	for _, s := range []string{``, `null`, `[]`, `{}`, `{"info":{"name":"x"},"item":[{"name":"a","request":"https://h/x"}]}`,
		`{"info":{"name":"x"},"item":[{"name":"f","item":[{"name":"a","request":{"url":{"raw":"{{u}}/auth/getUserToken"},"method":"POST","body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":1}]}}}]}]}`,
		`{"item":[{"request":{"url":5}}]}`, `{"info":{"name":1}}`, `{"item":[{"request":{"header":"A: b\nC"}}]}`} {
		f.Add([]byte(s))
	}
	if seeds, _ := filepath.Glob("testdata/*.json"); len(seeds) > 0 {
		for _, p := range seeds {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.json")
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || le.Source != "fuzz.json" {
				t.Fatalf("error %T does not name the source: %v", err, err)
			}
			return
		}
		if len(c.Items) == 0 {
			t.Fatal("a collection without requests loaded without error")
		}
		_, _ = c.Roles()
	})
}
