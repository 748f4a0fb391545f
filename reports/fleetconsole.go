package reports

import (
	"fmt"
	"io"
	"strings"
)

// TargetLine is the one console line of a judged target in a run of many: its mark, target,
// counts and the checks that did not pass.
func TargetLine(run *Run, o ConsoleOptions) string {
	c := run.Counts()
	mark, col := "✓", ansiGreen
	switch {
	case c.Failed > 0:
		mark, col = "✗", ansiRed
	case c.Errors > 0:
		mark, col = "!", ansiRed
	}
	if o.Color {
		mark = col + mark + ansiReset
	}
	var bad []string
	for _, r := range run.Results {
		if r.Outcome == Failed || r.Outcome == Errored {
			bad = append(bad, r.Name())
		}
	}
	s := fmt.Sprintf("%s %s  %d/%d passed in %s", mark, run.Target, c.Passed, c.Total(), FormatDuration(run.Duration))
	if len(bad) > 0 {
		s += ": " + strings.Join(bad, ", ")
	}
	if n := run.Retries(); n > 0 {
		s += fmt.Sprintf(" (%d retries)", n)
	}
	return run.Redactor.Redact(s)
}

// ConsoleFleet writes the end of a run of many targets: each failing target's failures with
// expected vs actual, latency per step, and the totals. The per-target lines were written as the
// targets finished (TargetLine).
func ConsoleFleet(w io.Writer, f *Fleet, o ConsoleOptions) error {
	var b strings.Builder
	for _, run := range f.Runs {
		if c := run.Counts(); c.Failed+c.Errors == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", run.Target)
		only := &Run{Results: nil, Redactor: run.Redactor, PassSummary: run.PassSummary}
		for _, r := range run.Results {
			if r.Outcome == Failed || r.Outcome == Errored {
				only.Results = append(only.Results, r)
			}
		}
		var part strings.Builder
		_ = Console(&part, only, o)
		lines := strings.Split(strings.TrimRight(part.String(), "\n"), "\n")
		b.WriteString(strings.Join(lines[:len(lines)-1], "\n") + "\n") // without its summary line
	}
	if stats := f.LatencyStats(); len(stats) > 0 && len(f.Runs) > 1 {
		b.WriteString("\nlatency per step across targets:\n")
		for _, s := range stats {
			fmt.Fprintf(&b, "  %-14s n=%-5d p50 %-7s p95 %-7s max %s\n", s.Step, s.N, FormatDuration(s.P50), FormatDuration(s.P95), FormatDuration(s.Max))
		}
	}
	c := f.Counts()
	failing := 0
	for _, run := range f.Runs {
		if rc := run.Counts(); rc.Failed+rc.Errors > 0 {
			failing++
		}
	}
	summary := fmt.Sprintf("%d targets (%d with failures or errors); %d checks: %d passed, %d failed, %d errors, %d skipped in %s",
		len(f.Runs), failing, c.Total(), c.Passed, c.Failed, c.Errors, c.Skipped, FormatDuration(f.Duration))
	if o.Color {
		col := ansiGreen
		if failing > 0 {
			col = ansiRed
		}
		summary = ansiBold + col + summary + ansiReset
	}
	b.WriteString("\n" + summary + "\n")
	if n := notJudged(f); n > 0 {
		fmt.Fprintf(&b, "interrupted: %d of %d targets not judged in full (the checks not run are reported skipped)\n", n, len(f.Runs))
	}
	_, err := io.WriteString(w, f.Redactor().Redact(b.String()))
	return err
}

// notJudged counts the targets an interruption left unjudged: not started, or judged by no spec.
func notJudged(f *Fleet) int {
	n := 0
	for _, run := range f.Runs {
		for _, r := range run.Results {
			if r.Outcome == Skipped && strings.HasPrefix(r.Message, NotRun) {
				n++
				break
			}
		}
	}
	return n
}
