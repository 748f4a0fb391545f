package importer

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// Secrets inside text: "key: value" shapes whose key names a secret, URL passwords and
// uContact tokens, in any string value (a raw body, a response example, a URL, a description, a
// script line).

// Embedded-secret patterns, applied to every string value (a raw body, a response example, a
// URL, a description, a script line).
var (
	// "key": "value", 'key': 'value', key = "value" (JSON, JavaScript).
	quotedKVRE = regexp.MustCompile(`(?:"([A-Za-z0-9_.\-]+)"|'([A-Za-z0-9_.\-]+)'|\b([A-Za-z_][A-Za-z0-9_.\-]*))\s*[:=]\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')`)
	// "key": 12345 (JSON numbers).
	numberKVRE = regexp.MustCompile(`"([A-Za-z0-9_.\-]+)"\s*:\s*(-?[0-9][0-9.eE+\-]*)`)
	// pm.environment.set("key", "value") and the like.
	setCallRE = regexp.MustCompile(`\.set\(\s*(?:"([^"\\]+)"|'([^'\\]+)')\s*,\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')`)
	// key=value in a query string or a urlencoded body.
	formKVRE = regexp.MustCompile(`(?:^|[?&;\s])([A-Za-z0-9_.\-\[\]]+)=([^&\s#"';,]*)`)
	// key: value in prose, the value up to a blank ("user: ana / password: x.").
	proseKVRE    = regexp.MustCompile(`(?:^|[\s(\[,;/])([A-Za-z][A-Za-z0-9_\-]*)[ \t]*:[ \t]*([^\s"'<>,;{}\[\]]+)`)
	schemeWordRE = regexp.MustCompile(`^(?i)(basic|bearer|token|digest)$`)
	nextWordRE   = regexp.MustCompile(`^[ \t]+[^\s"'<>,;]+`)
	// key: value, one per line (a header list written as text, YAML, prose).
	lineKVRE = regexp.MustCompile(`(?m)^[ \t]*([A-Za-z][A-Za-z0-9_\-]*)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*$`)
	// <key>value</key>.
	xmlKVRE = regexp.MustCompile(`<([A-Za-z_][A-Za-z0-9_.\-]*)>([^<>]*)</([A-Za-z_][A-Za-z0-9_.\-]*)>`)
	// scheme://user:password@ in a URL.
	urlPasswordRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@"']*):([^/\s@"']+)@`)
	// A run of standard base64 long enough to hold "user:secret".
	base64RunRE = regexp.MustCompile(`[A-Za-z0-9+/]{8,}={0,2}`)
)

// kvMatch is one secret found in text: the value's byte range, its key and the rule.
type kvMatch struct {
	start, end int
	key, rule  string
}

// embedded scrubs "key: value" shapes inside a string whose key names a secret.
func (s *scrubber) embedded(v string, ctx scrubCtx, field string) string {
	if !strings.Contains(v, "@") && !collections.MayHoldSecretKey(v) {
		return v
	}
	var keep []kvMatch
	for _, f := range keyValues(v, ctx.script) {
		val := v[f.start:f.end]
		if !collections.SecretKey(f.key) || strings.TrimSpace(val) == "" {
			continue
		}
		if onlyReferences(val) {
			s.noteRefs(val, ctx, field)
			continue
		}
		keep = append(keep, f)
	}
	for _, m := range urlPasswordRE.FindAllStringSubmatchIndex(v, -1) {
		if val := v[m[4]:m[5]]; !onlyReferences(val) {
			keep = append(keep, kvMatch{start: m[4], end: m[5], key: "password", rule: RuleURLPassword})
		}
	}
	if len(keep) == 0 {
		return v
	}
	return s.replaceMatches(v, keep, ctx, field)
}

