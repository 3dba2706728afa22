package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bitsweep/bitsweep/search"
)

// searchKeys are the keys of the search: mapping, in the order documented.
var searchKeys = []string{"variable", "bracket", "metric", "level", "between", "tolerance", "probes"}

// searchAliases maps names people plausibly write for a key of search: to
// the key (checked before the edit-distance suggestions, which would not
// find these).
var searchAliases = map[string]string{
	"var": "variable", "param": "variable", "parameter": "variable", "over": "variable",
	"range": "bracket", "interval": "bracket", "bounds": "bracket", "lo": "bracket", "hi": "bracket",
	"threshold": "level", "target": "level", "value": "level",
	"tol": "tolerance", "precision": "tolerance", "resolution": "tolerance",
	"k": "probes", "per_round": "probes", "probes_per_round": "probes",
	"curves": "between", "criterion": "metric",
}

// minTolerance is the smallest tolerance accepted. Probe values are rounded
// to 1e-6 (search.RoundValue); the k ≤ search.MaxProbes values of a round
// inside a bracket wider than the tolerance are spaced by more than
// tolerance/(k + 1) ≥ 1e-4/17 ≈ 6e-6, so that they stay distinct and in
// order after rounding.
const minTolerance = 1e-4

// searchSrc is the search: block being parsed, with the nodes its values
// came from.
type searchSrc struct {
	kv pair // the top-level entry
	// name is the variable when it is sparsity or rate (usable or not).
	name string
	// prm is the searched parameter when it is usable: sparsity or rate,
	// and neither fixed nor a grid axis. nil otherwise.
	prm *param
	// bracket is the bracket's list, ends its two items and vals their
	// values; okBracket says they are two finite numbers with lo < hi.
	bracket   *yaml.Node
	ends      [2]*yaml.Node
	vals      [2]float64
	okBracket bool
	// settings is the whole block, set only when every field is good.
	settings *search.Settings
}

// ready reports whether the training configs at both ends of the bracket
// can be checked (see checkPoints): the variable and the bracket are good.
func (s *searchSrc) ready() bool { return s != nil && s.prm != nil && s.okBracket }

