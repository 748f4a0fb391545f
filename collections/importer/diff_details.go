package importer

import (
	"fmt"
	"sort"
	"strings"

	"github.com/uccheck/uccheck/internal/textdiff"
)

// The details of an item's change: what differs in its request (method, URL, parameters,
// headers, body, auth), its scripts and its other fields, one line each.

// nodeDetails compares what collections, folders and items share: description, variables, auth
// and scripts.
func nodeDetails(prefix string, o, n *jsonValue) []string {
	var out []string
	if !sameJSON(o.get("description"), n.get("description")) {
		out = append(out, prefix+"description changed")
	}
	out = append(out, pairDetails(prefix+"variable", pairList(o.get("variable")), pairList(n.get("variable")))...)
	out = append(out, authDetails(prefix, o.get("auth"), n.get("auth"))...)
	out = append(out, scriptDetails(prefix, o.get("event"), n.get("event"))...)
	if !sameJSON(o.get("protocolProfileBehavior"), n.get("protocolProfileBehavior")) {
		out = append(out, prefix+"protocolProfileBehavior changed")
	}
	return out
}

// itemDetails lists what changed in a request item.
func itemDetails(o, n *flatItem) []string {
	var out []string
	if o.method != n.method {
		out = append(out, fmt.Sprintf("method %s -> %s", o.method, n.method))
	}
	if o.url != n.url {
		out = append(out, fmt.Sprintf("URL %s -> %s", quoteClip(o.url), quoteClip(n.url)))
	} else if !sameJSON(o.req.get("url"), n.req.get("url")) && o.req.get("url").kind == jsonObject {
		out = append(out, "URL parts changed (query, path variables)")
	}
	out = append(out, pairDetails("header", headerList(o.req.get("header")), headerList(n.req.get("header")))...)
	out = append(out, bodyDetails(o.req.get("body"), n.req.get("body"))...)
	out = append(out, authDetails("", o.req.get("auth"), n.req.get("auth"))...)
	if !sameJSON(o.req.get("description"), n.req.get("description")) {
		out = append(out, "request description changed")
	}
	out = append(out, nodeDetails("", o.node, n.node)...)
	for _, k := range unionKeys(o.req, n.req, "method", "url", "header", "body", "auth", "description") {
		if !sameJSON(o.req.get(k), n.req.get(k)) {
			out = append(out, fmt.Sprintf("request %s changed", k))
		}
	}
	if !sameJSON(o.node.get("response"), n.node.get("response")) {
		a, b := len(arrayItems(o.node.get("response"))), len(arrayItems(n.node.get("response")))
		out = append(out, fmt.Sprintf("saved example responses changed (%d -> %d)", a, b))
	}
	return out
}

// unionKeys returns the member names of a and b, in order, without those listed.
func unionKeys(a, b *jsonValue, skip ...string) []string {
	seen := map[string]bool{}
	for _, k := range skip {
		seen[k] = true
	}
	var out []string
	for _, v := range []*jsonValue{a, b} {
		if v == nil {
			continue
		}
		for _, m := range v.members {
			if !seen[m.key] {
				seen[m.key] = true
				out = append(out, m.key)
			}
		}
	}
	return out
}

func arrayItems(v *jsonValue) []*jsonValue {
	if v == nil || v.kind != jsonArray {
		return nil
	}
	return v.items
}

// diffKV is a key and value of a header, form field or variable, with its disabled flag.
type diffKV struct {
	key, value string
	disabled   bool
}

func pairList(v *jsonValue) []diffKV {
	var out []diffKV
	for _, e := range arrayItems(v) {
		if e.kind != jsonObject {
			continue
		}
		k, _ := e.str("key")
		if k == "" {
			k, _ = e.str("id")
		}
		val := e.get("value")
		text := val.scalar()
		if val != nil && (val.kind == jsonObject || val.kind == jsonArray) {
			text = strings.TrimSpace(string(val.encode()))
		}
		if t, _ := e.str("type"); t == "file" {
			text = "file " + e.get("src").scalar()
		}
		out = append(out, diffKV{key: k, value: text, disabled: e.get("disabled").scalar() == "true"})
	}
	return out
}

func headerList(v *jsonValue) []diffKV {
	if v != nil && v.kind == jsonString {
		var out []diffKV
		for _, line := range strings.Split(v.text, "\n") {
			k, val, ok := strings.Cut(line, ":")
			if ok && strings.TrimSpace(k) != "" {
				out = append(out, diffKV{key: strings.TrimSpace(k), value: strings.TrimSpace(val)})
			}
		}
		return out
	}
	return pairList(v)
}