// keyValues finds the "key: value" shapes of v (JSON, calls like pm.environment.set, numbers
// and, outside scripts, forms, prose, lines and XML), whatever the key.
func keyValues(v string, script bool) []kvMatch {
	var found []kvMatch
	group := func(m []int, idx ...int) (int, int, bool) {
		for _, i := range idx {
			if m[2*i] >= 0 {
				return m[2*i], m[2*i+1], true
			}
		}
		return 0, 0, false
	}
	add := func(m []int, keyGroups, valueGroups []int) {
		ks, ke, ok := group(m, keyGroups...)
		if !ok {
			return
		}
		vs, ve, ok := group(m, valueGroups...)
		if !ok {
			return
		}
		key := v[ks:ke]
		found = append(found, kvMatch{start: vs, end: ve, key: key, rule: fmt.Sprintf("%s (%q in the text)", RuleKey, key)})
	}
	for _, m := range quotedKVRE.FindAllStringSubmatchIndex(v, -1) {
		add(m, []int{1, 2, 3}, []int{4, 5})
	}
	for _, m := range setCallRE.FindAllStringSubmatchIndex(v, -1) {
		add(m, []int{1, 2}, []int{3, 4})
	}
	for _, m := range numberKVRE.FindAllStringSubmatchIndex(v, -1) {
		add(m, []int{1}, []int{2})
	}
	if !script {
		for _, m := range formKVRE.FindAllStringSubmatchIndex(v, -1) {
			add(m, []int{1}, []int{2})
		}
		for _, m := range proseKVRE.FindAllStringSubmatchIndex(v, -1) {
			// "Authorization: Basic xyz": the value is the scheme and what follows it.
			if schemeWordRE.MatchString(v[m[4]:m[5]]) {
				if loc := nextWordRE.FindStringIndex(v[m[5]:]); loc != nil {
					m[5] += loc[1]
				}
			}
			// Leave a sentence's final punctuation out of the value.
			for m[5] > m[4] && strings.ContainsRune(".)!?", rune(v[m[5]-1])) {
				m[5]--
			}
			if m[5] > m[4] && !strings.HasPrefix(v[m[5]:], "//") {
				add(m, []int{1}, []int{2})
			}
		}
		for _, m := range lineKVRE.FindAllStringSubmatchIndex(v, -1) {
			if val := v[m[4]:m[5]]; val != "" && !strings.ContainsAny(val[:1], `"'{[`) {
				add(m, []int{1}, []int{2})
			}
		}
		for _, m := range xmlKVRE.FindAllStringSubmatchIndex(v, -1) {
			if v[m[2]:m[3]] == v[m[6]:m[7]] {
				add(m, []int{1}, []int{2})
			}
		}
	}
	return found
}

// replaceMatches replaces the secrets keep found in v and records each.
func (s *scrubber) replaceMatches(v string, keep []kvMatch, ctx scrubCtx, field string) string {
	// Of overlapping matches keep the one that starts first (the longest of those): the outer
	// one, so that "password: <x>y</x>" is scrubbed whole. Then replace from the end.
	sort.SliceStable(keep, func(i, j int) bool {
		if keep[i].start != keep[j].start {
			return keep[i].start < keep[j].start
		}
		return keep[i].end > keep[j].end
	})
	chosen := keep[:0]
	for _, f := range keep {
		if n := len(chosen); n > 0 && f.start < chosen[n-1].end {
			continue
		}
		chosen = append(chosen, f)
	}
	for i := len(chosen) - 1; i >= 0; i-- {
		f := chosen[i]
		val := v[f.start:f.end]
		with := replacement(f.key, val, false)
		s.secret(val)
		s.secret(unescapeMaybe(val))
		v = v[:f.start] + with + v[f.end:]
		s.record(ctx, field, f.rule, with)
	}
	return v
}

// unescapeMaybe returns a value as it would be sent: URL-unescaped when it decodes.
func unescapeMaybe(v string) string {
	if u, err := url.QueryUnescape(v); err == nil && u != v {
		return u
	}
	return v
}

// credentials replaces every run of base64 that decodes to "user:secret" with {{token}}.
func (s *scrubber) credentials(v string, ctx scrubCtx, field string) string {
	locs := base64RunRE.FindAllStringIndex(v, -1)
	for i := len(locs) - 1; i >= 0; i-- {
		a, b := locs[i][0], locs[i][1]
		if !collections.LooksLikeCredential(v[a:b]) {
			continue
		}
		s.secret(v[a:b])
		v = v[:a] + "{{token}}" + v[b:]
		s.record(ctx, field, RuleToken, "{{token}}")
	}
	return v
}