// parseSearch reads the search: mapping (after fixed: and grid:, whose
// parameters the variable must not be) into p.srch, and, when every field
// is good, Spec.Search and Spec.SearchLine. Each field is checked with the
// rules of search.Settings.Validate (and a few more that make a search
// pointless or impossible: see SCHEMA.md), and its problems are reported at
// the field; Validate itself is then run as a backstop.
func (p *parser) parseSearch(kv pair) {
	src := &searchSrc{kv: kv}
	p.srch = src
	defer func() {
		// Without a usable bracket, the points are checked without the
		// variable: its complaints (rate unset, say) would be noise.
		// An unreadable variable could be either.
		if !src.ready() {
			vars := search.Variables
			if src.name != "" {
				vars = []string{src.name}
			}
			for _, v := range vars {
				if _, fixed := p.fixed[v]; !fixed {
					if _, axis := p.grid[v]; !axis {
						p.broken[v] = true
					}
				}
			}
		}
	}()
	const example = "e.g. {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.02}"
	if isNull(kv.val) {
		p.errorAt(kv.key, "search", "", "empty: give variable, bracket, metric, level and tolerance, "+example)
		return
	}
	if kv.val.Kind != yaml.MappingNode {
		p.errorAt(kv.val, "search", text(kv.val), "must be a mapping of variable, bracket, metric, level and tolerance ("+example+"), not "+describe(kv.val))
		return
	}
	fields := map[string]pair{}
	for _, f := range p.pairs(kv.val, "search") {
		if !slices.Contains(searchKeys, f.name) {
			p.errorAt(f.key, "search."+f.show, "", unknownSearchKey(f.name))
			continue
		}
		fields[f.name] = f
	}
	required := func(name, what string) {
		p.errorAt(kv.key, "search."+name, "", "required: "+what)
	}
	var set search.Settings
	good := true // every field read so far is good

	// variable
	if f, ok := fields["variable"]; !ok {
		required("variable", "the parameter searched over, sparsity or rate")
		good = false
	} else if v, ok := p.searchVariable(f); !ok {
		good = false
	} else {
		set.Variable = v
	}

	// bracket
	if f, ok := fields["bracket"]; !ok {
		required("bracket", "[lo, hi], the values of the variable between which the crossing lies")
		good = false
	} else if p.searchBracket(src, f) && p.searchZeroEnd(src) {
		set.Lo, set.Hi = src.vals[0], src.vals[1]
	} else {
		good = false
	}

	// metric
	metricOK := false
	if f, ok := fields["metric"]; !ok {
		required("metric", "the metric of the trained points that crosses the level: "+orList(search.Metrics))
		good = false
	} else if v, msg := decodeScalar(f.val, kindString); msg != "" {
		p.errorAt(f.val, "search.metric", text(f.val), msg)
		good = false
	} else if !slices.Contains(search.Metrics, v.(string)) {
		p.errorAt(f.val, "search.metric", text(f.val), "unknown metric"+searchDidYouMean(v.(string), search.Metrics)+" (want "+orList(search.Metrics)+")")
		good = false
	} else {
		set.Criterion.Metric = v.(string)
		metricOK = true
	}

	// between
	fb, hasBetween := fields["between"]
	if hasBetween {
		if names, ok := p.searchBetween(fb); !ok {
			good = false
		} else if metricOK && set.Criterion.Metric != "loss" {
			p.errorAt(fb.val, "search.between", seqText(fb.val), "only with metric: loss, not "+set.Criterion.Metric+" (between places the level between two theory loss curves)")
			good = false
		} else {
			set.Criterion.Between = names
		}
	}

	// level
	if f, ok := fields["level"]; !ok {
		if hasBetween {
			set.Criterion.Level = 0.5 // the midpoint
		} else {
			required("level", "the value the seed-averaged metric crosses, e.g. level: 0.5")
			good = false
		}
	} else if v, msg := decodeScalar(f.val, kindFloat); msg != "" {
		p.errorAt(f.val, "search.level", text(f.val), msg)
		good = false
	} else {
		level := v.(float64)
		msg := ""
		switch {
		case hasBetween:
			if !(level > 0 && level < 1) {
				msg = "with between, the level is the fraction of the way from the first curve to the second: it must be in (0, 1)"
			}
		case !metricOK:
		case set.Criterion.Metric == "loss":
			if !(level > 0) {
				msg = "the loss is > 0: a level ≤ 0 is never crossed"
			}
		default: // perm_score and row_peak are in (0, 1]
			if !(level > 0 && level <= 1) {
				msg = set.Criterion.Metric + " is in (0, 1]: a level outside it is never crossed"
			}
		}
		if msg != "" {
			p.errorAt(f.val, "search.level", text(f.val), msg)
			good = false
		} else {
			set.Criterion.Level = level
		}
	}

	// tolerance
	if f, ok := fields["tolerance"]; !ok {
		required("tolerance", "the search stops when the bracket is no wider, e.g. tolerance: 0.02")
		good = false
	} else if v, msg := decodeScalar(f.val, kindFloat); msg != "" {
		p.errorAt(f.val, "search.tolerance", text(f.val), msg)
		good = false
	} else {
		tol := v.(float64)
		switch {
		case !(tol > 0):
			msg = "must be > 0"
		case tol < minTolerance:
			msg = fmt.Sprintf("must be at least %g (probe values are rounded to 1e-6)", minTolerance)
		case src.okBracket && !(tol < width(src.vals[0], src.vals[1])):
			msg = "must be below the bracket's width hi − lo = " + fmtFloat(width(src.vals[0], src.vals[1]))
		}
		if msg != "" {
			p.errorAt(f.val, "search.tolerance", text(f.val), msg)
			good = false
		} else {
			set.Tol = tol
		}
	}

	// probes
	if f, ok := fields["probes"]; ok {
		v, msg := decodeScalar(f.val, kindInt)
		if msg == "" && (v.(int) < 1 || v.(int) > search.MaxProbes) {
			msg = fmt.Sprintf("must be between 1 and %d (omit the key to choose it from the window)", search.MaxProbes)
		}
		if msg != "" {
			p.errorAt(f.val, "search.probes", text(f.val), msg)
			good = false
		} else {
			set.Probes = v.(int)
		}
	}

	if !good {
		return
	}
	if err := set.Validate(); err != nil {
		// Not expected: the checks above are at least as strict.
		p.errorAt(kv.key, "search", "", err.Error())
		return
	}
	src.settings = &set
}

