package runner

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// mentions reports whether text carries secret in any encoding a request may give it: as it
// is, percent-encoded (a form body's %20 or a query's +, any case of hex), JSON-escaped, or
// inside a base64 run (std or URL alphabet, padded or not: a "user:password" a script btoa'd).
func mentions(text, secret string) bool {
	if secret == "" {
		return false
	}
	for _, t := range decodings(text) {
		if strings.Contains(t, secret) || strings.Contains(t, jsonEscaped(secret)) {
			return true
		}
		for _, run := range base64Run.FindAllString(t, -1) {
			for _, d := range unbase64(run) {
				if strings.Contains(d, secret) {
					return true
				}
			}
		}
	}
	return false
}

// decodings are text as it is and percent-decoded (with "+" as itself and as a space).
func decodings(text string) []string {
	out := []string{text}
	if d := percentDecode(text); d != text {
		out = append(out, d)
	}
	if strings.Contains(text, "+") {
		out = append(out, percentDecode(strings.ReplaceAll(text, "+", " ")))
	}
	return out
}

// percentDecode decodes every well-formed %XX and keeps everything else as it is.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// jsonEscaped is secret as it appears inside a JSON string (without HTML escaping).
func jsonEscaped(secret string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(b.String(), `"`), "\n"), `"`)
}

var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{4,}=*`)

// unbase64 decodes a base64 run in both alphabets, padded or not; what does not decode is left out.
func unbase64(run string) []string {
	run = strings.TrimRight(run, "=")
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	var out []string
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(run); err == nil {
			out = append(out, string(d))
		}
	}
	return out
}

// withSentForms returns secrets and, after them, each secret as the runner's builders encode it
// in what they send (a form field's %20, a query's and a path's escaping), so that reports,
// which redact the values they are given, find a secret in the very form it was sent.
func withSentForms(secrets []string) []string {
	out := append([]string(nil), secrets...)
	seen := map[string]bool{}
	for _, s := range secrets {
		seen[s] = true
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, f := range []string{formEscape(s), encodeQuery(s), (&url.URL{Path: s}).EscapedPath(), url.PathEscape(s)} {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}
