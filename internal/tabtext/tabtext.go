// Package tabtext holds what the commands that print tables with text/tabwriter share.
package tabtext

import "strings"

// TrimLines removes the blanks tabwriter leaves at the end of lines.
func TrimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
