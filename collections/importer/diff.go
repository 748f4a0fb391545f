package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// This file says what changed between two versions of a collection, for `uccheck import`: items
// added, removed, renamed (the same request under a new name or folder) and changed (method, URL,
// headers, body fields, auth, scripts...). Both versions are compared in their normalised form
// (canonical, scrubbed), so no secret can show in a change.

// The kinds of ItemChange.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeRenamed = "renamed"
	ChangeChanged = "changed"
)

// ItemChange is one request item added, removed, renamed or changed.
type ItemChange struct {
	Kind    string   // ChangeAdded, ChangeRemoved, ChangeRenamed or ChangeChanged
	Path    string   // the item's path, "Folder / Item", in the new version (the old one when removed)
	OldPath string   // ChangeRenamed: the path in the old version
	Method  string   // the request's method (new version; old when removed)
	URL     string   // the request's URL template (new version; old when removed)
	Details []string // what changed, one readable line each: `URL "…" -> "…"`, `header "X-Version" added`
}

// ChangeSet is what changed between two versions of a collection.
type ChangeSet struct {
	Items      []ItemChange
	Collection []string // changes outside the items: name, variables, auth, scripts, folders
}

// Empty reports whether nothing changed.
func (c *ChangeSet) Empty() bool { return len(c.Items) == 0 && len(c.Collection) == 0 }

// Counts returns how many items were added, removed, renamed and changed.
func (c *ChangeSet) Counts() (added, removed, renamed, changed int) {
	for _, it := range c.Items {
		switch it.Kind {
		case ChangeAdded:
			added++
		case ChangeRemoved:
			removed++
		case ChangeRenamed:
			renamed++
		case ChangeChanged:
			changed++
		}
	}
	return
}

// flatItem is a request item of a collection's JSON tree.
type flatItem struct {
	path     string
	method   string
	url      string
	identity string // method and URL path: what stays when an item is renamed or moved
	node     *jsonValue
	req      *jsonValue // the request as an object (a string request becomes {url, method})
	matched  bool
}

// flatFolder is a folder of a collection's JSON tree.
type flatFolder struct {
	path string
	node *jsonValue
}

// walkItems calls fn for each object of node's "item" list, depth first, with the folders above
// it (outermost first) and its path (an unnamed item is "#n"); when fn returns true, the walk
// goes on into that object's own "item" list.
func walkItems(node *jsonValue, folders []*jsonValue, path []string, fn func(child *jsonValue, folders []*jsonValue, path []string) bool) {
	list := node.get("item")
	if list == nil || list.kind != jsonArray {
		return
	}
	for n, child := range list.items {
		if child.kind != jsonObject {
			continue
		}
		name, _ := child.str("name")
		if name == "" {
			name = fmt.Sprintf("#%d", n+1)
		}
		p := append(path[:len(path):len(path)], name)
		if fn(child, folders, p) {
			walkItems(child, append(folders[:len(folders):len(folders)], child), p, fn)
		}
	}
}

func flattenTree(doc *jsonValue) ([]*flatItem, []*flatFolder) {
	var items []*flatItem
	var folders []*flatFolder
	walkItems(doc, nil, nil, func(child *jsonValue, _ []*jsonValue, p []string) bool {
		req := child.get("request")
		if req == nil {
			folders = append(folders, &flatFolder{path: strings.Join(p, " / "), node: child})
			return true
		}
		if req.kind == jsonString {
			req = &jsonValue{kind: jsonObject, members: []jsonMember{{key: "url", value: req}}}
		}
		it := &flatItem{path: strings.Join(p, " / "), node: child, req: req}
		it.method = strings.ToUpper(req.get("method").scalar())
		if it.method == "" {
			it.method = "GET"
		}
		it.url = urlText(req.get("url"))
		it.identity = it.method + " " + strings.ToLower((&collections.Item{URL: it.url}).URLPath())
		items = append(items, it)
		return false
	})
	return items, folders
}

// urlText returns a request URL as text: a string as it is, an object's "raw", else rebuilt
// from its parts.
func urlText(u *jsonValue) string {
	if u == nil {
		return ""
	}
	if u.kind == jsonString {
		return u.text
	}
	if raw, ok := u.str("raw"); ok && raw != "" {
		return raw
	}
	join := func(v *jsonValue, sep string) string {
		if v == nil {
			return ""
		}
		if v.kind == jsonString {
			return v.text
		}
		var parts []string
		for _, e := range v.items {
			if e.kind == jsonObject {
				parts = append(parts, e.get("value").scalar())
			} else {
				parts = append(parts, e.scalar())
			}
		}
		return strings.Join(parts, sep)
	}
	s := join(u.get("host"), ".")
	if p := u.get("protocol").scalar(); p != "" {
		s = p + "://" + s
	}
	if port := u.get("port").scalar(); port != "" {
		s += ":" + port
	}
	if path := join(u.get("path"), "/"); path != "" {
		s += "/" + path
	}
	return s
}