// pairDetails compares two key-value lists by key (case-insensitively for headers).
func pairDetails(what string, o, n []diffKV) []string {
	fold := func(s string) string {
		if what == "header" {
			return strings.ToLower(s)
		}
		return s
	}
	type entry struct {
		key, value string
		disabled   bool
	}
	index := func(list []diffKV) (map[string]entry, []string) {
		m := map[string]entry{}
		var order []string
		for _, p := range list {
			k := fold(p.key)
			if e, ok := m[k]; ok {
				e.value += "\n" + p.value
				m[k] = e
				continue
			}
			m[k] = entry{key: p.key, value: p.value, disabled: p.disabled}
			order = append(order, k)
		}
		return m, order
	}
	om, oOrder := index(o)
	nm, nOrder := index(n)
	var out []string
	for _, k := range nOrder {
		ne := nm[k]
		oe, ok := om[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s %q added", what, ne.key))
		case oe.value != ne.value:
			out = append(out, fmt.Sprintf("%s %q: %s -> %s", what, ne.key, quoteClip(oe.value), quoteClip(ne.value)))
		case oe.disabled != ne.disabled && ne.disabled:
			out = append(out, fmt.Sprintf("%s %q disabled", what, ne.key))
		case oe.disabled != ne.disabled:
			out = append(out, fmt.Sprintf("%s %q enabled", what, ne.key))
		}
	}
	for _, k := range oOrder {
		if _, ok := nm[k]; !ok {
			out = append(out, fmt.Sprintf("%s %q removed", what, om[k].key))
		}
	}
	return out
}

func bodyDetails(o, n *jsonValue) []string {
	if sameJSON(o, n) {
		return nil
	}
	om, nm := o.get("mode").scalar(), n.get("mode").scalar()
	if om != nm {
		return []string{fmt.Sprintf("body mode %s -> %s", orNone(om), orNone(nm))}
	}
	var out []string
	switch nm {
	case "urlencoded", "formdata":
		out = pairDetails("body field", pairList(o.get(nm)), pairList(n.get(nm)))
	case "raw":
		if a, b := o.get("raw").scalar(), n.get("raw").scalar(); a != b {
			del, ins := textdiff.Count(textdiff.SplitLines(a), textdiff.SplitLines(b))
			out = append(out, fmt.Sprintf("raw body changed (-%d +%d lines)", del, ins))
		}
	}
	if len(out) == 0 {
		out = append(out, "body changed")
	}
	return out
}

func authDetails(prefix string, o, n *jsonValue) []string {
	if sameJSON(o, n) {
		return nil
	}
	ot, nt := o.get("type").scalar(), n.get("type").scalar()
	if ot != nt {
		return []string{fmt.Sprintf("%sauth %s -> %s", prefix, orNone(ot), orNone(nt))}
	}
	params := func(a *jsonValue) []diffKV {
		v := a.get(ot)
		if v != nil && v.kind == jsonObject { // v2.0: a map
			var out []diffKV
			for _, m := range v.members {
				out = append(out, diffKV{key: m.key, value: m.value.scalar()})
			}
			return out
		}
		return pairList(v)
	}
	d := pairDetails("parameter", params(o), params(n))
	if len(d) == 0 {
		return []string{prefix + "auth (" + nt + ") changed"}
	}
	for i := range d {
		d[i] = prefix + "auth (" + nt + ") " + d[i]
	}
	return d
}

func scriptDetails(prefix string, o, n *jsonValue) []string {
	scripts := func(v *jsonValue) (map[string]string, []string) {
		m := map[string]string{}
		var order []string
		for _, e := range arrayItems(v) {
			listen, _ := e.str("listen")
			exec := e.get("script").get("exec")
			var text string
			if exec != nil && exec.kind == jsonString {
				text = exec.text
			} else {
				var lines []string
				for _, l := range arrayItems(exec) {
					lines = append(lines, l.scalar())
				}
				text = strings.Join(lines, "\n")
			}
			if _, ok := m[listen]; !ok {
				order = append(order, listen)
			}
			m[listen] += text
		}
		return m, order
	}
	om, _ := scripts(o)
	nm, nOrder := scripts(n)
	var out []string
	for _, l := range nOrder {
		a, ok := om[l]
		b := nm[l]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s%s script added", prefix, l))
		case a != b:
			del, ins := textdiff.Count(strings.Split(a, "\n"), strings.Split(b, "\n"))
			out = append(out, fmt.Sprintf("%s%s script changed (-%d +%d lines)", prefix, l, del, ins))
		}
	}
	var removed []string
	for l := range om {
		if _, ok := nm[l]; !ok {
			removed = append(removed, l)
		}
	}
	sort.Strings(removed)
	for _, l := range removed {
		out = append(out, fmt.Sprintf("%s%s script removed", prefix, l))
	}
	return out
}

func sameJSON(a, b *jsonValue) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return string(a.encode()) == string(b.encode())
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// quoteClip quotes a value for a change line, cut to 80 characters.
func quoteClip(s string) string {
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
