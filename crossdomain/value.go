package crossdomain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Value is a JavaScript value as the harness recorded it in the page: nil (null), bool, float64,
// string, []Value, *Object, or *Special for what JSON cannot hold (undefined, a function, a Date…).
type Value any

// Object is a JavaScript object's own enumerable properties, in the page's order.
type Object struct {
	Keys   []string
	Fields map[string]Value
}

// Get returns the property k and whether the object has it.
func (o *Object) Get(k string) (Value, bool) {
	v, ok := o.Fields[k]
	return v, ok
}

// Special is a JavaScript value that JSON cannot hold.
type Special struct {
	Kind string // "undefined", "function", "Date", "number" (NaN, Infinity), "bigint", "symbol", "object"
	Name string // a function's name
	Text string // its text (a Date's ISO form, "NaN"…)
}

// specialKey marks a Special in the page's encoding: {"$js": kind, "name": …, "text": …}.
const specialKey = "$js"

// DecodeValue decodes the page's encoding of a value (see the harness's describe()).
func DecodeValue(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("crossdomain: trailing data after a value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			arr := []Value{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		case '{':
			obj := &Object{Fields: map[string]Value{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := obj.Fields[k]; !dup {
					obj.Keys = append(obj.Keys, k)
				}
				obj.Fields[k] = v
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if kind, ok := obj.Fields[specialKey].(string); ok {
				sp := &Special{Kind: kind}
				sp.Name, _ = obj.Fields["name"].(string)
				sp.Text, _ = obj.Fields["text"].(string)
				return sp, nil
			}
			return obj, nil
		}
		return nil, fmt.Errorf("crossdomain: unexpected %v", t)
	case json.Number:
		f, err := t.Float64()
		return f, err
	default: // nil, bool, string
		return t, nil
	}
}

// EncodeValue encodes a Go value built of the Value types (and plain maps, whose keys are sorted)
// in the page's encoding, for posting messages.
func EncodeValue(v Value) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeValue(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodeValue(b *bytes.Buffer, v Value) error {
	switch x := v.(type) {
	case *Object:
		b.WriteByte('{')
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			if err := encodeValue(b, x.Fields[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case map[string]Value:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return encodeValue(b, &Object{Keys: keys, Fields: x})
	case []Value:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeValue(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case *Special:
		m := map[string]string{specialKey: x.Kind}
		if x.Name != "" {
			m["name"] = x.Name
		}
		if x.Text != "" {
			m["text"] = x.Text
		}
		data, err := json.Marshal(m)
		b.Write(data)
		return err
	default:
		data, err := json.Marshal(x)
		if err != nil {
			return fmt.Errorf("crossdomain: cannot encode %T", v)
		}
		b.Write(data)
		return nil
	}
}

// Obj builds an Object from key, value pairs, in that order.
func Obj(kv ...any) *Object {
	o := &Object{Fields: map[string]Value{}}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		o.Keys = append(o.Keys, k)
		o.Fields[k] = kv[i+1]
	}
	return o
}

// Undefined is JavaScript's undefined.
var Undefined Value = &Special{Kind: "undefined"}

// JS renders a value as JavaScript source, the way a person reads it in a failure message:
// "CampañaTest", 42, null, undefined, <function callbackDiposition>, {action: "CLOSE_TAB"}.
func JS(v Value) string {
	var b strings.Builder
	writeJS(&b, v, 0)
	return b.String()
}

func writeJS(b *strings.Builder, v Value, depth int) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case int:
		b.WriteString(strconv.Itoa(x))
	case string:
		b.WriteString(quoteJS(x))
	case []Value:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJS(b, e, depth+1)
		}
		b.WriteByte(']')
	case *Object:
		if len(x.Keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{")
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" ")
			b.WriteString(jsKey(k))
			b.WriteString(": ")
			writeJS(b, x.Fields[k], depth+1)
		}
		b.WriteString(" }")
	case map[string]Value:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		writeJS(b, &Object{Keys: keys, Fields: x}, depth)
	case *Special:
		switch x.Kind {
		case "undefined":
			b.WriteString("undefined")
		case "function":
			if x.Name != "" {
				b.WriteString("<function " + x.Name + ">")
			} else {
				b.WriteString("<function>")
			}
		case "Date":
			b.WriteString("Date(" + x.Text + ")")
		default:
			if x.Text != "" {
				b.WriteString(x.Text)
			} else {
				b.WriteString("<" + x.Kind + ">")
			}
		}
	default:
		fmt.Fprintf(b, "%v", x)
	}
}

func quoteJS(s string) string {
	return strconv.Quote(s)
}

func jsKey(k string) string {
	if k == "" {
		return `""`
	}
	for i, r := range k {
		if !(r == '_' || r == '$' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')) {
			return strconv.Quote(k)
		}
	}
	return k
}

// TypeOf returns JavaScript's typeof of a value, with "null", "array" and "Date" told apart:
// "string", "number", "boolean", "null", "undefined", "function", "object", "array", "Date"….
func TypeOf(v Value) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, int:
		return "number"
	case string:
		return "string"
	case []Value:
		return "array"
	case *Object, map[string]Value:
		return "object"
	case *Special:
		return x.Kind
	}
	return fmt.Sprintf("%T", v)
}
