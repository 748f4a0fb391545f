package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/uccheck/uccheck/collections"
)

// This file is the raw JSON layer of `uccheck import`: a JSON value that keeps object members in
// document order, and its canonical encoding. Scrubbing and diffing work on this tree rather than
// on the library's structs, so that a collection comes out with the keys, values and members it
// came with (the library drops what it does not model and reorders the rest), and the next
// import's git diff shows only what changed.

// jsonKind is the type of a jsonValue.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is a JSON value decoded with its object members in document order.
type jsonValue struct {
	kind    jsonKind
	text    string       // a string's value, a number's literal, "true" or "false"
	items   []*jsonValue // an array's elements
	members []jsonMember // an object's members, duplicates kept, in order
}

// jsonMember is one member of a JSON object.
type jsonMember struct {
	key   string
	value *jsonValue
}

func jsonStr(s string) *jsonValue { return &jsonValue{kind: jsonString, text: s} }

// get returns the value of the object member key (the last one, as encoding/json reads
// duplicates), or nil.
func (v *jsonValue) get(key string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].key == key {
			return v.members[i].value
		}
	}
	return nil
}

// str returns the value of the member key if it is a string.
func (v *jsonValue) str(key string) (string, bool) {
	m := v.get(key)
	if m == nil || m.kind != jsonString {
		return "", false
	}
	return m.text, true
}

// set replaces the value of every member key, or appends the member.
func (v *jsonValue) set(key string, val *jsonValue) {
	found := false
	for i := range v.members {
		if v.members[i].key == key {
			v.members[i].value, found = val, true
		}
	}
	if !found {
		v.members = append(v.members, jsonMember{key: key, value: val})
	}
}

// del removes every member key.
func (v *jsonValue) del(key string) {
	kept := v.members[:0]
	for _, m := range v.members {
		if m.key != key {
			kept = append(kept, m)
		}
	}
	v.members = kept
}

// clone returns a deep copy.
func (v *jsonValue) clone() *jsonValue {
	if v == nil {
		return nil
	}
	c := &jsonValue{kind: v.kind, text: v.text}
	for _, it := range v.items {
		c.items = append(c.items, it.clone())
	}
	for _, m := range v.members {
		c.members = append(c.members, jsonMember{key: m.key, value: m.value.clone()})
	}
	return c
}

// scalar returns a string, number or boolean as text, and "" for the rest.
func (v *jsonValue) scalar() string {
	if v == nil {
		return ""
	}
	switch v.kind {
	case jsonString, jsonNumber, jsonBool:
		return v.text
	}
	return ""
}

// decodeJSON decodes one JSON document, keeping object members in order. Numbers keep their
// literal. An error names the line and column.
func decodeJSON(data []byte) (*jsonValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return nil, fmt.Errorf("%s: data after the JSON value", collections.LineCol(data, dec.InputOffset()))
		}
		return v, nil
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s: unexpected end of the document", collections.LineCol(data, int64(len(data))))
	}
	place := collections.JSONErrorPlace(data, err)
	if place == "" {
		place = collections.LineCol(data, dec.InputOffset())
	}
	return nil, fmt.Errorf("%s: %v", place, err)
}

func decodeValue(dec *json.Decoder) (*jsonValue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &jsonValue{kind: jsonNull}, nil
	case bool:
		if t {
			return &jsonValue{kind: jsonBool, text: "true"}, nil
		}
		return &jsonValue{kind: jsonBool, text: "false"}, nil
	case json.Number:
		return &jsonValue{kind: jsonNumber, text: t.String()}, nil
	case string:
		return jsonStr(t), nil
	case json.Delim:
		switch t {
		case '[':
			v := &jsonValue{kind: jsonArray}
			for dec.More() {
				e, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, e)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return v, nil
		case '{':
			v := &jsonValue{kind: jsonObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				e, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				v.members = append(v.members, jsonMember{key: key, value: e})
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return v, nil
		}
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// encode returns the canonical form: two-space indentation, one member or element per line,
// members in their order, strings with only the escapes JSON needs (no HTML escaping), numbers
// as they were written, and a final newline. The same value always encodes to the same bytes.
func (v *jsonValue) encode() []byte {
	var b bytes.Buffer
	v.write(&b, 0)
	b.WriteByte('\n')
	return b.Bytes()
}

func (v *jsonValue) write(b *bytes.Buffer, depth int) {
	indent := func(d int) {
		b.WriteByte('\n')
		for range d {
			b.WriteString("  ")
		}
	}
	switch v.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool, jsonNumber:
		b.WriteString(v.text)
	case jsonString:
		writeJSONString(b, v.text)
	case jsonArray:
		if len(v.items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, e := range v.items {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			e.write(b, depth+1)
		}
		indent(depth)
		b.WriteByte(']')
	case jsonObject:
		if len(v.members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, m := range v.members {
			if i > 0 {
				b.WriteByte(',')
			}
			indent(depth + 1)
			writeJSONString(b, m.key)
			b.WriteString(": ")
			m.value.write(b, depth+1)
		}
		indent(depth)
		b.WriteByte('}')
	}
}

// writeJSONString writes s as a JSON string: quotes, backslashes and control characters escaped,
// everything else (non-ASCII, <, >, &) as it is; invalid UTF-8 becomes U+FFFD.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b.WriteString(`\"`)
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20 || c == 0x7f:
				fmt.Fprintf(b, `\u%04x`, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// NormalizeJSON returns the canonical form of a JSON document (see encode): what import writes,
// before scrubbing. Malformed JSON is an error naming the line and column.
func NormalizeJSON(data []byte) ([]byte, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	return v.encode(), nil
}

// ImportMarkerKey is the member of "info" in which `uccheck import` records a hash of the
// collection it wrote, so that a later import can tell a file edited since from one it wrote.
const ImportMarkerKey = "_uccheck_import"

// importHash returns the marker value for a document: "sha256:" and the hex SHA-256 of its
// canonical encoding without the marker.
func importHash(doc *jsonValue) string {
	c := doc.clone()
	if info := c.get("info"); info != nil && info.kind == jsonObject {
		info.del(ImportMarkerKey)
	}
	sum := sha256.Sum256(c.encode())
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ensureInfo gives a document an "info" object, first, when it has none (or a value that is not
// an object), so that the import marker has a place.
func ensureInfo(doc *jsonValue) *jsonValue {
	info := doc.get("info")
	if info == nil || info.kind != jsonObject {
		info = &jsonValue{kind: jsonObject}
		doc.del("info")
		doc.members = append([]jsonMember{{key: "info", value: info}}, doc.members...)
	}
	return info
}

// stampImport sets the import marker in the document's info (see ensureInfo).
func stampImport(doc *jsonValue) {
	if doc.kind != jsonObject {
		return
	}
	info := ensureInfo(doc)
	info.set(ImportMarkerKey, jsonStr(importHash(doc)))
}

// stripImport removes the import marker and returns what it said ("" when there was none).
func stripImport(doc *jsonValue) string {
	info := doc.get("info")
	if info == nil || info.kind != jsonObject {
		return ""
	}
	mark, _ := info.str(ImportMarkerKey)
	info.del(ImportMarkerKey)
	return mark
}
