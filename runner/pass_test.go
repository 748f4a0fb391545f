package runner

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uccheck/uccheck/collections"
	"github.com/uccheck/uccheck/sandbox"
	"github.com/uccheck/uccheck/ucsim"
)

func passOptions(t *testing.T, sim *ucsim.Server) PassOptions {
	t.Helper()
	c, err := collections.Load("testdata/pass.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	return PassOptions{
		Collection: c, Items: c.Items,
		Preset:  map[string]string{"domain": strings.TrimPrefix(sim.URL, "https://"), "user": sim.User(), "password": sim.Password()},
		Vars:    map[string]string{"setLater": "x"},
		Client:  NewClient(ClientOptions{RootCAs: sim.CertPool()}),
		Timeout: 5 * time.Second, ScriptTimeout: time.Second,
	}
}

// tests flattens a pass into "item: test status" lines.
func tests(p *PassTranscript) []string {
	var out []string
	for _, r := range p.Runs {
		for _, tt := range r.Tests {
			out = append(out, r.Name+": "+tt.Name+" "+string(tt.Status))
		}
	}
	return out
}

func TestPassRunsInOrderWithSkipAndCleanup(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	p := RunPass(context.Background(), passOptions(t, sim))
	got := strings.Join(tests(p), "\n")
	want := "login: logged in passed\njumped over: only without jump passed\nprobe: probe ok passed"
	if got != want {
		t.Errorf("tests:\n%s\nwant:\n%s", got, want)
	}
	if r := p.Runs[1]; !r.Skipped || r.Exchange != nil {
		t.Errorf("skipRequest: run %+v", r)
	}
	if sim.Calls("/Integra/resources/Dialer/call") != 0 {
		t.Error("a skipped request was sent")
	}
	// No item ended the session: the pass did.
	if len(p.Cleanup) != 1 || sim.LiveSessions() != 0 {
		t.Errorf("cleanup: %d EndSession sent, %d sessions live", len(p.Cleanup), sim.LiveSessions())
	}
	if len(p.Secrets) == 0 {
		t.Error("the issued token is not among the secrets")
	}
}

func TestPassSetNextRequestAndIterations(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	o := passOptions(t, sim)
	o.Data = []map[string]any{{"jump": "yes"}, {"jump": "no"}}
	p := RunPass(context.Background(), o)
	if p.Iterations != 2 {
		t.Fatalf("iterations = %d", p.Iterations)
	}
	var names []string
	for _, r := range p.Runs {
		names = append(names, r.Name)
	}
	want := "login,probe,late variable,loop,login,skipped,jumped over,probe,late variable,loop"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("runs = %s\nwant   %s", got, want)
	}
}

func TestPassStopsASetNextRequestLoop(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	o := passOptions(t, sim)
	o.Items = o.Collection.Items[5:] // the loop alone
	o.Data = []map[string]any{{"loop": "yes"}}
	p := RunPass(context.Background(), o)
	if !strings.Contains(p.Aborted, "setNextRequest loop") || len(p.Runs) != maxJumps {
		t.Errorf("aborted %q after %d runs", p.Aborted, len(p.Runs))
	}
}

func TestPassUnresolvedAtSendTime(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	o := passOptions(t, sim)
	o.Vars = nil
	o.Items = o.Collection.Items[4:5]
	p := RunPass(context.Background(), o)
	r := p.Runs[0]
	if r.Exchange != nil || len(r.Errors) != 1 || r.Errors[0].Kind != "variable" || !strings.Contains(r.Errors[0].Message, "{{setLater}}") {
		t.Errorf("run = %+v", r)
	}
}

func TestCheckBeforeSending(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	o := passOptions(t, sim)
	if err := Check(o); err != nil {
		t.Errorf("Check: %v", err)
	}
	o.Vars = nil
	err := Check(o)
	if err == nil || !strings.Contains(err.Error(), `item "late variable", URL: variable {{setLater}}`) {
		t.Errorf("Check = %v", err)
	}
	// A variable a script sets by a literal name is not reported.
	o.Collection.Items[0].Events = append(o.Collection.Items[0].Events, collections.Event{Listen: "test", Exec: `pm.environment.set("setLater", "y")`})
	if err := Check(o); err != nil {
		t.Errorf("Check with a script that sets it: %v", err)
	}
}

func TestPassScriptErrorKeepsGoing(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	o := passOptions(t, sim)
	o.Collection.Events = []collections.Event{{Listen: "test", Exec: "pm.test('first', () => {});\nnope();"}}
	o.Items = o.Collection.Items[:1]
	p := RunPass(context.Background(), o)
	r := p.Runs[0]
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "test script of the collection, line 2") {
		t.Errorf("errors = %+v", r.Errors)
	}
	if len(r.Tests) != 2 || r.Tests[0].Name != "first" || r.Tests[1].Name != "logged in" || r.Tests[1].Status != sandbox.TestPassed {
		t.Errorf("the item's own script must still run after the collection's failed: %+v", r.Tests)
	}
}

func TestPassProtocolProfileBehavior(t *testing.T) {
	sim := ucsim.New(ucsim.Options{})
	defer sim.Close()
	c, err := collections.Parse([]byte(`{"info": {"name": "ppb"}, "item": [
		{"name": "no follow", "protocolProfileBehavior": {"followRedirects": false}, "request": "https://{{domain}}/_ucsim/echo/a?redirect=/_ucsim/echo/b"},
		{"name": "too many", "protocolProfileBehavior": {"maxRedirects": 0}, "request": "https://{{domain}}/_ucsim/echo/a?redirect=/_ucsim/echo/b"},
		{"name": "follow", "request": "https://{{domain}}/_ucsim/echo/a?redirect=/_ucsim/echo/b"},
		{"name": "insecure", "protocolProfileBehavior": {"strictSSL": false}, "request": "https://{{domain}}/_ucsim/echo/c"},
		{"name": "strict", "request": "https://{{domain}}/_ucsim/echo/d"}
	]}`), "ppb.json")
	if err != nil {
		t.Fatal(err)
	}
	p := RunPass(context.Background(), PassOptions{
		Collection: c, Items: c.Items,
		Preset: map[string]string{"domain": strings.TrimPrefix(sim.URL, "https://")},
		Client: NewClient(ClientOptions{}), // does not trust the simulator's certificate
	})
	status := func(i int) string {
		ex := p.Runs[i].Exchange
		if ex.Err != nil {
			return string(ex.Err.Kind)
		}
		return fmt.Sprint(ex.Response.Status)
	}
	// Only "insecure" may reach the server: the others fail certificate verification.
	if got := status(3); got != "200" {
		t.Errorf("strictSSL false: %s", got)
	}
	if got := status(4); got != string(ErrTLS) {
		t.Errorf("strict: %s, want a TLS error", got)
	}
	p = RunPass(context.Background(), PassOptions{
		Collection: c, Items: c.Items[:3],
		Preset: map[string]string{"domain": strings.TrimPrefix(sim.URL, "https://")},
		Client: NewClient(ClientOptions{RootCAs: sim.CertPool()}),
	})
	if got := status(0); got != "302" {
		t.Errorf("followRedirects false: %s", got)
	}
	if ex := p.Runs[1].Exchange; ex.Err == nil || !strings.Contains(ex.Err.Message, "maxRedirects") {
		t.Errorf("maxRedirects 0: %+v", ex)
	}
	if got := status(2); got != "200" {
		t.Errorf("default follows: %s", got)
	}
}
