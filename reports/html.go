package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// HTML renders the fleet as one self-contained page (no script, font or image from anywhere):
// a table of targets by checks, each failure's expected vs actual, and a latency chart.
func HTML(f *Fleet) ([]byte, error) {
	rd := f.Redactor()
	v := htmlView{
		Version: f.Version, Collection: rd.Redact(f.Collection), Shard: f.Shard,
		Started: f.Started.UTC().Format("2006-01-02 15:04:05 MST"), Duration: FormatDuration(f.Duration),
	}
	c := f.Counts()
	v.Summary = fmt.Sprintf("%d targets · %d checks: %d passed, %d failed, %d errors, %d skipped", len(f.Runs), c.Total(), c.Passed, c.Failed, c.Errors, c.Skipped)
	for _, run := range f.Runs {
		if run.Simulated {
			v.Notes = append(v.Notes, "target is the built-in simulator, not a tenant")
		}
		if run.Insecure {
			v.Notes = append(v.Notes, "--insecure: the certificate of "+rd.Redact(run.Target)+" was not verified")
		}
	}
	v.OK = c.Failed+c.Errors == 0
	seen := map[string]bool{}
	for _, run := range f.Runs {
		for _, r := range run.Results {
			if r.Kind != "" {
				continue // pm.tests: in the failures below, not in the table's columns
			}
			if !seen[r.ID] {
				seen[r.ID] = true
				v.Checks = append(v.Checks, r.ID)
			}
		}
	}
	for ti, run := range f.Runs {
		row := htmlRow{Target: rd.Redact(run.Target), Duration: FormatDuration(run.Duration)}
		rc := run.Counts()
		row.Counts = fmt.Sprintf("%d/%d", rc.Passed, rc.Total())
		byID := map[string]Result{}
		for _, r := range run.Results {
			if r.Kind == "" {
				byID[r.ID] = r
			} else if r.Outcome == Failed || r.Outcome == Errored {
				v.Failures = append(v.Failures, htmlFailure{
					Anchor: fmt.Sprintf("f%d-pm%d", ti, len(v.Failures)), Target: rd.Redact(run.Target), ID: "pm.test", Title: rd.Redact(r.Title),
					Outcome: string(r.Outcome), Message: rd.Redact(strings.TrimRight(r.Message, "\n")), See: "docs/postman.md",
				})
			}
		}
		for _, id := range v.Checks {
			r, ok := byID[id]
			cell := htmlCell{Class: "none", Mark: ""}
			if ok {
				cell = htmlCell{Class: string(r.Outcome), Mark: map[Outcome]string{Passed: "✓", Failed: "✗", Errored: "!", Skipped: "–"}[r.Outcome], Title: rd.Redact(firstLine(r.Message))}
				if r.Outcome == Failed || r.Outcome == Errored {
					cell.Link = fmt.Sprintf("f%d-%s", ti, id)
					v.Failures = append(v.Failures, htmlFailure{
						Anchor: cell.Link, Target: row.Target, ID: id, Title: r.Title, Outcome: string(r.Outcome),
						Message: rd.Redact(strings.TrimRight(r.Message, "\n")), See: r.Anchor,
					})
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Chart = latencyChart(f.LatencyStats())
	var buf bytes.Buffer
	if err := htmlPage.Execute(&buf, v); err != nil {
		return nil, err
	}
	return []byte(rd.Redact(buf.String())), nil
}

type htmlView struct {
	Version, Collection, Shard, Started, Duration, Summary string
	OK                                                     bool
	Notes                                                  []string
	Checks                                                 []string
	Rows                                                   []htmlRow
	Failures                                               []htmlFailure
	Chart                                                  template.HTML
}

type htmlRow struct {
	Target, Duration, Counts string
	Cells                    []htmlCell
}

type htmlCell struct {
	Class, Mark, Title, Link string
}

type htmlFailure struct {
	Anchor, Target, ID, Title, Outcome, Message, See string
}

// latencyChart draws p50, p95 and max per step as an inline SVG bar chart.
func latencyChart(stats []Stats) template.HTML {
	if len(stats) == 0 {
		return ""
	}
	var maxD time.Duration
	for _, s := range stats {
		maxD = max(maxD, s.Max)
	}
	if maxD <= 0 {
		maxD = time.Millisecond
	}
	const rowH, labelW, barW = 42, 150, 520
	h := len(stats)*rowH + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="latency per step">`, labelW+barW+300, h)
	for i, s := range stats {
		y := i*rowH + 10
		fmt.Fprintf(&b, `<text x="0" y="%d" class="lbl">%s</text>`, y+20, template.HTMLEscapeString(s.Step))
		for j, part := range []struct {
			name  string
			d     time.Duration
			class string
		}{{"max", s.Max, "max"}, {"p95", s.P95, "p95"}, {"p50", s.P50, "p50"}} {
			w := int(float64(barW) * float64(part.d) / float64(maxD))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" class="%s"><title>%s %s %s (n=%d)</title></rect>`,
				labelW, y+j*4, max(w, 1), 30-j*8, part.class, template.HTMLEscapeString(s.Step), part.name, FormatDuration(part.d), s.N)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="val">p50 %s · p95 %s · max %s</text>`, labelW+barW+6, y+20, FormatDuration(s.P50), FormatDuration(s.P95), FormatDuration(s.Max))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>uccheck report</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.meta{color:#57606a} .banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:14px 0}
.banner.ok{background:#dafbe1;color:#116329} .banner.warn{background:#fff8c5;color:#7d4e00} .banner.bad{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse} th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:center}
th.check{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500;white-space:nowrap;font-size:12px}
td.target{text-align:left;white-space:nowrap;font-family:ui-monospace,monospace}
td.passed{background:#dafbe1;color:#116329} td.failed{background:#ffcecb;color:#a40e26;font-weight:700}
td.error{background:#fff1c2;color:#7d4e00;font-weight:700} td.skipped{background:#f6f8fa;color:#8c959f}
td a{color:inherit;text-decoration:none;display:block}
.failure{border-left:4px solid #cf222e;padding:6px 12px;margin:10px 0;background:#fff8f8}
.failure.error{border-color:#bf8700;background:#fffbea}
pre{white-space:pre-wrap;word-break:break-word;margin:6px 0;font:12px/1.45 ui-monospace,monospace}
svg .lbl,svg .val{font:12px ui-monospace,monospace;fill:#1b1f24} svg .p50{fill:#0969da} svg .p95{fill:#54aeff} svg .max{fill:#b6e3ff}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
</style></head><body>
<h1>uccheck report</h1>
<div class="meta">uccheck {{.Version}} · collection {{.Collection}} · started {{.Started}} · took {{.Duration}}{{if .Shard}} · shard {{.Shard}}{{end}}</div>
<div class="banner {{if .OK}}ok{{else}}bad{{end}}">{{.Summary}}</div>
{{range .Notes}}<div class="banner warn">{{.}}</div>
{{end}}
<h2>Targets × checks</h2>
<table><thead><tr><th>target</th><th>passed</th>{{range .Checks}}<th class="check">{{.}}</th>{{end}}<th>time</th></tr></thead><tbody>
{{range .Rows}}<tr><td class="target">{{.Target}}</td><td>{{.Counts}}</td>{{range .Cells}}<td class="{{.Class}}" title="{{.Title}}">{{if .Link}}<a href="#{{.Link}}">{{.Mark}}</a>{{else}}{{.Mark}}{{end}}</td>{{end}}<td>{{.Duration}}</td></tr>
{{end}}</tbody></table>
{{if .Failures}}<h2>Failures</h2>
{{range .Failures}}<div class="failure {{.Outcome}}" id="{{.Anchor}}"><strong>{{.ID}}</strong> on <code>{{.Target}}</code>: {{.Title}} ({{.Outcome}})
<pre>{{.Message}}</pre><div class="meta">see {{.See}}</div></div>
{{end}}{{end}}
{{if .Chart}}<h2>Latency per step, across targets</h2>
<div class="legend meta"><span style="background:#0969da"></span>p50<span style="background:#54aeff"></span>p95<span style="background:#b6e3ff"></span>max</div>
{{.Chart}}{{end}}
</body></html>
`))
