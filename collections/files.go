package collections

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
		return nil, "", &LoadError{Source: path, Where: jsonErrorPlace(data, err), Err: errors.New(`not a Postman environment or globals file (want {"values": [{"key", "value"}]})`)}
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

// LoadIterationData reads Newman's --iteration-data: a CSV file (a header row, then one row per
// iteration; every value a string) or a JSON array of objects.
func LoadIterationData(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &LoadError{Source: path, Err: err}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if strings.EqualFold(filepath.Ext(path), ".json") || bytes.HasPrefix(trimmed, []byte("[")) {
		var rows []map[string]any
		if err := json.Unmarshal(trimmed, &rows); err != nil {
			return nil, &LoadError{Source: path, Where: jsonErrorPlace(trimmed, err), Err: errors.New("want a JSON array of objects, one per iteration")}
		}
		return rows, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return nil, &LoadError{Source: path, Err: fmt.Errorf("not a CSV file: %w", err)}
	}
	if len(records) == 0 {
		return nil, &LoadError{Source: path, Err: errors.New("empty: want a header row, then one row per iteration")}
	}
	head := records[0]
	var rows []map[string]any
	for n, rec := range records[1:] {
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if len(rec) > len(head) {
			return nil, &LoadError{Source: path, Where: fmt.Sprintf("line %d", n+2), Err: fmt.Errorf("%d values for %d columns", len(rec), len(head))}
		}
		row := map[string]any{}
		for i, k := range head {
			if i < len(rec) {
				row[k] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}
