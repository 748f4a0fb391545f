package suites_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega/types"
	"github.com/uccheck/uccheck/runner"
	"github.com/uccheck/uccheck/suites"
)

const (
	sessionUUID = "9835c525-3567-4b82-a0af-ccd23e08c707"
	otherUUID   = "0f8fad5b-d9cb-469f-a165-70867728950e"
)

var goodToken = b64("Admin:" + sessionUUID)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// answer builds an exchange answered over HTTP/2 and TLS with the given status and body.
func answer(status int, body string) *runner.Exchange {
	return &runner.Exchange{
		Step:    runner.StepLogin,
		Request: runner.Request{Method: "POST", URL: "https://acme.example/Integra/resources/auth/getUserToken"},
		Response: &runner.Response{Status: status, Proto: "HTTP/2.0", Header: http.Header{}, Body: []byte(body),
			TLS: &runner.TLSInfo{Version: "TLS 1.3", ALPN: "h2", NotAfter: time.Now().AddDate(1, 0, 0)}},
	}
}

func withProto(ex *runner.Exchange, proto, alpn string, tls bool) *runner.Exchange {
	ex.Response.Proto = proto
	if !tls {
		ex.Response.TLS = nil
	} else {
		ex.Response.TLS.ALPN = alpn
	}
	return ex
}

func TestMatchers(t *testing.T) {
	tests := []struct {
		name    string
		matcher func() types.GomegaMatcher
		pass    []*runner.Exchange
		fail    []*runner.Exchange
		actual  []string // for each failing exchange, a part of its "actual:" line
	}{
		{
			name: "HaveStatus", matcher: func() types.GomegaMatcher { return suites.HaveStatus(200) },
			pass:   []*runner.Exchange{answer(200, "[]")},
			fail:   []*runner.Exchange{answer(201, `["x"]`), answer(302, "")},
			actual: []string{"HTTP 201 with JSON: an array of 1: `[\"x\"]`", "HTTP 302 with an empty body"},
		},
		{
			name: "BeJSONArray", matcher: suites.BeJSONArray,
			pass:   []*runner.Exchange{answer(200, `[{"user":"Admin"},"SuperUser","tok"]`), answer(200, " []\n")},
			fail:   []*runner.Exchange{answer(200, `"tok"`), answer(200, "0"), answer(200, "<html>")},
			actual: []string{"JSON: a string", "are the user and password right?", "HTTP 200 with a body: `<html>`"},
		},
		{
			name: "HaveTokenLast", matcher: suites.HaveTokenLast,
			pass: []*runner.Exchange{answer(200, `[{"user":"Admin"},"SuperUser","tok"]`), answer(200, `["tok"]`)},
			fail: []*runner.Exchange{
				answer(200, `["`+goodToken+`","SuperUser",{"user":"Admin"}]`), answer(200, `["a",""]`), answer(200, "[]"), answer(200, `["a",7]`),
			},
			actual: []string{"the last element (2 of 3) is an object; a token-shaped string is element 0", "is an empty string", "an empty JSON array", "is a number"},
		},
		{
			name: "BeZeroAnswer", matcher: suites.BeZeroAnswer,
			pass:   []*runner.Exchange{answer(200, "0"), answer(200, " 0\r\n")},
			fail:   []*runner.Exchange{answer(200, "1"), answer(401, "0"), answer(200, "00")},
			actual: []string{"HTTP 200 with JSON: a number: `1`", "HTTP 401", "`00`"},
		},
		{
			name: "BeOneAnswer", matcher: suites.BeOneAnswer,
			pass:   []*runner.Exchange{answer(200, "1"), answer(200, "1\n")},
			fail:   []*runner.Exchange{answer(200, "OK"), answer(200, "0"), answer(500, "1")},
			actual: []string{"`OK`", "`0`", "HTTP 500"},
		},
		{
			name: "BeRejected", matcher: suites.BeRejected,
			pass:   []*runner.Exchange{answer(401, ""), answer(403, "Forbidden"), answer(200, "0")},
			fail:   []*runner.Exchange{answer(200, `{"Ventas":{}}`), answer(500, ""), answer(302, "")},
			actual: []string{"HTTP 200 with JSON: an object", "HTTP 500", "HTTP 302"},
		},
		{
			name: "BeAccepted", matcher: suites.BeAccepted,
			pass:   []*runner.Exchange{answer(200, `{"Ventas":{}}`), answer(200, "")},
			fail:   []*runner.Exchange{answer(200, "0"), answer(401, ""), answer(201, "{}")},
			actual: []string{"`0`", "HTTP 401", "HTTP 201"},
		},
		{
			name: "BeHTTPS", matcher: suites.BeHTTPS,
			pass:   []*runner.Exchange{answer(200, "")},
			fail:   []*runner.Exchange{withProto(answer(200, ""), "HTTP/1.1", "", false)},
			actual: []string{"HTTP/1.1 over plain HTTP (https://acme.example/"},
		},
		{
			name: "BeHTTP2", matcher: suites.BeHTTP2,
			pass:   []*runner.Exchange{answer(200, "")},
			fail:   []*runner.Exchange{withProto(answer(200, ""), "HTTP/1.1", "http/1.1", true), withProto(answer(200, ""), "HTTP/1.1", "", false)},
			actual: []string{`HTTP/1.1 (ALPN "http/1.1")`, `HTTP/1.1 (ALPN "none")`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ex := range tt.pass {
				m := tt.matcher()
				ok, err := m.Match(ex)
				if err != nil || !ok {
					t.Errorf("Match(%d %q) = %t, %v; want a pass (%s)", ex.Response.Status, ex.Response.Body, ok, err, m.FailureMessage(ex))
				}
				if neg := m.NegatedFailureMessage(ex); !strings.Contains(neg, "expected: not ") || !strings.Contains(neg, "actual:") {
					t.Errorf("NegatedFailureMessage = %q", neg)
				}
			}
			for i, ex := range tt.fail {
				m := tt.matcher()
				ok, err := m.Match(ex)
				if err != nil || ok {
					t.Errorf("Match(%d %q) = %t, %v; want a failure", ex.Response.Status, ex.Response.Body, ok, err)
					continue
				}
				msg := m.FailureMessage(ex)
				expected, actual, found := strings.Cut(msg, "actual:")
				if !found || !strings.Contains(expected, "expected:") {
					t.Errorf("FailureMessage = %q, want expected: and actual: lines", msg)
				}
				if !strings.Contains(actual, tt.actual[i]) {
					t.Errorf("FailureMessage = %q, want its actual line to contain %q", msg, tt.actual[i])
				}
			}
			// Every exchange matcher refuses what is not an exchange and fails an exchange without a response.
			m := tt.matcher()
			if _, err := m.Match("not an exchange"); err == nil {
				t.Error("Match(string): want an error")
			}
			if _, err := m.Match((*runner.Exchange)(nil)); err == nil {
				t.Error("Match(nil exchange): want an error")
			}
			ok, err := m.Match(&runner.Exchange{Err: &runner.Error{Kind: runner.ErrTimeout, Message: "slow"}})
			if ok || err != nil || !strings.Contains(m.FailureMessage(nil), "actual:   no response") {
				t.Errorf("Match(no response) = %t, %v, %q; want a failure saying no response", ok, err, m.FailureMessage(nil))
			}
		})
	}
}

