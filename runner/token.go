package runner

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// ExtractToken finds the APIKey in a getUserToken body, leniently, so that the flow can go on
// when a server deviates from the documentation: in a JSON array, the last element if it is a
// non-empty string, else the last string element shaped like a token (base64 of "user:..."),
// else the last string element; a bare JSON string; or a single token-shaped word of plain
// text. Only a plausible key is taken: printable ASCII without spaces, 8 to 4096 characters. It
// returns "" for `0`, an empty body, a body that is not UTF-8, and anything else.
func ExtractToken(body []byte) (string, TokenSource) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if !utf8.Valid(b) {
		return "", TokenSource{}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		if s := string(b); s != "" && !strings.ContainsAny(s, " \t\r\n<>{}[]\"") && LooksLikeToken(s) {
			return s, TokenSource{Shape: "text"}
		}
		return "", TokenSource{}
	}
	switch x := v.(type) {
	case string:
		if plausible(x) {
			return x, TokenSource{Shape: "string"}
		}
	case []any:
		n := len(x)
		if n == 0 {
			return "", TokenSource{}
		}
		if s, ok := x[n-1].(string); ok && plausible(s) {
			return s, TokenSource{Shape: "array", Index: n - 1, Len: n}
		}
		lastString := -1
		for i := n - 1; i >= 0; i-- {
			s, ok := x[i].(string)
			if !ok || !plausible(s) {
				continue
			}
			if LooksLikeToken(s) {
				return s, TokenSource{Shape: "array", Index: i, Len: n}
			}
			if lastString < 0 {
				lastString = i
			}
		}
		if lastString >= 0 {
			return x[lastString].(string), TokenSource{Shape: "array", Index: lastString, Len: n}
		}
	}
	return "", TokenSource{}
}

// plausible reports whether s could be an APIKey: 8 to 4096 printable ASCII characters, no spaces.
func plausible(s string) bool {
	if len(s) < 8 || len(s) > 4096 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// LooksLikeToken reports whether s is standard base64 of "<user>:<something>", the shape of
// the documented example key.
func LooksLikeToken(s string) bool {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	user, rest, ok := strings.Cut(string(raw), ":")
	return ok && user != "" && rest != ""
}
