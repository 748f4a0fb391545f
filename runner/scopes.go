package runner

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/uccheck/uccheck/collections"
)

// VarScope is one of Newman's variable scopes (globals, collection, environment, iteration
// data, local): an ordered list of typed variables. Disabled entries are ignored.
type VarScope struct {
	Name string // "globals", "collection", "environment", "data", "local", "folder", "item"
	vars []collections.Variable
	lit  map[string]bool // keys whose values uccheck set itself: substituted as they are
}

// NewVarScope returns a scope holding copies of the enabled variables given.
func NewVarScope(name string, vars []collections.Variable) *VarScope {
	s := &VarScope{Name: name}
	for _, v := range vars {
		if v.Disabled || v.Key == "" {
			continue
		}
		if i := s.index(v.Key); i >= 0 {
			s.vars[i] = v // a later duplicate wins, as in Postman's VariableList
			continue
		}
		s.vars = append(s.vars, v)
	}
	return s
}

func (s *VarScope) index(key string) int {
	if s == nil {
		return -1
	}
	for i, v := range s.vars {
		if v.Key == key {
			return i
		}
	}
	return -1
}

// Has reports whether the scope sets key.
func (s *VarScope) Has(key string) bool { return s.index(key) >= 0 }

// Get returns key's value cast to its declared type, as pm.<scope>.get does.
func (s *VarScope) Get(key string) (any, bool) {
	i := s.index(key)
	if i < 0 {
		return nil, false
	}
	v := s.vars[i]
	return collections.CastOut(v.Value, v.Type), true
}

// Lookup returns key's value as substituted into a template.
func (s *VarScope) Lookup(key string) (string, bool) {
	i := s.index(key)
	if i < 0 {
		return "", false
	}
	return s.vars[i].String(), true
}

// Set sets key, keeping an existing variable's declared type (the value is cast into it).
func (s *VarScope) Set(key string, value any) {
	delete(s.lit, key)
	if i := s.index(key); i >= 0 {
		s.vars[i].Value = castIn(value, s.vars[i].Type)
		return
	}
	s.vars = append(s.vars, collections.Variable{Key: key, Value: value})
}

// castIn stores a value into a typed variable as Postman's Variable#set does.
func castIn(v any, typ string) any {
	switch typ {
	case "string", "number", "boolean":
		return collections.CastOut(v, typ)
	case "array", "object":
		if s, ok := v.(string); ok {
			return s
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		return string(b)
	}
	return v
}

// Unset removes key.
func (s *VarScope) Unset(key string) {
	if i := s.index(key); i >= 0 {
		s.vars = append(s.vars[:i], s.vars[i+1:]...)
	}
}

// Clear removes every variable.
func (s *VarScope) Clear() { s.vars = nil }

// Keys returns the scope's keys in order.
func (s *VarScope) Keys() []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s.vars))
	for i, v := range s.vars {
		out[i] = v.Key
	}
	return out
}

// ToObject returns the scope as a map of typed values.
func (s *VarScope) ToObject() map[string]any {
	out := map[string]any{}
	if s == nil {
		return out
	}
	for _, v := range s.vars {
		out[v.Key] = collections.CastOut(v.Value, v.Type)
	}
	return out
}

// Clone returns an independent copy of the scope.
func (s *VarScope) Clone() *VarScope {
	if s == nil {
		return nil
	}
	c := &VarScope{Name: s.Name, vars: append([]collections.Variable(nil), s.vars...)}
	if s.lit != nil {
		c.lit = map[string]bool{}
		for k := range s.lit {
			c.lit[k] = true
		}
	}
	return c
}

// Scopes are the variable scopes of a collection run, resolved in Newman's precedence:
// local > iteration data > environment > collection > globals. Folder and request variables,
// which Newman 6 ignores, fill only names that no other scope sets (innermost first), and the
// dynamic variables ({{$guid}}, ...) come last.
type Scopes struct {
	Globals, Collection, Environment, Data, Local *VarScope
	// Fallback holds the item's own variables then its folders', innermost first.
	Fallback []*VarScope
	// Dynamic resolves {{$name}} variables; nil: no dynamic variables.
	Dynamic *Dynamic
}

