package collections

import (
	"strings"
)

// SchemaVersion returns the version in a Postman schema URL ("v2.1.0"), or the URL itself.
func SchemaVersion(schema string) string {
	for _, part := range strings.Split(schema, "/") {
		if strings.HasPrefix(part, "v") && strings.Count(part, ".") >= 1 {
			return part
		}
	}
	return schema
}

// slugFold folds the accented letters of Spanish and Portuguese names to ASCII, for Slug.
var slugFold = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ñ", "n", "ç", "c",
)

// Slug returns a file name stem for a collection name: lower case ASCII letters, digits and
// dashes ("API Security (v6)" -> "api-security-v6", "Integración" -> "integracion"); "collection"
// when nothing is left.
func Slug(name string) string {
	s := slugFold.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-")
	}
	if out == "" {
		return "collection"
	}
	return out
}
