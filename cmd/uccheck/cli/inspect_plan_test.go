package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestInspectOneCollection: a plan is of one collection; a second --collection is refused
// rather than silently ignored.
func TestInspectOneCollection(t *testing.T) {
	r := uccheck(nil, "inspect", "--collection", "a.json", "--collection", "b.json")
	if r.code != ExitUsage || !strings.Contains(r.err, "one --collection") {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
}

// TestInspectAPITokenMode: UCCHECK_API_TOKEN turns inspect's plan into API-token mode: no login,
// no EndSession, and the skipped steps say why.
func TestInspectAPITokenMode(t *testing.T) {
	var out, errOut bytes.Buffer
	getenv := func(k string) (string, bool) { return "tok-0123456789", k == "UCCHECK_API_TOKEN" }
	if code := Main([]string{"inspect", "--json"}, IO{Out: &out, Err: &errOut, Getenv: getenv, Context: context.Background()}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var in Inspection
	if err := json.Unmarshal(out.Bytes(), &in); err != nil {
		t.Fatal(err)
	}
	if !in.APIToken || len(in.SkippedSteps) == 0 {
		t.Fatalf("api_token %t, skipped %v", in.APIToken, in.SkippedSteps)
	}
	for _, q := range in.Requests {
		if q.Role != "probe" {
			t.Errorf("API-token mode plans %s (%s)", q.Step, q.Role)
		}
	}
}
