package collections

import (
	"bytes"

	postman "github.com/rbretecher/go-postman-collection"
)

// parseLibrary parses a collection with the library. When that fails on a document with saved
// example responses ("response" of an item), it tries again without them: uccheck never sends
// them, and the library (v0.9.0) misreads shapes that Postman exports there, such as a cookie's
// boolean "secure". Errors keep the places of the original document. (The normalising layer of
// the Postman-fidelity work drops examples before the library too; this is the same idea, kept
// to one call so that the two meet without conflict.)
func parseLibrary(data []byte) (*postman.Collection, error) {
	pc, err := postman.ParseCollection(bytes.NewReader(data))
	if err == nil {
		return pc, nil
	}
	doc, derr := decodeJSON(data)
	if derr != nil || !dropExamples(doc) {
		return nil, err
	}
	pc2, err2 := postman.ParseCollection(bytes.NewReader(doc.encode()))
	if err2 != nil {
		return nil, err
	}
	return pc2, nil
}

// dropExamples removes every item's saved example responses; it reports whether there were any.
func dropExamples(node *jsonValue) bool {
	list := node.get("item")
	if list == nil || list.kind != jsonArray {
		return false
	}
	dropped := false
	for _, it := range list.items {
		if it.kind != jsonObject {
			continue
		}
		if it.get("response") != nil && it.get("request") != nil {
			it.del("response")
			dropped = true
		}
		if dropExamples(it) {
			dropped = true
		}
	}
	return dropped
}
