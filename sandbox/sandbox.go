// Package sandbox runs Postman pre-request and test scripts in a goja JavaScript runtime that
// implements the pm API real collections use (pm.test, pm.expect with Chai's BDD chains,
// pm.response, pm.request, the variable scopes, setNextRequest and skipRequest, console). A
// script cannot reach the file system or the network: the runtime has no such modules, no
// require and no timers; a script that runs too long is interrupted.
package sandbox

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
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
