package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// This file is what `uccheck import` does to a collection besides scrubbing it: list every
// problem that stops it from loading, prepare the file to write, and judge the file it would
// replace.

// Prepared is a collection ready for `uccheck import` to write.
type Prepared struct {
	Name     string     // info.name
	Output   []byte     // what import writes: canonical JSON, scrubbed, with the import marker
	Content  []byte     // Output without the marker: what changes are computed on
	Scrubbed []Scrubbed // every secret removed, in document order
	// Secrets are the values scrubbed, for redacting messages that quote the input. Never print
	// them.
	Secrets []string
}

// Prepare decodes an exported collection keeping its key order, removes its secrets and returns
// the canonical form to write. The data must be valid JSON (see Problems).
func Prepare(data []byte, o ScrubOptions) (*Prepared, error) {
	doc, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	if doc.kind != jsonObject {
		return nil, errors.New("want a JSON object (a Postman collection)")
	}
	stripImport(doc)
	ensureInfo(doc)
	p := &Prepared{}
	p.Scrubbed, p.Secrets = scrubDoc(doc, o)
	if info := doc.get("info"); info != nil {
		p.Name, _ = info.str("name")
	}
	p.Content = doc.encode()
	stampImport(doc)
	p.Output = doc.encode()
	return p, nil
}

// Target is the file an import would replace, as import judges it.
type Target struct {
	// Content is the file normalised as import compares collections (canonical, scrubbed with
	// the same options, marker removed); nil when the file is not a JSON object.
	Content []byte
	// Marked says that `uccheck import` wrote the file (it carries the import marker).
	Marked bool
	// Edited says that the file holds local changes: it was not written by `uccheck import`,
	// or it was changed after (its content no longer matches the marker's hash).
	Edited bool
	// Why says, for people, why the file counts as edited.
	Why string
}

// ExamineTarget judges the file an import would replace. Reformatting alone (indentation, key
// spacing) is not a local change: the marker hashes the canonical form.
func ExamineTarget(data []byte, o ScrubOptions) Target {
	doc, err := decodeJSON(data)
	if err != nil {
		return Target{Edited: true, Why: "it is not valid JSON (" + err.Error() + ")"}
	}
	if doc.kind != jsonObject {
		return Target{Edited: true, Why: "it is not a JSON object"}
	}
	want := importHash(doc)
	mark := stripImport(doc)
	t := Target{Marked: mark != ""}
	switch {
	case mark == "":
		t.Edited, t.Why = true, "it was not written by uccheck import (no info."+ImportMarkerKey+")"
	case mark != want:
		t.Edited, t.Why = true, "it was changed after uccheck import wrote it (its content no longer matches info."+ImportMarkerKey+")"
	}
	_, _ = scrubDoc(doc, o)
	t.Content = doc.encode()
	return t
}

// Problems loads a collection with Parse, the code path of `uccheck run`. When that fails it
// lists every problem it finds, each with its place: every request item is also loaded alone
// (with its folders and the collection's own fields), so that one bad item does not hide the
// others. The collection is nil when there is a problem.
func Problems(data []byte, source string) (*collections.Collection, []error) {
	c, err := collections.Parse(data, source)
	if err == nil {
		return c, nil
	}
	doc, derr := decodeJSON(data)
	if derr != nil || doc.kind != jsonObject || doc.get("item") == nil {
		return nil, []error{err}
	}
	skeleton := doc.clone()
	skeleton.del("item")
	probe := &jsonValue{kind: jsonObject, members: []jsonMember{
		{key: "name", value: jsonStr("probe")},
		{key: "request", value: jsonStr("https://example.invalid/")},
	}}
	if perr := parseAlone(skeleton, nil, probe, []string{"probe"}, source); perr != nil {
		return nil, []error{err} // the collection's own fields are at fault: the first error says where
	}
	var out []error
	seen := map[string]bool{}
	walkItems(doc, nil, nil, func(child *jsonValue, chain []*jsonValue, p []string) bool {
		if child.get("request") == nil && child.get("item") != nil {
			return true // a folder
		}
		if perr := parseAlone(skeleton, chain, child, p, source); perr != nil && !seen[perr.Error()] {
			seen[perr.Error()] = true
			out = append(out, perr)
		}
		return false
	})
	if len(out) == 0 {
		return nil, []error{err}
	}
	return nil, out
}

// parseAlone parses a collection holding only one item, inside copies of its folders.
func parseAlone(skeleton *jsonValue, chain []*jsonValue, item *jsonValue, path []string, source string) error {
	leaf := item.clone()
	leaf.set("name", jsonStr(path[len(path)-1]))
	for i := len(chain) - 1; i >= 0; i-- {
		f := chain[i].clone()
		f.set("name", jsonStr(path[i]))
		f.set("item", &jsonValue{kind: jsonArray, items: []*jsonValue{leaf}})
		leaf = f
	}
	doc := skeleton.clone()
	doc.set("item", &jsonValue{kind: jsonArray, items: []*jsonValue{leaf}})
	_, err := collections.Parse(doc.encode(), source)
	var le *collections.LoadError
	if err == nil || !errors.As(err, &le) {
		return err
	}
	// A place given as a line and column is one of the one-item document: name the item instead.
	itemPlace := fmt.Sprintf("item %q", strings.Join(path, " / "))
	switch {
	case strings.HasPrefix(le.Where, "item "):
	case strings.HasPrefix(le.Where, "field "):
		field, _, _ := strings.Cut(le.Where, " (line")
		le = &collections.LoadError{Source: le.Source, Where: itemPlace + ", " + field, Err: le.Err}
	default:
		le = &collections.LoadError{Source: le.Source, Where: itemPlace, Err: le.Err}
	}
	return le
}
