package runner_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/runner"
)

// docToken is the vendor page's example key: base64 of "Admin:9835c525-3567-4b82-a0af-ccd23e08c707".
const docToken = "QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3"

func TestExtractToken(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
		src  runner.TokenSource
	}{
		{"array, token last", `[{"user":"Admin","phone":null},"SuperUser","` + docToken + `"]`, docToken, runner.TokenSource{Shape: "array", Index: 2, Len: 3}},
		{"array of one", `["` + docToken + `"]`, docToken, runner.TokenSource{Shape: "array", Index: 0, Len: 1}},
		{"array, token first, record last", `["` + docToken + `","SuperUser",{"user":"Admin"}]`, docToken, runner.TokenSource{Shape: "array", Index: 0, Len: 3}},
		{"array, token in the middle, empty string last", `["SuperUser","` + docToken + `",""]`, docToken, runner.TokenSource{Shape: "array", Index: 1, Len: 3}},
		{"array without a token-shaped string: the last string", `["first-value","second-value",7,null]`, "second-value", runner.TokenSource{Shape: "array", Index: 1, Len: 4}},
		{"bare JSON string", `"` + docToken + `"`, docToken, runner.TokenSource{Shape: "string"}},
		{"bare JSON string with whitespace", " \n\"" + docToken + "\"\r\n", docToken, runner.TokenSource{Shape: "string"}},
		{"plain-text token", docToken, docToken, runner.TokenSource{Shape: "text"}},
		{"plain-text token and newline", docToken + "\n", docToken, runner.TokenSource{Shape: "text"}},
		{"BOM before an array", "\xef\xbb\xbf[\"SuperUser\",\"" + docToken + "\"]", docToken, runner.TokenSource{Shape: "array", Index: 1, Len: 2}},
		{"BOM before plain text", "\xef\xbb\xbf" + docToken, docToken, runner.TokenSource{Shape: "text"}},
		{"the error answer 0", "0", "", runner.TokenSource{}},
		{"0 with a newline", "0\n", "", runner.TokenSource{}},
		{"the string \"0\"", `"0"`, "", runner.TokenSource{}},
		{"empty body", "", "", runner.TokenSource{}},
		{"whitespace only", " \r\n\t", "", runner.TokenSource{}},
		{"empty array", "[]", "", runner.TokenSource{}},
		{"empty string", `""`, "", runner.TokenSource{}},
		{"nested garbage", `[[1,2],{"token":"` + docToken + `"},null,true]`, "", runner.TokenSource{}},
		{"object", `{"token":"` + docToken + `"}`, "", runner.TokenSource{}},
		{"HTML error page", "<html><body>" + docToken + "</body></html>", "", runner.TokenSource{}},
		{"plain text that is not a token", "Unauthorized", "", runner.TokenSource{}},
		{"two words", docToken + " " + docToken, "", runner.TokenSource{}},
		{"truncated JSON", `["SuperUser","` + docToken, "", runner.TokenSource{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src := runner.ExtractToken([]byte(tt.body))
			if got != tt.want || src != tt.src {
				t.Errorf("ExtractToken(%q) = %q, %+v; want %q, %+v", tt.body, got, src, tt.want, tt.src)
			}
		})
	}
}

func TestLooksLikeToken(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{docToken, true},
		{"dTp4", true},                 // "u:x"
		{"OnNlc3Npb24=", false},        // ":session": no user
		{"QWRtaW46", false},            // "Admin:": no session
		{"QWRtaW4=", false},            // "Admin": no colon
		{"QWRtaW46OTgz*", false},       // not base64
		{"QWRtaW46OTgzNWM1MjU", false}, // unpadded: not standard base64
		{"", false},
	}
	for _, tt := range tests {
		if got := runner.LooksLikeToken(tt.s); got != tt.want {
			t.Errorf("LooksLikeToken(%q) = %t, want %t", tt.s, got, tt.want)
		}
	}
}

func TestSubstitute(t *testing.T) {
	vars := map[string]string{
		"domain": "acme.ucontactcloud.com",
		"user":   "Admin",
		"host":   "{{domain}}",
		"base":   "https://{{host}}/Integra",
		"login":  "{{base}}/resources/auth/getUserToken",
		"empty":  "",
	}
	tests := []struct{ in, want string }{
		{"no variables", "no variables"},
		{"{{user}}", "Admin"},
		{"{{user}}:{{user}}", "Admin:Admin"},
		{"https://{{domain}}/x", "https://acme.ucontactcloud.com/x"},
		{"{{login}}", "https://acme.ucontactcloud.com/Integra/resources/auth/getUserToken"},
		{"queue={{empty}}", "queue="},
		{"{ {user} }", "{ {user} }"},
		{"{{", "{{"},
	}
	for _, tt := range tests {
		got, err := runner.Substitute(tt.in, vars)
		if err != nil || got != tt.want {
			t.Errorf("Substitute(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSubstituteUnset(t *testing.T) {
	vars := map[string]string{"user": "Admin", "base": "https://{{domain}}", "domain": "{{tenant}}.example.com"}
	tests := []struct {
		in    string
		names []string
	}{
		{"Basic {{token}}", []string{"token"}},
		{"{{ user }}", []string{" user "}}, // as Newman: the name is " user ", spaces included
		{"{{a}}{{user}}{{b}}{{a}}", []string{"a", "b"}},
		{"{{base}}/x", []string{"tenant"}}, // unset two levels down
	}
	for _, tt := range tests {
		_, err := runner.Substitute(tt.in, vars)
		var ue *runner.UnsetError
		if !errors.As(err, &ue) {
			t.Errorf("Substitute(%q) error = %v, want an *UnsetError", tt.in, err)
			continue
		}
		if strings.Join(ue.Names, ",") != strings.Join(tt.names, ",") {
			t.Errorf("Substitute(%q): Names = %q, want %q", tt.in, ue.Names, tt.names)
		}
		msg := err.Error()
		for _, n := range tt.names {
			if !strings.Contains(msg, "{{"+n+"}}") {
				t.Errorf("message %q does not name {{%s}}", msg, n)
			}
		}
		if want := "--var " + tt.names[0] + "=VALUE"; !strings.Contains(msg, want) {
			t.Errorf("message %q does not say how to set it (%q)", msg, want)
		}
	}
}

func TestSubstituteDepthBound(t *testing.T) {
	// chain(n) is {{v0}} -> {{v1}} -> ... -> {{v<n>}} -> "end": n+1 levels of nesting.
	chain := func(n int) map[string]string {
		vars := map[string]string{}
		for i := 0; i < n; i++ {
			vars["v"+string(rune('a'+i))] = "{{v" + string(rune('a'+i+1)) + "}}"
		}
		vars["v"+string(rune('a'+n))] = "end"
		return vars
	}
	if got, err := runner.Substitute("{{va}}", chain(9)); err != nil || got != "end" {
		t.Errorf("a chain of 10 levels: %q, %v; want \"end\"", got, err)
	}
	for name, vars := range map[string]map[string]string{
		"chain deeper than the bound": chain(20),
		"self-reference":              {"va": "{{va}}"},
		"cycle of two":                {"va": "x{{vb}}", "vb": "{{va}}"},
	} {
		got, err := runner.Substitute("{{va}}", vars)
		var ue *runner.UnsetError
		if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "cycle") {
			t.Errorf("%s: Substitute = %q, %v; want an error that suspects a cycle", name, got, err)
		}
	}
}
