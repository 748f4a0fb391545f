// Package textdiff computes line diffs (Myers' O(ND) algorithm in linear space) and writes them
// as unified diffs, as `diff -u` does. It exists because uccheck import shows what an updated
// collection changes, and the one common Go library for this (github.com/pmezard/go-difflib) has
// been unmaintained since 2016 and uses a quadratic matcher.
package textdiff

import (
	"fmt"
	"strings"
)

// Op is one line of an edit script.
type Op struct {
	Kind OpKind
	A, B int // line index in the old (A) and new (B) text; -1 where the line is not in that text
}

// OpKind says whether a line is kept, deleted from the old text or inserted from the new one.
type OpKind byte

// The kinds of line in an edit script.
const (
	Equal  OpKind = ' '
	Delete OpKind = '-'
	Insert OpKind = '+'
)

// Lines returns a shortest edit script that turns a into b, in order: every line of a and b once.
func Lines(a, b []string) []Op {
	ids := map[string]int{}
	num := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	d := &differ{a: num(a), b: num(b)}
	d.delA = make([]bool, len(a))
	d.insB = make([]bool, len(b))
	d.compare(0, len(a), 0, len(b))
	var ops []Op
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && d.delA[i]:
			ops = append(ops, Op{Kind: Delete, A: i, B: -1})
			i++
		case j < len(b) && d.insB[j]:
			ops = append(ops, Op{Kind: Insert, A: -1, B: j})
			j++
		default:
			ops = append(ops, Op{Kind: Equal, A: i, B: j})
			i++
			j++
		}
	}
	return ops
}

// Count returns how many lines an edit from a to b deletes and inserts.
func Count(a, b []string) (deleted, inserted int) {
	for _, op := range Lines(a, b) {
		switch op.Kind {
		case Delete:
			deleted++
		case Insert:
			inserted++
		}
	}
	return deleted, inserted
}

type differ struct {
	a, b       []int
	delA, insB []bool
	vf, vb     []int // scratch for middleSnake
}

// compare marks the lines of a[a0:a1] deleted and of b[b0:b1] inserted by a shortest edit.
func (d *differ) compare(a0, a1, b0, b1 int) {
	for a0 < a1 && b0 < b1 && d.a[a0] == d.b[b0] {
		a0++
		b0++
	}
	for a0 < a1 && b0 < b1 && d.a[a1-1] == d.b[b1-1] {
		a1--
		b1--
	}
	switch {
	case a0 == a1:
		for j := b0; j < b1; j++ {
			d.insB[j] = true
		}
		return
	case b0 == b1:
		for i := a0; i < a1; i++ {
			d.delA[i] = true
		}
		return
	}
	x0, y0, x1, y1 := d.middleSnake(a0, a1, b0, b1)
	d.compare(a0, x0, b0, y0)
	d.compare(x1, a1, y1, b1)
}

