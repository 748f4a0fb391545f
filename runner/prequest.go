package runner

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// ReqTemplate is an item's request before variables are resolved: what pm.request shows to a
// pre-request script, and what the script may change (method, URL, headers).
type ReqTemplate struct {
	Method  string
	URL     *collections.URL
	Headers []collections.Header
	Body    *collections.Body
	Auth    *collections.Auth // the effective auth after inheritance; nil: none
}

// AuthSource returns the auth an item uses, inherited from its folders and then the collection
// when the request has none (a "noauth" block stops the inheritance), and where it came from.
func AuthSource(c *collections.Collection, it *collections.Item) (*collections.Auth, string) {
	if a := it.Auth; a != nil && a.Type != "inherit" {
		return a, "request"
	}
	for i := len(it.Folders) - 1; i >= 0; i-- {
		if a := it.Folders[i].Auth; a != nil && a.Type != "inherit" {
			return a, "folder " + fmt.Sprintf("%q", strings.Join(it.Folders[i].Path, " / "))
		}
	}
	if c != nil && c.Auth != nil && c.Auth.Type != "inherit" {
		return c.Auth, "collection"
	}
	return nil, ""
}

// SupportedAuth lists the auth types the collection pass can send.
var SupportedAuth = []string{"noauth", "basic", "bearer", "apikey"}

// CheckAuth returns an error naming the item when its effective auth is of a type uccheck cannot
// send: sending the request unauthenticated instead would judge the wrong thing.
func CheckAuth(c *collections.Collection, it *collections.Item) error {
	a, from := AuthSource(c, it)
	if a == nil {
		return nil
	}
	for _, t := range SupportedAuth {
		if a.Type == t {
			return nil
		}
	}
	return fmt.Errorf("item %q: auth type %q (from the %s) is not supported; uccheck sends %s: set the request's auth to one of these, or to noauth and an explicit Authorization header", it.PathString(), a.Type, from, strings.Join(SupportedAuth, ", "))
}

// ProtocolProfile returns the item's protocolProfileBehavior: the collection's, overridden by
// each folder's, overridden by the item's own, as Newman resolves it.
func ProtocolProfile(c *collections.Collection, it *collections.Item) map[string]any {
	out := map[string]any{}
	add := func(m map[string]any) {
		for k, v := range m {
			out[k] = v
		}
	}
	if c != nil {
		add(c.ProtocolProfileBehavior)
	}
	for _, f := range it.Folders {
		add(f.ProtocolProfileBehavior)
	}
	add(it.ProtocolProfileBehavior)
	return out
}

// Template returns the item's request template (copies: scripts may change it).
func Template(c *collections.Collection, it *collections.Item) *ReqTemplate {
	u := *it.Parts
	u.Host = append([]string(nil), u.Host...)
	u.Path = append([]string(nil), u.Path...)
	u.Query = append([]collections.Param(nil), u.Query...)
	u.Variables = append([]collections.Variable(nil), u.Variables...)
	a, _ := AuthSource(c, it)
	return &ReqTemplate{
		Method:  it.Method,
		URL:     &u,
		Headers: append([]collections.Header(nil), it.Headers...),
		Body:    it.Body,
		Auth:    a,
	}
}

// Built is a request resolved and ready to send.
type Built struct {
	Method string
	URL    string
	Header []collections.Header // in order; keys as written
	Body   []byte
	// Secrets are credentials the build derived (a basic auth header's base64): reports redact them.
	Secrets []string
}

// Get returns the first enabled header named key (case-insensitive), or "".
func (b *Built) Get(key string) string {
	for _, h := range b.Header {
		if strings.EqualFold(h.Key, key) {
			return h.Value
		}
	}
	return ""
}

func (b *Built) del(key string) {
	kept := b.Header[:0]
	for _, h := range b.Header {
		if !strings.EqualFold(h.Key, key) {
			kept = append(kept, h)
		}
	}
	b.Header = kept
}

func (b *Built) set(key, value string) {
	b.del(key)
	b.Header = append(b.Header, collections.Header{Key: key, Value: value})
}

// methodsWithoutBody are the methods whose body Newman prunes unless disableBodyPruning is set.
var methodsWithoutBody = map[string]bool{"GET": true, "COPY": true, "HEAD": true, "PURGE": true, "UNLOCK": true}

// rawContentTypes is the Content-Type Newman adds for a raw body of each language.
var rawContentTypes = map[string]string{
	"html": "text/html", "text": "text/plain", "json": "application/json",
	"javascript": "application/javascript", "xml": "application/xml",
}

// BuildOptions are what Build needs besides the template.
type BuildOptions struct {
	Item       string // the item path, for errors
	Scopes     *Scopes
	WorkingDir string         // where file bodies and formdata files are read from ("" = ".")
	Profile    map[string]any // protocolProfileBehavior
	Boundary   string         // multipart boundary ("" = random)
}

