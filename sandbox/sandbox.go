// Package sandbox runs Postman pre-request and test scripts in a goja JavaScript runtime that
// implements the pm API real collections use (pm.test, pm.expect with Chai's BDD chains,
// pm.response, pm.request, the variable scopes, setNextRequest and skipRequest, console). A
// script cannot reach the file system or the network: the runtime has no such modules, no
// require and no timers; a script that runs too long is interrupted.
package sandbox

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/dop251/goja"
	"github.com/uccheck/uccheck/collections"
)

//go:embed prelude.js
var preludeSrc string

var prelude = goja.MustCompile("uccheck-pm-api.js", preludeSrc, true)

// DefaultTimeout bounds one script's run when Context.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Scope is a variable scope a script can read and change (runner.VarScope implements it).
type Scope interface {
	Get(key string) (any, bool)
	Has(key string) bool
	Set(key string, value any)
	Unset(key string)
	Clear()
	ToObject() map[string]any
}

// Vars are the scopes a script sees, and how pm.variables resolves through them.
type Vars struct {
	Globals, Collection, Environment, Data, Local Scope
	EnvironmentName                               string
	// Get returns a name's value in precedence order (pm.variables.get).
	Get func(name string) (any, bool)
	// Object returns every variable visible to pm.variables.toObject, precedence applied.
	Object func() map[string]any
	// Replace substitutes {{variables}} (pm.variables.replaceIn).
	Replace func(s string) string
}

// Request is the request a script sees as pm.request.
type Request struct {
	ID, Name string
	Method   string
	URL      *collections.URL
	Headers  []collections.Header
	Body     *collections.Body
}

// Response is the response a test script sees as pm.response.
type Response struct {
	Code         int
	Status       string // reason phrase: "OK", "Unauthorized"
	Headers      []collections.Header
	Body         []byte
	ResponseTime time.Duration
}

// Context is one script's run: which script, for which item, with what it can see.
type Context struct {
	Event          string // "prerequest" or "test"
	Script         string // where the script is: "collection", "folder \"F\"", "item"
	Item           string // the item path
	ItemName       string
	Iteration      int // 0-based
	IterationCount int
	Request        *Request
	Response       *Response // nil for a pre-request script
	Vars           Vars
	Timeout        time.Duration
	// Console receives console.* output (level, text). Nil discards it.
	Console func(level, text string)
}

// TestStatus is a pm.test outcome.
type TestStatus string

// The outcomes of a pm.test.
const (
	TestPassed  TestStatus = "passed"
	TestFailed  TestStatus = "failed"
	TestSkipped TestStatus = "skipped"
)

// Test is one pm.test a script ran.
type Test struct {
	Name    string
	Status  TestStatus
	Message string // the assertion's message, for a failure
}

// Result is what a script did.
type Result struct {
	Tests []Test
	// NextRequest is set when the script called postman.setNextRequest / pm.execution.setNextRequest;
	// NextRequestNull when it asked to stop (null).
	NextRequest     *string
	NextRequestNull bool
	NextRequestSet  bool
	Skip            bool // pm.execution.skipRequest() was called
	// Method, URL and Headers are pm.request after the script (pre-request scripts may change them).
	Method  string
	URL     string
	Headers []collections.Header
	// Err is a script error (a syntax error, an uncaught exception, a timeout): the script stopped.
	Err *ScriptError
}

// ScriptError is a script that could not run to its end.
type ScriptError struct {
	Item    string
	Event   string // "prerequest" or "test"
	Script  string // "collection", "folder \"F\"", "item"
	Line    int    // 1-based line in the script; 0 when unknown
	Message string
}

func (e *ScriptError) Error() string {
	where := fmt.Sprintf("%s script of the %s", eventName(e.Event), e.Script)
	if e.Line > 0 {
		where += fmt.Sprintf(", line %d", e.Line)
	}
	return fmt.Sprintf("item %q: %s: %s", e.Item, where, e.Message)
}

func eventName(e string) string {
	if e == "prerequest" {
		return "pre-request"
	}
	return e
}

// Run runs one script in a fresh runtime and returns what it did. It never panics on a bad
// script: errors are in Result.Err.
func Run(src string, c Context) (res *Result) {
	res = &Result{}
	if c.Request != nil {
		res.Method = c.Request.Method
		res.URL = c.Request.URL.String()
		res.Headers = c.Request.Headers
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	vm := goja.New()
	vm.SetFieldNameMapper(goja.TagFieldNameMapper("json", true))
	h := &hostAPI{vm: vm, c: c, res: res}
	if err := vm.Set("__host", h.object()); err != nil {
		res.Err = c.scriptErr(0, err.Error())
		return res
	}
	timer := time.AfterFunc(timeout, func() { vm.Interrupt(errTimeout) })
	defer timer.Stop()
	defer func() {
		if r := recover(); r != nil {
			res.Err = c.scriptErr(0, fmt.Sprintf("uccheck sandbox bug: %v", r))
		}
	}()
	if _, err := vm.RunProgram(prelude); err != nil {
		res.Err = c.scriptErr(0, "uccheck sandbox: the pm API did not load: "+err.Error())
		return res
	}
	name := scriptFile(c)
	prog, err := goja.Compile(name, src, false)
	if err != nil {
		line, msg := syntaxPlace(err)
		res.Err = c.scriptErr(line, "syntax error: "+msg)
		return res
	}
	_, runErr := vm.RunProgram(prog)
	// Legacy tests[] assertions and the request as the script left it.
	finish, _ := goja.AssertFunction(vm.Get("__uccheck_finish"))
	if finish != nil {
		vm.ClearInterrupt()
		if v, err := finish(goja.Undefined()); err == nil {
			h.readRequest(v)
		}
	}
	if runErr != nil {
		res.Err = c.runtimeErr(runErr, name, timeout)
	}
	return res
}

var errTimeout = errors.New("timeout")

func scriptFile(c Context) string { return "script" }

var syntaxLineRE = regexp.MustCompile(`(?:Line |:)(\d+):(\d+)`)

func syntaxPlace(err error) (int, string) {
	msg := err.Error()
	var line int
	if m := syntaxLineRE.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
	}
	return line, msg
}

func (c Context) scriptErr(line int, msg string) *ScriptError {
	return &ScriptError{Item: c.Item, Event: c.Event, Script: c.Script, Line: line, Message: msg}
}

func (c Context) runtimeErr(err error, file string, timeout time.Duration) *ScriptError {
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return c.scriptErr(0, fmt.Sprintf("stopped after %s (--timeout-script): the script did not finish", timeout))
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		line := 0
		for _, fr := range ex.Stack() {
			if fr.SrcName() == file {
				line = fr.Position().Line
				break
			}
		}
		msg := ex.Value().String()
		if o, ok := ex.Value().(*goja.Object); ok {
			name, m := o.Get("name"), o.Get("message")
			if m != nil && !goja.IsUndefined(m) {
				msg = m.String()
				if name != nil && !goja.IsUndefined(name) {
					msg = name.String() + ": " + msg
				}
			}
		}
		return c.scriptErr(line, msg)
	}
	return c.scriptErr(0, err.Error())
}

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
