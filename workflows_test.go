package uccheck_test

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestWorkflowsParse keeps the CI examples valid: each YAML file parses, and has the keys GitHub
// needs to run it.
func TestWorkflowsParse(t *testing.T) {
	for _, path := range []string{".github/workflows/ci.yml", ".github/workflows/nightly.yml", "action.yml"} {
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatalf("%s does not parse: %v", path, err)
			}
			if path == "action.yml" {
				runs, _ := doc["runs"].(map[string]any)
				if runs["using"] != "composite" || len(asList(runs["steps"])) == 0 {
					t.Errorf("action.yml: runs = %v, want a composite action with steps", runs)
				}
				return
			}
			if doc["on"] == nil || doc["jobs"] == nil {
				t.Errorf("%s: no 'on' or no 'jobs'", path)
			}
			for name, job := range doc["jobs"].(map[string]any) {
				j := job.(map[string]any)
				if j["runs-on"] == nil || len(asList(j["steps"])) == 0 {
					t.Errorf("%s: job %s has no runs-on or no steps", path, name)
				}
			}
			if strings.Contains(path, "nightly") {
				text := string(data)
				for _, want := range []string{"schedule", "--shard", "merge-reports", "secrets.", "upload-artifact"} {
					if !strings.Contains(text, want) {
						t.Errorf("nightly.yml lacks %q", want)
					}
				}
			}
		})
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