// searchVariable reads search.variable: sparsity or rate, and neither a
// fixed parameter nor a grid axis. It sets p.srch.prm when the variable is
// usable.
func (p *parser) searchVariable(f pair) (string, bool) {
	const path = "search.variable"
	v, msg := decodeScalar(f.val, kindString)
	if msg != "" {
		p.errorAt(f.val, path, text(f.val), msg+" (want "+orList(search.Variables)+")")
		return "", false
	}
	name := v.(string)
	if !slices.Contains(search.Variables, name) {
		if _, isParam := paramByName[name]; isParam {
			msg = "cannot be searched: the variable is " + orList(search.Variables) + " (sweep " + name + " as a grid axis)"
		} else {
			msg = "unknown variable" + searchDidYouMean(name, search.Variables) + " (want " + orList(search.Variables) + ")"
		}
		p.errorAt(f.val, path, text(f.val), msg)
		return "", false
	}
	p.srch.name = name
	ok := true
	if fx, fixed := p.fixed[name]; fixed {
		p.errorAt(f.val, path, text(f.val), fmt.Sprintf("also set under fixed (line %d): a parameter is either fixed, a grid axis or the search variable", fx.key.Line))
		ok = false
	}
	if g, axis := p.grid[name]; axis {
		p.errorAt(f.val, path, text(f.val), fmt.Sprintf("also a grid axis (line %d): a parameter is either fixed, a grid axis or the search variable", g.key.Line))
		ok = false
	}
	if ok {
		p.srch.prm = paramByName[name]
	}
	return name, ok
}

// searchBracket reads search.bracket, [lo, hi] with lo < hi, into src.
func (p *parser) searchBracket(src *searchSrc, f pair) bool {
	const path = "search.bracket"
	n := f.val
	src.bracket = n
	if n.Kind != yaml.SequenceNode {
		p.errorAt(n, path, text(n), "must be a list [lo, hi] of two numbers, not "+describe(n))
		return false
	}
	if len(n.Content) != 2 {
		p.errorAt(n, path, seqText(n), fmt.Sprintf("must be two numbers [lo, hi], not %s", plural(len(n.Content), "value")))
		return false
	}
	if !p.seqItems(n, path, kindFloat, func(i int, e *yaml.Node, v any) string {
		src.ends[i], src.vals[i] = e, v.(float64)
		return ""
	}) {
		return false
	}
	lo, hi := src.vals[0], src.vals[1]
	if !(lo < hi) {
		msg := fmt.Sprintf("lo = %s must be below hi = %s", fmtFloat(lo), fmtFloat(hi))
		if lo == hi {
			msg = "lo and hi are equal: a bracket needs lo < hi"
		}
		p.errorAt(n, path, seqText(n), msg)
		return false
	}
	src.okBracket = true
	return true
}

// searchZeroEnd refuses an end of the bracket at 0 for a variable that
// train.Config.Defaults fills in (sparsity): Defaults would silently turn
// it into the default instead of Validate refusing it. It reports whether
// the ends are fine.
func (p *parser) searchZeroEnd(src *searchSrc) bool {
	prm := src.prm
	if prm == nil || !prm.defaulted {
		return true
	}
	for i, v := range src.vals {
		if v == 0 {
			p.errorAt(src.ends[i], "search.bracket", seqText(src.bracket),
				fmt.Sprintf("%s = 0 at the %s end: %s", prm.name, endName(i), prm.zeroMsg))
			src.okBracket = false
			return false
		}
	}
	return true
}

// endName names end i of the bracket.
func endName(i int) string {
	if i == 0 {
		return "lower"
	}
	return "upper"
}

// width is hi − lo rounded to 12 significant digits, as written: the
// width of [0.2, 0.8] is 0.6, not 0.6000000000000001.
func width(lo, hi float64) float64 {
	w, _ := strconv.ParseFloat(strconv.FormatFloat(hi-lo, 'g', 12, 64), 64)
	return w
}

