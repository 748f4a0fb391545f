// Package collections holds the Postman collections uccheck ships (embedded in the binary) and
// loads any collection into a flat, normalised list of request items, on top of
// github.com/rbretecher/go-postman-collection.
package collections

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	postman "github.com/rbretecher/go-postman-collection"
)

// EmbeddedName is the name under which the shipped "API Security" collection is reported.
const EmbeddedName = "embedded:api-security.postman_collection.json"

//go:embed api-security.postman_collection.json
var apiSecurity []byte

// APISecurityJSON returns the raw JSON of the shipped "API Security" collection.
func APISecurityJSON() []byte { return bytes.Clone(apiSecurity) }

// Collection is a loaded collection: its request items flattened in collection order.
type Collection struct {
	Name      string            // info.name
	Source    string            // file path, or EmbeddedName
	Schema    string            // info.schema
	Items     []*Item           // request items, depth first, in collection order
	Variables map[string]string // collection variables (enabled ones)

	Version                 string         // info.version, as a string
	VarList                 []Variable     // collection variables, typed, in order (disabled ones too)
	Auth                    *Auth          // collection-level auth; nil when none
	Events                  []Event        // collection-level scripts
	ProtocolProfileBehavior map[string]any // collection-level protocolProfileBehavior
	Folders                 []*Folder      // every folder, depth first
}

// Item is one request of a collection, with its folder path.
type Item struct {
	Path     []string // folder names then the item name
	Method   string   // HTTP method, upper case
	URL      string   // URL template, with {{variables}} unresolved
	Header   []Field  // enabled headers, in order
	Form     []Field  // enabled urlencoded body fields, in order
	BodyMode string   // Postman body mode ("urlencoded", "raw", ...), empty for none
	RawBody  string   // the raw body, for mode "raw"

	ID                      string         // the item's id, if the export has one
	Folders                 []*Folder      // the folders the item is in, outermost first
	Headers                 []Header       // every header, disabled ones too, in order
	Parts                   *URL           // the structured URL Newman sends from
	Body                    *Body          // the typed body; nil for none
	Auth                    *Auth          // the request's own auth; nil inherits from the folders
	Events                  []Event        // the item's own scripts
	Variables               []Variable     // the item's own variables
	ProtocolProfileBehavior map[string]any // the item's own protocolProfileBehavior
}

// Field is a key and value pair of a header or a form.
type Field struct {
	Key   string
	Value string
}

// Name returns the item's own name.
func (i *Item) Name() string { return i.Path[len(i.Path)-1] }

// PathString returns the item's folder path and name joined with " / ".
func (i *Item) PathString() string { return strings.Join(i.Path, " / ") }

// URLPath returns the path of the URL template (no scheme, host, query or fragment).
func (i *Item) URLPath() string {
	u := i.URL
	if k := strings.Index(u, "://"); k >= 0 {
		u = u[k+3:]
	}
	if k := strings.IndexAny(u, "?#"); k >= 0 {
		u = u[:k]
	}
	if k := strings.Index(u, "/"); k >= 0 {
		return u[k:]
	}
	return "/"
}

// LoadError is a problem with a collection, located by source and, where known, item and field.
type LoadError struct {
	Source string // file path or EmbeddedName
	Where  string // item path, field or line:column; may be empty
	Err    error
}

func (e *LoadError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("collection %s: %v", e.Source, e.Err)
	}
	return fmt.Sprintf("collection %s: %s: %v", e.Source, e.Where, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// Embedded returns the shipped "API Security" collection.
func Embedded() *Collection {
	c, err := Parse(apiSecurity, EmbeddedName)
	if err != nil {
		panic("collections: the embedded collection does not load: " + err.Error())
	}
	return c
}

// Load reads and parses the collection file at path.
func Load(path string) (*Collection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{Source: path, Err: err}
	}
	return Parse(data, path)
}

