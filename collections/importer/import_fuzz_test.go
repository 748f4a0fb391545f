package importer

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// FuzzPrepare: the normaliser and scrubber of `uccheck import` never panic or hang, reject
// exactly what is not a JSON object, and what they write is valid, canonical (normalising it
// again changes nothing), marked as imported, and stable (importing it again changes nothing).
func FuzzPrepare(f *testing.F) {
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `{"a":1}{`, `{"info":{"name":"x"},"item":[]}`,
		`{"variable":[{"key":"password","value":"p@ss-word"}],"item":[{"name":"a","request":{"url":"https://u:pw@h/x?token=abc","header":"Authorization: Basic QWRtaW46OTgzNWM1MjUtMzU2Ny00YjgyLWEwYWYtY2NkMjNlMDhjNzA3"}}]}`,
		`{"item":[{"request":{"body":{"mode":"raw","raw":"{\"password\": \"x\", \"n\": 1}"}},"response":[{"cookie":[{"name":"s","value":"v"}]}]}]}`,
		`{"auth":{"type":"apikey","apikey":{"key":"X","value":"v"}},"item":[{"item":[{"item":[]}]}]}`,
		`{"info":{"_uccheck_import":"sha256:00"},"a":"\u0000\ud800 <&>"}`,
		"{\"description\":\"password: hunter22. token=abc; <secret>x</secret>\"}",
	} {
		f.Add([]byte(s))
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "import", "*.json"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	opts := ScrubOptions{Patterns: []*regexp.Regexp{regexp.MustCompile(`acme-[0-9]+`)}}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Prepare(data, opts)
		var top any
		valid := json.Unmarshal(data, &top) == nil
		_, isObject := top.(map[string]any)
		if err != nil {
			if valid && isObject {
				t.Fatalf("a JSON object was refused: %v", err)
			}
			return
		}
		if !valid || !isObject {
			t.Fatalf("accepted what is not a JSON object: %q", data)
		}
		if !json.Valid(p.Output) || !json.Valid(p.Content) {
			t.Fatalf("wrote invalid JSON:\n%s", p.Output)
		}
		again, err := NormalizeJSON(p.Output)
		if err != nil || !bytes.Equal(again, p.Output) {
			t.Fatalf("the output is not canonical: %v", err)
		}
		if tgt := ExamineTarget(p.Output, opts); tgt.Edited || !tgt.Marked || !bytes.Equal(tgt.Content, p.Content) {
			t.Fatalf("the file just written counts as edited: %+v", tgt)
		}
		second, err := Prepare(p.Output, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(second.Output, p.Output) {
			t.Fatalf("importing the output again changes it:\n%s", firstDiff(string(p.Output), string(second.Output)))
		}
		if cs, err := Changes(p.Content, p.Content); err != nil || !cs.Empty() {
			t.Fatalf("a collection differs from itself: %+v %v", cs, err)
		}
	})
}
