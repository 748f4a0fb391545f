package sandbox

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/dop251/goja"
	"github.com/uccheck/uccheck/collections"
)

// The host side of the pm API: the objects the prelude's pm.* functions read and write
// (variables by scope, the request and the response), and the conversions between Go and JS values.

// hostAPI is the Go side of the pm API: the __host object the prelude builds on.
type hostAPI struct {
	vm  *goja.Runtime
	c   Context
	res *Result
}

func (h *hostAPI) object() map[string]any {
	c := h.c
	reqID, reqName := "", c.ItemName
	if c.Request != nil {
		reqID = c.Request.ID
	}
	info := map[string]any{
		"eventName": c.Event, "iteration": c.Iteration, "iterationCount": c.IterationCount,
		"requestName": reqName, "requestId": reqID,
	}
	return map[string]any{
		"info":     info,
		"envName":  c.Vars.EnvironmentName,
		"request":  jsonText(h.requestData()),
		"response": jsonText(h.responseData()),
		"scope":    h.scope,
		"varGet": func(k string) any {
			if c.Vars.Get == nil {
				return nil
			}
			v, ok := c.Vars.Get(k)
			if !ok {
				return goja.Undefined()
			}
			return h.toJS(v)
		},
		"varHas": func(k string) bool {
			if c.Vars.Get == nil {
				return false
			}
			_, ok := c.Vars.Get(k)
			return ok
		},
		"varObject": func() any {
			if c.Vars.Object == nil {
				return map[string]any{}
			}
			return h.toJS(c.Vars.Object())
		},
		"replaceIn": func(s string) string {
			if c.Vars.Replace == nil {
				return s
			}
			return c.Vars.Replace(s)
		},
		"test": func(name, status, msg string) {
			h.res.Tests = append(h.res.Tests, Test{Name: name, Status: TestStatus(status), Message: msg})
		},
		"testCount": func() int { return len(h.res.Tests) },
		"console": func(level, text string) {
			if c.Console != nil {
				c.Console(level, text)
			}
		},
		"setNext": func(v goja.Value) {
			h.res.NextRequestSet = true
			if v == nil || goja.IsNull(v) || goja.IsUndefined(v) {
				h.res.NextRequest, h.res.NextRequestNull = nil, true
				return
			}
			s := v.String()
			h.res.NextRequest, h.res.NextRequestNull = &s, false
		},
		"skip": func() { h.res.Skip = true },
		"parseURL": func(s string) string {
			return jsonText(urlData(collections.ParseURL(s)))
		},
		"atob": func(s string) (string, error) {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
			}
			if err != nil {
				panic(h.vm.NewTypeError("atob: invalid base64"))
			}
			return string(b), nil
		},
		"btoa": func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	}
}

func (h *hostAPI) scope(name string) map[string]any {
	var s Scope
	switch name {
	case "globals":
		s = h.c.Vars.Globals
	case "collection":
		s = h.c.Vars.Collection
	case "environment":
		s = h.c.Vars.Environment
	case "data":
		s = h.c.Vars.Data
	case "local":
		s = h.c.Vars.Local
	}
	if s == nil {
		s = &mapScope{}
	}
	return map[string]any{
		"get": func(k string) any {
			v, ok := s.Get(k)
			if !ok {
				return goja.Undefined()
			}
			return h.toJS(v)
		},
		"has":      s.Has,
		"set":      func(k string, v goja.Value) { s.Set(k, fromJS(v)) },
		"unset":    s.Unset,
		"clear":    s.Clear,
		"toObject": func() any { return h.toJS(s.ToObject()) },
	}
}

func urlData(u *collections.URL) map[string]any {
	query := []any{}
	for _, q := range u.Query {
		var v any = q.Value
		if q.NoValue {
			v = nil
		}
		query = append(query, map[string]any{"key": q.Key, "value": v, "disabled": q.Disabled})
	}
	vars := []any{}
	for _, v := range u.Variables {
		vars = append(vars, map[string]any{"key": v.Key, "value": collections.CastOut(v.Value, v.Type)})
	}
	out := map[string]any{"protocol": u.Protocol, "host": strSlice(u.Host), "port": u.Port, "query": query, "variables": vars}
	if u.Path != nil {
		out["path"] = strSlice(u.Path)
	}
	if u.Hash != nil {
		out["hash"] = *u.Hash
	}
	return out
}

func strSlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func headerData(hs []collections.Header) []any {
	out := []any{}
	for _, h := range hs {
		out = append(out, map[string]any{"key": h.Key, "value": h.Value, "disabled": h.Disabled})
	}
	return out
}

func (h *hostAPI) requestData() map[string]any {
	r := h.c.Request
	if r == nil {
		r = &Request{URL: &collections.URL{}}
	}
	var body any
	if b := r.Body; b != nil {
		m := map[string]any{"mode": b.Mode, "raw": b.Raw, "disabled": b.Disabled}
		ue := []any{}
		for _, p := range b.URLEncoded {
			ue = append(ue, map[string]any{"key": p.Key, "value": p.Value, "disabled": p.Disabled})
		}
		m["urlencoded"] = ue
		fd := []any{}
		for _, p := range b.FormData {
			fd = append(fd, map[string]any{"key": p.Key, "value": p.Value, "type": p.Type, "disabled": p.Disabled})
		}
		m["formdata"] = fd
		if b.GraphQL != nil {
			m["graphql"] = map[string]any{"query": b.GraphQL.Query, "variables": b.GraphQL.Variables}
		}
		body = m
	}
	return map[string]any{
		"id": r.ID, "name": r.Name, "method": r.Method,
		"url": urlData(r.URL), "headers": headerData(r.Headers), "body": body,
	}
}

func (h *hostAPI) responseData() any {
	r := h.c.Response
	if r == nil {
		return nil
	}
	return map[string]any{
		"code": r.Code, "status": r.Status, "headers": headerData(r.Headers),
		"body": string(r.Body), "responseTime": float64(r.ResponseTime.Milliseconds()), "responseSize": len(r.Body),
	}
}

// readRequest takes back pm.request as the script left it.
func (h *hostAPI) readRequest(v goja.Value) {
	m, ok := v.Export().(map[string]any)
	if !ok {
		return
	}
	if s, ok := m["method"].(string); ok {
		h.res.Method = strings.ToUpper(s)
	}
	if s, ok := m["url"].(string); ok {
		h.res.URL = s
	}
	if list, ok := m["headers"].([]any); ok {
		var hs []collections.Header
		for _, e := range list {
			hm, ok := e.(map[string]any)
			if !ok {
				continue
			}
			d, _ := hm["disabled"].(bool)
			hs = append(hs, collections.Header{Key: fmt.Sprint(hm["key"]), Value: fmt.Sprint(hm["value"]), Disabled: d})
		}
		h.res.Headers = hs
	}
}

// toJS converts a Go value of a scope to a JS value.
func (h *hostAPI) toJS(v any) any {
	switch x := v.(type) {
	case nil:
		return goja.Null()
	case map[string]any:
		o := h.vm.NewObject()
		for k, e := range x {
			_ = o.Set(k, h.toJS(e))
		}
		return o
	case []any:
		arr := make([]any, len(x))
		for i, e := range x {
			arr[i] = h.toJS(e)
		}
		return h.vm.NewArray(arr...)
	}
	return v
}

// fromJS converts a value a script stores into a scope's Go value: numbers are float64, objects
// maps, arrays slices; functions and undefined become nil.
func fromJS(v goja.Value) any {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	return normalize(v.Export())
}

func normalize(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return x
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case string, bool:
		return x
	}
	if _, ok := v.(func(goja.FunctionCall) goja.Value); ok {
		return nil
	}
	return fmt.Sprint(v)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// mapScope is an empty scope for one a Context leaves nil.
type mapScope struct{ m map[string]any }

func (s *mapScope) Get(k string) (any, bool) { v, ok := s.m[k]; return v, ok }
func (s *mapScope) Has(k string) bool        { _, ok := s.m[k]; return ok }
func (s *mapScope) Set(k string, v any) {
	if s.m == nil {
		s.m = map[string]any{}
	}
	s.m[k] = v
}
func (s *mapScope) Unset(k string)           { delete(s.m, k) }
func (s *mapScope) Clear()                   { s.m = nil }
func (s *mapScope) ToObject() map[string]any { return s.m }
