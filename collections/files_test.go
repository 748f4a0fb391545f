package collections

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadVariables(t *testing.T) {
	p := write(t, "env.json", `{"name": "e", "values": [
		{"key": "a", "value": "1", "enabled": true},
		{"key": "n", "value": 2, "type": "default"},
		{"key": "off", "value": "x", "enabled": false},
		{"key": "s", "value": "pw", "type": "secret", "enabled": true},
		{"key": "empty"}]}`)
	vars, name, err := LoadVariables(p)
	if err != nil || name != "e" {
		t.Fatal(name, err)
	}
	want := []Variable{{Key: "a", Value: "1"}, {Key: "n", Value: 2.0, Type: "default"}, {Key: "off", Value: "x", Disabled: true}, {Key: "s", Value: "pw", Type: "secret"}, {Key: "empty", Value: ""}}
	if !reflect.DeepEqual(vars, want) {
		t.Errorf("vars = %+v\nwant   %+v", vars, want)
	}
	if _, _, err := LoadVariables(write(t, "bad.json", `{"values": [{"value": "no key"}]}`)); err == nil || !strings.Contains(err.Error(), `values[0].key`) {
		t.Errorf("a value without key: %v", err)
	}
	if _, _, err := LoadVariables(write(t, "bad2.json", `[1, 2]`)); err == nil || !strings.Contains(err.Error(), "bad2.json") {
		t.Errorf("not an environment: %v", err)
	}
}

func TestLoadIterationData(t *testing.T) {
	rows, err := LoadIterationData(write(t, "d.csv", "\xef\xbb\xbfuser,\"note, with comma\"\nana,\"a \"\"quoted\"\" one\"\nbruno,\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"user": "ana", "note, with comma": `a "quoted" one`}, {"user": "bruno", "note, with comma": ""}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("csv rows = %v", rows)
	}
	rows, err = LoadIterationData(write(t, "d.json", `[{"n": 1, "ok": true}, {"n": 2}]`))
	if err != nil || len(rows) != 2 || rows[0]["n"] != 1.0 || rows[0]["ok"] != true {
		t.Errorf("json rows = %v, %v", rows, err)
	}
	// As Newman: unquoted numbers are numbers, quoted ones text; extra values are dropped.
	rows, err = LoadIterationData(write(t, "cast.csv", "i, f ,z,q,t,e,neg,x\n200, 1.5 ,0,\"200\",12abc,1e3,-7,9\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want = []map[string]any{{"i": 200.0, "f": 1.5, "z": 0.0, "q": "200", "t": "12abc", "e": 1000.0, "neg": -7.0, "x": 9.0}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("cast rows = %#v\nwant        %#v", rows, want)
	}
	rows, err = LoadIterationData(write(t, "extra.csv", "a\n1,2\n\n"))
	if err != nil || !reflect.DeepEqual(rows, []map[string]any{{"a": 1.0}}) {
		t.Errorf("extra values: %v, %v", rows, err)
	}
	if _, err := LoadIterationData(write(t, "open.csv", "a\n\"never closed\n")); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("open quote: %v", err)
	}
	if _, err := LoadIterationData(write(t, "bad.json", `{"n": 1}`)); err == nil || !strings.Contains(err.Error(), "JSON array") {
		t.Errorf("not an array: %v", err)
	}
}
