package reports

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MinSecret is the shortest secret redacted: a shorter one would be replaced inside every word
// that holds it, mangling reports (docs/security.md).
const MinSecret = 4

// Redacted replaces every secret in every report.
const Redacted = "[redacted]"

// Redactor removes secrets from text: each secret as it is and in the encodings it travels in
// (URL query and path escaping, standard and URL base64 with and without padding, JSON and Go
// string escaping) and, for a token, the text it decodes to.
type Redactor struct {
	r       *strings.Replacer
	secrets []string
}

// NewRedactor returns a Redactor for the given secrets. Empty values are ignored.
func NewRedactor(secrets []string) *Redactor {
	seen := map[string]bool{}
	var variants []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			variants = append(variants, v)
		}
	}
	for _, s := range secrets {
		if len(s) < MinSecret {
			continue
		}
		add(s)
		for _, e := range []string{url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")} {
			add(e) // query, path and form-body escaping (a space as %20, as uccheck sends forms)
			add(lowerHex(e))
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			add(enc.EncodeToString([]byte(s)))
			if raw, err := enc.DecodeString(s); err == nil && len(raw) >= 8 && utf8.Valid(raw) {
				add(string(raw))
				if _, rest, ok := strings.Cut(string(raw), ":"); ok && len(rest) >= 8 {
					add(rest) // a token's session part: "user:<UUID>" -> the UUID
				}
			}
		}
		if b, err := json.Marshal(s); err == nil {
			add(string(b[1 : len(b)-1]))
		}
		q := strconv.Quote(s)
		add(q[1 : len(q)-1])
	}
	// Longest first, so that a secret inside a longer encoded form cannot leave a remainder.
	sort.Slice(variants, func(i, j int) bool { return len(variants[i]) > len(variants[j]) })
	var pairs []string
	for _, v := range variants {
		pairs = append(pairs, v, Redacted)
	}
	return &Redactor{r: strings.NewReplacer(pairs...), secrets: append([]string(nil), secrets...)}
}

// lowerHex writes the %XX escapes of s with lower-case hex digits, as some servers echo them.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// Redact returns s with every secret replaced by Redacted.
func (rd *Redactor) Redact(s string) string {
	if rd == nil || rd.r == nil {
		return s
	}
	return rd.r.Replace(s)
}
