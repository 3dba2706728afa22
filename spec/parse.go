package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/big"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bitsweep/bitsweep/train"
)

// topKeys are the keys of the top-level mapping.
var topKeys = []string{"name", "description", "fixed", "grid", "seeds", "exclude"}

// rangeKeys are the keys of a range mapping.
var rangeKeys = []string{"from", "to", "step", "num", "log"}

// pair is one key: value entry of a mapping, aliases resolved.
type pair struct {
	name     string
	key, val *yaml.Node
}

// axisSrc is a grid axis being parsed, with the nodes its values came from.
type axisSrc struct {
	p      *param
	key    *yaml.Node
	items  []*yaml.Node // the node of each value of a list axis; nil for a range
	rng    *yaml.Node   // the range mapping of a range axis
	values []any
}

// at returns where value j of the axis was written: its node, path and
// text.
func (a *axisSrc) at(j int) (*yaml.Node, string, string) {
	if a.items != nil {
		return a.items[j], fmt.Sprintf("grid.%s[%d]", a.p.name, j), text(a.items[j])
	}
	return a.rng, "grid." + a.p.name, fmtValue(a.values[j])
}

// parser holds the state of one Parse call.
type parser struct {
	file, dir string
	data      []byte
	errs      ErrorList
	truncated bool

	root  *yaml.Node
	top   map[string]pair // top-level entries by key
	spec  *Spec
	fixed map[string]pair // fixed entries by parameter, including bad ones
	grid  map[string]pair // grid entries by parameter, including bad ones
	axes  []*axisSrc
	axisK map[string]int // axis index by parameter
	excl  []exclusion
	// broken holds parameters whose value was already reported bad and
	// left out: Validate's complaints about them are not repeated.
	broken map[string]bool
}

func newParser(data []byte, filename string) *parser {
	return &parser{
		file: filename, dir: filepath.Dir(filename), data: data,
		top: map[string]pair{}, fixed: map[string]pair{}, grid: map[string]pair{},
		axisK: map[string]int{}, broken: map[string]bool{},
		spec: &Spec{},
	}
}

// errorAt records a problem at node n (nil: no position) and returns it
// (nil when maxErrors were already recorded).
func (p *parser) errorAt(n *yaml.Node, path, value, msg string) *Error {
	if len(p.errs) >= maxErrors {
		p.truncated = true
		return nil
	}
	e := &Error{File: p.file, Path: path, Value: value, Msg: msg}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
	return e
}

// yamlLine matches yaml.v3's syntax errors, "yaml: line N: message".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError records an error from the YAML parser with its line.
func (p *parser) syntaxError(err error) {
	msg := err.Error()
	e := &Error{File: p.file}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Column = 1
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	e.Msg = "YAML syntax error: " + msg
	p.errs = append(p.errs, e)
}

// decode reads the next YAML document into n, turning a panic of the YAML
// library (there have been some) into an error.
func decode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

// parse runs every check and returns the spec (meaningful only when no
// error was recorded).
func (p *parser) parse() *Spec {
	if len(p.data) > MaxFileSize {
		p.errorAt(nil, "", "", fmt.Sprintf("the file is larger than %d bytes (1 MiB), the limit for a spec", MaxFileSize))
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(p.data))
	var doc yaml.Node
	if err := decode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorAt(nil, "", "", "the spec is empty (it needs at least name and grid)")
		} else {
			p.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := decode(dec, &extra); err == nil {
		p.errorAt(&extra, "", "", "a second YAML document: a spec is one document (remove the '---')")
		return nil
	} else if !errors.Is(err, io.EOF) {
		p.syntaxError(err)
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		p.errorAt(&doc, "", "", "the spec is empty (it needs at least name and grid)")
		return nil
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		p.errorAt(doc.Content[0], "", "", "the spec is empty (it needs at least name and grid)")
		return nil
	}
	if root.Kind != yaml.MappingNode {
		p.errorAt(root, "", "", "the top level must be a mapping (name: …, grid: …), not "+describe(root))
		return nil
	}
	if n, msg := walkLimits(root); n != nil {
		p.errorAt(n, "", "", msg)
		return nil
	}
	p.root = root

	p.parseTop()
	p.parseName()
	p.parseDescription()
	if kv, ok := p.top["fixed"]; ok {
		p.parseFixed(kv)
	}
	if kv, ok := p.top["grid"]; ok {
		p.parseGrid(kv)
	} else {
		p.errorAt(root, "grid", "", "required: a sweep needs at least one grid axis, e.g. grid: {sparsity: [0.1, 0.5]}")
	}
	p.parseSeeds()
	p.parseExclude()
	if p.checkSize() {
		p.checkPoints()
	}

	s := p.spec
	s.Raw = bytes.Clone(p.data)
	for _, a := range p.axes {
		s.Axes = append(s.Axes, Axis{Name: a.p.name, Values: a.values, Line: a.key.Line})
	}
	return s
}

