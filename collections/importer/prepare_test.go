package importer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/uccheck/uccheck/collections"
	goldenflag "github.com/uccheck/uccheck/internal/golden"
)

// fixtures are the realistic exports of ../testdata/import, shared with the collections package's
// tests: a secret in every place Postman puts one (gen.py wrote them; the tests only read them).
var fixtures = []string{
	"vendor-v21.postman_collection.json",
	"vendor-v21-previous.postman_collection.json",
	"vendor-v20.postman_collection.json",
}

// goldenFile compares got with testdata/golden/name, or rewrites it with -update.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenflag.Assert(t, filepath.Join("testdata", "golden", name), got)
}

func firstDiff(want, got string) string { return goldenflag.Diff(want, got) }

func scrubbedText(list []Scrubbed) []byte {
	var b bytes.Buffer
	for _, s := range list {
		fmt.Fprintf(&b, "%s | %s | %q | %s\n", s.Item, s.Field, s.With, s.Rule)
	}
	return b.Bytes()
}

// secretsOf lists every secret a fixture holds: the SEKRIT-… markers, and every value shaped like
// a token with what it decodes to and its session part.
func secretsOf(t testing.TB, data []byte) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, m := range sekritRE.FindAllString(string(data), -1) {
		add(m)
	}
	for _, m := range base64RunRE.FindAllString(string(data), -1) {
		if text, ok := collections.DecodeCredential(m); ok {
			add(m)
			add(text)
			_, rest, _ := strings.Cut(text, ":")
			add(rest)
		}
	}
	if len(out) == 0 {
		t.Fatal("the fixture holds no secret: the test would prove nothing")
	}
	return out
}

func TestPrepareGolden(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			p, err := Prepare(fixture(t, name), ScrubOptions{})
			if err != nil {
				t.Fatal(err)
			}
			stem := strings.TrimSuffix(name, ".postman_collection.json")
			goldenFile(t, stem+".json", p.Output)
			goldenFile(t, stem+".scrubbed.txt", scrubbedText(p.Scrubbed))
		})
	}
}

// TestPrepareLeavesNoSecret: no secret of any fixture survives anywhere in what import writes or
// in the list of what it scrubbed.
func TestPrepareLeavesNoSecret(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			data := fixture(t, name)
			p, err := Prepare(data, ScrubOptions{})
			if err != nil {
				t.Fatal(err)
			}
			listed := scrubbedText(p.Scrubbed)
			for _, s := range secretsOf(t, data) {
				if bytes.Contains(p.Output, []byte(s)) {
					t.Errorf("secret %q survives in the output", s)
				}
				if bytes.Contains(listed, []byte(s)) {
					t.Errorf("secret %q is in the list of what was scrubbed", s)
				}
			}
		})
	}
}

// TestPrepareKeepsWhatIsNotSecret: scrubbing takes the secrets and nothing else of use.
func TestPrepareKeepsWhatIsNotSecret(t *testing.T) {
	p, err := Prepare(fixture(t, "vendor-v21.postman_collection.json"), ScrubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []string{
		`"value": "api-monitor"`,                                        // a user name is not a secret
		`"value": "acme.ucontactcloud.com"`,                             // nor the tenant
		`"value": "X-API-Key"`,                                          // an API key's header name
		`"value": "Bearer"`,                                             // oauth2 tokenType
		`"value": "https://{{domain}}/oauth/token"`,                     // oauth2 accessTokenUrl
		`\"pin\": 1234`,                                                 // not a secret key
		`"src": "/home/ana/prompt.wav"`,                                 // a form file
		`pm.collectionVariables.set(\"token\", data[data.length - 1]);`, // a script that sets a token from the answer
		`"value": "Basic {{apiKey}}"`,                                   // already a reference
	} {
		if !bytes.Contains(p.Output, []byte(keep)) {
			t.Errorf("the output lost %s", keep)
		}
	}
}

func TestPrepareIsIdempotent(t *testing.T) {
	for _, name := range fixtures {
		p, err := Prepare(fixture(t, name), ScrubOptions{})
		if err != nil {
			t.Fatal(err)
		}
		again, err := Prepare(p.Output, ScrubOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Output, p.Output) {
			t.Errorf("%s: importing an imported collection changes it:\n%s", name, firstDiff(string(p.Output), string(again.Output)))
		}
		if len(again.Scrubbed) != 0 {
			t.Errorf("%s: importing an imported collection scrubs again: %s", name, scrubbedText(again.Scrubbed))
		}
	}
}

// TestPrepareFormattingDoesNotMatter: the same collection indented with tabs, two spaces or not
// at all is written the same, so a vendor's formatting change makes no diff.
func TestPrepareFormattingDoesNotMatter(t *testing.T) {
	data := fixture(t, "vendor-v21.postman_collection.json")
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		t.Fatal(err)
	}
	var spaced bytes.Buffer
	if err := json.Indent(&spaced, compact.Bytes(), "", "    "); err != nil {
		t.Fatal(err)
	}
	var outs [][]byte
	for _, in := range [][]byte{data, compact.Bytes(), spaced.Bytes()} {
		p, err := Prepare(in, ScrubOptions{})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, p.Output)
	}
	if !bytes.Equal(outs[0], outs[1]) || !bytes.Equal(outs[0], outs[2]) {
		t.Error("the output depends on the input's formatting")
	}
}

