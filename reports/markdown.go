package reports

import (
	"fmt"
	"strings"
)

// Markdown renders a short summary for a CI page (GitHub's job summary): the totals, a table of
// the targets that failed, and latency per step.
func Markdown(f *Fleet) []byte {
	rd := f.Redactor()
	c := f.Counts()
	var b strings.Builder
	icon := "✅"
	if c.Failed+c.Errors > 0 {
		icon = "❌"
	}
	fmt.Fprintf(&b, "## %s uccheck: %d targets, %d checks: %d passed, %d failed, %d errors, %d skipped\n\n",
		icon, len(f.Runs), c.Total(), c.Passed, c.Failed, c.Errors, c.Skipped)
	var failing []*Run
	for _, r := range f.Runs {
		if rc := r.Counts(); rc.Failed+rc.Errors > 0 {
			failing = append(failing, r)
		}
	}
	if len(failing) > 0 {
		b.WriteString("| target | check | outcome | expected / actual |\n|---|---|---|---|\n")
		for _, r := range failing {
			for _, res := range r.Results {
				if res.Outcome != Failed && res.Outcome != Errored {
					continue
				}
				msg := shortMessage(rd.Redact(strings.TrimRight(res.Message, "\n")))
				name := fmt.Sprintf("[%s](%s)", res.ID, res.Anchor)
				if res.Kind != "" {
					name = "pm.test " + mdCell(rd.Redact(res.Title))
				}
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", mdCell(rd.Redact(r.Target)), name, res.Outcome, mdCell(msg))
			}
		}
		b.WriteString("\n")
	}
	if stats := f.LatencyStats(); len(stats) > 0 {
		b.WriteString("| step | n | p50 | p95 | max |\n|---|---|---|---|---|\n")
		for _, s := range stats {
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", s.Step, s.N, FormatDuration(s.P50), FormatDuration(s.P95), FormatDuration(s.Max))
		}
		b.WriteString("\n")
	}
	return []byte(rd.Redact(b.String()))
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}