// plural formats a count of things: "1 value", "3 values".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// searchBetween reads search.between: two different theory curves.
func (p *parser) searchBetween(f pair) ([]string, bool) {
	const path = "search.between"
	n := f.val
	curves := "the curves are " + strings.Join(search.Curves, ", ")
	if n.Kind != yaml.SequenceNode {
		p.errorAt(n, path, text(n), "must be a list of two theory curves, e.g. [gauss, identity], not "+describe(n))
		return nil, false
	}
	if len(n.Content) != 2 {
		p.errorAt(n, path, seqText(n), fmt.Sprintf("must name two theory curves, not %s (%s)", plural(len(n.Content), "curve"), curves))
		return nil, false
	}
	var names []string
	ok := p.seqItems(n, path, kindString, func(i int, _ *yaml.Node, v any) string {
		name := v.(string)
		if !slices.Contains(search.Curves, name) {
			return "unknown theory curve" + searchDidYouMean(name, search.Curves) + " (" + curves + ")"
		}
		if i == 1 && len(names) == 1 && names[0] == name {
			return "the same curve twice: between needs two different curves"
		}
		names = append(names, name)
		return ""
	})
	return names, ok
}

// seqItems decodes every item of the sequence n (at path) as a scalar of
// kind k and passes it to check, which returns a message for a bad value
// ("" for a good one). Dangling aliases, undecodable items and the
// messages of check are reported at the item, path[i]; seqItems reports
// whether every item was good.
func (p *parser) seqItems(n *yaml.Node, path string, k kind, check func(i int, e *yaml.Node, v any) string) bool {
	ok := true
	for i, it := range n.Content {
		e := deref(it)
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if e == nil {
			p.errorAt(it, ipath, "", "alias chain too long or dangling")
			ok = false
			continue
		}
		v, msg := decodeScalar(e, k)
		if msg == "" {
			msg = check(i, e, v)
		}
		if msg != "" {
			p.errorAt(e, ipath, text(e), msg)
			ok = false
		}
	}
	return ok
}

// unknownSearchKey is the message for an unknown key under search:.
func unknownSearchKey(name string) string {
	msg := "unknown key"
	if a, ok := searchAliases[strings.ReplaceAll(strings.ToLower(name), "-", "_")]; ok {
		return msg + " (did you mean " + a + "?)"
	}
	if s := suggest(name, searchKeys); s != "" {
		return msg + " (did you mean " + s + "?)"
	}
	if _, isParam := paramByName[name]; isParam {
		return msg + ": parameters go under fixed: or grid:; name the searched one with variable: (variable: sparsity, bracket: [0.2, 0.8])"
	}
	return msg + " (the keys are " + strings.Join(searchKeys, ", ") + ")"
}

// searchDidYouMean is didYouMean, and failing that the one candidate that
// starts with word or that word starts with (of at least 3 bytes): "perm"
// for perm_score, "gaussian" for gauss.
func searchDidYouMean(word string, candidates []string) string {
	if s := didYouMean(word, candidates); s != "" {
		return s
	}
	hit := ""
	for _, c := range candidates {
		w := strings.ToLower(word)
		if len(w) >= 3 && (strings.HasPrefix(c, w) || strings.HasPrefix(w, c)) {
			if hit != "" {
				return ""
			}
			hit = c
		}
	}
	if hit == "" {
		return ""
	}
	return " (did you mean " + hit + "?)"
}

// seqText is a short list of scalars as written, "[0.2, 0.8]", for error
// messages; "" for anything else (a long list, nested nodes).
func seqText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return text(n)
	}
	if len(n.Content) > 4 {
		return ""
	}
	parts := make([]string, len(n.Content))
	for i, it := range n.Content {
		e := deref(it)
		if e == nil || e.Kind != yaml.ScalarNode {
			return ""
		}
		parts[i] = text(e)
	}
	s := "[" + strings.Join(parts, ", ") + "]"
	if len(s) > maxShown {
		return ""
	}
	return s
}

// orList formats names as "a, b or c".
func orList(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
