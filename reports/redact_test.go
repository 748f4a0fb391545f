package reports_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/reports"
)

const (
	password    = `pa ss/w+rd"<&>ñ`
	sessionUUID = "9835c525-3567-4b82-a0af-ccd23e08c707"
)

// token is shaped as the documented key; "Bob:<UUID>" is 40 bytes, so its base64 is padded.
var token = base64.StdEncoding.EncodeToString([]byte("Bob:" + sessionUUID))

// forms returns every form in which a secret may travel and must not be printed.
func forms(secret string) map[string]string {
	js, _ := json.Marshal(secret)
	q := strconv.Quote(secret)
	out := map[string]string{
		"as it is":       secret,
		"query-escaped":  url.QueryEscape(secret),
		"path-escaped":   url.PathEscape(secret),
		"form-escaped":   strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),
		"lower-hex":      regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(secret), strings.ToLower),
		"base64":         base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 url":     base64.URLEncoding.EncodeToString([]byte(secret)),
		"base64 raw":     base64.RawStdEncoding.EncodeToString([]byte(secret)),
		"base64 raw url": base64.RawURLEncoding.EncodeToString([]byte(secret)),
		"JSON-quoted":    string(js[1 : len(js)-1]),
		"Go-quoted":      q[1 : len(q)-1],
	}
	if raw, err := base64.StdEncoding.DecodeString(secret); err == nil {
		out["decoded"] = string(raw)
		if _, rest, ok := strings.Cut(string(raw), ":"); ok {
			out["session part"] = rest
		}
	}
	return out
}

func TestRedactor(t *testing.T) {
	rd := reports.NewRedactor([]string{password, token, ""})
	for _, secret := range []string{password, token} {
		for name, form := range forms(secret) {
			in := "before «" + form + "» after"
			got := rd.Redact(in)
			if want := "before «" + reports.Redacted + "» after"; got != want {
				t.Errorf("%s of %q: Redact(%q) = %q, want %q", name, secret, in, got, want)
			}
		}
	}
	// The forms differ, or the test would prove less than it says.
	if f := forms(password); f["as it is"] == f["query-escaped"] || f["base64"] == f["base64 raw"] || f["as it is"] == f["JSON-quoted"] || f["JSON-quoted"] == f["Go-quoted"] {
		t.Fatalf("the test password has forms that coincide: %q", f)
	}
	if f := forms(token); f["as it is"] == f["query-escaped"] || f["session part"] != sessionUUID {
		t.Fatalf("the test token has forms that coincide: %q", f)
	}

	// A URL and a JSON body that carry them, as reports quote them.
	in := "POST https://acme.example/x?token=" + url.QueryEscape(token) + " -> " + `["Bob","` + token + `"] user Bob:` + sessionUUID
	got := rd.Redact(in)
	if strings.Contains(got, sessionUUID) || strings.Contains(got, token[:20]) {
		t.Errorf("Redact left a secret: %q", got)
	}
	if !strings.Contains(got, "https://acme.example/x?token=") || !strings.Contains(got, `["Bob","`) {
		t.Errorf("Redact removed more than secrets: %q", got)
	}
	if s := "nothing secret: Bob, 200 OK"; rd.Redact(s) != s {
		t.Errorf("Redact(%q) = %q", s, rd.Redact(s))
	}
}

func TestRedactorEmpty(t *testing.T) {
	for _, rd := range []*reports.Redactor{nil, reports.NewRedactor(nil), reports.NewRedactor([]string{""})} {
		if got := rd.Redact("text"); got != "text" {
			t.Errorf("Redact = %q, want the text as it was", got)
		}
	}
}
