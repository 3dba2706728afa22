package spec

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bitsweep/bitsweep/train"
)

// maxFailures bounds the failing train.Config.Validate calls of one Parse.
// A spec whose every point fails would otherwise cost a million or more
// failing calls, each formatting its message; the spec is refused anyway,
// and the first pass (one point per axis value) has already found every
// value's own problems.
const maxFailures = 100_000

// Sources of a reported value (errKey.src, besides an axis index ≥ 0).
const (
	srcFixed  = -1
	srcUnset  = -2
	srcOther  = -3 // an error Validate did not attribute to a known field
	srcSearch = -4 // the search variable at one end of the bracket (errKey.val: 0 lo, 1 hi)
)

// errKey identifies a distinct Validate complaint: the field, where its
// value came from (axis and value index, fixed or unset) and the message.
// It is built without formatting anything, so that the millionth repeat of
// a complaint costs a map lookup.
type errKey struct {
	field    string
	src, val int
	msg      string
}

// pointError is a Validate complaint being collected: its Error, and the
// indexes of the values of the related grid axis (see related) at which it
// occurred.
type pointError struct {
	err     *Error
	msg     string
	related int              // index of the related axis, or -1
	with    map[int]struct{} // value indexes on that axis
}

// pointCheck validates points and collects the complaints.
type pointCheck struct {
	p        *parser
	reported map[errKey]*pointError
	order    []*pointError
	failures int
	cfg, c   *train.Config // reused: the setters take pointers
	// end is the end of the search bracket the variable is set to (0 lo,
	// 1 hi) in the check under way; -1 without a search.
	end int
}

// checkPoints runs train.Config.Validate on every point that the
// exclusions leave (Defaults applied; the seed plays no part in it), and
// reports each distinct problem once, at the node that supplied the
// offending value. After a field's error it substitutes a valid value for
// the field (param.neutral) and validates again, to find the point's other
// problems too.
//
// A first pass validates one combination per axis value (value t of every
// axis, modulo its length), so that each value's own problems are found
// early; the second walks every combination in order, until maxFailures
// failing validations (or maxErrors errors) have been seen.
//
// With a search (and a usable variable and bracket), each combination is a
// cell, and it is validated twice, with the variable at each end of the
// bracket: the variable's complaints are reported at search.bracket. The
// variable's rules in train.Config.Validate are intervals (sparsity in
// (0, 1], rate > 0, 1 ≤ round(r·d) ≤ 131072), so every value between valid
// ends is valid too.
func (p *parser) checkPoints() {
	pc := &pointCheck{
		p: p, reported: map[errKey]*pointError{},
		cfg: new(train.Config), c: new(train.Config),
	}
	lens := p.lens()
	idx := make([]int, len(lens))
	diagonal := 0
	if len(lens) > 0 {
		diagonal = slices.Max(lens)
	}
	for t := range diagonal {
		for k := range idx {
			idx[k] = t % lens[k]
		}
		if !matches(p.excl, idx) {
			pc.check(idx)
		}
	}
	walked := 0
	forEachCombo(lens, p.excl, func(_ int, idx []int) bool {
		pc.check(idx)
		walked++
		// Without errors so far, checkSize has counted at most MaxPoints
		// combinations left by the exclusions, and this walk visits them
		// all. The bound matters only after errors, when exclusions were
		// left out and the count was not checked; the other two only stop
		// a walk that has already found errors.
		return walked < MaxPoints && pc.failures < maxFailures && !p.truncated
	})
	for _, pe := range pc.order {
		if pe.err == nil || pe.related < 0 {
			continue
		}
		with := slices.Sorted(maps.Keys(pe.with))
		a := p.axes[pe.related]
		const show = 5
		var vals []string
		for i, j := range with {
			if i == show {
				vals = append(vals, "…")
				break
			}
			_, _, v := a.at(j)
			vals = append(vals, v)
		}
		pe.err.Msg = pe.msg + " (with " + a.p.name + " = " + strings.Join(vals, " or ") + ")"
	}
}

// check validates the combination idx: once, or for a search at both ends
// of the bracket.
func (pc *pointCheck) check(idx []int) {
	if s := pc.p.srch; s.ready() {
		for end := range 2 {
			pc.checkAt(idx, end)
		}
		return
	}
	pc.checkAt(idx, -1)
}

