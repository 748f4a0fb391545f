package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/ucsim"
)

// overridesCollection has its role items after decoys that the URL-path search would pick; the
// decoys use PUT, so the methods the simulator received tell them apart.
const overridesCollection = `{"info":{"name":"overrides","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"item":[
  {"name":"Viejo","item":[
    {"name":"Entrar","request":{"method":"PUT","url":"https://{{domain}}/Integra/resources/auth/getUserToken","body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"password","value":"{{password}}"}]}}},
    {"name":"Estado","request":{"method":"PUT","url":"https://{{domain}}/Integra/resources/Supervisor/campaignstatus","header":[{"key":"Authorization","value":"Basic {{token}}"}]}},
    {"name":"Salir","request":{"method":"PUT","url":"https://{{domain}}/Integra/resources/auth/EndSession","header":[{"key":"Authorization","value":"Basic {{token}}"}],"body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"token","value":"{{token}}"}]}}}]},
  {"name":"Acceso","item":[
    {"name":"Entrar","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/getUserToken","body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"password","value":"{{password}}"}]}}},
    {"name":"Estado","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/Supervisor/campaignstatus","header":[{"key":"Authorization","value":"Basic {{token}}"}]}},
    {"name":"Salir","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/EndSession","header":[{"key":"Authorization","value":"Basic {{token}}"}],"body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"token","value":"{{token}}"}]}}}]}]}`

// leakCollection's pass logs in, ends that session with its logout item, then logs in a second
// time (another getUserToken item, a login too): the runner's cleanup ends that session with one
// more EndSession.
const leakCollection = `{"info":{"name":"leak","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},"variable":[{"key":"token","value":""}],"item":[
  {"name":"login","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/getUserToken","body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"password","value":"{{password}}"}]}},
   "event":[{"listen":"test","script":{"exec":["pm.collectionVariables.set('token', pm.response.json().pop());"]}}]},
  {"name":"probe","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/Supervisor/campaignstatus","header":[{"key":"Authorization","value":"Basic {{token}}"}]}},
  {"name":"logout","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/EndSession","header":[{"key":"Authorization","value":"Basic {{token}}"}],"body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"token","value":"{{token}}"}]}}},
  {"name":"Extra","item":[{"name":"again","request":{"method":"POST","url":"https://{{domain}}/Integra/resources/auth/getUserToken","body":{"mode":"urlencoded","urlencoded":[{"key":"user","value":"{{user}}"},{"key":"password","value":"{{password}}"}]}}}]}]}`