// pairs returns the entries of mapping m, reporting (and leaving out) keys
// that are not plain scalars, merge keys and duplicate keys. prefix is the
// path of m.
func (p *parser) pairs(m *yaml.Node, prefix string) []pair {
	seen := map[string]*yaml.Node{}
	var out []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode {
			p.errorAt(m.Content[i], prefix, "", "keys must be plain names, not "+describe(k))
			continue
		}
		name := k.Value
		if len(name) > 64 {
			name = name[:64] + "…"
		}
		path := joinPath(prefix, name)
		if k.ShortTag() == "!!merge" {
			p.errorAt(k, path, "", "merge keys (<<) are not supported: write the keys out")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorAt(k, path, "", fmt.Sprintf("duplicate key (first at line %d)", first.Line))
			continue
		}
		seen[k.Value] = k
		if v == nil {
			p.errorAt(m.Content[i+1], path, "", "alias chain too long or dangling")
			continue
		}
		out = append(out, pair{name: name, key: k, val: v})
	}
	return out
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// parseTop sorts the top-level entries and reports unknown keys.
func (p *parser) parseTop() {
	for _, kv := range p.pairs(p.root, "") {
		if slices.Contains(topKeys, kv.name) {
			p.top[kv.name] = kv
			continue
		}
		msg := "unknown key"
		if _, isParam := paramByName[kv.name]; isParam {
			msg += ": parameters go under fixed: or grid:"
		} else if s := suggest(kv.name, topKeys); s != "" {
			msg += " (did you mean " + s + "?)"
		} else if s := suggest(kv.name, paramNames()); s != "" {
			msg += " (did you mean " + s + "? parameters go under fixed: or grid:)"
		} else {
			msg += " (the keys are " + strings.Join(topKeys, ", ") + ")"
		}
		p.errorAt(kv.key, kv.name, "", msg)
	}
}

func (p *parser) parseName() {
	kv, ok := p.top["name"]
	if !ok {
		p.errorAt(p.root, "name", "", "required: the sweep's name, matching [a-z0-9][a-z0-9._-]{0,62}")
		return
	}
	if kv.val.Kind != yaml.ScalarNode || isNull(kv.val) {
		p.errorAt(kv.val, "name", "", "must be a name matching [a-z0-9][a-z0-9._-]{0,62}, not "+describe(kv.val))
		return
	}
	if err := CheckName(kv.val.Value); err != nil {
		p.errorAt(kv.val, "name", text(kv.val), err.Error())
		return
	}
	p.spec.Name = kv.val.Value
}

func (p *parser) parseDescription() {
	kv, ok := p.top["description"]
	if !ok || isNull(kv.val) {
		return
	}
	if kv.val.Kind != yaml.ScalarNode {
		p.errorAt(kv.val, "description", "", "must be text, not "+describe(kv.val))
		return
	}
	p.spec.Description = kv.val.Value
}

// paramKey returns the parameter named by the key of kv, or reports why it
// is not one. section is "fixed" or "grid".
func (p *parser) paramKey(kv pair, section string) *param {
	path := section + "." + kv.name
	if prm, ok := paramByName[kv.name]; ok {
		return prm
	}
	var msg string
	switch {
	case kv.name == "seed":
		msg = "the seeds are set by the top-level key seeds (seeds: 3 or seeds: [1, 7, 42])"
	case slices.Contains(topKeys, kv.name):
		msg = "unknown parameter: " + kv.name + " is a top-level key"
	default:
		msg = "unknown parameter" + didYouMean(kv.name, paramNames())
		if !strings.Contains(msg, "did you mean") {
			msg += " (the parameters are " + strings.Join(paramNames(), ", ") + ")"
		}
	}
	p.errorAt(kv.key, path, "", msg)
	return nil
}