func TestNormalizeJSONKeepsOrderAndValues(t *testing.T) {
	in := `{"z":1,"a":{"y":[true,false,null],"b":"<&>\u00e9\n"},"m":1.50e+3,"dup":1,"dup":2,"e":{},"f":[]}`
	want := `{
  "z": 1,
  "a": {
    "y": [
      true,
      false,
      null
    ],
    "b": "<&>é\n"
  },
  "m": 1.50e+3,
  "dup": 1,
  "dup": 2,
  "e": {},
  "f": []
}
`
	got, err := NormalizeJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestNormalizeJSONErrorsNameThePlace(t *testing.T) {
	for in, want := range map[string]string{
		"{\n  \"a\": 1,\n  \"b\": \n}": "line 4, column 1",
		`{"a": [1, 2}`:                 "line 1",
		`{"a": 1} {"b": 2}`:            "data after the JSON value",
		`{"a": `:                       "unexpected end",
		``:                             "unexpected end",
	} {
		_, err := NormalizeJSON([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NormalizeJSON(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

func TestScrubRules(t *testing.T) {
	tok := base64.StdEncoding.EncodeToString([]byte("Admin:9835c525-3567-4b82-a0af-ccd23e08c707"))
	tests := []struct {
		name     string
		in       string
		gone     []string // must not survive
		kept     []string // must survive
		patterns []string
	}{
		{"header list as text", `{"item":[{"name":"a","request":{"url":"https://h/x","header":"Content-Type: text/plain\nAuthorization: Basic ` + tok + `\nX-Api-Key: k-123456"}}]}`,
			[]string{tok, "k-123456"}, []string{"Content-Type: text/plain", "Authorization: Basic {{token}}", "X-Api-Key: {{token}}"}, nil},
		{"v2.0 auth maps", `{"auth":{"type":"digest","digest":{"username":"ana","password":"pw-digest-1"}},"item":[]}`,
			[]string{"pw-digest-1"}, []string{`"username": "ana"`, `"password": "{{password}}"`}, nil},
		{"awsv4 and hawk", `{"auth":{"type":"awsv4","awsv4":[{"key":"secretKey","value":"aws-secret-1"},{"key":"accessKey","value":"AKIA0001"},{"key":"region","value":"us-east-1"}]},"item":[]}`,
			[]string{"aws-secret-1", "AKIA0001"}, []string{"us-east-1"}, nil},
		{"environment export", `{"name":"prod","values":[{"key":"pwd","value":"env-pw-1","enabled":true},{"key":"host","value":"h.example","enabled":true}],"_postman_variable_scope":"environment"}`,
			[]string{"env-pw-1"}, []string{"h.example"}, nil},
		{"graphql variables", `{"item":[{"name":"g","request":{"url":"https://h/g","body":{"mode":"graphql","graphql":{"query":"q","variables":"{\"apiToken\": \"gql-tok-1\"}"}}}}]}`,
			[]string{"gql-tok-1"}, nil, nil},
		{"a secret repeated elsewhere", `{"variable":[{"key":"password","value":"hunter2-long"}],"item":[{"name":"a","request":{"url":"https://h/x","description":"the password is hunter2-long, really"}}]}`,
			[]string{"hunter2-long"}, []string{"really"}, nil},
		{"secret-pattern", `{"item":[{"name":"a","request":{"url":"https://acme-778899.ucontactcloud.com/x"}}]}`,
			[]string{"778899"}, []string{"ucontactcloud.com"}, []string{`acme-[0-9]{6}`}},
		{"spanish keys", `{"item":[{"name":"a","request":{"url":"https://h/x","body":{"mode":"urlencoded","urlencoded":[{"key":"contraseña","value":"clave-secreta-1"}]}}}]}`,
			[]string{"clave-secreta-1"}, []string{"{{password}}"}, nil},
		{"settings of a secret are kept", `{"auth":{"type":"oauth2","oauth2":[{"key":"tokenName","value":"main"},{"key":"headerPrefix","value":"Bearer"},{"key":"refreshToken","value":"rt-0001"}]},"item":[]}`,
			[]string{"rt-0001"}, []string{`"value": "main"`, `"value": "Bearer"`}, nil},
		{"references stay", `{"item":[{"name":"a","request":{"url":"https://h/x?token={{token}}","header":[{"key":"Authorization","value":"Bearer {{token}}"}]}}]}`,
			nil, []string{"?token={{token}}", "Bearer {{token}}"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o ScrubOptions
			for _, p := range tt.patterns {
				o.Patterns = append(o.Patterns, regexp.MustCompile(p))
			}
			p, err := Prepare([]byte(tt.in), o)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range tt.gone {
				if bytes.Contains(p.Output, []byte(g)) {
					t.Errorf("%q survives:\n%s", g, p.Output)
				}
			}
			for _, k := range tt.kept {
				if !bytes.Contains(p.Output, []byte(k)) {
					t.Errorf("%q is gone:\n%s", k, p.Output)
				}
			}
			if len(tt.gone) > 0 && len(p.Scrubbed) == 0 {
				t.Error("nothing listed as scrubbed")
			}
		})
	}
}

func TestExamineTarget(t *testing.T) {
	p, err := Prepare(fixture(t, "vendor-v21.postman_collection.json"), ScrubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var reindented bytes.Buffer
	if err := json.Indent(&reindented, p.Output, "", "\t"); err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(p.Output, []byte(`"lang"`), []byte(`"idioma"`), 1)
	unmarked, err := Prepare(p.Output, ScrubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		data          []byte
		edited, marks bool
		why           string
	}{
		{"as written", p.Output, false, true, ""},
		{"only reformatted", reindented.Bytes(), false, true, ""},
		{"edited since", edited, true, true, "changed after uccheck import wrote it"},
		{"never imported", unmarked.Content, true, false, "not written by uccheck import"},
		{"not JSON", []byte("{oops"), true, false, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExamineTarget(tt.data, ScrubOptions{})
			if got.Edited != tt.edited || got.Marked != tt.marks || !strings.Contains(got.Why, tt.why) {
				t.Errorf("got Edited=%t Marked=%t Why=%q, want %t %t %q", got.Edited, got.Marked, got.Why, tt.edited, tt.marks, tt.why)
			}
			if tt.name == "only reformatted" && !bytes.Equal(got.Content, p.Content) {
				t.Error("a reformatted file's content differs")
			}
		})
	}
}

func TestChangesGolden(t *testing.T) {
	old, err := Prepare(fixture(t, "vendor-v21-previous.postman_collection.json"), ScrubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := Prepare(fixture(t, "vendor-v21.postman_collection.json"), ScrubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Changes(old.Content, cur.Content)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, it := range cs.Items {
		fmt.Fprintf(&b, "%s %q (from %q) %s %s\n", it.Kind, it.Path, it.OldPath, it.Method, it.URL)
		for _, d := range it.Details {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	for _, d := range cs.Collection {
		fmt.Fprintf(&b, "collection: %s\n", d)
	}
	goldenFile(t, "changes-previous-to-v21.txt", b.Bytes())
	if a, r, n, c := cs.Counts(); a != 1 || r != 1 || n != 1 || c != 3 {
		t.Errorf("Counts = %d added, %d removed, %d renamed, %d changed; want 1, 1, 1, 3", a, r, n, c)
	}
	same, err := Changes(cur.Content, cur.Content)
	if err != nil || !same.Empty() {
		t.Errorf("a collection against itself: %+v, %v", same, err)
	}
}

func TestChangesDetails(t *testing.T) {
	item := func(name, extra string) string {
		return `{"name":"` + name + `","request":{"method":"POST","url":"https://h/Integra/resources/a/b"` + extra + `}}`
	}
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"method", item("x", ``), strings.Replace(item("x", ``), "POST", "GET", 1), []string{"method POST -> GET"}},
		{"body field", item("x", `,"body":{"mode":"urlencoded","urlencoded":[{"key":"a","value":"1"}]}`),
			item("x", `,"body":{"mode":"urlencoded","urlencoded":[{"key":"a","value":"2"},{"key":"b","value":""}]}`),
			[]string{`body field "a": "1" -> "2"`, `body field "b" added`}},
		{"body mode", item("x", `,"body":{"mode":"raw","raw":"x"}`), item("x", `,"body":{"mode":"formdata","formdata":[]}`), []string{"body mode raw -> formdata"}},
		{"auth type", item("x", `,"auth":{"type":"basic","basic":[]}`), item("x", `,"auth":{"type":"bearer","bearer":[]}`), []string{"auth basic -> bearer"}},
		{"auth param", item("x", `,"auth":{"type":"apikey","apikey":[{"key":"key","value":"X-A"}]}`), item("x", `,"auth":{"type":"apikey","apikey":[{"key":"key","value":"X-B"}]}`),
			[]string{`auth (apikey) parameter "key": "X-A" -> "X-B"`}},
		{"header disabled", item("x", `,"header":[{"key":"A","value":"1"}]`), item("x", `,"header":[{"key":"a","value":"1","disabled":true}]`), []string{`header "a" disabled`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			norm := func(s string) []byte {
				b, err := NormalizeJSON([]byte(`{"info":{"name":"c"},"item":[` + s + `]}`))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			cs, err := Changes(norm(tt.old), norm(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			if len(cs.Items) != 1 || !reflect.DeepEqual(cs.Items[0].Details, tt.want) {
				t.Errorf("got %+v, want details %q", cs.Items, tt.want)
			}
		})
	}
}

func TestProblemsListsEveryItem(t *testing.T) {
	doc := `{"info":{"name":"bad"},"item":[
	  {"name":"ok","request":{"method":"POST","url":"https://h/Integra/resources/auth/getUserToken"}},
	  {"name":"F","item":[{"name":"one","request":{"url":5}}]},
	  {"name":"two","request":42}
	]}`
	c, problems := Problems([]byte(doc), "bad.json")
	if c != nil {
		t.Fatal("a collection with bad items loaded")
	}
	if len(problems) != 2 {
		t.Fatalf("got %d problems, want 2: %v", len(problems), problems)
	}
	for i, want := range []string{`item "F / one"`, `item "two"`} {
		var le *collections.LoadError
		if !errors.As(problems[i], &le) || le.Source != "bad.json" || !strings.Contains(le.Error(), want) {
			t.Errorf("problem %d = %v, want a *collections.LoadError naming %s", i, problems[i], want)
		}
	}
	if c, problems := Problems(fixture(t, "vendor-v21.postman_collection.json"), "v21"); c == nil || problems != nil {
		t.Errorf("a good collection: %v", problems)
	}
	if _, problems := Problems([]byte(`{"info":{"name":"x"},`), "trunc.json"); len(problems) != 1 || !strings.Contains(problems[0].Error(), "line 1") {
		t.Errorf("truncated JSON: %v", problems)
	}
}

// TestSweepSparesCommonWords: a secret that is an ordinary word is scrubbed where it is, but not
// cut out of every other string (here, the login form's "password" field name).
func TestSweepSparesCommonWords(t *testing.T) {
	in := `{"variable":[{"key":"passwordField","value":"password"}],"item":[{"name":"a","request":{"url":"https://h/Integra/resources/auth/getUserToken","body":{"mode":"urlencoded","urlencoded":[{"key":"password","value":"{{password}}"}]}}}]}`
	p, err := Prepare([]byte(in), ScrubOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(p.Output, []byte(`"key": "password"`)) {
		t.Errorf("the form field's name was cut:\n%s", p.Output)
	}
	if bytes.Contains(p.Output, []byte(`"value": "password"`)) {
		t.Errorf("the secret stayed:\n%s", p.Output)
	}
}