func TestBeUserUUIDToken(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		pass   bool
		actual string
		hidden []string // what no message may print
	}{
		{"the documented shape", goodToken, true, `base64 of "Admin:<UUID>"`, nil},
		{"user in another case", b64("admin:" + sessionUUID), true, `base64 of "admin:<UUID>"`, nil},
		{"another user", b64("Bob:" + otherUUID), false, `user "Bob", logged in as "Admin"`, []string{otherUUID}},
		{"not a UUID", b64("Admin:s3ss10n-n0t-a-uu1d"), false, "<18 characters that are not a UUID>", []string{"s3ss10n-n0t-a-uu1d"}},
		{"no colon", b64("Admin" + sessionUUID), false, "with no \":\"", []string{"Admin" + sessionUUID}},
		{"not base64", "sess!on-0paque-t0ken", false, "a 20-character value that is not standard base64", []string{"0paque"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := suites.BeUserUUIDToken("Admin")
			ok, err := m.Match(tt.token)
			if err != nil || ok != tt.pass {
				t.Fatalf("Match = %t, %v; want %t", ok, err, tt.pass)
			}
			for _, msg := range []string{m.FailureMessage(tt.token), m.NegatedFailureMessage(tt.token)} {
				if !strings.Contains(msg, "expected:") || !strings.Contains(msg, "actual:") || !strings.Contains(msg, tt.actual) {
					t.Errorf("message %q: want expected:, actual: and %q", msg, tt.actual)
				}
				for _, secret := range append(tt.hidden, tt.token, sessionUUID) {
					if strings.Contains(msg, secret) {
						t.Errorf("message %q prints the session %q", msg, secret)
					}
				}
			}
		})
	}
	if _, err := suites.BeUserUUIDToken("Admin").Match(42); err == nil {
		t.Error("Match(42): want an error")
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		body      string
		truncated bool
		want      string
	}{
		{"0", false, "`0`"},
		{`["a","b"]`, false, "`[\"a\",\"b\"]`"},
		{"línea", false, "`línea`"},
		{"two\nlines", false, `"two\nlines"`},
		{"\x00\xff", false, `"\x00\xff"`},
		{long, false, "… (100 bytes)"}, // one long word is never cut: it could be a secret's prefix
		{"abc", true, "`abc`… (3 bytes)"},
	}
	for _, tt := range tests {
		if got := suites.Excerpt([]byte(tt.body), tt.truncated); got != tt.want {
			t.Errorf("Excerpt(%q, %t) = %s, want %s", tt.body, tt.truncated, got, tt.want)
		}
	}
}