// checkAt validates the combination idx, with the search variable at end
// end of the bracket (-1: unset).
func (pc *pointCheck) checkAt(idx []int, end int) {
	p := pc.p
	pc.end = end
	*pc.cfg = p.spec.Fixed
	for k, a := range p.axes {
		a.p.set(pc.cfg, a.values[idx[k]])
	}
	if end >= 0 {
		p.srch.prm.set(pc.cfg, p.srch.vals[end])
	}
	*pc.c = pc.cfg.Defaults()
	var done uint64 // params already replaced by a stand-in
	for range len(params) + 1 {
		err := pc.c.Validate()
		if err == nil {
			return
		}
		pc.failures++
		var fe *train.FieldError
		var prm *param
		if errors.As(err, &fe) {
			prm = paramByName[fe.Field]
		}
		if prm == nil {
			key := errKey{src: srcOther, msg: err.Error()}
			if pc.reported[key] == nil {
				pc.reported[key] = &pointError{err: p.errorAt(p.root, "", "", err.Error()), related: -1}
			}
			return
		}
		pc.report(fe, prm, idx)
		bit := uint64(1) << prm.index
		if prm.neutral == nil || done&bit != 0 {
			return
		}
		done |= bit
		prm.neutral(pc.c)
	}
}

// report records Validate's complaint fe about parameter prm at the
// combination idx, once per distinct errKey.
func (pc *pointCheck) report(fe *train.FieldError, prm *param, idx []int) {
	p := pc.p
	if p.broken[prm.name] {
		return // its value was already reported bad
	}
	key := errKey{field: prm.name, src: srcUnset, val: -1, msg: fe.Msg}
	if pc.end >= 0 && prm == p.srch.prm {
		key.src, key.val = srcSearch, pc.end
	} else if k, ok := p.axisK[prm.name]; ok {
		key.src, key.val = k, idx[k]
	} else if _, ok := p.fixed[prm.name]; ok {
		key.src = srcFixed
	}
	rel := -1
	if r, ok := related[prm.name]; ok {
		if k, ok := p.axisK[r]; ok {
			rel = k
		}
	}
	if pe := pc.reported[key]; pe != nil {
		if rel >= 0 {
			pe.with[idx[rel]] = struct{}{}
		}
		return
	}

	var (
		node        *yaml.Node
		path, value string
		msg         = fe.Msg
	)
	switch key.src {
	case srcSearch:
		s := p.srch
		node, path, value = s.ends[key.val], "search.bracket", seqText(s.bracket)
		msg = fmt.Sprintf("%s = %s at the %s end: %s", prm.name, fmtFloat(s.vals[key.val]), endName(key.val), fe.Msg)
	case srcFixed:
		f := p.fixed[prm.name]
		node, path, value = f.val, "fixed."+prm.name, text(f.val)
	case srcUnset:
		node, path = p.root, "fixed."+prm.name
		if f, ok := p.top["fixed"]; ok {
			node = f.key
		}
		if isZeroValue(fe.Value) {
			msg = "required: set it under fixed: or as a grid axis"
			if prm.name == "source" {
				msg += " (" + sourceKinds + ")"
			}
		} else {
			value = fmt.Sprint(fe.Value)
			msg = fe.Msg + " (the default value)"
		}
	default:
		node, path, value = p.axes[key.src].at(key.val)
	}
	if prm.enum != nil {
		if s, ok := fe.Value.(string); ok && !slices.Contains(prm.enum, s) {
			msg += didYouMean(s, prm.enum)
		}
	}
	pe := &pointError{err: p.errorAt(node, path, value, msg), msg: msg, related: rel}
	if rel >= 0 {
		pe.with = map[int]struct{}{idx[rel]: {}}
	}
	pc.reported[key] = pe
	pc.order = append(pc.order, pe)
}

// isZeroValue reports whether v, a FieldError value, is a zero value (an
// unset field); Validate writes the empty string as `""`.
func isZeroValue(v any) bool {
	switch v := v.(type) {
	case float64:
		return v == 0
	case int:
		return v == 0
	case string:
		return v == "" || v == `""`
	case bool:
		return !v
	}
	return false
}
