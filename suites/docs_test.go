package suites_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/uccheck/uccheck/suites"
)

// TestEveryCheckIsDocumented keeps docs/checks.md and suites.Checks in step: each check ID has an
// anchor there, and each anchor names a check.
func TestEveryCheckIsDocumented(t *testing.T) {
	data, err := os.ReadFile("../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="([^"]+)"></a>`).FindAllStringSubmatch(string(data), -1) {
		anchors[m[1]] = true
	}
	for _, c := range suites.Checks {
		if !anchors[c.ID] {
			t.Errorf("check %s has no anchor in docs/checks.md", c.ID)
		}
		delete(anchors, c.ID)
	}
	for id := range anchors {
		if _, ok := suites.Lookup(id); !ok && id != "latency" && !regexp.MustCompile(`^crossdomain\.`).MatchString(id) {
			t.Errorf("docs/checks.md documents %s, which is no check", id)
		}
	}
}
