// Package bench holds benchmarks that compare uccheck's contract flow (runner.Run) with the same
// requests sent by a bare net/http client, against the simulator. Run them with scripts/bench.sh.
package bench
