package runner

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/uccheck/uccheck/collections"
)

// setCallRE finds the variable names scripts set with a literal name.
var setCallRE = regexp.MustCompile(`(?:\.set|set(?:Environment|Global)Variable)\(\s*(?:'([^']*)'|"([^"]*)"|` + "`([^`$]*)`" + `)`)

// dynamicSetRE finds set calls whose name is not a literal (then any name may be set).
var dynamicSetRE = regexp.MustCompile(`(?:\.set|set(?:Environment|Global)Variable)\(\s*[^'"\x60\s)]`)

// Check verifies, before anything is sent, that every item of the pass can be sent: its auth
// type is supported and every {{variable}} it refers to is set by some scope, the iteration
// data, or a script of the collection. It returns every problem found, one per line.
func Check(o PassOptions) error {
	known := map[string]bool{}
	for _, list := range [][]collections.Variable{o.Globals, o.Environment, o.Collection.VarList} {
		for _, v := range list {
			if !v.Disabled {
				known[v.Key] = true
			}
		}
	}
	for k := range o.Preset {
		known[k] = true
	}
	for k := range o.Vars {
		known[k] = true
	}
	for _, row := range o.Data {
		for k := range row {
			known[k] = true
		}
	}
	anyName := false
	scan := func(evs []collections.Event) {
		for _, e := range evs {
			if e.Disabled {
				continue
			}
			for _, m := range setCallRE.FindAllStringSubmatch(e.Exec, -1) {
				known[m[1]+m[2]+m[3]] = true
			}
			if dynamicSetRE.MatchString(e.Exec) {
				anyName = true
			}
		}
	}
	scan(o.Collection.Events)
	for _, f := range o.Collection.Folders {
		scan(f.Events)
	}
	for _, it := range o.Collection.Items {
		scan(it.Events)
	}
	var problems []string
	for _, it := range o.Items {
		if err := CheckAuth(o.Collection, it); err != nil {
			problems = append(problems, err.Error())
		}
		if anyName {
			continue
		}
		local := map[string]bool{}
		for _, v := range it.Variables {
			local[v.Key] = true
		}
		for _, f := range it.Folders {
			for _, v := range f.Variables {
				local[v.Key] = true
			}
		}
		for _, ref := range templateRefs(o.Collection, it) {
			var missing []string
			for _, n := range VarNames(ref.text) {
				if !known[n] && !local[n] && !IsDynamic(n) {
					missing = append(missing, n)
				}
			}
			if missing != nil {
				problems = append(problems, (&UnresolvedError{Names: missing, Item: it.PathString(), Field: ref.field}).Error())
			}
		}
	}
	if problems == nil {
		return nil
	}
	return errors.New(strings.Join(dedupe(problems), "\n"))
}

type templateRef struct{ field, text string }

// templateRefs lists the templates an item's request is built from.
func templateRefs(c *collections.Collection, it *collections.Item) []templateRef {
	out := []templateRef{{"URL", urlWithPathVars(it.Parts)}}
	for _, h := range it.Headers {
		if !h.Disabled {
			out = append(out, templateRef{fmt.Sprintf("header %q", h.Key), h.Key + h.Value})
		}
	}
	if b := it.Body; b != nil && !b.Disabled {
		switch b.Mode {
		case "raw":
			out = append(out, templateRef{"body", b.Raw})
		case "urlencoded", "formdata":
			for _, f := range append(append([]collections.Param(nil), b.URLEncoded...), b.FormData...) {
				if !f.Disabled && f.Type != "file" {
					out = append(out, templateRef{fmt.Sprintf("body field %q", f.Key), f.Key + f.Value})
				}
			}
		case "graphql":
			if b.GraphQL != nil {
				out = append(out, templateRef{"graphql query", b.GraphQL.Query})
				if s, ok := b.GraphQL.Variables.(string); ok {
					out = append(out, templateRef{"graphql variables", s})
				}
			}
		}
	}
	if a, _ := AuthSource(c, it); a != nil {
		for _, k := range a.Order {
			out = append(out, templateRef{"auth " + a.Type + "." + k, a.Params[k]})
		}
	}
	return out
}
