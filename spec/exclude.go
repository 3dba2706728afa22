package spec

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseExclude reads the exclude: list into Spec.Exclude and p.excl. Keys
// must be grid axes and values must be on their axis, so that a typo cannot
// silently exclude nothing.
func (p *parser) parseExclude() {
	kv, ok := p.top["exclude"]
	if !ok || isNull(kv.val) {
		return
	}
	if kv.val.Kind != yaml.SequenceNode {
		p.errorAt(kv.val, "exclude", "", "must be a list of mappings, e.g. - {arch: linear, sparsity: 0.9}; not "+describe(kv.val))
		return
	}
	if n := len(kv.val.Content); n > MaxExclusions {
		p.errorAt(kv.key, "exclude", "", fmt.Sprintf("%d entries; at most %d are allowed", n, MaxExclusions))
		return
	}
	axisNames := make([]string, len(p.axes))
	for i, a := range p.axes {
		axisNames[i] = a.p.name
	}
	theAxes := "the axes are " + strings.Join(axisNames, ", ")
	if len(axisNames) == 0 {
		theAxes = "the spec has no grid axes"
	}
	for i, it := range kv.val.Content {
		path := fmt.Sprintf("exclude[%d]", i)
		e := deref(it)
		if e == nil || e.Kind != yaml.MappingNode {
			p.errorAt(it, path, text(e), "must be a mapping of grid axis: value, e.g. {arch: linear}; not "+describe(e))
			continue
		}
		if len(e.Content) == 0 {
			p.errorAt(e, path, "{}", "an empty exclusion would remove every point")
			continue
		}
		entry := map[string]any{}
		var terms exclusion
		good := true
		for _, f := range p.pairs(e, path) {
			fpath := path + "." + f.show
			k, isAxis := p.axisK[f.name]
			if !isAxis {
				good = false
				if _, inGrid := p.grid[f.name]; inGrid && p.broken[f.name] {
					continue // the axis's own error says it all
				}
				var msg string
				if fx, inFixed := p.fixed[f.name]; inFixed {
					msg = fmt.Sprintf("%s is fixed (line %d), not a grid axis: exclusions match grid axes only", f.name, fx.key.Line)
				} else if p.srch != nil && p.srch.name == f.name {
					msg = fmt.Sprintf("%s is the search variable (line %d), not a grid axis: exclusions match grid axes only (narrow the bracket instead)", f.name, p.srch.kv.key.Line)
				} else if f.name == "seed" {
					msg = "seeds cannot be excluded: list the ones you want under seeds:"
				} else if _, isParam := paramByName[f.name]; isParam {
					msg = "not a grid axis (" + theAxes + ")"
				} else {
					msg = "unknown parameter" + didYouMean(f.name, axisNames) + " (" + theAxes + ")"
				}
				p.errorAt(f.key, fpath, "", msg)
				continue
			}
			a := p.axes[k]
			if f.val.Kind != yaml.ScalarNode {
				p.errorAt(f.val, fpath, "", "must be one value of the axis, not "+describe(f.val))
				good = false
				continue
			}
			v, ok := p.value(a.p, f.val, fpath)
			if !ok {
				good = false
				continue
			}
			j := slices.Index(a.values, v)
			if j < 0 {
				p.errorAt(f.val, fpath, text(f.val), "not a value of the grid axis "+a.p.name+" ("+listValues(a.values)+")")
				good = false
				continue
			}
			entry[f.name] = v
			terms = append(terms, exclTerm{axis: k, value: j})
		}
		if good {
			p.spec.Exclude = append(p.spec.Exclude, entry)
			p.excl = append(p.excl, terms)
		}
	}
}

// listValues formats up to 10 values of an axis.
func listValues(vals []any) string {
	const show = 10
	s := make([]string, 0, show)
	for i, v := range vals {
		if i == show {
			s = append(s, fmt.Sprintf("… %d in all", len(vals)))
			break
		}
		s = append(s, fmtValue(v))
	}
	return "values: " + strings.Join(s, ", ")
}