// Parse parses a Postman v2.0 or v2.1 collection; source names it in errors. The document
// first goes through the normalising layer (normalize*.go), then the library parses it.
func Parse(data []byte, source string) (*Collection, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // exports saved by Windows editors; Newman reads them too
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		return nil, &LoadError{Source: source, Where: JSONErrorPlace(data, err), Err: errors.New("not valid JSON")}
	}
	norm, err := normalize(data)
	if err != nil {
		var se *shapeError
		if errors.As(err, &se) {
			return nil, &LoadError{Source: source, Where: se.where(), Err: errors.New(se.msg)}
		}
		return nil, &LoadError{Source: source, Where: JSONErrorPlace(data, err), Err: err}
	}
	pc, err := postman.ParseCollection(bytes.NewReader(norm.json))
	if err != nil {
		return nil, &LoadError{Source: source, Err: fmt.Errorf("not a Postman collection this version can read: %w", err)}
	}
	if pc == nil {
		return nil, &LoadError{Source: source, Err: errors.New("empty document (null)")}
	}
	if pc.Info.Name == "" && len(pc.Items) == 0 {
		return nil, &LoadError{Source: source, Err: errors.New(`no "info.name" and no "item": not a Postman collection`)}
	}
	c := &Collection{Name: pc.Info.Name, Source: source, Schema: pc.Info.Schema, Version: pc.Info.Version, Variables: map[string]string{}}
	root := norm.nodes[""]
	c.VarList = root.vars
	c.ProtocolProfileBehavior = root.ppb
	for _, v := range root.vars {
		if !v.Disabled && v.Key != "" {
			c.Variables[v.Key] = v.String()
		}
	}
	if c.Auth, err = convertAuth(pc.Auth); err != nil {
		return nil, &LoadError{Source: source, Where: `field "auth"`, Err: err}
	}
	c.Events = convertEvents(pc.Events)
	if err := c.flatten(pc.Items, nil, nil, "", norm.nodes); err != nil {
		return nil, err
	}
	if len(c.Items) == 0 {
		return nil, &LoadError{Source: source, Err: errNoRequest}
	}
	return c, nil
}

func (c *Collection) flatten(items []*postman.Items, parent []string, folders []*Folder, key string, nodes map[string]*nodeInfo) error {
	for n, it := range items {
		if it == nil {
			continue
		}
		k := fmt.Sprint(n)
		if key != "" {
			k = key + "." + k
		}
		info := nodes[k]
		if info == nil {
			info = &nodeInfo{}
		}
		name := it.Name
		if name == "" {
			name = fmt.Sprintf("#%d", n+1)
		}
		path := append(append([]string(nil), parent...), name)
		where := fmt.Sprintf("item %q", strings.Join(path, " / "))
		if it.Request == nil {
			f := &Folder{Name: name, Path: path, Events: convertEvents(it.Events), Variables: info.vars, ProtocolProfileBehavior: info.ppb}
			var err error
			if f.Auth, err = convertAuth(it.Auth); err != nil {
				return &LoadError{Source: c.Source, Where: where + `, field "auth"`, Err: err}
			}
			c.Folders = append(c.Folders, f)
			if err := c.flatten(it.Items, path, append(append([]*Folder(nil), folders...), f), k, nodes); err != nil {
				return err
			}
			continue
		}
		item, err := convert(it.Request, path, info)
		if err != nil {
			return &LoadError{Source: c.Source, Where: where, Err: err}
		}
		item.ID = it.ID
		item.Folders = folders
		item.Events = convertEvents(it.Events)
		item.Variables = info.vars
		if m, ok := it.ProtocolProfileBehavior.(map[string]any); ok {
			item.ProtocolProfileBehavior = m
		}
		c.Items = append(c.Items, item)
	}
	return nil
}

