package collections

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// LoadVariables reads a Postman environment or globals export: {"name", "values": [{"key",
// "value", "enabled", "type"}]}, and returns its variables and name. Entries with "enabled":
// false are kept as disabled (and then ignored).
func LoadVariables(path string) ([]Variable, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", &LoadError{Source: path, Err: err}
	}
	var doc struct {
		Name   any              `json:"name"`
		Values []map[string]any `json:"values"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, "", &LoadError{Source: path, Where: JSONErrorPlace(data, err), Err: errors.New(`not a Postman environment or globals file (want {"values": [{"key", "value"}]})`)}
	}
	var out []Variable
	for i, m := range doc.Values {
		if m == nil {
			continue
		}
		key := scalarString(m["key"])
		if key == "" {
			return nil, "", &LoadError{Source: path, Where: fmt.Sprintf(`field "values[%d].key"`, i), Err: errors.New("missing")}
		}
		enabled := true
		if e, ok := m["enabled"].(bool); ok {
			enabled = e
		}
		value, present := m["value"]
		if !present {
			value = ""
		}
		out = append(out, Variable{Key: key, Value: value, Type: scalarString(m["type"]), Disabled: !enabled || truthyField(m["disabled"])})
	}
	return out, scalarString(doc.Name), nil
}

// LoadIterationData reads Newman's --iteration-data: a JSON array of objects, or else CSV (a
// header row, then one row per iteration). As Newman reads CSV, an unquoted value that is a
// number becomes a number ("200" -> 200; a quoted "200" stays text), whitespace around values is
// trimmed, and a row with more values than columns keeps the first ones.
func LoadIterationData(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{Source: path, Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if json.Valid(trimmed) && len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		var rows []map[string]any
		if err := json.Unmarshal(trimmed, &rows); err != nil {
			return nil, &LoadError{Source: path, Where: JSONErrorPlace(trimmed, err), Err: errors.New("want a JSON array of objects, one per iteration")}
		}
		return rows, nil
	}
	records, err := readCSV(string(data))
	if err != nil {
		return nil, &LoadError{Source: path, Err: fmt.Errorf("not a CSV file: %w", err)}
	}
	if len(records) == 0 {
		return nil, &LoadError{Source: path, Err: errors.New("empty: want a header row, then one row per iteration")}
	}
	head := records[0]
	var rows []map[string]any
	for _, rec := range records[1:] {
		row := map[string]any{}
		for i, k := range head {
			if i < len(rec) {
				row[k.text] = rec[i].value()
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// csvField is one CSV value and whether it was quoted.
type csvField struct {
	text   string
	quoted bool
}

// value is the field as Newman's CSV reader casts it: unquoted numbers become numbers.
func (f csvField) value() any {
	if f.quoted {
		return f.text
	}
	if csvIntRE.MatchString(f.text) {
		if n, err := strconv.ParseInt(f.text, 10, 64); err == nil {
			return float64(n)
		}
	}
	// Newman's isFloat: Number(v) - parseFloat(v) + 1 >= 0.
	if pf, ok := jsParseFloat(f.text); ok {
		if d := ToNumber(f.text) - pf + 1; d >= 0 {
			return pf
		}
	}
	return f.text
}

var (
	csvIntRE  = regexp.MustCompile(`^[-+]?[1-9][0-9]*$`)
	jsFloatRE = regexp.MustCompile(`^[-+]?(Infinity|[0-9]+\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)`)
)

// jsParseFloat is JavaScript's parseFloat: the longest numeric prefix, after leading spaces.
func jsParseFloat(s string) (float64, bool) {
	m := jsFloatRE.FindString(strings.TrimLeft(s, " \t\n\r"))
	if m == "" {
		return 0, false
	}
	if strings.HasSuffix(m, "Infinity") {
		if strings.HasPrefix(m, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	f, err := strconv.ParseFloat(m, 64)
	return f, err == nil
}

// readCSV reads CSV as Newman's csv-parse options do: "" escapes a quote inside quotes, quotes
// inside an unquoted value are literal, whitespace around values is trimmed, blank lines skipped.
func readCSV(s string) ([][]csvField, error) {
	var rows [][]csvField
	var row []csvField
	var cur strings.Builder
	quoted, inQuotes, afterQuote := false, false, false
	endField := func() {
		text := cur.String()
		if !quoted {
			text = strings.TrimSpace(text)
		}
		row = append(row, csvField{text: text, quoted: quoted})
		cur.Reset()
		quoted, afterQuote = false, false
	}
	endRow := func() {
		endField()
		if !(len(row) == 1 && row[0].text == "" && !row[0].quoted) {
			rows = append(rows, row)
		}
		row = nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuotes:
			if c == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					cur.WriteByte('"')
					i++
				} else {
					inQuotes, afterQuote = false, true
				}
			} else {
				cur.WriteByte(c)
			}
		case c == '"' && strings.TrimSpace(cur.String()) == "" && !afterQuote:
			cur.Reset()
			inQuotes, quoted = true, true
		case c == ',':
			endField()
		case c == '\n':
			endRow()
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			endRow()
		case afterQuote:
			if c != ' ' && c != '\t' {
				return nil, fmt.Errorf("line %d: text after a closing quote", len(rows)+1)
			}
		default:
			cur.WriteByte(c)
		}
	}
	if inQuotes {
		return nil, fmt.Errorf("line %d: a quoted value is not closed", len(rows)+1)
	}
	if cur.Len() > 0 || len(row) > 0 {
		endRow()
	}
	return rows, nil
}