// middleSnake finds the middle snake of a shortest edit of a[a0:a1] into b[b0:b1] (Myers 1986,
// section 4b) and returns its start and end in absolute line numbers. Both sequences are
// non-empty and differ in their first and last lines.
func (d *differ) middleSnake(a0, a1, b0, b1 int) (x0, y0, x1, y1 int) {
	n, m := a1-a0, b1-b0
	delta := n - m
	odd := delta%2 != 0
	limit := (n + m + 1) / 2
	off := limit + 1
	size := 2*limit + 3
	if cap(d.vf) < size {
		d.vf, d.vb = make([]int, size), make([]int, size)
	}
	vf, vb := d.vf[:size], d.vb[:size]
	for i := range vf {
		vf[i], vb[i] = -1, -1
	}
	vf[off+1], vb[off+1] = 0, 0
	for D := 0; D <= limit; D++ {
		// Forward: furthest reaching D-paths from the top left.
		for k := -D; k <= D; k += 2 {
			var x int
			if k == -D || (k != D && vf[off+k-1] < vf[off+k+1]) {
				x = vf[off+k+1]
			} else {
				x = vf[off+k-1] + 1
			}
			y := x - k
			sx, sy := x, y
			for x < n && y < m && d.a[a0+x] == d.b[b0+y] {
				x++
				y++
			}
			vf[off+k] = x
			if kr := delta - k; odd && kr >= -(D-1) && kr <= D-1 && vb[off+kr] >= 0 && x+vb[off+kr] >= n {
				return a0 + sx, b0 + sy, a0 + x, b0 + y
			}
		}
		// Backward: furthest reaching D-paths from the bottom right, in reversed coordinates.
		for kr := -D; kr <= D; kr += 2 {
			var x int
			if kr == -D || (kr != D && vb[off+kr-1] < vb[off+kr+1]) {
				x = vb[off+kr+1]
			} else {
				x = vb[off+kr-1] + 1
			}
			y := x - kr
			sx, sy := x, y
			for x < n && y < m && d.a[a1-1-x] == d.b[b1-1-y] {
				x++
				y++
			}
			vb[off+kr] = x
			if k := delta - kr; !odd && k >= -D && k <= D && vf[off+k] >= 0 && x+vf[off+k] >= n {
				return a1 - x, b1 - y, a1 - sx, b1 - sy
			}
		}
	}
	// Unreachable for non-empty inputs: a D-path of length n+m always exists.
	panic(fmt.Sprintf("textdiff: no middle snake for %d and %d lines", n, m))
}

// SplitLines splits text into lines, each keeping its "\n"; the last line may lack one.
func SplitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// Unified returns the unified diff (3 lines of context, as `diff -u`) that turns oldText, named
// oldName, into newText, named newName; "" when they are equal.
func Unified(oldName, newName, oldText, newText string) string {
	return UnifiedContext(oldName, newName, oldText, newText, 3)
}

// UnifiedContext is Unified with n lines of context around each change.
func UnifiedContext(oldName, newName, oldText, newText string, n int) string {
	a, b := SplitLines(oldText), SplitLines(newText)
	ops := Lines(a, b)
	var out strings.Builder
	changed := false
	for _, op := range ops {
		if op.Kind != Equal {
			changed = true
			break
		}
	}
	if !changed {
		return ""
	}
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	line := func(kind OpKind, s string) {
		out.WriteByte(byte(kind))
		out.WriteString(s)
		if !strings.HasSuffix(s, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
	for i := 0; i < len(ops); {
		// Find the next change and the hunk around it.
		for i < len(ops) && ops[i].Kind == Equal {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(i-n, 0)
		end := i
		for end < len(ops) {
			if ops[end].Kind != Equal {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].Kind == Equal {
				run++
			}
			if run == len(ops) || run-end > 2*n {
				end = min(end+n, len(ops))
				break
			}
			end = run
		}
		aStart, bStart, aLen, bLen := -1, -1, 0, 0
		for _, op := range ops[start:end] {
			if op.Kind != Insert {
				if aStart < 0 {
					aStart = op.A
				}
				aLen++
			}
			if op.Kind != Delete {
				if bStart < 0 {
					bStart = op.B
				}
				bLen++
			}
		}
		if aStart < 0 {
			aStart = lineBefore(ops, start, true)
		}
		if bStart < 0 {
			bStart = lineBefore(ops, start, false)
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, op := range ops[start:end] {
			switch op.Kind {
			case Equal:
				line(Equal, a[op.A])
			case Delete:
				line(Delete, a[op.A])
			case Insert:
				line(Insert, b[op.B])
			}
		}
		i = end
	}
	return out.String()
}

// lineBefore returns the 0-based index of the line just after the last line of one side before
// ops[start], for a hunk that holds no line of that side.
func lineBefore(ops []Op, start int, old bool) int {
	for i := start - 1; i >= 0; i-- {
		if old && ops[i].A >= 0 {
			return ops[i].A + 1
		}
		if !old && ops[i].B >= 0 {
			return ops[i].B + 1
		}
	}
	return 0
}

// hunkRange writes a hunk side as diff -u does: "start,len", 1-based; "start" alone for one
// line; for no line, the line before it and 0.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
