package suites

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/onsi/gomega/types"
	"github.com/uccheck/uccheck/runner"
)

// exchangeMatcher is a Gomega matcher over a *runner.Exchange whose failure message says what
// was expected and what came, in the words of the contract.
type exchangeMatcher struct {
	expected  string
	readsBody bool // judges the body: a body cut at the --max-body cap fails
	test      func(ex *runner.Exchange) (ok bool, actual string)
	actual    string
}

var _ types.GomegaMatcher = (*exchangeMatcher)(nil)

func (m *exchangeMatcher) Match(actual any) (bool, error) {
	ex, ok := actual.(*runner.Exchange)
	if !ok || ex == nil {
		return false, fmt.Errorf("uccheck matcher: want a *runner.Exchange, got %T", actual)
	}
	if ex.Response == nil {
		m.actual = "no response"
		return false, nil
	}
	if m.readsBody && ex.Response.Truncated {
		m.actual = fmt.Sprintf("HTTP %d with a body larger than the %d-byte cap (--max-body), starting %s",
			ex.Response.Status, len(ex.Response.Body), Excerpt(ex.Response.Body[:min(len(ex.Response.Body), excerptMax)], false))
		return false, nil
	}
	var pass bool
	pass, m.actual = m.test(ex)
	return pass, nil
}

func (m *exchangeMatcher) FailureMessage(any) string {
	return fmt.Sprintf("  expected: %s\n  actual:   %s", m.expected, m.actual)
}

func (m *exchangeMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("  expected: not %s\n  actual:   %s", m.expected, m.actual)
}

// HaveStatus matches an exchange answered with the given HTTP status.
func HaveStatus(code int) types.GomegaMatcher {
	return &exchangeMatcher{
		expected: fmt.Sprintf("HTTP %d", code),
		test: func(ex *runner.Exchange) (bool, string) {
			return ex.Response.Status == code, describe(ex.Response)
		},
	}
}

// BeJSONArray matches an exchange whose body is a JSON array.
func BeJSONArray() types.GomegaMatcher {
	return &exchangeMatcher{
		readsBody: true,
		expected:  "a JSON array",
		test: func(ex *runner.Exchange) (bool, string) {
			v, ok := decodeJSON(ex.Response.Body)
			_, isArray := v.([]any)
			if ok && isArray {
				return true, describe(ex.Response)
			}
			return false, describe(ex.Response) + hintForZero(ex.Response)
		},
	}
}

// HaveTokenLast matches a login answer whose last array element is a non-empty string.
func HaveTokenLast() types.GomegaMatcher {
	return &exchangeMatcher{
		readsBody: true,
		expected:  "a JSON array whose last element is the token, a non-empty string",
		test: func(ex *runner.Exchange) (bool, string) {
			v, _ := decodeJSON(ex.Response.Body)
			arr, _ := v.([]any)
			if len(arr) == 0 {
				return false, "an empty JSON array"
			}
			last := arr[len(arr)-1]
			if s, ok := last.(string); ok && s != "" {
				return true, fmt.Sprintf("a string as element %d of %d", len(arr)-1, len(arr))
			}
			actual := fmt.Sprintf("the last element (%d of %d) is %s", len(arr)-1, len(arr), jsonKind(last))
			if tok, src := runner.ExtractToken(ex.Response.Body); tok != "" {
				actual += fmt.Sprintf("; a token-shaped string is element %d (token extracted; later checks still ran)", src.Index)
			}
			return false, actual
		},
	}
}

// BeZeroAnswer matches the documented error answer: HTTP 200 with the body `0` (ASCII whitespace
// around it allowed).
func BeZeroAnswer() types.GomegaMatcher {
	return &exchangeMatcher{
		readsBody: true,
		expected:  "HTTP 200 with body `0`",
		test: func(ex *runner.Exchange) (bool, string) {
			return ex.Response.Status == http.StatusOK && bodyIs(ex.Response, "0"), describe(ex.Response)
		},
	}
}

// BeOneAnswer matches the documented EndSession success: HTTP 200 with the body `1`.
func BeOneAnswer() types.GomegaMatcher {
	return &exchangeMatcher{
		readsBody: true,
		expected:  "HTTP 200 with body `1`",
		test: func(ex *runner.Exchange) (bool, string) {
			return ex.Response.Status == http.StatusOK && bodyIs(ex.Response, "1"), describe(ex.Response)
		},
	}
}

