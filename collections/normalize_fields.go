package collections

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// The field readers of normalize: parameter lists, headers, bodies, variables, events, auth and
// descriptions, and the helpers that read JSON scalars.

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
	return LineCol(data, int64(off))
}
