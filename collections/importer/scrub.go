package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// This file removes secrets from a collection before `uccheck import` writes it. Postman exports
// carry them in many places: variable values (current values included), auth blocks at
// collection, folder and request level (every auth type), headers, query parameters, bodies of
// every mode, scripts, the saved example responses (their original request, headers, cookies and
// bodies) and descriptions. The rules are documented in docs/collections.md#scrubbing; change
// both together.

// ScrubOptions configures Scrub.
type ScrubOptions struct {
	// Patterns are --secret-pattern expressions: every match in every string value is removed.
	Patterns []*regexp.Regexp
}

// Scrubbed is one secret Scrub replaced: where it was and what replaced it, never its value.
type Scrubbed struct {
	Item  string // the item's path, "Folder / Item"; "" at collection level
	Field string // where in the item or collection, e.g. "request.header[Authorization]"
	Rule  string // why it counts as a secret
	With  string // the replacement: a reference such as "{{password}}" or "Basic {{token}}", or "" (emptied)
}

// Place returns where the secret was, for people: `item "Auth / login", request.body.raw`.
func (s Scrubbed) Place() string {
	if s.Item == "" {
		return "collection, " + s.Field
	}
	return fmt.Sprintf("item %q, %s", s.Item, s.Field)
}

// The reasons Scrub gives.
const (
	RuleKey         = "key names a secret"
	RuleSecretType  = `variable of type "secret"`
	RuleAPIKeyAuth  = "API key auth value"
	RuleCookie      = "cookie value"
	RuleReferenced  = "variable used in a secret place"
	RuleToken       = "value shaped like a uContact token or Basic credentials (base64 of user:secret)"
	RuleURLPassword = "password in a URL"
	RuleSameValue   = "same value as a secret scrubbed elsewhere"
)

// refVar names a variable by its purpose: "{{password}}" for passwords, "{{token}}" for tokens,
// API keys and Authorization; "" for other secrets (they are emptied).
func refVar(key string) string {
	f := collections.FoldKey(key)
	for _, w := range []string{"password", "passwd", "passphrase", "pwd", "contrasena", "clave"} {
		if strings.Contains(f, w) {
			return "{{password}}"
		}
	}
	if f == "pass" || f == "pw" {
		return "{{password}}"
	}
	for _, w := range []string{"token", "apikey", "authorization", "authkey"} {
		if strings.Contains(f, w) {
			return "{{token}}"
		}
	}
	if f == "auth" {
		return "{{token}}"
	}
	return ""
}

var schemeRE = regexp.MustCompile(`^(?i)(basic|bearer|token)\s+\S`)

// replacement returns what replaces the secret value of key: a reference by the key's purpose,
// keeping an auth scheme ("Basic {{token}}"), or "" (also for every variable definition: a
// variable that refers to itself would be a loop).
func replacement(key, value string, definition bool) string {
	if definition {
		return ""
	}
	if m := schemeRE.FindStringSubmatch(value); m != nil {
		return m[1] + " {{token}}"
	}
	return refVar(key)
}

// onlyReferences reports whether a value holds nothing but {{variable}} references (after an
// optional auth scheme) and blanks: nothing secret to scrub.
func onlyReferences(v string) bool {
	if loc := schemeRE.FindStringIndex(v); loc != nil {
		v = v[loc[1]-1:]
	}
	return strings.TrimSpace(collections.VarRef.ReplaceAllString(v, "")) == ""
}

