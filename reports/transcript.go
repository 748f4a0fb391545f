package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/uccheck/uccheck/runner"
)

// verboseBodyMax is how much of each body the verbose transcript shows.
const verboseBodyMax = 2048

// WriteTranscript writes every exchange of a run for debugging (--verbose): request line,
// headers and body as sent, then status, protocol, TLS facts, headers, timings and body as
// received; secrets redacted like everywhere else.
func WriteTranscript(w io.Writer, t *runner.Transcript, rd *Redactor) error {
	var b strings.Builder
	for i, ex := range t.All() {
		fmt.Fprintf(&b, "-- exchange %d: %s (item %q)\n", i+1, ex.Step, ex.Item)
		fmt.Fprintf(&b, "> %s %s\n", ex.Request.Method, ex.Request.URL)
		writeHeaders(&b, "> ", ex.Request.Header)
		if ex.Request.Body != "" {
			fmt.Fprintf(&b, ">\n> %s\n", clip(ex.Request.Body))
		}
		if ex.Err != nil {
			fmt.Fprintf(&b, "! %s (after %s)\n", ex.Err.Error(), FormatDuration(ex.Timings.Total))
			continue
		}
		r := ex.Response
		fmt.Fprintf(&b, "< %s %d\n", r.Proto, r.Status)
		if r.TLS != nil {
			fmt.Fprintf(&b, "< (%s, %s, ALPN %q, certificate %q issued by %q, expires %s)\n",
				r.TLS.Version, r.TLS.Cipher, r.TLS.ALPN, r.TLS.Subject, r.TLS.Issuer, r.TLS.NotAfter.Format("2006-01-02"))
		}
		writeHeaders(&b, "< ", r.Header)
		tm := ex.Timings
		fmt.Fprintf(&b, "< (dns %s, connect %s, tls %s, first byte %s, total %s)\n",
			FormatDuration(tm.DNS), FormatDuration(tm.Connect), FormatDuration(tm.TLS), FormatDuration(tm.FirstByte), FormatDuration(tm.Total))
		if len(r.Body) > 0 {
			fmt.Fprintf(&b, "<\n< %s", clip(string(r.Body)))
			if r.Truncated {
				fmt.Fprintf(&b, " [body cut at %d bytes]", len(r.Body))
			}
			b.WriteString("\n")
		}
		if ex.RedirectRefused != "" {
			fmt.Fprintf(&b, "! redirect %s\n", ex.RedirectRefused)
		}
	}
	_, err := io.WriteString(w, rd.Redact(b.String()))
	return err
}

func writeHeaders(b *strings.Builder, prefix string, h map[string][]string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s%s: %s\n", prefix, k, strings.Join(h[k], ", "))
	}
}

func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > verboseBodyMax {
		return s[:verboseBodyMax] + fmt.Sprintf("… [%d bytes in all]", len(s))
	}
	return s
}
