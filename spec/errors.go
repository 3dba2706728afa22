package spec

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a spec, located in the file.
//
// Line and Column are 1-based and point at the YAML node that supplied the
// offending value (or the key, for key errors); they are 0 when the problem
// has no place in the file (e.g. the file is too large). Path names the
// value: "name", "fixed.sparsity", "grid.sparsity[2]", "grid.rate.step",
// "exclude[0].arch", "seeds[1]"; it is empty for problems with the whole
// document (syntax errors). Value is the value as written in the file (or
// as generated, for range values), empty when there is none.
type Error struct {
	File         string
	Line, Column int
	Path         string
	Value        string
	Msg          string
}

// Error formats e as "FILE:LINE:COL: PATH = VALUE: MSG", e.g.
// "quickstart.yaml:12:9: grid.sparsity[2] = 1.5: must be in (0, 1]". Parts
// that are unknown are left out with their separators.
func (e *Error) Error() string {
	var b strings.Builder
	loc := e.File
	if e.Line > 0 {
		if loc != "" {
			loc += ":"
		}
		loc += strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column)
	}
	if loc != "" {
		b.WriteString(loc)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Value != "" {
			b.WriteString(" = ")
			b.WriteString(e.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem Parse found, sorted by line and column. It is
// never empty when returned as an error.
type ErrorList []*Error

// Error joins the errors' messages with newlines.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap returns the errors, so that errors.As(err, &e) with e an *Error
// finds the first one.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// sort orders l by line, then column, then path, keeping the order of
// equal elements (problems found at the same place).
func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), strings.Compare(a.Path, b.Path))
	})
}
