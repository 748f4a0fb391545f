package runner

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// ExtractToken finds the APIKey in a getUserToken body, leniently, so that the flow can go on
// when a server deviates from the documentation: in a JSON array, the last element if it is a
// non-empty string, else the last string element shaped like a token (base64 of "user:..."),
// else the last string element; a bare JSON string; or a single token-shaped word of plain
// text. It returns "" for `0`, an empty body and anything else.
func ExtractToken(body []byte) (string, TokenSource) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		if s := string(b); s != "" && !strings.ContainsAny(s, " \t\r\n<>{}[]\"") && LooksLikeToken(s) {
			return s, TokenSource{Shape: "text"}
		}
		return "", TokenSource{}
	}
	switch x := v.(type) {
	case string:
		if x != "" && x != "0" {
			return x, TokenSource{Shape: "string"}
		}
	case []any:
		n := len(x)
		if n == 0 {
			return "", TokenSource{}
		}
		if s, ok := x[n-1].(string); ok && s != "" {
			return s, TokenSource{Shape: "array", Index: n - 1, Len: n}
		}
		lastString := -1
		for i := n - 1; i >= 0; i-- {
			s, ok := x[i].(string)
			if !ok || s == "" {
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
