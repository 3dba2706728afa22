package spec

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// checkSize checks the number of points against MaxCombinations and
// MaxPoints, from the axis lengths alone before anything is expanded, then
// (when the grid is small enough to walk) counts the points the exclusions
// leave. It reports whether the grid is small enough to validate point by
// point.
//
// A search has the same limits, on its cells (the grid combinations): at
// most MaxCombinations cells, and at most MaxPoints cells × seeds after
// exclusions (each of which trains at least two points).
func (p *parser) checkSize() bool {
	unit, what := "points", "the sweep has"
	if p.srch != nil {
		unit, what = "cells × seeds", "the search has"
	}
	at := p.root
	if kv, ok := p.top["grid"]; ok {
		at = kv.key
	}
	combos := big.NewInt(1)
	dims := make([]string, 0, len(p.axes)+1)
	for _, a := range p.axes {
		combos.Mul(combos, big.NewInt(int64(len(a.values))))
		dims = append(dims, fmt.Sprintf("%s %d", a.p.name, len(a.values)))
	}
	nSeeds := max(len(p.spec.Seeds), 1)
	if nSeeds == 1 {
		dims = append(dims, "1 seed")
	} else {
		dims = append(dims, fmt.Sprintf("%d seeds", nSeeds))
	}
	total := new(big.Int).Mul(combos, big.NewInt(int64(nSeeds)))
	shape := strings.Join(dims, " × ")
	if combos.Cmp(big.NewInt(MaxCombinations)) > 0 {
		msg := fmt.Sprintf("the sweep has %s points (%s); at most %s are allowed", groupDigits(total.String()), shape, groupDigits(strconv.Itoa(MaxPoints)))
		if len(p.excl) > 0 {
			msg += fmt.Sprintf(", and a grid of more than %s combinations is refused even when exclusions would remove most of it", groupDigits(strconv.Itoa(MaxCombinations)))
		}
		if p.srch != nil {
			msg = fmt.Sprintf("the search has %s cells (%s); at most %s are allowed, even when exclusions would remove most of them",
				groupDigits(combos.String()), strings.Join(dims[:len(dims)-1], " × "), groupDigits(strconv.Itoa(MaxCombinations)))
		}
		p.errorAt(at, "grid", "", msg)
		return false
	}
	if work := new(big.Int).Mul(combos, big.NewInt(int64(len(p.excl)))); work.Cmp(big.NewInt(maxExclusionWork)) > 0 {
		p.errorAt(p.top["exclude"].key, "exclude", "", fmt.Sprintf("%d exclusions over %s grid combinations is too much work to check (at most %s combinations × exclusions); shrink the grid or merge exclusions",
			len(p.excl), groupDigits(combos.String()), groupDigits(strconv.Itoa(maxExclusionWork))))
		return false
	}
	if len(p.excl) == 0 {
		if total.Cmp(big.NewInt(MaxPoints)) > 0 {
			p.errorAt(at, "grid", "", fmt.Sprintf("%s %s %s (%s); at most %s are allowed",
				what, groupDigits(total.String()), unit, shape, groupDigits(strconv.Itoa(MaxPoints))))
			return false
		}
		return true
	}
	if len(p.errs) > 0 {
		// Some values or exclusions were left out: the count would be
		// wrong, and a spec with errors is refused anyway.
		return true
	}
	kept := 0
	forEachCombo(p.lens(), p.excl, func(int, []int) bool { kept++; return true })
	after := int64(kept) * int64(nSeeds)
	switch {
	case after == 0:
		if p.srch != nil {
			msg := fmt.Sprintf("the exclusions remove all %s cells", groupDigits(combos.String()))
			if combos.IsInt64() && combos.Int64() == 1 {
				msg = "the exclusions remove the only cell"
			}
			p.errorAt(p.top["exclude"].key, "exclude", "", msg)
			return false
		}
		p.errorAt(p.top["exclude"].key, "exclude", "", fmt.Sprintf("the exclusions remove all %s points", groupDigits(total.String())))
		return false
	case after > MaxPoints:
		p.errorAt(at, "grid", "", fmt.Sprintf("%s %s %s after exclusions (%s %s before: %s); at most %s are allowed",
			what, groupDigits(strconv.FormatInt(after, 10)), unit, groupDigits(total.String()), unit, shape, groupDigits(strconv.Itoa(MaxPoints))))
		return false
	}
	return true
}

// lens returns the number of values of each axis.
func (p *parser) lens() []int {
	l := make([]int, len(p.axes))
	for i, a := range p.axes {
		l[i] = len(a.values)
	}
	return l
}

// groupDigits writes a decimal integer with thousands separators.
func groupDigits(s string) string {
	if len(s) <= 4 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