// SetLiteral sets key to a value uccheck chose itself (a password, a token): it is substituted
// as it is, never scanned again for {{variables}}.
func (s *VarScope) SetLiteral(key, value string) {
	s.Set(key, value)
	if s.lit == nil {
		s.lit = map[string]bool{}
	}
	s.lit[key] = true
}

// Lookup returns the value a {{name}} resolves to, and whether any scope sets it.
func (s *Scopes) Lookup(name string) (string, bool) {
	v, ok, _ := s.lookup(name)
	return v, ok
}

// lookup is Lookup that also says whether the value is literal (see VarScope.SetLiteral).
func (s *Scopes) lookup(name string) (string, bool, bool) {
	for _, sc := range []*VarScope{s.Local, s.Data, s.Environment, s.Collection, s.Globals} {
		if v, ok := sc.Lookup(name); ok {
			return v, true, sc.lit[name]
		}
	}
	for _, sc := range s.Fallback {
		if v, ok := sc.Lookup(name); ok {
			return v, true, false
		}
	}
	if strings.HasPrefix(name, "$") && s.Dynamic != nil {
		v, ok := s.Dynamic.Value(name)
		return v, ok, false
	}
	return "", false, false
}

// Get returns name's typed value in precedence order, as pm.variables.get does (which sees
// neither folder nor request variables, as in Newman).
func (s *Scopes) Get(name string) (any, bool) {
	for _, sc := range []*VarScope{s.Local, s.Data, s.Environment, s.Collection, s.Globals} {
		if v, ok := sc.Get(name); ok {
			return v, true
		}
	}
	return nil, false
}

// VarRef is the one {{...}} scanner (collections.VarRef), here for the runner's callers.
var VarRef = collections.VarRef

// newmanSubLimit is how many substitution passes Postman makes (nested variables).
const newmanSubLimit = 19

// Resolve substitutes every {{name}} in s as Newman does (nested values resolved, up to 19
// passes) and returns the names it could not resolve, in order of appearance.
func (s *Scopes) Resolve(tmpl string) (string, []string) {
	out, names := resolveWith(tmpl, func(name string) (string, bool) {
		v, ok, lit := s.lookup(name)
		if lit {
			v = strings.ReplaceAll(v, "{{", litOpen)
		}
		return v, ok
	})
	return strings.ReplaceAll(out, litOpen, "{{"), names
}

// litOpen stands for "{{" inside literal values while a template is resolved.
const litOpen = "\x00uccheck-lit\x00"

func resolveWith(tmpl string, lookup func(string) (string, bool)) (string, []string) {
	var unresolved []string
	for pass := 0; pass < newmanSubLimit && strings.Contains(tmpl, "{{"); pass++ {
		replaced := 0
		unresolved = unresolved[:0]
		tmpl = VarRef.ReplaceAllStringFunc(tmpl, func(m string) string {
			name := m[2 : len(m)-2]
			if v, ok := lookup(name); ok {
				replaced++
				return v
			}
			unresolved = append(unresolved, name)
			return m
		})
		if replaced == 0 {
			break
		}
	}
	return tmpl, dedupe(unresolved)
}

// VarNames returns the {{names}} a template refers to, in order, without duplicates.
func VarNames(tmpl string) []string {
	var out []string
	for _, m := range VarRef.FindAllStringSubmatch(tmpl, -1) {
		out = append(out, m[1])
	}
	return dedupe(out)
}

// UnresolvedError says that a request refers to variables no scope sets: nothing was sent.
type UnresolvedError struct {
	Names []string
	Item  string // the item path
	Field string // where in the request: "URL", "header \"X-Key\"", "body field \"user\""...
}

func (e *UnresolvedError) Error() string {
	refs := make([]string, len(e.Names))
	for i, n := range e.Names {
		refs[i] = "{{" + n + "}}"
	}
	hint := fmt.Sprintf("set it with --var %s=VALUE, --environment FILE, --globals FILE or --iteration-data FILE", e.Names[0])
	if strings.HasPrefix(e.Names[0], "$") {
		hint = "uccheck knows these dynamic variables: " + strings.Join(DynamicNames(), ", ")
	}
	return fmt.Sprintf("item %q, %s: variable %s is not set in any scope (%s)", e.Item, e.Field, strings.Join(refs, ", "), hint)
}