func convert(r *postman.Request, path []string, info *nodeInfo) (*Item, error) {
	it := &Item{Path: path, Method: strings.ToUpper(string(r.Method))}
	if it.Method == "" {
		it.Method = "GET"
	}
	if r.URL == nil || info.url == nil {
		return nil, errors.New(`field "request.url": missing`)
	}
	it.Parts = info.url
	it.URL = info.url.Raw
	if it.URL == "" {
		it.URL = rawURL(r.URL)
	}
	if it.URL == "" {
		return nil, errors.New(`field "request.url": empty`)
	}
	for _, h := range r.Header {
		if h == nil || h.Key == "" {
			continue
		}
		it.Headers = append(it.Headers, Header{Key: h.Key, Value: h.Value, Disabled: h.Disabled})
		if !h.Disabled {
			it.Header = append(it.Header, Field{Key: h.Key, Value: h.Value})
		}
	}
	var err error
	if it.Auth, err = convertAuth(r.Auth); err != nil {
		return nil, fmt.Errorf(`field "request.auth": %w`, err)
	}
	if b := r.Body; b != nil && !b.Disabled {
		it.BodyMode = b.Mode
		switch b.Mode {
		case "urlencoded":
			form, err := decodeFields(b.URLEncoded)
			if err != nil {
				return nil, fmt.Errorf(`field "request.body.urlencoded": %w`, err)
			}
			it.Form = form
		case "raw":
			it.RawBody = b.Raw
		}
	}
	it.Body = info.body
	return it, nil
}

// convertAuth reads the library's auth block; nil (no block) means "inherit".
func convertAuth(a *postman.Auth) (*Auth, error) {
	if a == nil {
		return nil, nil
	}
	out := &Auth{Type: string(a.Type), Params: map[string]string{}}
	if out.Type == "" {
		return nil, nil
	}
	for _, p := range a.GetParams() {
		if p == nil || p.Key == "" {
			continue
		}
		if _, seen := out.Params[p.Key]; !seen {
			out.Order = append(out.Order, p.Key)
		}
		switch v := p.Value.(type) {
		case nil:
			out.Params[p.Key] = ""
		case string:
			out.Params[p.Key] = v
		default:
			out.Params[p.Key] = ValueString(v)
		}
	}
	return out, nil
}

func convertEvents(evs []*postman.Event) []Event {
	var out []Event
	for _, e := range evs {
		if e == nil || e.Script == nil {
			continue
		}
		out = append(out, Event{Listen: string(e.Listen), Exec: strings.Join(e.Script.Exec, "\n"), Disabled: e.Disabled})
	}
	return out
}

// rawURL returns the URL's raw form, rebuilt from its parts when an export left "raw" out.
func rawURL(u *postman.URL) string {
	if u.Raw != "" {
		return u.Raw
	}
	if len(u.Host) == 0 {
		return ""
	}
	s := strings.Join(u.Host, ".")
	if u.Protocol != "" {
		s = u.Protocol + "://" + s
	}
	if u.Port != "" {
		s += ":" + u.Port
	}
	if len(u.Path) > 0 {
		s += "/" + strings.Join(u.Path, "/")
	}
	return s
}

// decodeFields reads a urlencoded body, which the library keeps untyped.
func decodeFields(v any) ([]Field, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var fields []struct {
		Key      string `json:"key"`
		Value    any    `json:"value"`
		Disabled bool   `json:"disabled"`
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, errors.New("want a list of {key, value} objects")
	}
	var out []Field
	for _, f := range fields {
		if f.Disabled || f.Key == "" {
			continue
		}
		val := ""
		switch x := f.Value.(type) {
		case nil:
		case string:
			val = x
		default:
			b, _ := json.Marshal(x)
			val = string(b)
		}
		out = append(out, Field{Key: f.Key, Value: val})
	}
	return out, nil
}

// JSONErrorPlace turns a JSON decoding error into "line L, column C" when it carries an offset.
// encoding/json's offsets count the bytes read, the offending one included: the place of the
// error is the byte before the offset.
func JSONErrorPlace(data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = max(se.Offset-1, 0)
	case errors.As(err, &te):
		off = max(te.Offset-1, 0)
		if te.Field != "" {
			return fmt.Sprintf("field %q (%s)", te.Field, LineCol(data, off))
		}
	}
	if off < 0 {
		return ""
	}
	// Decoders differ on whether the offset counts the bad byte: point at the next byte that is
	// not white space, which is the one that was wrong.
	next := off
	for next < int64(len(data)) && strings.ContainsRune(" \t\r\n", rune(data[next])) {
		next++
	}
	if next < int64(len(data)) { // at the end of the data, the last byte read is the place
		off = next
	}
	return LineCol(data, off)
}

// LineCol names the place of byte off of data: "line L, column C".
func LineCol(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}