// referencedNames returns the variable names a value refers to.
func referencedNames(v string) []string {
	var out []string
	// Trimmed, unlike Newman's names: scrubbing the definition of "apiKey" for a "{{ apiKey }}"
	// errs on the safe side.
	for _, m := range collections.VarRef.FindAllStringSubmatch(v, -1) {
		if n := strings.TrimSpace(m[1]); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// ScrubResult is a scrubbed collection.
type ScrubResult struct {
	Doc      *jsonValue
	Scrubbed []Scrubbed
}

// scrubber walks a collection's JSON tree and replaces secrets in place.
type scrubber struct {
	patterns []*regexp.Regexp
	out      []Scrubbed
	found    map[string]bool   // every secret value replaced, for the final sweep
	refs     map[string]string // variables used in secret places -> one such place
	dryRun   bool              // the first pass: only collect refs
}

// scrubCtx is where the walk is.
type scrubCtx struct {
	item   string // item path
	def    bool   // inside a variable definition list ("variable", an environment's "values")
	auth   string // inside an auth block of this type
	cookie bool   // inside a cookie list
	script bool   // inside a script
}

// scrubDoc removes the secrets of a decoded collection in place and lists them, with the secret
// values themselves (to redact messages that quote the input).
func scrubDoc(doc *jsonValue, o ScrubOptions) ([]Scrubbed, []string) {
	// The first pass, on a copy, finds the variables used in secret places ("Basic {{k}}"), so
	// that the second can empty their definitions wherever they come in the document.
	first := &scrubber{patterns: o.Patterns, found: map[string]bool{}, refs: map[string]string{}, dryRun: true}
	first.node(doc.clone(), nil)
	s := &scrubber{patterns: o.Patterns, found: map[string]bool{}, refs: first.refs}
	s.node(doc, nil)
	s.sweep(doc)
	secrets := make([]string, 0, len(s.found))
	for v := range s.found {
		secrets = append(secrets, v)
	}
	sort.Strings(secrets)
	return s.out, secrets
}

func (s *scrubber) record(ctx scrubCtx, field, rule, with string) {
	if s.dryRun {
		return
	}
	s.out = append(s.out, Scrubbed{Item: ctx.item, Field: field, Rule: rule, With: with})
}

// secret remembers a scrubbed value (and what it decodes to) for the final sweep.
func (s *scrubber) secret(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	s.found[v] = true
	if loc := schemeRE.FindStringIndex(v); loc != nil {
		s.found[strings.TrimSpace(v[loc[1]-1:])] = true
	}
	if text, ok := collections.DecodeCredential(v); ok {
		s.found[text] = true
		if _, rest, _ := strings.Cut(text, ":"); len(rest) >= 8 {
			s.found[rest] = true
		}
	}
}

// node walks a collection or an item node; path is the item path.
func (s *scrubber) node(v *jsonValue, path []string) {
	if v == nil || v.kind != jsonObject {
		return
	}
	ctx := scrubCtx{item: strings.Join(path, " / ")}
	for i, m := range v.members {
		if m.key == "item" && m.value.kind == jsonArray {
			for n, child := range m.value.items {
				if child.kind != jsonObject {
					m.value.items[n] = s.walk(child, ctx, fmt.Sprintf("item[%d]", n), "")
					continue
				}
				name, _ := child.str("name")
				if name == "" {
					name = fmt.Sprintf("#%d", n+1)
				}
				s.node(child, append(path[:len(path):len(path)], name))
			}
			continue
		}
		v.members[i].value = s.walk(m.value, ctx, m.key, m.key)
	}
}

// walk scrubs a value at field (a readable path) under the member name key; it returns the
// value to keep (the same one, changed in place, or a replacement).
func (s *scrubber) walk(v *jsonValue, ctx scrubCtx, field, key string) *jsonValue {
	switch v.kind {
	case jsonString:
		v.text = s.text(v.text, ctx, field)
		return v
	case jsonArray:
		child := ctx
		switch key {
		case "variable", "values":
			child.def = true
		case "cookie":
			child.cookie = true
		case "exec":
			child.script = true
		}
		for i, e := range v.items {
			v.items[i] = s.walk(e, child, field+"["+elementLabel(e, i)+"]", key)
		}
		return v
	case jsonObject:
		return s.object(v, ctx, field)
	}
	return v
}

// elementLabel names an array element in a field path by its key, name or listen, else its index.
func elementLabel(e *jsonValue, i int) string {
	for _, k := range []string{"key", "name", "listen"} {
		if s, ok := e.str(k); ok && s != "" {
			return s
		}
	}
	return fmt.Sprint(i)
}

func (s *scrubber) object(v *jsonValue, ctx scrubCtx, field string) *jsonValue {
	if t, ok := v.str("type"); ok && v.get(t) != nil {
		ctx.auth = t // an auth block: {"type": "basic", "basic": [...]}
	}
	pairKey, isPair := v.str("key")
	if isPair && v.get("value") == nil {
		isPair = false
	}
	if ctx.cookie {
		if name, ok := v.str("name"); ok && v.get("value") != nil {
			pairKey, isPair = name, true
		}
	}
	for i, m := range v.members {
		val := m.value
		child := ctx
		sub := field + "." + m.key
		switch {
		case isPair && m.key == "value":
			if rule := s.pairRule(v, pairKey, ctx); rule != "" && s.replace(&v.members[i], ctx, field, pairKey, rule, ctx.def || ctx.cookie) {
				continue
			}
			sub = field
		case (val.kind == jsonString || val.kind == jsonNumber) && !isPair && collections.SecretKey(m.key):
			if s.replace(&v.members[i], ctx, sub, m.key, RuleKey, ctx.def) {
				continue
			}
		case m.key == "event" || m.key == "script":
			child.script = true
		}
		v.members[i].value = s.walk(val, child, sub, m.key)
	}
	return v
}

// pairRule says why the value of a {key, value} pair (a variable, header, form field, query or
// auth parameter, cookie) is secret, or "".
func (s *scrubber) pairRule(pair *jsonValue, key string, ctx scrubCtx) string {
	switch {
	case ctx.cookie:
		return RuleCookie
	case ctx.auth == "apikey" && key != "key" && key != "in":
		return RuleAPIKeyAuth
	case collections.SecretKey(key):
		return RuleKey
	}
	if t, _ := pair.str("type"); t == "secret" && ctx.def {
		return RuleSecretType
	}
	if ctx.def {
		if where, ok := s.refs[key]; ok {
			return RuleReferenced + " (" + where + ")"
		}
	}
	return ""
}

// replace scrubs the secret value of member m (named key for the replacement); it returns false
// when there is nothing to scrub (empty, or only {{references}}), leaving the value to the
// string rules.
func (s *scrubber) replace(m *jsonMember, ctx scrubCtx, field, key, rule string, definition bool) bool {
	v := m.value
	var text string
	switch v.kind {
	case jsonString, jsonNumber, jsonBool:
		text = v.text
	case jsonNull:
		return false
	default:
		text = string(v.encode())
	}
	if v.kind == jsonString && onlyReferences(text) {
		if !definition && rule != RuleCookie {
			s.noteRefs(text, ctx, field)
		}
		return false
	}
	if v.kind == jsonBool || (v.kind == jsonString && strings.TrimSpace(text) == "") {
		return false
	}
	with := replacement(key, text, definition)
	if rule == RuleAPIKeyAuth && !definition {
		with = "{{token}}"
	}
	s.secret(text)
	m.value = jsonStr(with)
	s.record(ctx, field, rule, with)
	return true
}

// noteRefs remembers the variables a secret place refers to ("Basic {{apiKey}}"), so that their
// definitions are emptied too.
func (s *scrubber) noteRefs(v string, ctx scrubCtx, field string) {
	for _, n := range referencedNames(v) {
		if _, seen := s.refs[n]; !seen && !builtinVar[n] {
			s.refs[n] = placeOf(ctx, field)
		}
	}
}

// builtinVar are the variables uccheck itself sets: a reference to them is the scrubbed form.
var builtinVar = map[string]bool{"password": true, "token": true, "user": true, "domain": true}

func placeOf(ctx scrubCtx, field string) string {
	return Scrubbed{Item: ctx.item, Field: field}.Place()
}

// text applies the string rules to one string value: secrets embedded in text, values shaped
// like credentials, and --secret-pattern.
func (s *scrubber) text(v string, ctx scrubCtx, field string) string {
	if v == "" {
		return v
	}
	v = s.embedded(v, ctx, field)
	v = s.credentials(v, ctx, field)
	for n, re := range s.patterns {
		if !re.MatchString(v) {
			continue
		}
		for _, m := range re.FindAllString(v, -1) {
			s.secret(m)
		}
		v = re.ReplaceAllLiteralString(v, "")
		s.record(ctx, field, fmt.Sprintf("matches --secret-pattern #%d", n+1), "")
	}
	return v
}