// BeRejected matches a refusal: HTTP 401 or 403, or HTTP 200 with the error body `0`.
func BeRejected() types.GomegaMatcher {
	return &exchangeMatcher{
		readsBody: true,
		expected:  "a rejection: HTTP 401 or 403, or HTTP 200 with body `0`",
		test: func(ex *runner.Exchange) (bool, string) {
			return rejected(ex.Response), describe(ex.Response)
		},
	}
}

// BeAccepted matches a successful call: HTTP 200 with a body other than the error `0`.
func BeAccepted() types.GomegaMatcher {
	return &exchangeMatcher{
		readsBody: true,
		expected:  "HTTP 200 with the service's answer (not `0`)",
		test: func(ex *runner.Exchange) (bool, string) {
			return accepted(ex.Response), describe(ex.Response)
		},
	}
}

// BeHTTPS matches an exchange that came over TLS.
func BeHTTPS() types.GomegaMatcher {
	return &exchangeMatcher{
		expected: "an answer over HTTPS (TLS)",
		test: func(ex *runner.Exchange) (bool, string) {
			if t := ex.Response.TLS; t != nil {
				return true, fmt.Sprintf("%s over %s", ex.Response.Proto, t.Version)
			}
			return false, fmt.Sprintf("%s over plain HTTP (%s)", ex.Response.Proto, ex.Request.URL)
		},
	}
}

