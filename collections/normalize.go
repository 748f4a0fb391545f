package collections

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file is the normalising layer in front of github.com/rbretecher/go-postman-collection
// v0.9.0. Valid v2.0/v2.1 exports use shapes that library rejects (a string url.host or
// url.path, path segments as objects, a string header list, a string script.exec, variable
// values that are not strings, object descriptions, an object info.version) or reads wrongly
// (JSON escapes such as \u0026 left undecoded in a string URL). normalize rewrites those into
// the shapes the library accepts, and keeps, in our own model, what the library would drop or
// leave untyped: disabled query parameters, collection-level protocolProfileBehavior, typed
// variable values, typed non-raw bodies and the structured URL Newman sends from.

// nodeInfo is what normalize keeps of one collection node (the collection, a folder or an
// item) that the library drops or leaves untyped.
type nodeInfo struct {
	vars []Variable
	ppb  map[string]any
	url  *URL  // requests only
	body *Body // requests only
}

// normalized is the result of normalize: JSON the library parses, and what it would lose.
type normalized struct {
	json  []byte
	nodes map[string]*nodeInfo // by index path: "" the collection, "0", "0.2", ...
}

// shapeError is a collection shape we cannot read, located by item path and field.
type shapeError struct {
	item  string // item path "Folder / Request", "" at collection level
	field string // "request.url.host"
	place string // "line L, column C", for a document that is not an object
	msg   string
}

func (e *shapeError) where() string {
	switch {
	case e.place != "":
		return e.place
	case e.item == "" && e.field == "":
		return ""
	case e.item == "":
		return fmt.Sprintf("field %q", e.field)
	case e.field == "":
		return fmt.Sprintf("item %q", e.item)
	}
	return fmt.Sprintf("item %q, field %q", e.item, e.field)
}

func (e *shapeError) Error() string { return e.msg }

type normalizer struct {
	nodes map[string]*nodeInfo
}

// normalize rewrites a collection document into the shapes the library accepts.
func normalize(data []byte) (*normalized, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	doc, ok := root.(map[string]any)
	if !ok {
		if root == nil {
			return nil, &shapeError{msg: "empty document (null)"}
		}
		return nil, &shapeError{place: firstValue(data), msg: "not a Postman collection: want a JSON object, got " + kind(root)}
	}
	n := &normalizer{nodes: map[string]*nodeInfo{}}
	if err := n.collection(doc); err != nil {
		return nil, err
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return &normalized{json: out, nodes: n.nodes}, nil
}

func (n *normalizer) collection(doc map[string]any) error {
	info := &nodeInfo{}
	n.nodes[""] = info
	if inf, ok := doc["info"].(map[string]any); ok {
		if err := descriptionField(inf, "description", "", "info.description"); err != nil {
			return err
		}
		if v, ok := inf["version"]; ok {
			inf["version"] = versionString(v)
		}
		if name, ok := inf["name"]; ok && name != nil {
			if _, isStr := name.(string); !isStr {
				inf["name"] = scalarString(name)
			}
		}
	} else if v, present := doc["info"]; present && v != nil {
		return &shapeError{field: "info", msg: "want an object, got " + kind(v)}
	}
	if err := n.common(doc, info, "", ""); err != nil {
		return err
	}
	return n.items(doc, "", nil)
}

// common normalises what collections, folders and items share: description, variables,
// events, auth and protocolProfileBehavior.
func (n *normalizer) common(node map[string]any, info *nodeInfo, item, prefix string) error {
	if err := descriptionField(node, "description", item, prefix+"description"); err != nil {
		return err
	}
	vars, err := variables(node, "variable", item, prefix+"variable")
	if err != nil {
		return err
	}
	info.vars = vars
	if err := events(node, item); err != nil {
		return err
	}
	if err := auth(node, item, prefix+"auth"); err != nil {
		return err
	}
	if v, ok := node["protocolProfileBehavior"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj {
			return &shapeError{item: item, field: prefix + "protocolProfileBehavior", msg: "want an object, got " + kind(v)}
		}
		info.ppb = m
	}
	return nil
}

func (n *normalizer) items(node map[string]any, key string, path []string) error {
	raw, ok := node["item"]
	if !ok || raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		return &shapeError{item: strings.Join(path, " / "), field: "item", msg: "want a list of items, got " + kind(raw)}
	}
	for i, e := range list {
		it, ok := e.(map[string]any)
		if !ok {
			if e == nil {
				continue
			}
			return &shapeError{item: strings.Join(path, " / "), field: fmt.Sprintf("item[%d]", i), msg: "want an object, got " + kind(e)}
		}
		name := fmt.Sprintf("#%d", i+1)
		if s, ok := it["name"].(string); ok && s != "" {
			name = s
		} else if v, ok := it["name"]; ok && v != nil {
			name = scalarString(v)
			it["name"] = name
		}
		p := append(append([]string(nil), path...), name)
		where := strings.Join(p, " / ")
		k := strconv.Itoa(i)
		if key != "" {
			k = key + "." + k
		}
		info := &nodeInfo{}
		n.nodes[k] = info
		if err := n.common(it, info, where, ""); err != nil {
			return err
		}
		delete(it, "response") // saved example responses: never sent, and their shapes vary most
		if req, ok := it["request"]; ok && req != nil {
			if err := n.request(it, info, where); err != nil {
				return err
			}
			continue
		}
		if _, ok := it["item"]; !ok {
			it["item"] = []any{} // an empty folder: the library tells folders by a non-nil item list
		}
		if err := n.items(it, k, p); err != nil {
			return err
		}
	}
	return nil
}