// Build resolves a request template: every {{variable}} substituted in the URL (path variables
// first), enabled headers, body and auth; the body encoded for its mode with Newman's default
// Content-Type; the auth applied. An unresolved variable is an *UnresolvedError.
func Build(t *ReqTemplate, o BuildOptions) (*Built, error) {
	var unresolved []string
	field := ""
	res := func(f, s string) string {
		out, names := o.Scopes.Resolve(s)
		if len(names) > 0 && unresolved == nil {
			unresolved, field = names, f
		}
		return out
	}
	b := &Built{Method: strings.ToUpper(t.Method)}
	if b.Method == "" {
		b.Method = "GET"
	}
	u := t.URL
	if a := t.Auth; a != nil && a.Type == "apikey" && a.Params["in"] == "query" {
		key := res("auth apikey.key", a.Params["key"])
		value := res("auth apikey.value", a.Params["value"])
		if key != "" || value != "" {
			c := *u
			c.Query = nil
			for _, q := range u.Query {
				if q.Key != key {
					c.Query = append(c.Query, q)
				}
			}
			c.Query = append(c.Query, collections.Param{Key: key, Value: value})
			u = &c
		}
	}
	b.URL = res("URL", urlWithPathVars(u))
	for _, h := range t.Headers {
		if h.Disabled || h.Key == "" {
			continue
		}
		b.Header = append(b.Header, collections.Header{Key: res(fmt.Sprintf("header %q", h.Key), h.Key), Value: res(fmt.Sprintf("header %q", h.Key), h.Value)})
	}
	if err := buildBody(b, t.Body, o, res); err != nil {
		return nil, err
	}
	if err := applyAuth(b, t.Auth, o, res); err != nil {
		return nil, err
	}
	if unresolved != nil {
		return nil, &UnresolvedError{Names: unresolved, Item: o.Item, Field: field}
	}
	if b.Get("User-Agent") == "" {
		b.Header = append(b.Header, collections.Header{Key: "User-Agent", Value: "uccheck"})
	}
	if b.Get("Accept") == "" {
		b.Header = append(b.Header, collections.Header{Key: "Accept", Value: "*/*"})
	}
	enc, err := encodeURL(b.URL)
	if err != nil {
		return nil, fmt.Errorf("item %q: URL %q: %w", o.Item, b.URL, err)
	}
	b.URL = enc
	return b, nil
}

// urlWithPathVars writes the URL with each ":name" path segment replaced by the path
// variable's value (when it has a non-empty one), as Postman's Url#getPath does.
func urlWithPathVars(u *collections.URL) string {
	c := *u
	c.Path = make([]string, len(u.Path))
	for i, seg := range u.Path {
		c.Path[i] = seg
		k := collections.PathVariable(seg)
		if k == "" {
			continue
		}
		for _, v := range u.Variables {
			if v.Key == k && !v.Disabled {
				if s, ok := collections.CastOut(v.Value, v.Type).(string); ok && s != "" {
					c.Path[i] = s + seg[len(k)+1:]
				}
				break
			}
		}
	}
	return c.String()
}

// encodeURL gives a resolved URL a scheme when it has none (Newman assumes http) and
// percent-encodes what must be encoded, leaving what is already encoded alone.
func encodeURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme %q: want http or https", u.Scheme)
	}
	if u.Host == "" {
		return "", errors.New("no host")
	}
	u.RawQuery = encodeQuery(u.RawQuery)
	return u.String(), nil
}

// encodeQuery percent-encodes the characters a query may not hold raw, keeping the rest.
func encodeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]):
			b.WriteByte(c)
		case c <= ' ' || c >= 0x7f || c == '"' || c == '#' || c == '<' || c == '>' || c == '%' || c == '\'' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func profileBool(p map[string]any, key string, def bool) bool {
	if v, ok := p[key].(bool); ok {
		return v
	}
	return def
}

func applyAuth(b *Built, a *collections.Auth, o BuildOptions, res func(string, string) string) error {
	if a == nil {
		return nil
	}
	get := func(k string) string { return res("auth "+a.Type+"."+k, a.Params[k]) }
	switch a.Type {
	case "noauth":
	case "basic":
		cred := base64.StdEncoding.EncodeToString([]byte(get("username") + ":" + get("password")))
		b.set("Authorization", "Basic "+cred)
		b.Secrets = append(b.Secrets, cred)
		if pw := get("password"); pw != "" {
			b.Secrets = append(b.Secrets, pw)
		}
	case "bearer":
		if tok := get("token"); tok != "" {
			b.set("Authorization", "Bearer "+tok)
		}
	case "apikey":
		key, value := get("key"), get("value")
		if key == "" && value == "" {
			return nil
		}
		if a.Params["in"] == "query" {
			return nil // added to the URL by Build
		}
		b.set(key, value)
	default:
		return fmt.Errorf("item %q: auth type %q is not supported; uccheck sends %s", o.Item, a.Type, strings.Join(SupportedAuth, ", "))
	}
	return nil
}
