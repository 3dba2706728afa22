package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// rangeKeys are the keys of a range mapping.
var rangeKeys = []string{"from", "to", "step", "num", "log"}

// axisSrc is a grid axis being parsed, with the nodes its values came from.
type axisSrc struct {
	p      *param
	key    *yaml.Node
	items  []*yaml.Node // the node of each value of a list axis; nil for a range
	pos    []int        // the position in the list of each value (bad items are left out)
	rng    *yaml.Node   // the range mapping of a range axis
	values []any
}

// at returns where value j of the axis was written: its node, path and
// text.
func (a *axisSrc) at(j int) (*yaml.Node, string, string) {
	if a.items != nil {
		return a.items[j], fmt.Sprintf("grid.%s[%d]", a.p.name, a.pos[j]), text(a.items[j])
	}
	return a.rng, "grid." + a.p.name, fmtValue(a.values[j])
}

// parseGrid reads the grid: mapping into p.axes, in file order. An axis
// whose values all failed is left out and its parameter marked broken.
func (p *parser) parseGrid(kv pair) {
	const hint = "give at least one axis, e.g. sparsity: [0.1, 0.5]"
	if _, searching := p.top["search"]; searching && (isNull(kv.val) || kv.val.Kind == yaml.MappingNode && len(kv.val.Content) == 0) {
		return // a search without axes: one cell
	}
	if isNull(kv.val) {
		p.errorAt(kv.key, "grid", "", "empty: "+hint)
		return
	}
	if kv.val.Kind != yaml.MappingNode {
		p.errorAt(kv.val, "grid", "", "must be a mapping of parameter: values, not "+describe(kv.val))
		return
	}
	if len(kv.val.Content) == 0 {
		p.errorAt(kv.val, "grid", "", "empty: "+hint)
		return
	}
	for _, g := range p.pairs(kv.val, "grid") {
		prm := p.paramKey(g, "grid")
		if prm == nil {
			continue
		}
		p.grid[prm.name] = g
		path := "grid." + prm.name
		if f, ok := p.fixed[prm.name]; ok {
			p.errorAt(g.key, path, "", fmt.Sprintf("also set under fixed (line %d): a parameter is either fixed or a grid axis", f.key.Line))
			continue
		}
		a := &axisSrc{p: prm, key: g.key}
		switch {
		case isNull(g.val):
			p.errorAt(g.key, path, "", "empty axis: give a list of values or a range")
		case g.val.Kind == yaml.SequenceNode:
			p.listAxis(a, g.val)
		case g.val.Kind == yaml.MappingNode:
			p.rangeAxis(a, g.val)
		default:
			p.errorAt(g.val, path, text(g.val), "an axis takes a list of values or a range, not a single value (for one value, put it under fixed:)")
		}
		if len(a.values) == 0 {
			p.broken[prm.name] = true
			continue
		}
		p.axisK[prm.name] = len(p.axes)
		p.axes = append(p.axes, a)
	}
}

// listAxis reads the values of a list axis.
func (p *parser) listAxis(a *axisSrc, seq *yaml.Node) {
	path := "grid." + a.p.name
	if len(seq.Content) == 0 {
		p.errorAt(seq, path, "[]", "empty axis: give at least one value")
		return
	}
	if len(seq.Content) > MaxAxisValues {
		p.errorAt(seq, path, "", fmt.Sprintf("%d values; an axis has at most %d", len(seq.Content), MaxAxisValues))
		return
	}
	seen := map[any]*yaml.Node{}
	read := map[*yaml.Node]bool{} // items read, to spot aliases of one
	for j, it := range seq.Content {
		n := deref(it)
		ipath := fmt.Sprintf("%s[%d]", path, j)
		if n == nil {
			p.errorAt(it, ipath, "", "alias chain too long or dangling")
			continue
		}
		if n.Kind != yaml.ScalarNode {
			p.errorAt(n, ipath, "", "must be "+a.p.kind.String()+", not "+describe(n)+" (an axis is a flat list of values)")
			continue
		}
		if read[n] {
			// An alias of an earlier item: the same value again, known
			// without decoding (or hashing) it again.
			p.errorAt(n, ipath, text(n), fmt.Sprintf("duplicate value (also at line %d)", n.Line))
			continue
		}
		read[n] = true
		v, ok := p.value(a.p, n, ipath)
		if !ok {
			continue
		}
		if first, dup := seen[v]; dup {
			p.errorAt(n, ipath, text(n), fmt.Sprintf("duplicate value (also at line %d)", first.Line))
			continue
		}
		seen[v] = n
		a.items = append(a.items, n)
		a.pos = append(a.pos, j)
		a.values = append(a.values, v)
	}
}

