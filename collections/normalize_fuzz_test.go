package collections

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzNormalize feeds arbitrary documents to Parse: the normalising layer must never panic, and
// whatever loads must have items with a structured URL.
func FuzzNormalize(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "shapes", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(APISecurityJSON())
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.json")
		if err != nil {
			return
		}
		for _, it := range c.Items {
			if it.Parts == nil || it.URL == "" || len(it.Path) == 0 {
				t.Fatalf("item without URL parts: %+v", it)
			}
			_ = it.Parts.String()
		}
	})
}
