package sandbox

import (
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
)

// scope is a minimal Scope for tests.
type scope struct{ m map[string]any }

func newScope(kv ...any) *scope {
	s := &scope{m: map[string]any{}}
	for i := 0; i < len(kv); i += 2 {
		s.m[kv[i].(string)] = kv[i+1]
	}
	return s
}
func (s *scope) Get(k string) (any, bool) { v, ok := s.m[k]; return v, ok }
func (s *scope) Has(k string) bool        { _, ok := s.m[k]; return ok }
func (s *scope) Set(k string, v any)      { s.m[k] = v }
func (s *scope) Unset(k string)           { delete(s.m, k) }
func (s *scope) Clear()                   { s.m = map[string]any{} }
func (s *scope) ToObject() map[string]any {
	out := map[string]any{}
	for k, v := range s.m {
		out[k] = v
	}
	return out
}

func testContext() (Context, *scope, *scope) {
	env, coll := newScope("base", "http://h", "n", 5.0), newScope("token", "")
	c := Context{
		Event: "test", Script: "item", Item: "F / login", ItemName: "login",
		Request: &Request{Name: "login", Method: "POST", URL: collections.ParseURL("http://h/Integra/resources/auth/getUserToken?x=1"),
			Headers: []collections.Header{{Key: "Content-Type", Value: "application/x-www-form-urlencoded"}}},
		Response: &Response{Code: 200, Status: "OK", Headers: []collections.Header{{Key: "Content-Type", Value: "application/json;charset=UTF-8"}},
			Body: []byte(`[{"user":"Admin","phone":null},"SuperUser","QWRtaW46eA=="]`), ResponseTime: 12 * time.Millisecond},
		Vars: Vars{Environment: env, Collection: coll, Globals: newScope(), Data: newScope(), Local: newScope()},
	}
	c.Vars.Get = func(k string) (any, bool) {
		for _, s := range []*scope{c.Vars.Local.(*scope), env, coll} {
			if v, ok := s.Get(k); ok {
				return v, true
			}
		}
		return nil, false
	}
	return c, env, coll
}

func TestPassingAndFailingAssertions(t *testing.T) {
	c, _, _ := testContext()
	src := `
pm.test("status", function () { pm.response.to.have.status(200); });
pm.test("ok", () => pm.response.to.be.ok);
pm.test("success", () => pm.response.to.be.success);
pm.test("header", () => pm.response.to.have.header("content-type"));
pm.test("header value", () => pm.expect(pm.response.headers.get("Content-Type")).to.include("json"));
pm.test("jsonBody", () => pm.response.to.have.jsonBody("[0].user", "Admin"));
pm.test("array", () => { const b = pm.response.json(); pm.expect(b).to.be.an("array").that.has.lengthOf(3); pm.expect(b[b.length-1]).to.be.a("string").and.match(/^QW/); });
pm.test("property", () => pm.expect(pm.response.json()[0]).to.have.property("user").that.equals("Admin"));
pm.test("deep", () => pm.expect({a: [1, 2]}).to.eql({a: [1, 2]}).and.to.deep.equal({a: [1, 2]}));
pm.test("numbers", () => { pm.expect(pm.response.code).to.be.above(199).and.below(300); pm.expect(5).to.be.within(1, 10); pm.expect(pm.response.responseTime).to.be.below(10000); });
pm.test("truthiness", () => { pm.expect(true).to.be.true; pm.expect(false).to.be.false; pm.expect(null).to.be.null; pm.expect(1).to.be.ok; pm.expect("").to.be.empty; pm.expect([]).to.be.empty; pm.expect(undefined).to.not.exist; });
pm.test("not", () => { pm.expect(1).to.not.equal(2); pm.response.to.not.be.error; pm.expect([1,2]).to.not.include(3); });
pm.test("oneOf", () => pm.expect(pm.response.code).to.be.oneOf([200, 201]));
pm.test("length chain", () => pm.expect([1,2,3]).to.have.length.above(2));
pm.test("include object", () => pm.expect({a: 1, b: 2}).to.include({a: 1}));
pm.test("members", () => pm.expect([1,2,3]).to.include.members([3,1]));
pm.test("keys", () => pm.expect({a: 1, b: 2}).to.have.all.keys("a", "b"));
pm.test("fails: status", () => pm.response.to.have.status(401));
pm.test("fails: equal", () => pm.expect("abc").to.equal("abd"));
pm.test("fails: thrown", () => { throw new TypeError("boom"); });
pm.test("fails: json", () => pm.expect(JSON.parse("{")).to.be.ok);
pm.test.skip("skipped one", () => {});
tests["legacy"] = responseCode.code === 200;
`
	res := Run(src, c)
	if res.Err != nil {
		t.Fatalf("script error: %v", res.Err)
	}
	got := map[string]Test{}
	for _, tt := range res.Tests {
		got[tt.Name] = tt
	}
	for _, tt := range res.Tests {
		wantFail := strings.HasPrefix(tt.Name, "fails:")
		switch {
		case tt.Name == "skipped one":
			if tt.Status != TestSkipped {
				t.Errorf("%s = %s", tt.Name, tt.Status)
			}
		case wantFail && tt.Status != TestFailed:
			t.Errorf("%q passed, want failed", tt.Name)
		case !wantFail && tt.Status != TestPassed:
			t.Errorf("%q failed: %s", tt.Name, tt.Message)
		}
	}
	if len(res.Tests) != 23 {
		t.Errorf("got %d tests, want 23", len(res.Tests))
	}
	for name, want := range map[string]string{
		"fails: status": "expected response to have status code 401 but got 200",
		"fails: equal":  "expected 'abc' to equal 'abd'",
		"fails: thrown": "TypeError: boom",
	} {
		if got[name].Message != want {
			t.Errorf("%s: message %q, want %q", name, got[name].Message, want)
		}
	}
}