// Dynamic generates Postman's dynamic variables. Clock and randomness are injectable so that
// tests are deterministic.
type Dynamic struct {
	Now  func() time.Time // nil: time.Now
	Rand io.Reader        // nil: crypto/rand
}

var dynamicVars = map[string]func(d *Dynamic) string{
	"$guid":               func(d *Dynamic) string { return d.uuid() },
	"$randomUUID":         func(d *Dynamic) string { return d.uuid() },
	"$timestamp":          func(d *Dynamic) string { return fmt.Sprint(d.now().Unix()) },
	"$isoTimestamp":       func(d *Dynamic) string { return d.now().UTC().Format("2006-01-02T15:04:05.000Z") },
	"$randomInt":          func(d *Dynamic) string { return fmt.Sprint(d.intn(1001)) },
	"$randomBoolean":      func(d *Dynamic) string { return fmt.Sprint(d.intn(2) == 1) },
	"$randomAlphaNumeric": func(d *Dynamic) string { return string(alnum[d.intn(len(alnum))]) },
	"$randomHexadecimal":  func(d *Dynamic) string { return string(hexDigits[d.intn(16)]) },
	"$randomColor":        func(d *Dynamic) string { return colors[d.intn(len(colors))] },
	"$randomFirstName":    func(d *Dynamic) string { return firstNames[d.intn(len(firstNames))] },
	"$randomLastName":     func(d *Dynamic) string { return lastNames[d.intn(len(lastNames))] },
	"$randomUserName": func(d *Dynamic) string {
		return strings.ToLower(firstNames[d.intn(len(firstNames))]) + fmt.Sprint(d.intn(100))
	},
	"$randomEmail": func(d *Dynamic) string {
		return strings.ToLower(firstNames[d.intn(len(firstNames))]) + "." + strings.ToLower(lastNames[d.intn(len(lastNames))]) + "@example.com"
	},
	"$randomPhoneNumber": func(d *Dynamic) string {
		return fmt.Sprintf("%03d-%03d-%04d", 200+d.intn(800), d.intn(1000), d.intn(10000))
	},
	"$randomWord": func(d *Dynamic) string { return words[d.intn(len(words))] },
	"$randomIP": func(d *Dynamic) string {
		return fmt.Sprintf("%d.%d.%d.%d", d.intn(256), d.intn(256), d.intn(256), d.intn(256))
	},
	"$randomLoremWord": func(d *Dynamic) string { return words[d.intn(len(words))] },
}

const (
	alnum     = "abcdefghijklmnopqrstuvwxyz0123456789"
	hexDigits = "0123456789abcdef"
)

var (
	colors     = []string{"red", "green", "blue", "orange", "purple", "teal", "olive", "silver"}
	firstNames = []string{"Ana", "Bruno", "Carla", "Diego", "Elena", "Facundo", "Gabriela", "Hugo"}
	lastNames  = []string{"Acosta", "Benitez", "Castro", "Duarte", "Esposito", "Fernandez", "Gomez", "Herrera"}
	words      = []string{"alpha", "bravo", "campaign", "queue", "agent", "dialer", "voice", "status"}
)

// DynamicNames lists the dynamic variables uccheck generates, sorted.
func DynamicNames() []string {
	out := make([]string, 0, len(dynamicVars))
	for k := range dynamicVars {
		out = append(out, "{{"+k+"}}")
	}
	sort.Strings(out)
	return out
}

// IsDynamic reports whether name is a dynamic variable uccheck generates.
func IsDynamic(name string) bool { _, ok := dynamicVars[name]; return ok }

// Value returns a fresh value of the dynamic variable name ("$guid"), and whether it is known.
func (d *Dynamic) Value(name string) (string, bool) {
	f, ok := dynamicVars[name]
	if !ok {
		return "", false
	}
	return f(d), true
}

func (d *Dynamic) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Dynamic) reader() io.Reader {
	if d.Rand == nil {
		return rand.Reader
	}
	return d.Rand
}

func (d *Dynamic) intn(n int) int {
	v, err := rand.Int(d.reader(), big.NewInt(int64(n)))
	if err != nil {
		return 0
	}
	return int(v.Int64())
}

func (d *Dynamic) uuid() string {
	var b [16]byte
	_, _ = io.ReadFull(d.reader(), b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