// value decodes the scalar n as a value of prm and checks what can be
// checked of one value alone: its type, finiteness, an explicit zero that
// Defaults would silently replace, and image-source paths (resolved to
// absolute paths). It reports problems at path and returns ok = false.
func (p *parser) value(prm *param, n *yaml.Node, path string) (any, bool) {
	v, msg := decodeScalar(n, prm.kind)
	if msg == "" {
		msg = zeroMsg(prm, v)
	}
	if msg == "" && prm.name == "source" {
		v, msg = p.checkSource(v.(string))
	}
	if msg != "" {
		p.errorAt(n, path, text(n), msg)
		return nil, false
	}
	return v, true
}

// zeroMsg returns why v may not be given explicitly, or "".
func zeroMsg(prm *param, v any) string {
	switch v := v.(type) {
	case float64:
		if v == 0 && prm.defaulted {
			return prm.zeroMsg
		}
	case int:
		if v == 0 && prm.defaulted {
			return prm.zeroMsg
		}
	case string:
		if v == "" {
			if prm.defaulted {
				return "must not be empty (omit the key to get the default)"
			}
			return "must not be empty"
		}
	}
	return ""
}

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

func (p *parser) parseGrid(kv pair) {
	const hint = "give at least one axis, e.g. sparsity: [0.1, 0.5]"
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
		fpath := path + "." + f.name
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
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, "a seed must be an integer ≥ 0, not " + describe(n)
	}
	var u uint64
	if n.Decode(&u) == nil {
		return u, ""
	}
	var i int64
	if n.Decode(&i) == nil && i < 0 {
		return 0, "a seed must be ≥ 0"
	}
	return 0, "a seed must be < 2⁶⁴"
}

