package check_test

// The -update flag, so that `go test ./... -update` runs everywhere.
import _ "github.com/uccheck/uccheck/internal/golden"
