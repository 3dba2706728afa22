package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// topKeys are the keys of the top-level mapping.
var topKeys = []string{"name", "description", "fixed", "grid", "search", "seeds", "exclude"}

// pair is one key: value entry of a mapping, aliases resolved.
type pair struct {
	name     string // the key as written
	show     string // the key as shown in paths (see keyName)
	key, val *yaml.Node
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
	// srch is the search: block being parsed (nil without one).
	srch *searchSrc
	// broken holds parameters whose value was already reported bad and
	// left out: Validate's complaints about them are not repeated.
	broken map[string]bool
	// values memoizes value by node and parameter: an alias repeats a node
	// many times (a 500 kB scalar aliased in every item of an axis), and it
	// is decoded and checked once.
	values map[valueKey]valueMemo
}

type valueKey struct {
	n   *yaml.Node
	prm *param
}

type valueMemo struct {
	v   any
	msg string
}

func newParser(data []byte, filename string) *parser {
	return &parser{
		file: filename, dir: filepath.Dir(filename), data: data,
		top: map[string]pair{}, fixed: map[string]pair{}, grid: map[string]pair{},
		axisK: map[string]int{}, broken: map[string]bool{},
		values: map[valueKey]valueMemo{},
		spec:   &Spec{},
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

// yamlParserErrors are the messages of yaml.v3's parser (as opposed to its
// scanner). For these, yaml.v3 v3.0.1 reports a 0-based line (the scanner's
// are 1-based), and no line at all for line 0.
var yamlParserErrors = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found undefined tag handle",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

// syntaxError records an error from the YAML parser at the line it
// reports (corrected to 1-based; see yamlParserErrors). For a missing
// closing bracket that is the line of the opening one.
func (p *parser) syntaxError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if slices.Contains(yamlParserErrors, msg) {
			line++
		}
	} else if !strings.Contains(msg, "exceeded max depth") && !strings.Contains(msg, "parser failed") {
		line = 1 // yaml.v3 leaves out "line 0"
	}
	e := &Error{File: p.file, Line: line, Msg: "YAML syntax error: " + msg}
	if line > 0 {
		e.Column = 1
	}
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
	_, searching := p.top["search"]
	if kv, ok := p.top["grid"]; ok {
		p.parseGrid(kv)
	} else if !searching {
		p.errorAt(root, "grid", "", "required: a sweep needs at least one grid axis, e.g. grid: {sparsity: [0.1, 0.5]} (or a search: block)")
	}
	if kv, ok := p.top["search"]; ok {
		p.parseSearch(kv)
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
	if p.srch != nil && p.srch.settings != nil {
		s.Search, s.SearchLine = p.srch.settings, p.srch.kv.key.Line
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
		name, show := k.Value, keyName(k.Value)
		path := joinPath(prefix, show)
		if len(name) > maxKeyLen {
			// No key is anywhere near this long; refusing it here keeps a
			// huge key (perhaps one node aliased many times) from being
			// hashed and compared over and over below.
			p.errorAt(k, path, "", fmt.Sprintf("unknown key (%d bytes long)", len(name)))
			continue
		}
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
		out = append(out, pair{name: name, show: show, key: k, val: v})
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
		} else if slices.Contains(searchKeys, kv.name) {
			msg += ": " + kv.name + " goes under search:"
		} else if s := suggest(kv.name, topKeys); s != "" {
			msg += " (did you mean " + s + "?)"
		} else if s := suggest(kv.name, paramNames()); s != "" {
			msg += " (did you mean " + s + "? parameters go under fixed: or grid:)"
		} else {
			msg += " (the keys are " + strings.Join(topKeys, ", ") + ")"
		}
		p.errorAt(kv.key, kv.show, "", msg)
	}
}

// parseName reads and checks name: (required; see CheckName).
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

// parseDescription reads description: (optional free text).
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
	path := section + "." + kv.show
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
//
// The result for a node is computed once (see parser.values); each call
// reports its problem at its own path.
func (p *parser) value(prm *param, n *yaml.Node, path string) (any, bool) {
	key := valueKey{n, prm}
	m, seen := p.values[key]
	if !seen {
		m.v, m.msg = decodeScalar(n, prm.kind)
		if m.msg == "" {
			m.msg = zeroMsg(prm, m.v)
		}
		if m.msg == "" && prm.name == "source" {
			m.v, m.msg = p.checkSource(m.v.(string))
		}
		p.values[key] = m
	}
	v, msg := m.v, m.msg
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
