package suites

import (
	"fmt"
	"strings"

	"github.com/uccheck/uccheck/crossdomain"
)

// Rendering of crossdomain values for the matchers' failure messages: calls, posts, argument
// diffs and the browser's console.

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func article(kind string) string {
	switch kind {
	case "null", "undefined":
		return kind
	case "array", "object":
		return "an " + kind
	}
	return "a " + kind
}

// renderPost renders a postMessage call: window.parent.postMessage({…}, "*").
func renderPost(p crossdomain.Post) string {
	if p.TargetOrigin == "" {
		return "window.parent.postMessage(" + crossdomain.JS(p.Data) + ")"
	}
	return fmt.Sprintf("window.parent.postMessage(%s, %q)", crossdomain.JS(p.Data), p.TargetOrigin)
}

// shortCall renders a call with its first arguments only when it has many.
func shortCall(fn string, args []crossdomain.Value) string {
	if len(args) <= 4 {
		return renderCall(fn, args)
	}
	return fmt.Sprintf("%s, … %d arguments)", strings.TrimSuffix(renderCall(fn, args[:2]), ")"), len(args))
}

// renderCall renders a call: UC_DispositionCall("CampañaTest", …, <function>).
func renderCall(fn string, args []crossdomain.Value) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = crossdomain.JS(a)
	}
	return fn + "(" + strings.Join(parts, ", ") + ")"
}

func callName(c crossdomain.Call) string {
	if c.Func == crossdomain.FuncCloseActiveTab {
		return "parent.closeActiveTab"
	}
	return c.Func
}

// otherCalls renders the calls of a step to functions other than fn.
func otherCalls(st *crossdomain.Step, fn string) []string {
	var out []string
	for _, c := range st.Calls {
		if c.Func != fn {
			out = append(out, renderCall(callName(c), c.Args))
		}
	}
	return out
}

// argumentDiff compares UC_DispositionCall's arguments with the expected ones. It returns a
// diagnosis when the difference has a simple shape (two fields swapped, fields left out) and one
// line per argument that differs, saying which field a misplaced value belongs to.
func argumentDiff(want *crossdomain.Object, wantArgs, got []crossdomain.Value) (string, []string) {
	fieldOf := func(v crossdomain.Value) string {
		s, ok := v.(string)
		if !ok {
			return ""
		}
		for _, f := range crossdomain.DispositionFields {
			if w, _ := want.Get(f); w == s {
				return f
			}
		}
		return ""
	}
	var lines []string
	var differ []int
	for i := 0; i < max(len(wantArgs), len(got)); i++ {
		name := fmt.Sprintf("argument %d", i+1)
		if i < len(dispositionParams) {
			name += " (" + dispositionParams[i] + ")"
		}
		switch {
		case i >= len(got):
			lines = append(lines, fmt.Sprintf("%s: expected %s, got nothing", name, crossdomain.JS(wantArgs[i])))
			differ = append(differ, i)
		case i >= len(wantArgs):
			lines = append(lines, fmt.Sprintf("%s: expected nothing, got %s", name, crossdomain.JS(got[i])))
			differ = append(differ, i)
		case !sameArg(wantArgs[i], got[i]):
			line := fmt.Sprintf("%s: expected %s, got %s", name, crossdomain.JS(wantArgs[i]), crossdomain.JS(got[i]))
			if f := fieldOf(got[i]); f != "" {
				line += " (the " + f + ")"
			} else if t := crossdomain.TypeOf(got[i]); i < len(crossdomain.DispositionFields) && t != "string" {
				line += " (" + article(t) + ", not a string)"
			}
			lines = append(lines, line)
			differ = append(differ, i)
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	// The diagnosis: the order of the fields the values came from.
	diag := ""
	if len(differ) == 2 && len(got) == len(wantArgs) {
		a, b := differ[0], differ[1]
		if a < len(crossdomain.DispositionFields) && b < len(crossdomain.DispositionFields) &&
			fieldOf(got[a]) == crossdomain.DispositionFields[b] && fieldOf(got[b]) == crossdomain.DispositionFields[a] {
			diag = fmt.Sprintf("%s and %s are swapped", crossdomain.DispositionFields[a], crossdomain.DispositionFields[b])
		}
	}
	if diag == "" && len(got) < len(wantArgs) {
		var seen []string
		for _, v := range got {
			if f := fieldOf(v); f != "" {
				seen = append(seen, f)
			}
		}
		var missing []string
		j := 0
		for _, f := range crossdomain.DispositionFields {
			if j < len(seen) && seen[j] == f {
				j++
			} else {
				missing = append(missing, f)
			}
		}
		if j == len(seen) && len(missing) > 0 && len(missing) == len(wantArgs)-len(got) {
			diag = fmt.Sprintf("%s left out (the other values follow in order)", strings.Join(missing, ", "))
		}
	}
	if diag == "" {
		diag = fmt.Sprintf("%d of %d arguments differ", len(differ), max(len(wantArgs), len(got)))
	}
	return diag, lines
}

// sameArg compares an expected argument with the one passed: strings by value, functions by kind.
func sameArg(want, got crossdomain.Value) bool {
	if w, ok := want.(*crossdomain.Special); ok {
		g, ok := got.(*crossdomain.Special)
		return ok && g.Kind == w.Kind
	}
	return crossdomain.TypeOf(want) == crossdomain.TypeOf(got) && crossdomain.JS(want) == crossdomain.JS(got)
}

// oneStep returns a one-step scenario and its step.
func oneStep(actual any) (*crossdomain.Scenario, *crossdomain.Step, error) {
	sc, ok := actual.(*crossdomain.Scenario)
	if !ok || sc == nil {
		return nil, nil, fmt.Errorf("uccheck matcher: want a *crossdomain.Scenario, got %T", actual)
	}
	if len(sc.Steps) == 0 {
		return nil, nil, fmt.Errorf("uccheck matcher: the scenario %s posted nothing", sc.Name)
	}
	return sc, sc.Steps[0], nil
}

// errorLines renders the uncaught errors of a page.
func errorLines(errs []crossdomain.PageError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, "error in the "+frameName(e.Frame)+": "+e.Message+where(e.URL, e.Line))
	}
	return out
}

func frameName(f string) string {
	switch f {
	case "embed":
		return "iframe page"
	case "harness":
		return "harness"
	}
	return "form"
}

// maxConsole is how many console entries a failure message quotes.
const maxConsole = 8

// consoleLines renders the browser console, less the exceptions already reported as errors.
func consoleLines(entries []crossdomain.ConsoleEntry, reported []crossdomain.PageError) []string {
	seen := map[string]bool{}
	for _, e := range reported {
		seen[e.Message] = true
	}
	var out []string
	for _, c := range entries {
		if c.Level == "exception" && seen[c.Text] {
			continue
		}
		if len(out) == maxConsole {
			out = append(out, "  …")
			break
		}
		out = append(out, fmt.Sprintf("  %s: %s%s", c.Level, c.Text, where(c.URL, c.Line)))
	}
	if len(out) == 0 {
		return nil
	}
	return append([]string{"browser console:"}, out...)
}

func where(url string, line int) string {
	switch {
	case url == "":
		return ""
	case line > 0:
		return fmt.Sprintf(" (%s:%d)", url, line)
	}
	return " (" + url + ")"
}
