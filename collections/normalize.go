package collections

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// This file is the normalising layer in front of github.com/rbretecher/go-postman-collection
// v0.9.0. Valid v2.0/v2.1 exports use shapes that library rejects (a string url.host or
// url.path, path segments as objects, a string header list, a string script.exec, variable
// values that are not strings, object descriptions, an object info.version) or reads wrongly
// (JSON escapes such as \u0026 left undecoded in a string URL). normalize rewrites those into
// the shapes the library accepts, and keeps, in our own model, what the library would drop or
// leave untyped: disabled query parameters, collection-level protocolProfileBehavior, typed
// variable values, typed non-raw bodies and the structured URL Newman sends from.

// nodeInfo is what normalize keeps of one collection node (the collection, a folder or an
// item) that the library drops or leaves untyped.
type nodeInfo struct {
	vars []Variable
	ppb  map[string]any
	url  *URL  // requests only
	body *Body // requests only
}

// normalized is the result of normalize: JSON the library parses, and what it would lose.
type normalized struct {
	json  []byte
	nodes map[string]*nodeInfo // by index path: "" the collection, "0", "0.2", ...
}

// shapeError is a collection shape we cannot read, located by item path and field.
type shapeError struct {
	item  string // item path "Folder / Request", "" at collection level
	field string // "request.url.host"
	place string // "line L, column C", for a document that is not an object
	msg   string
}

func (e *shapeError) where() string {
	switch {
	case e.place != "":
		return e.place
	case e.item == "" && e.field == "":
		return ""
	case e.item == "":
		return fmt.Sprintf("field %q", e.field)
	case e.field == "":
		return fmt.Sprintf("item %q", e.item)
	}
	return fmt.Sprintf("item %q, field %q", e.item, e.field)
}

func (e *shapeError) Error() string { return e.msg }

type normalizer struct {
	nodes map[string]*nodeInfo
}

// normalize rewrites a collection document into the shapes the library accepts.
func normalize(data []byte) (*normalized, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	doc, ok := root.(map[string]any)
	if !ok {
		if root == nil {
			return nil, &shapeError{msg: "empty document (null)"}
		}
		return nil, &shapeError{place: firstValue(data), msg: "not a Postman collection: want a JSON object, got " + kind(root)}
	}
	n := &normalizer{nodes: map[string]*nodeInfo{}}
	if err := n.collection(doc); err != nil {
		return nil, err
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return &normalized{json: out, nodes: n.nodes}, nil
}

func (n *normalizer) collection(doc map[string]any) error {
	info := &nodeInfo{}
	n.nodes[""] = info
	if inf, ok := doc["info"].(map[string]any); ok {
		if err := descriptionField(inf, "description", "", "info.description"); err != nil {
			return err
		}
		if v, ok := inf["version"]; ok {
			inf["version"] = versionString(v)
		}
		if name, ok := inf["name"]; ok && name != nil {
			if _, isStr := name.(string); !isStr {
				inf["name"] = scalarString(name)
			}
		}
	} else if v, present := doc["info"]; present && v != nil {
		return &shapeError{field: "info", msg: "want an object, got " + kind(v)}
	}
	if err := n.common(doc, info, "", ""); err != nil {
		return err
	}
	return n.items(doc, "", nil)
}

// common normalises what collections, folders and items share: description, variables,
// events, auth and protocolProfileBehavior.
func (n *normalizer) common(node map[string]any, info *nodeInfo, item, prefix string) error {
	if err := descriptionField(node, "description", item, prefix+"description"); err != nil {
		return err
	}
	vars, err := variables(node, "variable", item, prefix+"variable")
	if err != nil {
		return err
	}
	info.vars = vars
	if err := events(node, item); err != nil {
		return err
	}
	if err := auth(node, item, prefix+"auth"); err != nil {
		return err
	}
	if v, ok := node["protocolProfileBehavior"]; ok && v != nil {
		m, isObj := v.(map[string]any)
		if !isObj {
			return &shapeError{item: item, field: prefix + "protocolProfileBehavior", msg: "want an object, got " + kind(v)}
		}
		info.ppb = m
	}
	return nil
}

func (n *normalizer) items(node map[string]any, key string, path []string) error {
	raw, ok := node["item"]
	if !ok || raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		return &shapeError{item: strings.Join(path, " / "), field: "item", msg: "want a list of items, got " + kind(raw)}
	}
	for i, e := range list {
		it, ok := e.(map[string]any)
		if !ok {
			if e == nil {
				continue
			}
			return &shapeError{item: strings.Join(path, " / "), field: fmt.Sprintf("item[%d]", i), msg: "want an object, got " + kind(e)}
		}
		name := fmt.Sprintf("#%d", i+1)
		if s, ok := it["name"].(string); ok && s != "" {
			name = s
		} else if v, ok := it["name"]; ok && v != nil {
			name = scalarString(v)
			it["name"] = name
		}
		p := append(append([]string(nil), path...), name)
		where := strings.Join(p, " / ")
		k := strconv.Itoa(i)
		if key != "" {
			k = key + "." + k
		}
		info := &nodeInfo{}
		n.nodes[k] = info
		if err := n.common(it, info, where, ""); err != nil {
			return err
		}
		delete(it, "response") // saved example responses: never sent, and their shapes vary most
		if req, ok := it["request"]; ok && req != nil {
			if err := n.request(it, info, where); err != nil {
				return err
			}
			continue
		}
		if _, ok := it["item"]; !ok {
			it["item"] = []any{} // an empty folder: the library tells folders by a non-nil item list
		}
		if err := n.items(it, k, p); err != nil {
			return err
		}
	}
	return nil
}

func (n *normalizer) request(it map[string]any, info *nodeInfo, where string) error {
	req, ok := it["request"].(map[string]any)
	if !ok {
		s, isStr := it["request"].(string)
		if !isStr {
			return &shapeError{item: where, field: "request", msg: "want an object or a URL string, got " + kind(it["request"])}
		}
		req = map[string]any{"url": s, "method": "GET"}
		it["request"] = req
	}
	if m, ok := req["method"]; ok && m != nil {
		if _, isStr := m.(string); !isStr {
			return &shapeError{item: where, field: "request.method", msg: "want a string, got " + kind(m)}
		}
	}
	if err := descriptionField(req, "description", where, "request.description"); err != nil {
		return err
	}
	if err := auth(req, where, "request.auth"); err != nil {
		return err
	}
	u, err := readURL(req["url"], where)
	if err != nil {
		return err
	}
	info.url = u
	if u != nil {
		req["url"] = libraryURL(u)
	}
	if err := headers(req, where); err != nil {
		return err
	}
	if b, ok := req["body"]; ok && b != nil {
		body, err := readBody(b, where)
		if err != nil {
			return err
		}
		info.body = body
	}
	return nil
}

var errNoRequest = errors.New("the collection holds no request")