func TestScopesAndControl(t *testing.T) {
	c, env, coll := testContext()
	c.Event = "prerequest"
	c.Response = nil
	src := `
const body = "x";
pm.collectionVariables.set("token", "T");
pm.environment.set("count", pm.environment.get("n") + 1);
pm.environment.unset("base");
pm.variables.set("local", {a: 1});
pm.request.headers.add({key: "X-Added", value: "{{n}}"});
pm.request.headers.remove("Content-Type");
pm.request.method = "put";
pm.request.url.query.add({key: "y", value: "2"});
console.log("token is", pm.collectionVariables.get("token"), {k: [1]});
postman.setNextRequest("logout");
pm.execution.skipRequest();
`
	var logs []string
	c.Console = func(level, text string) { logs = append(logs, level+": "+text) }
	res := Run(src, c)
	if res.Err != nil {
		t.Fatalf("script error: %v", res.Err)
	}
	if coll.m["token"] != "T" || env.m["count"] != 6.0 || env.Has("base") {
		t.Errorf("scopes: coll %v env %v", coll.m, env.m)
	}
	if l := c.Vars.Local.(*scope).m["local"]; l.(map[string]any)["a"] != 1.0 {
		t.Errorf("local = %#v", l)
	}
	if res.Method != "PUT" || res.URL != "http://h/Integra/resources/auth/getUserToken?x=1&y=2" {
		t.Errorf("request after script: %s %s", res.Method, res.URL)
	}
	if len(res.Headers) != 1 || res.Headers[0].Key != "X-Added" || res.Headers[0].Value != "{{n}}" {
		t.Errorf("headers = %+v", res.Headers)
	}
	if !res.Skip || res.NextRequest == nil || *res.NextRequest != "logout" {
		t.Errorf("control: skip %v next %v", res.Skip, res.NextRequest)
	}
	if len(logs) != 1 || logs[0] != "log: token is T { k: [ 1 ] }" {
		t.Errorf("console = %q", logs)
	}
}

func TestScriptErrorsNameItemScriptAndLine(t *testing.T) {
	c, _, _ := testContext()
	c.Script = `folder "F"`
	res := Run("pm.test('a', () => {});\nvar x = 1;\nundefinedFunction();\npm.test('never', () => {});", c)
	if res.Err == nil {
		t.Fatal("no error")
	}
	msg := res.Err.Error()
	for _, w := range []string{`item "F / login"`, `test script of the folder "F"`, "line 3", "ReferenceError", "undefinedFunction"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
		}
	}
	if len(res.Tests) != 1 {
		t.Errorf("tests before the error must be kept: %+v", res.Tests)
	}
	res = Run("pm.test('a', () => {\n", c)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "syntax error") {
		t.Errorf("syntax: %v", res.Err)
	}
}

func TestNoFileSystemNoNetworkAndTimeout(t *testing.T) {
	c, _, _ := testContext()
	for _, src := range []string{`require("fs")`, `pm.sendRequest("http://example.com", () => {})`, `setTimeout(() => {}, 1)`, `process.exit(1)`} {
		if res := Run(src, c); res.Err == nil {
			t.Errorf("%s: no error", src)
		}
	}
	c.Timeout = 50 * time.Millisecond
	start := time.Now()
	res := Run("while (true) {}", c)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "--timeout-script") {
		t.Errorf("loop: %v", res.Err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("the loop ran %s", time.Since(start))
	}
}

func TestJSONSchema(t *testing.T) {
	c, _, _ := testContext()
	src := `
const schema = {type: "array", minItems: 3, items: [{type: "object", required: ["user"], properties: {user: {type: "string"}, phone: {type: "null"}}}, {enum: ["SuperUser"]}, {type: "string", pattern: "^QW"}]};
pm.test("matches", () => pm.response.to.have.jsonSchema(schema));
pm.test("fails: required", () => pm.expect({a: 1}).to.have.jsonSchema({type: "object", required: ["b"]}));
pm.test("fails: type", () => pm.expect({n: "1"}).to.have.jsonSchema({properties: {n: {type: "integer"}}}));
pm.test("fails: additional", () => pm.expect({n: 1, x: 2}).to.have.jsonSchema({properties: {n: {type: "number"}}, additionalProperties: false}));
pm.test("not", () => pm.expect({n: 1}).to.not.have.jsonSchema({required: ["z"]}));
`
	res := Run(src, c)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, tt := range res.Tests {
		if strings.HasPrefix(tt.Name, "fails:") != (tt.Status == TestFailed) {
			t.Errorf("%s: %s %s", tt.Name, tt.Status, tt.Message)
		}
	}
}
