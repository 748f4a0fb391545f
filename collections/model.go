package collections

import "strings"

// Variable is one variable of a scope (collection, folder, item, environment, globals, path),
// with its value as JSON decoded it (string, float64, bool, nil, []any, map[string]any) and its
// declared type, so that scripts get values typed as Postman types them.
type Variable struct {
	Key      string
	Value    any
	Type     string // "string", "number", "boolean", "any", "secret", "default"...; "" when not given
	Disabled bool
}

// String returns the value as Postman substitutes it into a template: null is "null", a
// missing value is "", numbers and booleans in their JSON form, objects as JSON.
func (v Variable) String() string { return ValueString(CastOut(v.Value, v.Type)) }

// Auth is a request, folder or collection auth block. A nil *Auth means "inherit from the parent".
type Auth struct {
	Type   string            // "basic", "bearer", "apikey", "noauth", ...
	Params map[string]string // the type's parameters (username, password, token, key, value, in)
	Order  []string          // parameter names in the order given
}

// Event is a script attached to a collection, folder or item.
type Event struct {
	Listen   string // "prerequest" or "test"
	Exec     string // the script's source, lines joined with "\n"
	Disabled bool
}

// Param is a query parameter, or a field of a urlencoded or multipart body.
type Param struct {
	Key         string
	Value       string
	NoValue     bool     // a query parameter given as "key" with no "=" (value null)
	Disabled    bool     // left out of the request
	Type        string   // body fields: "text" (default) or "file"
	Src         []string // formdata file fields: the file path(s)
	ContentType string   // formdata fields: an explicit part content type
}

// URL is a request URL in Postman's structured form: Newman sends the request from these
// parts (ignoring "raw" when they are given), so uccheck does too.
type URL struct {
	Raw       string
	Protocol  string
	Auth      *URLAuth
	Host      []string
	Port      string
	Path      []string
	Query     []Param
	Hash      *string
	Variables []Variable // path variables (":id")
}

// URLAuth is the user:password part of a URL.
type URLAuth struct {
	User     string
	Password *string
}

// String returns the URL as Postman's Url.toString writes it, variables unresolved.
func (u *URL) String() string {
	var b strings.Builder
	if u.Protocol != "" {
		b.WriteString(strings.TrimSuffix(u.Protocol, "://") + "://")
	}
	if u.Auth != nil {
		b.WriteString(u.Auth.User)
		if u.Auth.Password != nil {
			b.WriteString(":" + *u.Auth.Password)
		}
		b.WriteString("@")
	}
	b.WriteString(strings.Join(u.Host, "."))
	if u.Port != "" {
		b.WriteString(":" + u.Port)
	}
	if u.Path != nil {
		b.WriteString("/" + strings.Join(u.Path, "/"))
	}
	if q := u.QueryString(); q != nil {
		b.WriteString("?" + *q)
	}
	if u.Hash != nil {
		b.WriteString("#" + *u.Hash)
	}
	return b.String()
}

// QueryString returns the enabled query parameters joined as Postman does, or nil when the URL
// has no "?" at all (no parameters, or all of them disabled).
func (u *URL) QueryString() *string {
	if len(u.Query) == 0 {
		return nil
	}
	var parts []string
	enabled := false
	for _, p := range u.Query {
		if p.Disabled {
			continue
		}
		enabled = true
		if p.NoValue {
			parts = append(parts, p.Key)
		} else {
			parts = append(parts, p.Key+"="+p.Value)
		}
	}
	if !enabled {
		return nil
	}
	s := strings.Join(parts, "&")
	return &s
}

// Body is a typed request body.
type Body struct {
	Mode       string // "raw", "urlencoded", "formdata", "file", "graphql"
	Disabled   bool
	Raw        string
	Language   string // options.raw.language: "json", "text", "xml", "html", "javascript"
	URLEncoded []Param
	FormData   []Param
	FileSrc    string // mode "file": the file path
	FileText   string // mode "file": inline content (file.content)
	GraphQL    *GraphQL
}

// GraphQL is a graphql body: the query, and variables as the collection gives them (a JSON
// text, or a decoded JSON value).
type GraphQL struct {
	Query         string
	Variables     any
	OperationName any
}

// Folder is a folder of a collection: what its items inherit.
type Folder struct {
	Name                    string
	Path                    []string
	Auth                    *Auth
	Events                  []Event
	Variables               []Variable
	ProtocolProfileBehavior map[string]any
}

// Header is a request header with its disabled flag.
type Header struct {
	Key, Value string
	Disabled   bool
}

// HasScripts reports whether any of the items would run a script: its own, a folder's or the
// collection's (disabled and empty scripts do not count).
func (c *Collection) HasScripts(items []*Item) bool {
	live := func(evs []Event) bool {
		for _, e := range evs {
			if !e.Disabled && strings.TrimSpace(e.Exec) != "" {
				return true
			}
		}
		return false
	}
	if len(items) == 0 {
		return false
	}
	if live(c.Events) {
		return true
	}
	for _, it := range items {
		if live(it.Events) {
			return true
		}
		for _, f := range it.Folders {
			if live(f.Events) {
				return true
			}
		}
	}
	return false
}