func (n *normalizer) request(it map[string]any, info *nodeInfo, where string) error {
	req, ok := it["request"].(map[string]any)
	if !ok {
		s, isStr := it["request"].(string)
		if !isStr {
			return &shapeError{item: where, field: "request", msg: "want an object or a URL string, got " + kind(it["request"])}
		}
		req = map[string]any{"url": s, "method": "GET"}
		it["request"] = req
	}
	if m, ok := req["method"]; ok && m != nil {
		if _, isStr := m.(string); !isStr {
			return &shapeError{item: where, field: "request.method", msg: "want a string, got " + kind(m)}
		}
	}
	if err := descriptionField(req, "description", where, "request.description"); err != nil {
		return err
	}
	if err := auth(req, where, "request.auth"); err != nil {
		return err
	}
	u, err := readURL(req["url"], where)
	if err != nil {
		return err
	}
	info.url = u
	if u != nil {
		req["url"] = libraryURL(u)
	}
	if err := headers(req, where); err != nil {
		return err
	}
	if b, ok := req["body"]; ok && b != nil {
		body, err := readBody(b, where)
		if err != nil {
			return err
		}
		info.body = body
	}
	return nil
}

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
		switch h := x["host"].(type) {
		case nil:
		case string:
			u.Host = SplitHost(h)
		case []any:
			for i, e := range h {
				s, err := segment(e, where, fmt.Sprintf("%s[%d]", field("host"), i))
				if err != nil {
					return nil, err
				}
				u.Host = append(u.Host, s)
			}
		default:
			return nil, &shapeError{item: where, field: field("host"), msg: "want a string or a list of strings, got " + kind(h)}
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
					return nil, err
				}
				u.Path = append(u.Path, s)
			}
		default:
			return nil, &shapeError{item: where, field: field("path"), msg: "want a string or a list of segments, got " + kind(p)}
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
	return nil, &shapeError{item: where, field: "request.url", msg: "want a string or an object, got " + kind(v)}
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