// rangeAxis reads and expands a range axis.
func (p *parser) rangeAxis(a *axisSrc, m *yaml.Node) {
	path := "grid." + a.p.name
	if a.p.kind != kindFloat && a.p.kind != kindInt {
		p.errorAt(m, path, "", "a range needs a numeric parameter; list the values instead")
		return
	}
	var r numRange
	nodes := map[string]*yaml.Node{}
	ok := true
	for _, f := range p.pairs(m, path) {
		fpath := path + "." + f.show
		var k kind
		switch f.name {
		case "from", "to", "step":
			k = a.p.kind
		case "num":
			k = kindInt
		case "log":
			k = kindBool
		default:
			msg := "unknown range key" + didYouMean(f.name, rangeKeys) + " (a range is {from, to, step} or {from, to, num, log})"
			p.errorAt(f.key, fpath, "", msg)
			ok = false
			continue
		}
		v, msg := decodeScalar(f.val, k)
		if msg != "" {
			p.errorAt(f.val, fpath, text(f.val), msg)
			ok = false
			continue
		}
		nodes[f.name] = f.val
		switch f.name {
		case "from":
			r.From = toFloat(v)
		case "to":
			r.To = toFloat(v)
		case "step":
			r.Step = toFloat(v)
		case "num":
			r.Num = v.(int)
		case "log":
			r.Log = v.(bool)
		}
	}
	if !ok {
		return
	}
	_, hasFrom := nodes["from"]
	_, hasTo := nodes["to"]
	_, hasStep := nodes["step"]
	_, hasNum := nodes["num"]
	switch {
	case !hasFrom || !hasTo:
		p.errorAt(m, path, "", "a range needs from and to")
		return
	case hasStep && hasNum:
		p.errorAt(nodes["num"], path+".num", text(nodes["num"]), "give step or num, not both")
		return
	case !hasStep && !hasNum:
		p.errorAt(m, path, "", "a range needs step or num")
		return
	}
	r.HasStep = hasStep
	vals, rerr := r.Values()
	if rerr != nil {
		if n, ok := nodes[rerr.key]; ok {
			p.errorAt(n, path+"."+rerr.key, text(n), rerr.msg)
		} else {
			p.errorAt(m, path, "", rerr.msg)
		}
		return
	}
	values := make([]any, len(vals))
	for i, v := range vals {
		if a.p.kind == kindInt {
			if v != float64(int64(v)) {
				p.errorAt(m, path, fmtFloat(v), "not an integer, and "+a.p.name+" is an integer parameter (use step, or list the values)")
				return
			}
			values[i] = int(v)
		} else {
			values[i] = v
		}
		if msg := zeroMsg(a.p, values[i]); msg != "" {
			p.errorAt(m, path, "0", msg+" (the range includes 0)")
			return
		}
	}
	a.rng = m
	a.values = values
}

func toFloat(v any) float64 {
	if i, ok := v.(int); ok {
		return float64(i)
	}
	return v.(float64)
}

// fmtValue formats a parameter value for messages.
func fmtValue(v any) string {
	switch v := v.(type) {
	case float64:
		return fmtFloat(v)
	case string:
		if v == "" {
			return `""`
		}
		return v
	}
	return fmt.Sprint(v)
}
