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

// HAR renders one target's transcript as an HTTP Archive 1.2 document that browser devtools open,
// secrets redacted (headers, form fields, bodies, URLs).
func HAR(t *runner.Transcript, version string, rd *Redactor) ([]byte, error) {
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	type postData struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Params   []nv   `json:"params,omitempty"`
	}
	type request struct {
		Method      string    `json:"method"`
		URL         string    `json:"url"`
		HTTPVersion string    `json:"httpVersion"`
		Cookies     []nv      `json:"cookies"`
		Headers     []nv      `json:"headers"`
		QueryString []nv      `json:"queryString"`
		PostData    *postData `json:"postData,omitempty"`
		HeadersSize int       `json:"headersSize"`
		BodySize    int       `json:"bodySize"`
	}
	type content struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text,omitempty"`
		Encoding string `json:"encoding,omitempty"`
		Comment  string `json:"comment,omitempty"`
	}
	type response struct {
		Status      int     `json:"status"`
		StatusText  string  `json:"statusText"`
		HTTPVersion string  `json:"httpVersion"`
		Cookies     []nv    `json:"cookies"`
		Headers     []nv    `json:"headers"`
		Content     content `json:"content"`
		RedirectURL string  `json:"redirectURL"`
		HeadersSize int     `json:"headersSize"`
		BodySize    int     `json:"bodySize"`
	}
	type timings struct {
		DNS     float64 `json:"dns"`
		Connect float64 `json:"connect"`
		SSL     float64 `json:"ssl"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
	}
	type entry struct {
		Started  string   `json:"startedDateTime"`
		Time     float64  `json:"time"`
		Request  request  `json:"request"`
		Response response `json:"response"`
		Cache    struct{} `json:"cache"`
		Timings  timings  `json:"timings"`
		Comment  string   `json:"comment,omitempty"`
	}
	headers := func(h http.Header) []nv {
		out := []nv{}
		keys := make([]string, 0, len(h))
		for k := range h {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range h[k] {
				out = append(out, nv{Name: k, Value: rd.Redact(v)})
			}
		}
		return out
	}
	entries := []entry{}
	for _, ex := range t.All() {
		e := entry{Started: ex.Start.UTC().Format(time.RFC3339Nano), Time: ms(ex.Timings.Total), Comment: "uccheck step " + string(ex.Step) + ", item " + rd.Redact(ex.Item)}
		u := rd.Redact(ex.Request.URL)
		e.Request = request{Method: ex.Request.Method, URL: u, HTTPVersion: "HTTP/1.1", Cookies: []nv{}, Headers: headers(ex.Request.Header), QueryString: []nv{}, HeadersSize: -1, BodySize: len(ex.Request.Body)}
		if pu, err := url.Parse(u); err == nil {
			for k, vs := range pu.Query() {
				for _, v := range vs {
					e.Request.QueryString = append(e.Request.QueryString, nv{Name: k, Value: v})
				}
			}
		}
		if ex.Request.Body != "" {
			pd := &postData{MimeType: ex.Request.Header.Get("Content-Type"), Text: rd.Redact(ex.Request.Body)}
			if vals, err := url.ParseQuery(ex.Request.Body); err == nil && strings.HasPrefix(pd.MimeType, "application/x-www-form-urlencoded") {
				for _, kv := range strings.Split(ex.Request.Body, "&") {
					k, _, _ := strings.Cut(kv, "=")
					key, _ := url.QueryUnescape(k)
					pd.Params = append(pd.Params, nv{Name: key, Value: rd.Redact(vals.Get(key))})
				}
			}
			e.Request.PostData = pd
		}
		e.Response = response{Status: 0, StatusText: "", HTTPVersion: "", Cookies: []nv{}, Headers: []nv{}, HeadersSize: -1, BodySize: -1}
		if r := ex.Response; r != nil {
			e.Request.HTTPVersion = r.Proto
			e.Response = response{Status: r.Status, StatusText: http.StatusText(r.Status), HTTPVersion: r.Proto, Cookies: []nv{}, Headers: headers(r.Header),
				RedirectURL: rd.Redact(r.Header.Get("Location")), HeadersSize: -1, BodySize: len(r.Body)}
			c := content{Size: len(r.Body), MimeType: r.Header.Get("Content-Type")}
			if utf8.Valid(r.Body) {
				c.Text = rd.Redact(string(r.Body))
			} else {
				c.Comment = "body is not UTF-8; left out"
			}
			if r.Truncated {
				c.Comment = "body cut at the --max-body cap"
			}
			e.Response.Content = c
		} else if ex.Err != nil {
			e.Response.Content = content{MimeType: "x-unknown", Comment: "no response: " + rd.Redact(ex.Err.Error())}
			e.Comment += "; " + rd.Redact(ex.Err.Error())
		}
		tm := ex.Timings
		e.Timings = timings{DNS: -1, Connect: -1, SSL: -1, Send: 0, Wait: ms(tm.FirstByte), Receive: ms(tm.Total - tm.FirstByte)}
		if tm.DNS > 0 {
			e.Timings.DNS = ms(tm.DNS)
		}
		if tm.Connect > 0 {
			e.Timings.Connect = ms(tm.Connect)
		}
		if tm.TLS > 0 {
			e.Timings.SSL = ms(tm.TLS)
		}
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