// Changes compares two collections (normalised JSON, as Prepared.Content and Target.Content)
// and says what changed from old to new.
func Changes(oldJSON, newJSON []byte) (*ChangeSet, error) {
	oldDoc, err := decodeJSON(oldJSON)
	if err != nil {
		return nil, fmt.Errorf("the old collection: %w", err)
	}
	newDoc, err := decodeJSON(newJSON)
	if err != nil {
		return nil, fmt.Errorf("the new collection: %w", err)
	}
	if oldDoc.kind != jsonObject || newDoc.kind != jsonObject {
		return nil, errors.New("want two JSON objects")
	}
	cs := &ChangeSet{}
	oldItems, oldFolders := flattenTree(oldDoc)
	newItems, newFolders := flattenTree(newDoc)

	// Pair items: the same path first (duplicates in order), then the same request identity.
	pair := map[*flatItem]*flatItem{} // new -> old
	byPath := map[string][]*flatItem{}
	for _, o := range oldItems {
		byPath[o.path] = append(byPath[o.path], o)
	}
	for _, n := range newItems {
		if list := byPath[n.path]; len(list) > 0 {
			pair[n], byPath[n.path] = list[0], list[1:]
			list[0].matched = true
		}
	}
	byIdentity := map[string][]*flatItem{}
	for _, o := range oldItems {
		if !o.matched {
			byIdentity[o.identity] = append(byIdentity[o.identity], o)
		}
	}
	for _, n := range newItems {
		if _, ok := pair[n]; ok {
			continue
		}
		if list := byIdentity[n.identity]; len(list) > 0 {
			pair[n], byIdentity[n.identity] = list[0], list[1:]
			list[0].matched = true
		}
	}
	for _, n := range newItems {
		o, ok := pair[n]
		switch {
		case !ok:
			cs.Items = append(cs.Items, ItemChange{Kind: ChangeAdded, Path: n.path, Method: n.method, URL: n.url})
		case o.path != n.path:
			cs.Items = append(cs.Items, ItemChange{Kind: ChangeRenamed, Path: n.path, OldPath: o.path, Method: n.method, URL: n.url, Details: itemDetails(o, n)})
		default:
			if d := itemDetails(o, n); len(d) > 0 {
				cs.Items = append(cs.Items, ItemChange{Kind: ChangeChanged, Path: n.path, Method: n.method, URL: n.url, Details: d})
			}
		}
	}
	for _, o := range oldItems {
		if !o.matched {
			cs.Items = append(cs.Items, ItemChange{Kind: ChangeRemoved, Path: o.path, Method: o.method, URL: o.url})
		}
	}

	// The collection's own fields, then the folders'.
	oldInfo, newInfo := oldDoc.get("info"), newDoc.get("info")
	if a, b := oldInfo.get("name").scalar(), newInfo.get("name").scalar(); a != b {
		cs.Collection = append(cs.Collection, fmt.Sprintf("name %s -> %s", quoteClip(a), quoteClip(b)))
	}
	if a, b := collections.SchemaVersion(oldInfo.get("schema").scalar()), collections.SchemaVersion(newInfo.get("schema").scalar()); a != b {
		cs.Collection = append(cs.Collection, fmt.Sprintf("schema %s -> %s", a, b))
	}
	cs.Collection = append(cs.Collection, nodeDetails("", oldDoc, newDoc)...)
	oldF := map[string]*flatFolder{}
	for _, f := range oldFolders {
		oldF[f.path] = f
	}
	newF := map[string]bool{}
	for _, f := range newFolders {
		newF[f.path] = true
		o, ok := oldF[f.path]
		if !ok {
			cs.Collection = append(cs.Collection, fmt.Sprintf("folder %q added", f.path))
			continue
		}
		cs.Collection = append(cs.Collection, nodeDetails(fmt.Sprintf("folder %q: ", f.path), o.node, f.node)...)
	}
	for _, f := range oldFolders {
		if !newF[f.path] {
			cs.Collection = append(cs.Collection, fmt.Sprintf("folder %q removed", f.path))
		}
	}
	return cs, nil
}
