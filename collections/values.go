package collections

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// CastOut converts a variable's stored value to its declared type, as Postman's Variable#get
// does: "string" -> a string, "number" -> a number (NaN when not numeric), "boolean" -> JS
// truthiness, "array"/"object" -> the decoded JSON; any other type passes the value through.
func CastOut(v any, typ string) any {
	switch typ {
	case "string":
		if v == nil {
			return "null"
		}
		return ValueString(v)
	case "number":
		return ToNumber(v)
	case "boolean":
		return Truthy(v)
	case "array", "object":
		s, ok := v.(string)
		if !ok {
			b, err := json.Marshal(v)
			if err != nil {
				return nil
			}
			s = string(b)
		}
		var out any
		if json.Unmarshal([]byte(s), &out) != nil {
			return nil
		}
		if _, isArr := out.([]any); isArr != (typ == "array") {
			return nil
		}
		if _, isObj := out.(map[string]any); typ == "object" && !isObj {
			return nil
		}
		return out
	}
	return v
}

// ToNumber converts a value as JavaScript's Number() does.
func ToNumber(v any) float64 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1
		}
		return 0
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return math.NaN()
		}
		return f
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0
		}
		if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
			n, err := strconv.ParseInt(s[2:], 16, 64)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}
		switch s {
		case "Infinity", "+Infinity":
			return math.Inf(1)
		case "-Infinity":
			return math.Inf(-1)
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || strings.ContainsAny(s, "_xXpP") || strings.EqualFold(s, "inf") || strings.EqualFold(s, "nan") {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

// Truthy reports a value's JavaScript truthiness.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case int:
		return x != 0
	case string:
		return x != ""
	}
	return true
}

// ValueString renders a value as JavaScript's String() does for the values JSON can hold:
// null -> "null", numbers in JS form, arrays joined with ",", objects "[object Object]".
func ValueString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return FormatNumber(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case json.Number:
		return FormatNumber(ToNumber(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			if e != nil {
				parts[i] = ValueString(e)
			}
		}
		return strings.Join(parts, ",")
	case map[string]any:
		return "[object Object]"
	}
	return ""
}

// FormatNumber formats a float64 as JavaScript prints numbers.
func FormatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// Go writes e+21 / e-07; JS writes e+21 / e-7.
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + string(sign) + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
