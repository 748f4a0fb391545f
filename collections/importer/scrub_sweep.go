package importer

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode"
)

// sweepable says whether a scrubbed value is distinctive enough to remove wherever it occurs: 6
// characters or more with something besides letters, or 12 letters or more. A secret that is a
// common word ("password" as the value of a "passwordField" variable) would otherwise cut that word
// out of every key and URL of the collection.
func sweepable(v string) bool {
	if len(v) < 6 {
		return false
	}
	for _, r := range v {
		if !unicode.IsLetter(r) {
			return true
		}
	}
	return len(v) >= 12
}

// sweep removes, from every string, any value scrubbed elsewhere (see sweepable), as it is,
// URL-escaped or base64-encoded: a password that also sits in a description or an example.
func (s *scrubber) sweep(v *jsonValue) {
	var needles []string
	for f := range s.found {
		if !sweepable(f) {
			continue
		}
		needles = append(needles, f, url.QueryEscape(f), url.PathEscape(f), base64.StdEncoding.EncodeToString([]byte(f)))
	}
	if len(needles) == 0 {
		return
	}
	sort.Slice(needles, func(i, j int) bool { return len(needles[i]) > len(needles[j]) })
	var pairs []string
	for _, n := range needles {
		pairs = append(pairs, n, "")
	}
	r := strings.NewReplacer(pairs...)
	s.sweepNode(v, r, nil)
}

func (s *scrubber) sweepNode(v *jsonValue, r *strings.Replacer, path []string) {
	ctx := scrubCtx{item: strings.Join(path, " / ")}
	for i, m := range v.members {
		if m.key == "item" && m.value.kind == jsonArray {
			for n, child := range m.value.items {
				name, _ := child.str("name")
				if name == "" {
					name = fmt.Sprintf("#%d", n+1)
				}
				if child.kind == jsonObject {
					s.sweepNode(child, r, append(path[:len(path):len(path)], name))
				}
			}
			continue
		}
		s.sweepValue(v.members[i].value, r, ctx, m.key)
	}
}

func (s *scrubber) sweepValue(v *jsonValue, r *strings.Replacer, ctx scrubCtx, field string) {
	switch v.kind {
	case jsonString:
		if out := r.Replace(v.text); out != v.text {
			v.text = out
			s.record(ctx, field, RuleSameValue, "")
		}
	case jsonArray:
		for i, e := range v.items {
			s.sweepValue(e, r, ctx, field+"["+elementLabel(e, i)+"]")
		}
	case jsonObject:
		for _, m := range v.members {
			s.sweepValue(m.value, r, ctx, field+"."+m.key)
		}
	}
}
