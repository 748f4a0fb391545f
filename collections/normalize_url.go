package collections

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The request.url layer of normalize: reading a url as a string or an object, and parsing a
// URL string as Postman does.

// libraryURL is the URL in the object shape the library reads: raw plus string lists.
func libraryURL(u *URL) map[string]any {
	m := map[string]any{"raw": u.Raw}
	if u.Protocol != "" {
		m["protocol"] = u.Protocol
	}
	if u.Host != nil {
		m["host"] = u.Host
	}
	if u.Path != nil {
		m["path"] = u.Path
	}
	if u.Port != "" {
		m["port"] = u.Port
	}
	var q []any
	for _, p := range u.Query {
		q = append(q, map[string]any{"key": p.Key, "value": p.Value})
	}
	if q != nil {
		m["query"] = q
	}
	if u.Hash != nil {
		m["hash"] = *u.Hash
	}
	var vars []any
	for _, v := range u.Variables {
		vars = append(vars, map[string]any{"key": v.Key, "value": v.String()})
	}
	if vars != nil {
		m["variable"] = vars
	}
	return m
}

// readURL reads request.url: a string (parsed as Postman parses it) or an object whose host and
// path may be strings or lists, and whose path segments may be objects.
func readURL(v any, where string) (*URL, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return ParseURL(x), nil
	case map[string]any:
		return readURLObject(x, where)
	}
	return nil, &shapeError{item: where, field: "request.url", msg: "want a string or an object, got " + kind(v)}
}

// readURLObject reads request.url given as an object.
func readURLObject(x map[string]any, where string) (*URL, error) {
	u := &URL{}
	field := func(f string) string { return "request.url." + f }
	if r, ok := x["raw"]; ok && r != nil {
		s, isStr := r.(string)
		if !isStr {
			return nil, &shapeError{item: where, field: field("raw"), msg: "want a string, got " + kind(r)}
		}
		u.Raw = s
	}
	_, hasHost := x["host"]
	_, hasPath := x["path"]
	if !hasHost && !hasPath && u.Raw != "" {
		// Only "raw": Newman would send an empty URL; we read raw, which is what was meant.
		p := ParseURL(u.Raw)
		p.Raw = u.Raw
		if vars, err := varList(x["variable"], where, field("variable")); err != nil {
			return nil, err
		} else if vars != nil {
			p.Variables = vars
		}
		return p, nil
	}
	if p, ok := x["protocol"]; ok && p != nil {
		u.Protocol = scalarString(p)
	}
	if p, ok := x["port"]; ok && p != nil {
		u.Port = scalarString(p)
	}
	if h, ok := x["hash"]; ok && h != nil {
		s := scalarString(h)
		u.Hash = &s
	}
	if err := readHostPath(u, x, where); err != nil {
		return nil, err
	}
	if a, ok := x["auth"].(map[string]any); ok {
		ua := &URLAuth{User: scalarString(a["user"])}
		if pw, ok := a["password"]; ok && pw != nil {
			s := scalarString(pw)
			ua.Password = &s
		}
		u.Auth = ua
	}
	switch q := x["query"].(type) {
	case nil:
	case string:
		u.Query = parseQuery(q)
	case []any:
		params, err := paramList(q, where, field("query"))
		if err != nil {
			return nil, err
		}
		u.Query = params
	default:
		return nil, &shapeError{item: where, field: field("query"), msg: "want a list of {key, value} objects, got " + kind(q)}
	}
	vars, err := varList(x["variable"], where, field("variable"))
	if err != nil {
		return nil, err
	}
	u.Variables = vars
	if u.Raw == "" {
		u.Raw = u.String()
	}
	return u, nil
}

// readHostPath reads url.host and url.path: each a string or a list of segments.
func readHostPath(u *URL, x map[string]any, where string) error {
	field := func(f string) string { return "request.url." + f }
	switch h := x["host"].(type) {
	case nil:
	case string:
		u.Host = SplitHost(h)
	case []any:
		for i, e := range h {
			s, err := segment(e, where, fmt.Sprintf("%s[%d]", field("host"), i))
			if err != nil {
				return err
			}
			u.Host = append(u.Host, s)
		}
	default:
		return &shapeError{item: where, field: field("host"), msg: "want a string or a list of strings, got " + kind(h)}
	}
	switch p := x["path"].(type) {
	case nil:
	case string:
		p = strings.TrimPrefix(p, "/")
		if p == "" && x["path"].(string) == "/" {
			u.Path = []string{""}
		} else if p != "" {
			u.Path = strings.Split(p, "/")
		}
	case []any:
		u.Path = []string{}
		for i, e := range p {
			s, err := segment(e, where, fmt.Sprintf("%s[%d]", field("path"), i))
			if err != nil {
				return err
			}
			u.Path = append(u.Path, s)
		}
	default:
		return &shapeError{item: where, field: field("path"), msg: "want a string or a list of segments, got " + kind(p)}
	}
	return nil
}