// BeHTTP2 matches an exchange that used HTTP/2.
func BeHTTP2() types.GomegaMatcher {
	return &exchangeMatcher{
		expected: "HTTP/2 (ALPN \"h2\")",
		test: func(ex *runner.Exchange) (bool, string) {
			alpn := ""
			if ex.Response.TLS != nil {
				alpn = ex.Response.TLS.ALPN
			}
			if alpn == "" {
				alpn = "none"
			}
			return ex.Response.ProtoMajor() == 2, fmt.Sprintf("%s (ALPN %q)", ex.Response.Proto, alpn)
		},
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// BeUserUUIDToken matches a token that is standard base64 of "<user>:<UUID>", as the documented
// example key. Its failure message describes the shape only, never the session's value.
func BeUserUUIDToken(user string) types.GomegaMatcher {
	return &tokenMatcher{user: user}
}

type tokenMatcher struct {
	user   string
	actual string
}

func (m *tokenMatcher) Match(actual any) (bool, error) {
	token, ok := actual.(string)
	if !ok {
		return false, fmt.Errorf("BeUserUUIDToken: want a string, got %T", actual)
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		m.actual = fmt.Sprintf("a %d-character value that is not standard base64", len(token))
		return false, nil
	}
	u, rest, found := strings.Cut(string(raw), ":")
	switch {
	case !found:
		m.actual = fmt.Sprintf("base64 of %d bytes with no \":\"", len(raw))
	case !strings.EqualFold(u, m.user):
		m.actual = fmt.Sprintf("base64 of \"%s:…\" (user %q, logged in as %q)", u, u, m.user)
	case !uuidRE.MatchString(rest):
		m.actual = fmt.Sprintf("base64 of \"%s:<%d characters that are not a UUID>\"", u, len(rest))
	default:
		m.actual = fmt.Sprintf("base64 of \"%s:<UUID>\"", u)
		return true, nil
	}
	return false, nil
}

func (m *tokenMatcher) FailureMessage(any) string {
	return fmt.Sprintf("  expected: base64 of \"%s:<UUID>\" (as the documented example key)\n  actual:   %s", m.user, m.actual)
}

func (m *tokenMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("  expected: not base64 of \"%s:<UUID>\"\n  actual:   %s", m.user, m.actual)
}

// decodeJSON decodes a body as JSON; a body that is not UTF-8 is not JSON (RFC 8259).
func decodeJSON(b []byte) (any, bool) {
	if !utf8.Valid(b) {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, false
	}
	return v, true
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if x == "" {
			return "an empty string"
		}
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return fmt.Sprintf("an array of %d", len(x))
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func bodyIs(r *runner.Response, want string) bool {
	return string(bytes.Trim(r.Body, " \t\r\n")) == want
}

func rejected(r *runner.Response) bool {
	return r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden ||
		(r.Status == http.StatusOK && bodyIs(r, "0"))
}

func accepted(r *runner.Response) bool {
	return r.Status == http.StatusOK && !bodyIs(r, "0")
}

// excerptMax is how much of a body a message quotes.
const excerptMax = 80

// describe says what a response was, for "actual:" lines: status, and the body's shape with a
// short excerpt. Reports redact secrets from it later, like every other string.
func describe(r *runner.Response) string {
	s := fmt.Sprintf("HTTP %d", r.Status)
	if loc := r.Header.Get("Location"); loc != "" && r.Status >= 300 && r.Status < 400 {
		s += fmt.Sprintf(" redirecting to %s", loc)
	}
	body := bytes.TrimSpace(r.Body)
	if len(body) == 0 {
		return s + " with an empty body"
	}
	kind := "a body"
	if v, ok := decodeJSON(body); ok {
		kind = "JSON: " + jsonKind(v)
	} else if ct := r.Header.Get("Content-Type"); ct != "" {
		kind = "a " + ct + " body"
	}
	return fmt.Sprintf("%s with %s: %s", s, kind, Excerpt(body, r.Truncated))
}

// Excerpt quotes at most excerptMax characters of a body on one line: printable text as it is,
// anything else escaped. A cut never ends inside a word: the piece of a token left before the cut
// could not be recognised, and so not redacted, by reports.
func Excerpt(body []byte, truncated bool) string {
	s := string(body)
	cut := truncated
	if r := []rune(s); len(r) > excerptMax {
		kept := r[:excerptMax]
		if wordRune(r[excerptMax]) {
			for len(kept) > 0 && wordRune(kept[len(kept)-1]) {
				kept = kept[:len(kept)-1]
			}
		}
		s, cut = string(kept), true
	}
	if s == "" && cut {
		return fmt.Sprintf("… (%d bytes)", len(body))
	}
	q := strconv.Quote(s)
	if !utf8.ValidString(s) || strings.ContainsAny(s, "\n\r\t") || strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		s = q
	} else {
		s = "`" + s + "`"
	}
	if cut {
		s += fmt.Sprintf("… (%d bytes)", len(body))
	}
	return s
}

// wordRune reports whether r can be part of a token or of an encoded form of one (base64, hex,
// URL and JSON escaping): an excerpt is not cut between two of them.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(`+/=-_.:%~\`, r)
}

func hintForZero(r *runner.Response) string {
	if bodyIs(r, "0") {
		return " (the documented error answer: are the user and password right?)"
	}
	return ""
}

// HaveCertValidFor matches an exchange whose TLS certificate is still valid minDays after now.
func HaveCertValidFor(minDays int, now time.Time) types.GomegaMatcher {
	return &exchangeMatcher{
		expected: fmt.Sprintf("a certificate valid until at least %s (%d days from now)", now.AddDate(0, 0, minDays).Format("2006-01-02"), minDays),
		test: func(ex *runner.Exchange) (bool, string) {
			t := ex.Response.TLS
			if t == nil {
				return false, "no TLS"
			}
			days := int(t.NotAfter.Sub(now).Hours() / 24)
			actual := fmt.Sprintf("the certificate %q expires on %s (in %d days)", t.Subject, t.NotAfter.UTC().Format("2006-01-02 15:04 MST"), days)
			if !t.NotAfter.After(now) {
				actual = fmt.Sprintf("the certificate %q expired on %s", t.Subject, t.NotAfter.UTC().Format("2006-01-02 15:04 MST"))
			}
			return !t.NotAfter.Before(now.AddDate(0, 0, minDays)), actual
		},
	}
}

// roundDuration keeps three significant digits: 237µs, 12.3ms, 1.24s.
func roundDuration(d time.Duration) time.Duration {
	for _, unit := range []time.Duration{time.Second, time.Millisecond, time.Microsecond} {
		if d >= unit {
			return d.Round(unit / 100)
		}
	}
	return d
}

// TakeAtMost matches an exchange whose total time is within budget.
func TakeAtMost(budget time.Duration) types.GomegaMatcher {
	return &exchangeMatcher{
		expected: fmt.Sprintf("an answer within %s", budget),
		test: func(ex *runner.Exchange) (bool, string) {
			return ex.Timings.Total <= budget, fmt.Sprintf("the answer took %s (first byte after %s)", roundDuration(ex.Timings.Total), roundDuration(ex.Timings.FirstByte))
		},
	}
}
