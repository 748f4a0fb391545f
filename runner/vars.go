package runner

import (
	"fmt"
	"sort"
	"strings"
)

// UnsetError names the variables a template needs that no scope sets.
type UnsetError struct {
	Names []string
}

func (e *UnsetError) Error() string {
	var refs []string
	for _, n := range e.Names {
		refs = append(refs, "{{"+n+"}}")
	}
	return fmt.Sprintf("variable %s is not set (set it with --var %s=VALUE)", strings.Join(refs, ", "), e.Names[0])
}

// Substitute replaces every {{name}} in s with its value in vars by the one resolver (Newman's
// rules: the name is taken as written, spaces included; nested values resolved). A name that is
// not set is an *UnsetError; a variable still unresolved at Newman's bound (a cycle, or nesting
// deeper than the bound) is an error too, rather than a literal {{name}} sent to the server.
func Substitute(s string, vars map[string]string) (string, error) {
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	out, unset := resolveWith(s, lookup)
	var missing []string
	for _, n := range unset {
		if _, ok := vars[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return "", &UnsetError{Names: missing}
	}
	if m := VarRef.FindStringSubmatch(out); m != nil {
		return "", fmt.Errorf("variable {{%s}} does not resolve within %d levels of nesting (do variables refer to each other in a cycle?)", m[1], newmanSubLimit)
	}
	return out, nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