// segment reads a host or path segment: a string, or an object {type, value}.
func segment(e any, where, field string) (string, error) {
	switch s := e.(type) {
	case string:
		return s, nil
	case nil:
		return "", nil
	case float64, bool, json.Number:
		return scalarString(s), nil
	case map[string]any:
		return scalarString(s["value"]), nil
	}
	return "", &shapeError{item: where, field: field, msg: "want a string or an object {type, value}, got " + kind(e)}
}

// ParseURL parses a URL string as Postman does (postman-url-encoder's parser): {{variables}}
// are opaque, so a separator inside one does not split the URL.
func ParseURL(raw string) *URL {
	u := &URL{Raw: raw}
	s := strings.TrimLeft(raw, " \t\r\n")
	masked, restore := maskVars(s)
	if i := strings.Index(masked, "#"); i >= 0 {
		h := restore(masked[i+1:])
		u.Hash = &h
		masked = masked[:i]
	}
	if i := strings.Index(masked, "?"); i >= 0 {
		u.Query = parseQuery(restore(masked[i+1:]))
		masked = masked[:i]
	}
	masked = strings.ReplaceAll(masked, `\`, "/")
	if i := strings.Index(masked, "://"); i >= 0 {
		u.Protocol = restore(masked[:i])
		masked = strings.TrimLeft(masked[i+3:], "/")
	}
	if i := strings.Index(masked, "/"); i >= 0 {
		for _, seg := range strings.Split(masked[i+1:], "/") {
			u.Path = append(u.Path, restore(seg))
		}
		if u.Path == nil {
			u.Path = []string{}
		}
		masked = masked[:i]
	}
	if i := strings.LastIndex(masked, "@"); i >= 0 {
		user, pw, hasPw := strings.Cut(masked[:i], ":")
		ua := &URLAuth{User: restore(user)}
		if hasPw {
			p := restore(pw)
			ua.Password = &p
		}
		u.Auth = ua
		masked = masked[i+1:]
	}
	if i := strings.LastIndex(masked, ":"); i >= 0 && !strings.Contains(masked[i+1:], "]") {
		u.Port = restore(masked[i+1:])
		masked = masked[:i]
	}
	if masked != "" {
		for _, h := range strings.Split(masked, ".") {
			u.Host = append(u.Host, restore(h))
		}
	}
	seen := map[string]bool{}
	for _, seg := range u.Path {
		if k := pathVariable(seg); k != "" && !seen[k] {
			seen[k] = true
			u.Variables = append(u.Variables, Variable{Key: k})
		}
	}
	return u
}

// pathVariable returns the name of a ":name" path segment (up to a "."), or "".
func pathVariable(seg string) string {
	if !strings.HasPrefix(seg, ":") {
		return ""
	}
	k := seg[1:]
	if i := strings.Index(k, "."); i >= 0 {
		k = k[:i]
	}
	return k
}

// PathVariable returns the name of a ":name" path segment, or "" for any other segment.
func PathVariable(seg string) string { return pathVariable(seg) }

// maskVars replaces every {{...}} with a run of private-use characters of the same length, so
// that separators inside variables are not seen; restore puts the originals back.
func maskVars(s string) (string, func(string) string) {
	var vars []string
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		vars = append(vars, s[i:i+2+j+2])
		b.WriteRune(rune(0xF0000 + len(vars) - 1))
		s = s[i+2+j+2:]
	}
	restore := func(m string) string {
		if len(vars) == 0 {
			return m
		}
		var out strings.Builder
		for _, r := range m {
			if r >= 0xF0000 && int(r-0xF0000) < len(vars) {
				out.WriteString(vars[r-0xF0000])
			} else {
				out.WriteRune(r)
			}
		}
		return out.String()
	}
	return b.String(), restore
}

// SplitHost splits a host string on dots that are not inside {{variables}}.
func SplitHost(h string) []string {
	masked, restore := maskVars(h)
	var out []string
	for _, p := range strings.Split(masked, ".") {
		out = append(out, restore(p))
	}
	return out
}

// parseQuery splits a query string into parameters, as Postman's QueryParam.parse does.
func parseQuery(q string) []Param {
	var out []Param
	for _, kv := range strings.Split(q, "&") {
		k, v, ok := strings.Cut(kv, "=")
		out = append(out, Param{Key: k, Value: v, NoValue: !ok})
	}
	return out
}
