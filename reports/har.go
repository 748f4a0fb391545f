package reports

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uccheck/uccheck/runner"
)

// The HAR 1.2 document's parts (http://www.softwareishard.com/blog/har-12-spec/).
type (
	harNV struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harPostData struct {
		MimeType string  `json:"mimeType"`
		Text     string  `json:"text"`
		Params   []harNV `json:"params,omitempty"`
	}
	harRequest struct {
		Method      string       `json:"method"`
		URL         string       `json:"url"`
		HTTPVersion string       `json:"httpVersion"`
		Cookies     []harNV      `json:"cookies"`
		Headers     []harNV      `json:"headers"`
		QueryString []harNV      `json:"queryString"`
		PostData    *harPostData `json:"postData,omitempty"`
		HeadersSize int          `json:"headersSize"`
		BodySize    int          `json:"bodySize"`
	}
	harContent struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text,omitempty"`
		Encoding string `json:"encoding,omitempty"`
		Comment  string `json:"comment,omitempty"`
	}
	harResponse struct {
		Status      int        `json:"status"`
		StatusText  string     `json:"statusText"`
		HTTPVersion string     `json:"httpVersion"`
		Cookies     []harNV    `json:"cookies"`
		Headers     []harNV    `json:"headers"`
		Content     harContent `json:"content"`
		RedirectURL string     `json:"redirectURL"`
		HeadersSize int        `json:"headersSize"`
		BodySize    int        `json:"bodySize"`
	}
	harTimings struct {
		DNS     float64 `json:"dns"`
		Connect float64 `json:"connect"`
		SSL     float64 `json:"ssl"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
	}
	harEntry struct {
		Started  string      `json:"startedDateTime"`
		Time     float64     `json:"time"`
		Request  harRequest  `json:"request"`
		Response harResponse `json:"response"`
		Cache    struct{}    `json:"cache"`
		Timings  harTimings  `json:"timings"`
		Comment  string      `json:"comment,omitempty"`
	}
)

// HAR renders one target's transcript as an HTTP Archive 1.2 document that browser devtools open,
// secrets redacted (headers, form fields, bodies, URLs).
func HAR(t *runner.Transcript, version string, rd *Redactor) ([]byte, error) {
	entries := []harEntry{}
	for _, ex := range t.All() {
		e := harEntry{Started: ex.Start.UTC().Format(time.RFC3339Nano), Time: ms(ex.Timings.Total), Comment: "uccheck step " + string(ex.Step) + ", item " + rd.Redact(ex.Item)}
		e.Request = harRequestOf(ex, rd)
		e.Response = harResponse{Cookies: []harNV{}, Headers: []harNV{}, HeadersSize: -1, BodySize: -1}
		if r := ex.Response; r != nil {
			e.Request.HTTPVersion = r.Proto
			e.Response = harResponseOf(r, rd)
		} else if ex.Err != nil {
			e.Response.Content = harContent{MimeType: "x-unknown", Comment: "no response: " + rd.Redact(ex.Err.Error())}
			e.Comment += "; " + rd.Redact(ex.Err.Error())
		}
		e.Timings = harTimingsOf(ex.Timings)
		entries = append(entries, e)
	}
	doc := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]string{"name": "uccheck", "version": version},
		"pages":   []any{},
		"entries": entries,
		"comment": "target " + rd.Redact(t.Target),
	}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return []byte(rd.Redact(string(b)) + "\n"), nil
}

// harHeaders lists headers sorted by name, values redacted.
func harHeaders(h http.Header, rd *Redactor) []harNV {
	out := []harNV{}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, harNV{Name: k, Value: rd.Redact(v)})
		}
	}
	return out
}

// harRequestOf is an exchange's request: URL, query, headers and body (form fields listed).
func harRequestOf(ex *runner.Exchange, rd *Redactor) harRequest {
	u := rd.Redact(ex.Request.URL)
	req := harRequest{Method: ex.Request.Method, URL: u, HTTPVersion: "HTTP/1.1", Cookies: []harNV{}, Headers: harHeaders(ex.Request.Header, rd), QueryString: []harNV{}, HeadersSize: -1, BodySize: len(ex.Request.Body)}
	if pu, err := url.Parse(u); err == nil {
		for k, vs := range pu.Query() {
			for _, v := range vs {
				req.QueryString = append(req.QueryString, harNV{Name: k, Value: v})
			}
		}
	}
	if ex.Request.Body != "" {
		pd := &harPostData{MimeType: ex.Request.Header.Get("Content-Type"), Text: rd.Redact(ex.Request.Body)}
		if vals, err := url.ParseQuery(ex.Request.Body); err == nil && strings.HasPrefix(pd.MimeType, "application/x-www-form-urlencoded") {
			for _, kv := range strings.Split(ex.Request.Body, "&") {
				k, _, _ := strings.Cut(kv, "=")
				key, _ := url.QueryUnescape(k)
				pd.Params = append(pd.Params, harNV{Name: key, Value: rd.Redact(vals.Get(key))})
			}
		}
		req.PostData = pd
	}
	return req
}

// harResponseOf is a response: status, headers, and its body when it is text.
func harResponseOf(r *runner.Response, rd *Redactor) harResponse {
	resp := harResponse{Status: r.Status, StatusText: http.StatusText(r.Status), HTTPVersion: r.Proto, Cookies: []harNV{}, Headers: harHeaders(r.Header, rd),
		RedirectURL: rd.Redact(r.Header.Get("Location")), HeadersSize: -1, BodySize: len(r.Body)}
	c := harContent{Size: len(r.Body), MimeType: r.Header.Get("Content-Type")}
	if utf8.Valid(r.Body) {
		c.Text = rd.Redact(string(r.Body))
	} else {
		c.Comment = "body is not UTF-8; left out"
	}
	if r.Truncated {
		c.Comment = "body cut at the --max-body cap"
	}
	resp.Content = c
	return resp
}

// harTimingsOf maps the exchange's timings; a phase that did not happen (a reused connection)
// is -1.
func harTimingsOf(tm runner.Timings) harTimings {
	out := harTimings{DNS: -1, Connect: -1, SSL: -1, Send: 0, Wait: ms(tm.FirstByte), Receive: ms(tm.Total - tm.FirstByte)}
	if tm.DNS > 0 {
		out.DNS = ms(tm.DNS)
	}
	if tm.Connect > 0 {
		out.Connect = ms(tm.Connect)
	}
	if tm.TLS > 0 {
		out.SSL = ms(tm.TLS)
	}
	return out
}

// HARName returns a file name for a target's HAR: its host and path, made safe.
func HARName(target string) string {
	s := target // the scheme stays: http://h:8443 and https://h:8443 are two files
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	return strings.Trim(b.String(), "_") + ".har"
}
