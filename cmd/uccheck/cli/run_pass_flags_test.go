package cli

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/uccheck/uccheck/fleet"
)

func TestRunPassFlags(t *testing.T) {
	var got *RunOptions
	env := map[string]string{"UCCHECK_ENVIRONMENT": "env.json", "UCCHECK_FOLDER": "A,B"}
	streams := IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	cmd := newRunCmd(streams, func(o *RunOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--globals", "g.json", "--all-items", "--iteration-data", "d.csv", "--iteration-count", "3",
		"--timeout-script", "2s", "--working-dir", "files", "--verbose", "--var", "a=1"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := fleet.Options{Environment: "env.json", Globals: "g.json", Folders: []string{"A", "B"}, AllItems: true,
		IterationData: "d.csv", Iterations: 3, ScriptTimeout: 2 * time.Second, WorkingDir: "files", Verbose: true}
	pass := fleet.Options{Environment: got.Environment, Globals: got.Globals, Folders: got.Folders, AllItems: got.AllItems,
		IterationData: got.IterationData, Iterations: got.Iterations, ScriptTimeout: got.ScriptTimeout, WorkingDir: got.WorkingDir, Verbose: got.Verbose}
	if !reflect.DeepEqual(pass, want) {
		t.Errorf("options = %+v\nwant      %+v", pass, want)
	}
}