// paramList reads a list of {key, value, disabled, description, type, src, contentType}.
func paramList(list []any, where, field string) ([]Param, error) {
	var out []Param
	for i, e := range list {
		if e == nil {
			continue
		}
		m, ok := e.(map[string]any)
		if !ok {
			return nil, &shapeError{item: where, field: fmt.Sprintf("%s[%d]", field, i), msg: "want an object {key, value}, got " + kind(e)}
		}
		if err := descriptionField(m, "description", where, fmt.Sprintf("%s[%d].description", field, i)); err != nil {
			return nil, err
		}
		p := Param{Key: scalarOrEmpty(m["key"]), Type: scalarOrEmpty(m["type"]), ContentType: scalarOrEmpty(m["contentType"])}
		switch v := m["value"].(type) {
		case nil:
			p.NoValue = true
		case string:
			p.Value = v
		default:
			b, _ := json.Marshal(v)
			p.Value = string(b)
			m["value"] = p.Value
		}
		p.Disabled = truthyField(m["disabled"])
		switch s := m["src"].(type) {
		case string:
			p.Src = []string{s}
		case []any:
			for _, x := range s {
				p.Src = append(p.Src, scalarOrEmpty(x))
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// headers rewrites request.header: a "Key: Value" string becomes a list; values and
// descriptions become strings.
func headers(req map[string]any, where string) error {
	raw, ok := req["header"]
	if !ok || raw == nil {
		return nil
	}
	switch h := raw.(type) {
	case string:
		var list []any
		for _, line := range strings.Split(h, "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			disabled := false
			if t := strings.TrimSpace(k); strings.HasPrefix(t, "//") {
				disabled = true
				k = strings.TrimPrefix(t, "//")
			}
			if !ok {
				return &shapeError{item: where, field: "request.header", msg: fmt.Sprintf("line %q: want \"Key: Value\"", line)}
			}
			list = append(list, map[string]any{"key": strings.TrimSpace(k), "value": strings.TrimSpace(v), "disabled": disabled})
		}
		req["header"] = list
	case []any:
		var list []any
		for i, e := range h {
			if e == nil {
				continue
			}
			m, ok := e.(map[string]any)
			if !ok {
				return &shapeError{item: where, field: fmt.Sprintf("request.header[%d]", i), msg: "want an object {key, value}, got " + kind(e)}
			}
			if err := descriptionField(m, "description", where, fmt.Sprintf("request.header[%d].description", i)); err != nil {
				return err
			}
			m["key"] = scalarOrEmpty(m["key"])
			m["value"] = scalarOrEmpty(m["value"])
			m["disabled"] = truthyField(m["disabled"])
			list = append(list, m)
		}
		req["header"] = list
	default:
		return &shapeError{item: where, field: "request.header", msg: "want a list of {key, value} or a \"Key: Value\" string, got " + kind(raw)}
	}
	return nil
}

// readBody types a request body, and rewrites its fields into string values for the library.
func readBody(v any, where string) (*Body, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &shapeError{item: where, field: "request.body", msg: "want an object, got " + kind(v)}
	}
	b := &Body{Mode: scalarOrEmpty(m["mode"]), Disabled: truthyField(m["disabled"])}
	if r, ok := m["raw"]; ok && r != nil {
		s, isStr := r.(string)
		if !isStr {
			bs, _ := json.Marshal(r)
			s = string(bs)
			m["raw"] = s
		}
		b.Raw = s
	}
	if o, ok := m["options"].(map[string]any); ok {
		if r, ok := o["raw"].(map[string]any); ok {
			b.Language = scalarOrEmpty(r["language"])
		}
	}
	for _, f := range []struct {
		name string
		dst  *[]Param
	}{{"urlencoded", &b.URLEncoded}, {"formdata", &b.FormData}} {
		raw, ok := m[f.name]
		if !ok || raw == nil {
			continue
		}
		list, isList := raw.([]any)
		if !isList {
			return nil, &shapeError{item: where, field: "request.body." + f.name, msg: "want a list of {key, value} objects, got " + kind(raw)}
		}
		params, err := paramList(list, where, "request.body."+f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = params
	}
	if f, ok := m["file"].(map[string]any); ok {
		b.FileSrc = scalarOrEmpty(f["src"])
		b.FileText = scalarOrEmpty(f["content"])
	}
	if g, ok := m["graphql"].(map[string]any); ok {
		b.GraphQL = &GraphQL{Query: scalarOrEmpty(g["query"]), Variables: g["variables"], OperationName: g["operationName"]}
	}
	return b, nil
}

// variables reads and rewrites a "variable" list: values of any JSON type are kept typed in
// our model and given to the library as strings.
func variables(node map[string]any, key, item, field string) ([]Variable, error) {
	vars, err := varList(node[key], item, field)
	if err != nil {
		return nil, err
	}
	if list, ok := node[key].([]any); ok {
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				if v, ok := m["value"]; ok {
					if _, isStr := v.(string); !isStr {
						if v == nil {
							delete(m, "value")
						} else {
							m["value"] = ValueString(v)
							if _, isObj := v.(map[string]any); isObj {
								bs, _ := json.Marshal(v)
								m["value"] = string(bs)
							}
						}
					}
				}
				for _, f := range []string{"key", "name", "id", "type"} {
					if x, ok := m[f]; ok && x != nil {
						if _, isStr := x.(string); !isStr {
							m[f] = scalarString(x)
						}
					}
				}
				if x, ok := m["disabled"]; ok {
					m["disabled"] = truthyField(x)
				}
				_ = descriptionField(m, "description", item, field)
			}
		}
	}
	return vars, nil
}

func varList(raw any, item, field string) ([]Variable, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, &shapeError{item: item, field: field, msg: "want a list of {key, value} objects, got " + kind(raw)}
	}
	var out []Variable
	for i, e := range list {
		if e == nil {
			continue
		}
		m, ok := e.(map[string]any)
		if !ok {
			return nil, &shapeError{item: item, field: fmt.Sprintf("%s[%d]", field, i), msg: "want an object {key, value}, got " + kind(e)}
		}
		if err := descriptionField(m, "description", item, fmt.Sprintf("%s[%d].description", field, i)); err != nil {
			return nil, err
		}
		key := scalarOrEmpty(m["key"])
		if key == "" {
			key = scalarOrEmpty(m["id"])
		}
		if key == "" {
			key = scalarOrEmpty(m["name"])
		}
		value, present := m["value"]
		if !present {
			value = "" // no value at all substitutes as "", unlike an explicit null ("null")
		}
		out = append(out, Variable{Key: key, Value: value, Type: scalarOrEmpty(m["type"]), Disabled: truthyField(m["disabled"])})
	}
	return out, nil
}

// events rewrites "event": a string script.exec becomes a list of lines.
func events(node map[string]any, item string) error {
	raw, ok := node["event"]
	if !ok || raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		return &shapeError{item: item, field: "event", msg: "want a list of events, got " + kind(raw)}
	}
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return &shapeError{item: item, field: fmt.Sprintf("event[%d]", i), msg: "want an object {listen, script}, got " + kind(e)}
		}
		sc, ok := m["script"]
		if !ok || sc == nil {
			continue
		}
		s, ok := sc.(map[string]any)
		if !ok {
			return &shapeError{item: item, field: fmt.Sprintf("event[%d].script", i), msg: "want an object {exec}, got " + kind(sc)}
		}
		switch x := s["exec"].(type) {
		case nil:
		case string:
			s["exec"] = strings.Split(x, "\n")
		case []any:
			for j, line := range x {
				if _, isStr := line.(string); !isStr {
					return &shapeError{item: item, field: fmt.Sprintf("event[%d].script.exec[%d]", i, j), msg: "want a string, got " + kind(line)}
				}
			}
		default:
			return &shapeError{item: item, field: fmt.Sprintf("event[%d].script.exec", i), msg: "want a string or a list of lines, got " + kind(x)}
		}
		if src, ok := s["src"]; ok {
			if _, isStr := src.(string); !isStr {
				delete(s, "src")
			}
		}
	}
	return nil
}

