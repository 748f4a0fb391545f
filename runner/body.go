package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// resolver resolves one field of a request ("body field \"user\"", ...) with the run's scopes.
type resolver = func(field, s string) string

// buildBody encodes the body for its mode with Newman's default Content-Type.
func buildBody(b *Built, body *collections.Body, o BuildOptions, res resolver) error {
	if body == nil || body.Disabled {
		return nil
	}
	if methodsWithoutBody[b.Method] && !profileBool(o.Profile, "disableBodyPruning", false) {
		return nil
	}
	switch body.Mode {
	case "raw":
		rawBody(b, body, res)
	case "urlencoded":
		urlencodedBody(b, body, res)
	case "formdata":
		return formdataBody(b, body, o, res)
	case "file":
		return fileBody(b, body, o)
	case "graphql":
		graphqlBody(b, body, res)
	}
	return nil
}

// setDefaultType sets the Content-Type when the request has none.
func (b *Built) setDefaultType(ct string) {
	if b.Get("Content-Type") == "" {
		b.Header = append(b.Header, collections.Header{Key: "Content-Type", Value: ct})
	}
}

func rawBody(b *Built, body *collections.Body, res resolver) {
	if body.Raw == "" {
		return
	}
	lang := body.Language
	if lang == "" {
		lang = "text"
	}
	ct, ok := rawContentTypes[lang]
	if !ok {
		ct = rawContentTypes["text"]
	}
	b.setDefaultType(ct)
	b.Body = []byte(res("body", body.Raw))
}

func urlencodedBody(b *Built, body *collections.Body, res resolver) {
	var parts []string
	for _, p := range body.URLEncoded {
		if p.Disabled {
			continue
		}
		f := fmt.Sprintf("body field %q", p.Key)
		parts = append(parts, formEscape(res(f, p.Key))+"="+formEscape(res(f, p.Value)))
	}
	if parts == nil {
		return
	}
	b.setDefaultType("application/x-www-form-urlencoded")
	b.Body = []byte(strings.Join(parts, "&"))
}

func formdataBody(b *Built, body *collections.Body, o BuildOptions, res resolver) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if o.Boundary != "" {
		_ = mw.SetBoundary(o.Boundary)
	}
	n := 0
	for _, p := range body.FormData {
		if p.Disabled {
			continue
		}
		n++
		f := fmt.Sprintf("form field %q", p.Key)
		key := res(f, p.Key)
		if p.Type == "file" {
			if err := fileParts(mw, p, key, o); err != nil {
				return err
			}
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(key)))
		if p.ContentType != "" {
			h.Set("Content-Type", p.ContentType)
		}
		w, _ := mw.CreatePart(h)
		_, _ = w.Write([]byte(res(f, p.Value)))
	}
	if n == 0 {
		return nil
	}
	_ = mw.Close()
	b.set("Content-Type", "multipart/form-data; boundary="+mw.Boundary())
	b.Body = buf.Bytes()
	return nil
}

// fileParts writes the parts of a formdata file field: one per source file.
func fileParts(mw *multipart.Writer, p collections.Param, key string, o BuildOptions) error {
	srcs := p.Src
	if len(srcs) == 0 {
		srcs = []string{""}
	}
	for _, src := range srcs {
		var data []byte
		name := ""
		if src != "" {
			var err error
			if data, err = os.ReadFile(resolvePath(o.WorkingDir, src)); err != nil {
				return fmt.Errorf("item %q, form field %q: file %q: %w (files are read from --working-dir)", o.Item, p.Key, src, err)
			}
			name = filepath.Base(src)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(key), escapeQuotes(name)))
		ct := p.ContentType
		if ct == "" {
			ct = fileType(name)
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(data)
	}
	return nil
}

func fileBody(b *Built, body *collections.Body, o BuildOptions) error {
	switch {
	case body.FileSrc != "":
		data, err := os.ReadFile(resolvePath(o.WorkingDir, body.FileSrc))
		if err != nil {
			return fmt.Errorf("item %q, body file %q: %w (files are read from --working-dir)", o.Item, body.FileSrc, err)
		}
		b.Body = data
	case body.FileText != "":
		b.Body = []byte(body.FileText)
	}
	return nil
}

func graphqlBody(b *Built, body *collections.Body, res resolver) {
	g := body.GraphQL
	if g == nil {
		return
	}
	b.setDefaultType("application/json")
	query := res("graphql query", g.Query)
	var out []string
	if g.Query != "" {
		q, _ := json.Marshal(query)
		out = append(out, `"query":`+string(q))
	}
	if s, ok := g.OperationName.(string); ok {
		q, _ := json.Marshal(s)
		out = append(out, `"operationName":`+string(q))
	}
	switch v := g.Variables.(type) {
	case string:
		if v != "" {
			out = append(out, `"variables":`+res("graphql variables", v))
		}
	case nil:
	default:
		raw, _ := json.Marshal(v)
		out = append(out, `"variables":`+res("graphql variables", string(raw)))
	}
	b.Body = []byte("{" + strings.Join(out, ",") + "}")
}

// fileTypes are the part types Newman (form-data, mime-types) gives common files; others come
// from the system's MIME table, else application/octet-stream.
var fileTypes = map[string]string{
	".txt": "text/plain", ".csv": "text/csv", ".json": "application/json", ".xml": "application/xml",
	".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf", ".png": "image/png",
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".zip": "application/zip",
	".wav": "audio/wav", ".mp3": "audio/mpeg",
}

func fileType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := fileTypes[ext]; ok {
		return t
	}
	t, _, _ := strings.Cut(mime.TypeByExtension(ext), ";")
	return t
}

func resolvePath(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

func escapeQuotes(s string) string { return strings.ReplaceAll(s, `"`, "%22") }

// formEscape encodes a urlencoded body key or value (spaces as %20, as Newman sends them).
func formEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