func (p *parser) parseExclude() {
	kv, ok := p.top["exclude"]
	if !ok || isNull(kv.val) {
		return
	}
	if kv.val.Kind != yaml.SequenceNode {
		p.errorAt(kv.val, "exclude", "", "must be a list of mappings, e.g. - {arch: linear, sparsity: 0.9}; not "+describe(kv.val))
		return
	}
	axisNames := make([]string, len(p.axes))
	for i, a := range p.axes {
		axisNames[i] = a.p.name
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
			fpath := path + "." + f.name
			k, isAxis := p.axisK[f.name]
			if !isAxis {
				good = false
				if _, inGrid := p.grid[f.name]; inGrid && p.broken[f.name] {
					continue // the axis's own error says it all
				}
				var msg string
				if fx, inFixed := p.fixed[f.name]; inFixed {
					msg = fmt.Sprintf("%s is fixed (line %d), not a grid axis: exclusions match grid axes only", f.name, fx.key.Line)
				} else if f.name == "seed" {
					msg = "seeds cannot be excluded: list the ones you want under seeds:"
				} else if _, isParam := paramByName[f.name]; isParam {
					msg = "not a grid axis (the axes are " + strings.Join(axisNames, ", ") + ")"
				} else {
					msg = "unknown parameter" + didYouMean(f.name, axisNames) + " (the axes are " + strings.Join(axisNames, ", ") + ")"
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

// checkSize checks the number of points against MaxCombinations and
// MaxPoints, from the axis lengths alone before anything is expanded, then
// (when the grid is small enough to walk) counts the points the exclusions
// leave. It reports whether the grid is small enough to validate point by
// point.
func (p *parser) checkSize() bool {
	if len(p.axes) == 0 {
		return false
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
		p.errorAt(at, "grid", "", msg)
		return false
	}
	if len(p.excl) == 0 {
		if total.Cmp(big.NewInt(MaxPoints)) > 0 {
			p.errorAt(at, "grid", "", fmt.Sprintf("the sweep has %s points (%s); at most %s are allowed",
				groupDigits(total.String()), shape, groupDigits(strconv.Itoa(MaxPoints))))
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
		p.errorAt(p.top["exclude"].key, "exclude", "", fmt.Sprintf("the exclusions remove all %s points", groupDigits(total.String())))
		return false
	case after > MaxPoints:
		p.errorAt(at, "grid", "", fmt.Sprintf("the sweep has %s points after exclusions (%s points before: %s); at most %s are allowed",
			groupDigits(strconv.FormatInt(after, 10)), groupDigits(total.String()), shape, groupDigits(strconv.Itoa(MaxPoints))))
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

// pointError is a Validate complaint being collected: one Error, and the
// values of the related grid axis (see related) at which it occurred.
type pointError struct {
	err     *Error
	msg     string
	related string   // the related axis, "" if none
	with    []string // its values, in order of occurrence
}

// checkPoints runs train.Config.Validate on every point that the
// exclusions leave (Defaults applied; the seed plays no part), and reports
// each distinct problem once, at the node that supplied the offending
// value. After a field's error it substitutes a valid value for the field
// and validates again, to find the point's other problems too.
func (p *parser) checkPoints() {
	reported := map[string]*pointError{}
	var order []*pointError
	limit := MaxPoints // bounds the work when exclusions were left out
	// Allocated once: the setters take a pointer, which would otherwise
	// move a Config to the heap for every point.
	cfg, c := new(train.Config), new(train.Config)
	forEachCombo(p.lens(), p.excl, func(_ int, idx []int) bool {
		*cfg = p.spec.Fixed
		for k, a := range p.axes {
			a.p.set(cfg, a.values[idx[k]])
		}
		*c = cfg.Defaults()
		var done map[string]bool
		for range len(params) + 1 {
			err := c.Validate()
			if err == nil {
				break
			}
			var fe *train.FieldError
			prm := (*param)(nil)
			if errors.As(err, &fe) {
				prm = paramByName[fe.Field]
			}
			if prm == nil {
				if reported[err.Error()] == nil {
					reported[err.Error()] = &pointError{err: p.errorAt(p.root, "", "", err.Error())}
				}
				break
			}
			if pe := p.reportField(fe, prm, idx, reported); pe != nil {
				order = append(order, pe)
			}
			if prm.neutral == nil || done[prm.name] {
				break
			}
			if done == nil {
				done = map[string]bool{}
			}
			done[prm.name] = true
			prm.neutral(c)
		}
		limit--
		return limit > 0 && !p.truncated
	})
	for _, pe := range order {
		if pe.err == nil || len(pe.with) == 0 {
			continue
		}
		const show = 5
		with := pe.with
		if len(with) > show {
			with = append(with[:show:show], "…")
		}
		pe.err.Msg = pe.msg + " (with " + pe.related + " = " + strings.Join(with, " or ") + ")"
	}
}

// reportField records Validate's complaint fe about parameter prm of the
// point with axis indexes idx, once per distinct path, value and message;
// it returns the new pointError, or nil if the complaint was known.
func (p *parser) reportField(fe *train.FieldError, prm *param, idx []int, reported map[string]*pointError) *pointError {
	if p.broken[prm.name] {
		return nil // its value was already reported bad
	}
	var (
		node        *yaml.Node
		path, value string
		msg         = fe.Msg
	)
	if k, ok := p.axisK[prm.name]; ok {
		node, path, value = p.axes[k].at(idx[k])
	} else if f, ok := p.fixed[prm.name]; ok {
		node, path, value = f.val, "fixed."+prm.name, text(f.val)
	} else {
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
	}
	if prm.enum != nil {
		if s, ok := fe.Value.(string); ok && !slices.Contains(prm.enum, s) {
			msg += didYouMean(s, prm.enum)
		}
	}
	var rel, with string
	if r, ok := related[prm.name]; ok {
		if k, ok := p.axisK[r]; ok {
			rel = r
			_, _, with = p.axes[k].at(idx[k])
		}
	}
	key := path + "\x00" + value + "\x00" + msg
	if pe := reported[key]; pe != nil {
		if with != "" && !slices.Contains(pe.with, with) {
			pe.with = append(pe.with, with)
		}
		return nil
	}
	pe := &pointError{err: p.errorAt(node, path, value, msg), msg: msg, related: rel}
	if with != "" {
		pe.with = []string{with}
	}
	reported[key] = pe
	return pe
}