// auth rewrites an auth block's v2.0 parameter maps into v2.1 lists.
func auth(node map[string]any, item, field string) error {
	raw, ok := node["auth"]
	if !ok || raw == nil {
		return nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return &shapeError{item: item, field: field, msg: "want an object {type, ...}, got " + kind(raw)}
	}
	if t, ok := m["type"]; ok {
		if _, isStr := t.(string); !isStr {
			return &shapeError{item: item, field: field + ".type", msg: "want a string, got " + kind(t)}
		}
	}
	for k, v := range m {
		if k == "type" {
			continue
		}
		switch p := v.(type) {
		case map[string]any: // v2.0: {"username": "x"}
			var list []any
			for _, key := range sortedAnyKeys(p) {
				list = append(list, map[string]any{"key": key, "value": p[key]})
			}
			m[k] = list
		case []any:
		case nil:
			delete(m, k)
		default:
			return &shapeError{item: item, field: field + "." + k, msg: "want a list of {key, value} objects, got " + kind(v)}
		}
	}
	return nil
}

// descriptionField turns an object description {content, type} into its content.
func descriptionField(m map[string]any, key, item, field string) error {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	switch d := v.(type) {
	case string:
	case map[string]any:
		m[key] = scalarOrEmpty(d["content"])
	default:
		m[key] = scalarString(v)
	}
	return nil
}

// versionString turns info.version, a string or {major, minor, patch, identifier}, into a string.
func versionString(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return scalarOrEmpty(v)
	}
	s := fmt.Sprintf("%s.%s.%s", numOr0(m["major"]), numOr0(m["minor"]), numOr0(m["patch"]))
	if id := scalarOrEmpty(m["identifier"]); id != "" {
		s += "-" + id
	}
	return s
}

func numOr0(v any) string {
	if v == nil {
		return "0"
	}
	return scalarString(v)
}

func truthyField(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

func scalarString(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	if _, ok := v.(map[string]any); ok {
		b, _ := json.Marshal(v)
		return string(b)
	}
	if _, ok := v.([]any); ok {
		b, _ := json.Marshal(v)
		return string(b)
	}
	return ValueString(v)
}

func scalarOrEmpty(v any) string { return scalarString(v) }

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Deterministic order for v2.0 maps (JSON objects carry none a reader may rely on).
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// firstValue returns the place of the document's first value, "line L, column C".
func firstValue(data []byte) string {
	off := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	return lineCol(data, int64(off))
}

var errNoRequest = errors.New("the collection holds no request")
