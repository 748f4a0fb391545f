package inspect

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/uccheck/uccheck/internal/tabtext"
)

// Write prints an Inspection for people.
func Write(w io.Writer, in *Inspection) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Collection %q (Postman %s), %s\n", in.Name, in.SchemaVersion, in.Source)
	writeItems(&b, in)
	writeRoles(&b, in)
	writeRequests(&b, in)
	writeChecks(&b, in)
	writeLeft(&b, in)
	if len(in.Problems) > 0 {
		b.WriteString("\nA run with these flags would stop before sending anything:\n")
		for _, p := range in.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
	}
	_, err := io.WriteString(w, tabtext.TrimLines(b.String()))
	return err
}

func writeItems(b *strings.Builder, in *Inspection) {
	fmt.Fprintf(b, "\nItems (%d):\n", len(in.Items))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	var folder []string
	for _, it := range in.Items {
		dir := it.Path[:len(it.Path)-1]
		common := 0
		for common < len(dir) && common < len(folder) && dir[common] == folder[common] {
			common++
		}
		for d := common; d < len(dir); d++ {
			fmt.Fprintf(tw, "  %s%s/\t\t\t\n", strings.Repeat("  ", d), dir[d])
		}
		folder = dir
		note := ""
		switch {
		case it.Role != "":
			note = "role: " + it.Role
		case it.Runs:
			note = "run by the collection pass"
			if it.WriteHint != "" {
				note += "; looks like a write: " + it.WriteHint
			}
		case it.WriteHint != "":
			note = "not run; looks like a write: " + it.WriteHint
		default:
			note = "not run"
		}
		fmt.Fprintf(tw, "  %s%s\t%s %s\t%s\n", strings.Repeat("  ", len(dir)), it.Path[len(it.Path)-1], it.Method, it.URL, note)
	}
	tw.Flush()
}

func writeRoles(b *strings.Builder, in *Inspection) {
	b.WriteString("\nRoles:\n")
	for _, r := range in.Roles {
		if r.Item == "" {
			msg := r.Error
			if msg == "" {
				msg = r.Why
			}
			fmt.Fprintf(b, "  %-6s  none: %s\n", r.Role, msg)
			continue
		}
		fmt.Fprintf(b, "  %-6s  %q: %s\n", r.Role, r.Item, r.Why)
		tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, v := range r.Variables {
			detail := v.Source + ": " + v.Detail
			if v.Value != "" {
				detail += fmt.Sprintf(" = %q", v.Value)
			}
			fmt.Fprintf(tw, "          {{%s}}\t%s\t%s\n", v.Name, strings.Join(v.Where, ", "), detail)
		}
		tw.Flush()
		var parts []string
		for _, n := range r.Overrides {
			parts = append(parts, n.Part)
		}
		if len(parts) > 0 {
			fmt.Fprintf(b, "          uccheck sets %s itself\n", strings.Join(parts, ", "))
		}
	}

}

func writeRequests(b *strings.Builder, in *Inspection) {
	cleanups := 0
	for _, r := range in.Requests {
		if r.Step == "cleanup" {
			cleanups++
		}
	}
	count := fmt.Sprint(len(in.Requests) - cleanups)
	if cleanups > 0 {
		count += ", then a cleanup EndSession for each session left open"
	}
	fmt.Fprintf(b, "\nRequests a run sends, in order (%s):\n", count)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, r := range in.Requests {
		item := r.Item
		if item == "" {
			item = "(no item)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Step, item, r.What)
	}
	tw.Flush()
	if in.APIToken {
		b.WriteString("API-token mode: no login, no EndSession and no collection pass.\n")
	}
	if len(in.SkippedSteps) > 0 {
		fmt.Fprintf(b, "Steps not sent (%d):\n", len(in.SkippedSteps))
		tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, s := range in.SkippedSteps {
			fmt.Fprintf(tw, "  %s\t%s\n", s.Step, s.Why)
		}
		tw.Flush()
	}
}

func writeChecks(b *strings.Builder, in *Inspection) {
	runs := 0
	for _, c := range in.Checks {
		if c.Runs {
			runs++
		}
	}
	fmt.Fprintf(b, "\nChecks: %d would run, %d skipped:\n", runs, len(in.Checks)-runs)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, c := range in.Checks {
		if c.Runs {
			fmt.Fprintf(tw, "  run\t%s\t%s\n", c.ID, c.Title)
		} else {
			fmt.Fprintf(tw, "  skip\t%s\t%s\n", c.ID, c.Why)
		}
	}
	tw.Flush()
}

func writeLeft(b *strings.Builder, in *Inspection) {
	var left []InspectItem
	writes := 0
	for _, it := range in.Items {
		if !it.Runs {
			left = append(left, it)
			if it.WriteHint != "" {
				writes++
			}
		}
	}
	fmt.Fprintf(b, "\nNot run: %d items, %d look like writes\n", len(left), writes)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, it := range left {
		mark, note := " ", ""
		if it.WriteHint != "" {
			mark, note = "!", "looks like a write: "+it.WriteHint
		}
		fmt.Fprintf(tw, "  %s %s\t%s %s\t%s\n", mark, strings.Join(it.Path, " / "), it.Method, it.URL, note)
	}
	tw.Flush()
}
