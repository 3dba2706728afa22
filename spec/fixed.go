package spec

import (
	"gopkg.in/yaml.v3"
)

// parseFixed reads the fixed: mapping into Spec.Fixed.
func (p *parser) parseFixed(kv pair) {
	if isNull(kv.val) {
		return
	}
	if kv.val.Kind != yaml.MappingNode {
		p.errorAt(kv.val, "fixed", "", "must be a mapping of parameter: value, not "+describe(kv.val))
		return
	}
	for _, f := range p.pairs(kv.val, "fixed") {
		prm := p.paramKey(f, "fixed")
		if prm == nil {
			continue
		}
		p.fixed[prm.name] = f
		path := "fixed." + prm.name
		switch f.val.Kind {
		case yaml.SequenceNode:
			p.errorAt(f.val, path, "", "a fixed parameter has one value; to sweep over a list, put it under grid:")
			p.broken[prm.name] = true
			continue
		case yaml.MappingNode:
			p.errorAt(f.val, path, "", "a fixed parameter has one value; to sweep over a range, put it under grid:")
			p.broken[prm.name] = true
			continue
		}
		v, ok := p.value(prm, f.val, path)
		if !ok {
			p.broken[prm.name] = true
			continue
		}
		prm.set(&p.spec.Fixed, v)
	}
}
