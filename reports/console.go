package reports

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// ConsoleOptions shapes the console summary.
type ConsoleOptions struct {
	Color bool // ANSI colours (a terminal without NO_COLOR)
}

const (
	ansiReset = "\x1b[0m"
	ansiGreen = "\x1b[32m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiDim   = "\x1b[2m"
	ansiBold  = "\x1b[1m"
)

// Console writes the run for a person: one line per check with ✓ ✗ ! or -, each failure with
// expected vs actual, and a summary line with counts and time. Secrets are redacted.
func Console(w io.Writer, run *Run, o ConsoleOptions) error {
	paint := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + ansiReset
	}
	width := 0
	for _, r := range run.Results {
		width = max(width, len(r.ID))
	}
	var b strings.Builder
	passHeader := false
	firstWith := map[string]string{} // an error's message -> the first check that had it
	for _, r := range run.Results {
		if r.Kind != "" {
			if !passHeader {
				passHeader = true
				fmt.Fprintf(&b, "collection pass (%s):\n", run.PassSummary)
			}
			writePassResult(&b, r, paint)
			continue
		}
		mark, col := "✓", ansiGreen
		switch r.Outcome {
		case Failed:
			mark, col = "✗", ansiRed
		case Errored:
			mark, col = "!", ansiRed
		case Skipped:
			mark, col = "-", ansiYel
		}
		fmt.Fprintf(&b, "  %s %-*s  %s", paint(col, mark), width, r.ID, r.Title)
		if r.Outcome != Skipped && r.Latency > 0 {
			b.WriteString(paint(ansiDim, "  "+FormatDuration(r.Latency)))
		}
		b.WriteString("\n")
		switch r.Outcome {
		case Skipped:
			fmt.Fprintf(&b, "      %s\n", paint(ansiDim, "skipped: "+r.Message))
		case Errored:
			if first, seen := firstWith[errorCause(r.Message)]; seen {
				fmt.Fprintf(&b, "      error (could not ask): as %s\n", first)
				continue
			}
			firstWith[errorCause(r.Message)] = r.ID
			fallthrough
		case Failed:
			label := ""
			if r.Outcome == Errored {
				label = "error (could not ask): "
			}
			for i, line := range strings.Split(strings.TrimRight(r.Message, "\n"), "\n") {
				if i == 0 {
					line = label + line
				}
				fmt.Fprintf(&b, "      %s\n", line)
			}
			fmt.Fprintf(&b, "      see: %s\n", r.Anchor)
		}
	}
	c, pc := run.CountsOf(false), run.CountsOf(true)
	summary := fmt.Sprintf("%d checks: %d passed, %d failed, %d errors, %d skipped in %s",
		c.Total(), c.Passed, c.Failed, c.Errors, c.Skipped, FormatDuration(run.Duration))
	if passHeader || run.PassSummary != "" {
		summary += fmt.Sprintf("; %d collection tests: %d passed, %d failed, %d errors, %d skipped",
			pc.Total(), pc.Passed, pc.Failed, pc.Errors, pc.Skipped)
	}
	switch {
	case c.Failed > 0 || c.Errors > 0 || pc.Failed > 0 || pc.Errors > 0:
		summary = paint(ansiBold+ansiRed, summary)
	default:
		summary = paint(ansiBold+ansiGreen, summary)
	}
	if run.PassSummary != "" && !passHeader {
		fmt.Fprintf(&b, "collection pass (%s): no pm.test\n", run.PassSummary)
	}
	b.WriteString(summary + "\n")
	if run.Aborted != "" {
		fmt.Fprintf(&b, "the flow stopped early: %s\n", run.Aborted)
	}
	_, err := io.WriteString(w, run.Redactor.Redact(b.String()))
	return err
}

// writePassResult writes one collection pass result: "✓ <item path> › <test name>".
func writePassResult(b *strings.Builder, r Result, paint func(code, s string) string) {
	mark, col := "✓", ansiGreen
	switch r.Outcome {
	case Failed:
		mark, col = "✗", ansiRed
	case Errored:
		mark, col = "!", ansiRed
	case Skipped:
		mark, col = "-", ansiYel
	}
	fmt.Fprintf(b, "  %s %s\n", paint(col, mark), r.Heading())
	if r.Outcome == Failed || r.Outcome == Errored {
		label := ""
		if r.Outcome == Errored {
			label = "error: "
		}
		for i, line := range strings.Split(strings.TrimRight(r.Message, "\n"), "\n") {
			if i == 0 {
				line = label + line
			}
			fmt.Fprintf(b, "      %s\n", line)
		}
	}
}

// errorCause is what an error message says went wrong, without which request it was: "not sent:
// target unreachable at login (...)", "could not be made: connection refused: ...".
func errorCause(msg string) string {
	for _, sep := range []string{": could not be made: ", " was not sent: "} {
		if _, cause, ok := strings.Cut(msg, sep); ok {
			return cause
		}
	}
	return msg
}

// FormatDuration prints a duration for people: "850µs", "12ms", "1.2s".
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}
