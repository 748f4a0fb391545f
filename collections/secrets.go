package collections

import (
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What names a secret and what looks like a uContact token: the rules the importer's scrubber,
// inspect and the reports share (docs/collections.md#scrubbing).

// secretWords are the key fragments that mark a secret, once a key is folded to lower-case
// letters and digits ("X-API-Key" -> "xapikey"). docs/collections.md lists them.
var secretWords = []string{
	"password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "authorization",
	"authkey", "privatekey", "accesskey", "credential", "cookie", "sessionid",
	"contrasena", "clave", // Spanish: uContact's vendor and most of its customers write Spanish
}

// secretKeys are whole keys that mark a secret.
var secretKeys = map[string]bool{"pass": true, "pw": true, "auth": true, "session": true}

// notSecretSuffixes end keys that name a secret's settings, not the secret: "tokenType",
// "accessTokenUrl", "addTokenTo", "tokenName", "passwordPolicy".
var notSecretSuffixes = []string{
	"url", "uri", "type", "name", "to", "prefix", "location", "algorithm", "params", "placement",
	"expires", "expiry", "expiresin", "policy", "length",
}

// FoldKey folds a key to lower-case ASCII letters and digits: "X-API-Key" -> "xapikey",
// "Contraseña" -> "contrasena".
func FoldKey(k string) string {
	var b strings.Builder
	for _, r := range slugFold.Replace(strings.ToLower(k)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SecretKey reports whether a key (a variable, header, field, parameter or JSON member name)
// names a secret.
func SecretKey(k string) bool {
	f := FoldKey(k)
	if f == "" {
		return false
	}
	if secretKeys[f] {
		return true
	}
	for _, suf := range notSecretSuffixes {
		if strings.HasSuffix(f, suf) && f != suf {
			return false
		}
	}
	for _, w := range secretWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// LooksLikeCredential reports whether s is standard base64 of "<user>:<secret>": the shape of a
// uContact token (user:UUID) and of HTTP Basic credentials. It is runner.LooksLikeToken with the
// decoded text also required to be printable, which keeps random base64 out.
func LooksLikeCredential(s string) bool {
	_, ok := DecodeCredential(s)
	return ok
}

// DecodeCredential returns the printable "<user>:<secret>" text s is the standard base64 of, and
// whether it is one (see LooksLikeCredential).
func DecodeCredential(s string) (string, bool) {
	if len(s) < 8 {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(raw) {
		return "", false
	}
	text := string(raw)
	for _, r := range text {
		if !unicode.IsPrint(r) {
			return "", false
		}
	}
	user, rest, ok := strings.Cut(text, ":")
	if !ok || strings.TrimSpace(user) == "" || len(user) > 128 || len(strings.TrimSpace(rest)) < 4 {
		return "", false
	}
	return text, true
}

// MayHoldSecretKey is a cheap filter before a search for "key: value" secrets in text: a key that
// names a secret folds to a substring of the folded text, so text for which it is false holds no
// such key.
func MayHoldSecretKey(v string) bool {
	f := FoldKey(v)
	for _, w := range secretWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	for k := range secretKeys {
		if strings.Contains(f, k) {
			return true
		}
	}
	return false
}