// TestInspectListsWhatRunSends runs a matrix of flags through `uccheck inspect --json` and
// `uccheck run` against a simulator, and asserts that the requests inspect lists (method and
// URL path, in order: the contract steps, then the collection pass) are exactly what the
// simulator received. On a simulator that honours the contract every login returns a token,
// so the steps inspect marks conditional are all sent, except the cleanup EndSessions (step
// "cleanup"), sent once per session left open: each row says how many it expects.
func TestInspectListsWhatRunSends(t *testing.T) {
	dir := t.TempDir()
	overrides, leak := filepath.Join(dir, "overrides.json"), filepath.Join(dir, "leak.json")
	if err := os.WriteFile(overrides, []byte(overridesCollection), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(leak, []byte(leakCollection), 0o600); err != nil {
		t.Fatal(err)
	}
	integra := filepath.Join("..", "..", "testdata", "postman", "uContact-integra.postman_collection.json")
	roleOverrides := []string{"--collection", overrides, "--login-item", "Acceso / Entrar", "--probe-item", "Acceso / Estado", "--logout-item", "Acceso / Salir"}
	const apiToken = "e2e-long-lived-api-token-0123456789"
	rows := []struct {
		name  string
		flags []string
		token bool // API-token mode: UCCHECK_API_TOKEN, and a simulator that accepts the token
		// cleanups: how many EndSessions each phase's cleanup sends (none when absent).
		cleanups map[string]int
	}{
		{name: "defaults"},
		{name: "only auth.basic-accepted", flags: []string{"--only", "auth.basic-accepted"}},
		{name: "skip logout", flags: []string{"--skip", "logout"}},
		{name: "only login", flags: []string{"--only", "login"}},
		{name: "folder on a collection with scripts", flags: []string{"--collection", integra, "--folder", "Supervisor"}},
		{name: "folder and only", flags: []string{"--collection", integra, "--folder", "Supervisor", "--only", "auth.basic-accepted"}},
		{name: "collection with scripts", flags: []string{"--collection", integra}},
		{name: "all items", flags: []string{"--collection", integra, "--all-items"}},
		{name: "all items, only transport", flags: []string{"--collection", integra, "--all-items", "--only", "transport"}},
		{name: "role overrides", flags: roleOverrides},
		{name: "role overrides, only logout", flags: append(append([]string(nil), roleOverrides...), "--only", "logout")},
		{name: "a pass that leaves a session open", flags: []string{"--collection", leak, "--folder", "Extra", "--only", "login.status-ok"}, cleanups: map[string]int{"pass": 1}},
		{name: "API token", token: true},
		{name: "API token, all items", flags: []string{"--collection", integra, "--all-items"}, token: true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			opts := ucsim.Options{}
			env := map[string]string{}
			if row.token {
				opts.APIToken = apiToken
				env["UCCHECK_API_TOKEN"] = apiToken
			}
			sim := ucsim.New(opts)
			defer sim.Close()
			ca := filepath.Join(t.TempDir(), "ca.pem")
			if err := os.WriteFile(ca, sim.CAPEM(), 0o600); err != nil {
				t.Fatal(err)
			}

			in := runUC(t, env, append([]string{"inspect", "--json"}, row.flags...)...)
			if in.code != 0 {
				t.Fatalf("inspect: exit %d\n%s", in.code, in)
			}
			var doc struct {
				APIToken bool        `json:"api_token"`
				Requests []inspected `json:"requests"`
			}
			if err := json.Unmarshal([]byte(in.stdout), &doc); err != nil {
				t.Fatalf("inspect --json: %v\n%s", err, in.stdout)
			}
			if doc.APIToken != row.token {
				t.Errorf("inspect: api_token %t, want %t", doc.APIToken, row.token)
			}

			if !row.token {
				env["UCCHECK_PASSWORD"] = sim.Password()
			}
			args := append([]string{"run", "--base-url", sim.URL, "--ca-cert", ca, "--user", sim.User()}, row.flags...)
			run := runUC(t, env, args...)
			if run.code != 0 && run.code != 1 { // 1: a pm.test of the collection meant to fail
				t.Fatalf("run: exit %d\n%s", run.code, run)
			}
			got := sim.Requests()

			var planned, want []string // want: the planned requests, with the cleanups the row expects
			var cleanups []int
			for _, r := range doc.Requests {
				line := r.Method + " " + r.Path + "  (" + r.Phase + " " + r.Step + " " + r.Item + ")"
				planned = append(planned, line)
				n := 1
				if r.Step == "cleanup" {
					if !r.Conditional {
						t.Errorf("inspect lists the cleanup %s as unconditional", line)
					}
					n = row.cleanups[r.Phase]
					cleanups = append(cleanups, n)
				}
				for range n {
					want = append(want, r.Method+" "+r.Path)
				}
			}
			for phase, n := range row.cleanups {
				if n > 0 && !slices.ContainsFunc(doc.Requests, func(r inspected) bool { return r.Step == "cleanup" && r.Phase == phase }) {
					t.Errorf("inspect lists no %s cleanup; the row expects %d", phase, n)
				}
			}
			show := "planned:\n  " + strings.Join(planned, "\n  ") + "\nreceived:\n  " + strings.Join(got, "\n  ")
			if len(want) != len(got) {
				t.Fatalf("inspect lists %d requests (cleanups sent %v times), the simulator received %d:\n%s", len(want), cleanups, len(got), show)
			}
			for i, w := range want {
				method, path, _ := strings.Cut(w, " ")
				if !matches(method, path, got[i]) {
					t.Errorf("request %d: inspect lists %s, the simulator received %q\n%s", i, w, got[i], show)
					break
				}
			}
		})
	}
}

// inspected is one request of `inspect --json`.
type inspected struct {
	Step, Phase, Method, Path, Item string
	Conditional                     bool
}

var varRef = regexp.MustCompile(`\{\{[^}]*\}\}`)

// matches reports whether a received "METHOD PATH" is the planned method and URL path, whose
// {{variables}} are left unresolved by the plan (each stands for one or more characters).
func matches(method, path, received string) bool {
	var pattern strings.Builder
	for i, lit := range varRef.Split(path, -1) {
		if i > 0 {
			pattern.WriteString(`.+`)
		}
		pattern.WriteString(regexp.QuoteMeta(lit))
	}
	return regexp.MustCompile(`^` + regexp.QuoteMeta(method) + ` ` + pattern.String() + `$`).MatchString(received)
}
