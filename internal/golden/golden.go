// Package golden holds the -update flag of every test package, so that `go test ./... -update`
// regenerates the golden files under each package's testdata/ (review them in the diff). A test
// package without golden files imports it for the flag alone.
package golden

import "flag"

// Update is true under `go test ... -update`: tests rewrite their golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite the golden files in testdata/")
