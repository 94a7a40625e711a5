package models

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a scenario file.
type Problem struct {
	File  string
	Line  int    // 0 when unknown
	Field string // dotted path, e.g. actors.moscow.positions.donbas_status.salience
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in a scenario; it is the error Load and
// Resolve return when a scenario is invalid.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}
