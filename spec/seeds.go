package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// parseSeeds reads seeds: (a count N for 1..N, or a list of distinct
// seeds) into Spec.Seeds; absent, the seeds are [1].
func (p *parser) parseSeeds() {
	kv, ok := p.top["seeds"]
	if !ok {
		p.spec.Seeds = []uint64{1}
		return
	}
	const hint = " (seeds is a count N, meaning seeds 1 to N, or a list of seeds)"
	n := kv.val
	switch n.Kind {
	case yaml.ScalarNode:
		v, msg := decodeScalar(n, kindInt)
		switch {
		case msg != "":
			p.errorAt(n, "seeds", text(n), msg+hint)
		case v.(int) < 1:
			p.errorAt(n, "seeds", text(n), "the count must be ≥ 1"+hint)
		case v.(int) > MaxPoints:
			p.errorAt(n, "seeds", text(n), fmt.Sprintf("at most %d seeds", MaxPoints))
		default:
			p.spec.Seeds = make([]uint64, v.(int))
			for i := range p.spec.Seeds {
				p.spec.Seeds[i] = uint64(i + 1)
			}
		}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorAt(n, "seeds", "[]", "empty: give at least one seed"+hint)
			return
		}
		if len(n.Content) > MaxPoints {
			p.errorAt(n, "seeds", "", fmt.Sprintf("at most %d seeds", MaxPoints))
			return
		}
		seen := map[uint64]*yaml.Node{}
		for i, it := range n.Content {
			s := deref(it)
			path := fmt.Sprintf("seeds[%d]", i)
			seed, msg := decodeSeed(s)
			if msg != "" {
				p.errorAt(it, path, text(s), msg)
				continue
			}
			if first, dup := seen[seed]; dup {
				p.errorAt(s, path, text(s), fmt.Sprintf("duplicate seed (also at line %d)", first.Line))
				continue
			}
			seen[seed] = s
			p.spec.Seeds = append(p.spec.Seeds, seed)
		}
	default:
		p.errorAt(n, "seeds", "", "must be a count or a list of seeds, not "+describe(n))
	}
}

// decodeSeed reads one seed: an integer in [0, 2⁶⁴).
func decodeSeed(n *yaml.Node) (uint64, string) {
	if n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var u uint64
		if n.Decode(&u) == nil {
			return u, ""
		}
	}
	// Not a uint64: say why. yaml.v3 reads integers beyond 64 bits as
	// floats, and an explicit !!int tag can hold anything.
	if n != nil && n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
		if i := integerLiteral(n.Value); i != nil {
			if i.Sign() < 0 {
				return 0, "a seed must be ≥ 0"
			}
			return 0, "a seed must be < 2⁶⁴"
		}
		if n.ShortTag() == "!!int" {
			return 0, "a seed must be an integer ≥ 0"
		}
	}
	return 0, "a seed must be an integer ≥ 0, not " + describe(n)
}
