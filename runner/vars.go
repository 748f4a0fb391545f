package runner

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// maxDepth bounds nested variable resolution ({{a}} -> "{{b}}" -> ...), as Postman does.
const maxDepth = 10

var varRE = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

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

// Substitute replaces every {{name}} in s with its value in vars, resolving values that hold
// variables themselves up to a bounded depth. A name that is not set is an *UnsetError; a
// variable still unresolved at the bound (a cycle, or nesting deeper than the bound) is an error
// too, rather than a literal {{name}} sent to the server.
func Substitute(s string, vars map[string]string) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	for depth := 0; depth < maxDepth && strings.Contains(s, "{{"); depth++ {
		var unset []string
		next := varRE.ReplaceAllStringFunc(s, func(m string) string {
			name := strings.TrimSpace(m[2 : len(m)-2])
			if v, ok := vars[name]; ok {
				return v
			}
			unset = append(unset, name)
			return m
		})
		if len(unset) > 0 {
			return "", &UnsetError{Names: dedupe(unset)}
		}
		if next == s {
			break
		}
		s = next
	}
	if m := varRE.FindStringSubmatch(s); m != nil {
		return "", fmt.Errorf("variable {{%s}} does not resolve within %d levels of nesting (do variables refer to each other in a cycle?)", strings.TrimSpace(m[1]), maxDepth)
	}
	return s, nil
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
