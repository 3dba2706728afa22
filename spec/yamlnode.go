package spec

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits that keep a hostile spec from costing memory or time. Every one is
// checked before the work it bounds.
const (
	// MaxFileSize is the largest spec file accepted, in bytes.
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of lists and mappings accepted (the
	// top-level mapping is depth 1; a valid spec needs 4).
	MaxDepth = 16
	// maxNodes bounds the nodes visited with aliases expanded, which
	// defuses "billion laughs" documents (a few bytes of anchors and
	// aliases that expand to billions of nodes).
	maxNodes = 1 << 20
	// maxAliasHops bounds a chain of aliases to aliases.
	maxAliasHops = 64
	// MaxAxisValues is the largest number of values one axis may have.
	MaxAxisValues = 10_000
	// MaxPoints is the largest number of points (after exclusions, seeds
	// included) a sweep may have.
	MaxPoints = 1_000_000
	// MaxCombinations is the largest number of grid combinations (before
	// exclusions, seeds not included) accepted: Parse walks them all to
	// count exclusions and to validate each point.
	MaxCombinations = 10_000_000
	// MaxExclusions is the largest number of exclude entries accepted.
	MaxExclusions = 10_000
	// maxExclusionWork bounds grid combinations × exclude entries, the cost
	// of matching every combination against every entry.
	maxExclusionWork = 100_000_000
	// maxErrors bounds the errors collected from one file.
	maxErrors = 100
	// maxKeyLen bounds the length of a mapping key, in bytes: every key a
	// spec knows is a short word.
	maxKeyLen = 256
	// maxShown is the longest value or key shown whole in a message, in
	// bytes.
	maxShown = 80
	// maxKeyShown is the same for keys in paths.
	maxKeyShown = 64
)

// deref follows aliases to the node they stand for. It returns nil for a
// chain longer than maxAliasHops or a dangling alias.
func deref(n *yaml.Node) *yaml.Node {
	for range maxAliasHops {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

// isNull reports whether n is a YAML null (an empty value, ~ or null).
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the type of n for an error message: "a list", "a mapping",
// "a string", "an integer", ….
func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.DocumentNode:
		return "a document"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null (an empty value)"
		case "!!str":
			return "a string"
		case "!!int":
			return "an integer"
		case "!!float":
			return "a float"
		case "!!bool":
			return "a boolean"
		case "!!merge":
			return "a merge key"
		default:
			return "a " + n.ShortTag() + " value"
		}
	}
	return "an unknown node"
}

// text is the value of a scalar as written, for error messages (see show);
// "" for other nodes and for an empty null (no value written).
func text(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	if n.Value == "" {
		if n.ShortTag() == "!!null" {
			return ""
		}
		return `""`
	}
	return show(n.Value)
}

// keyName is a mapping key as shown in paths: as written when it is
// printable, `""` when empty, quoted when it holds characters that do not
// print (see show), and cut after maxKeyShown bytes, with "…".
func keyName(k string) string {
	switch {
	case k == "":
		return `""`
	case len(k) > maxKeyShown:
		cut := cutAt(k, maxKeyShown)
		if printable(cut) {
			return cut + "…"
		}
		return strconv.Quote(cut) + "…"
	case !printable(k):
		return strconv.Quote(k)
	}
	return k
}

// show returns a value for a message: as written when it is printable,
// quoted (Go syntax) when it holds a control, format or invalid character
// (so that an escape sequence in a spec cannot reach the terminal, and a
// NUL or a zero-width space is visible), and quoted and cut after maxShown
// bytes, with "…", when it is long.
func show(s string) string {
	if len(s) > maxShown {
		return strconv.Quote(cutAt(s, maxShown)) + "…"
	}
	if !printable(s) {
		return strconv.Quote(s)
	}
	return s
}

// cutAt returns the longest prefix of s of at most max bytes that does not
// split a UTF-8 sequence.
func cutAt(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// printable reports whether s is valid UTF-8 made of printable characters
// (unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the
// ASCII space).
func printable(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// decodeScalar converts the scalar n (aliases resolved) to the Go type of k:
// float64, int, string or bool. On failure it returns a message saying
// what was expected and what was found.
func decodeScalar(n *yaml.Node, k kind) (any, string) {
	if n.Kind != yaml.ScalarNode {
		return nil, "must be " + k.String() + ", not " + describe(n)
	}
	tag := n.ShortTag()
	if tag == "!!null" {
		return nil, "missing value (must be " + k.String() + ")"
	}
	switch k {
	case kindFloat:
		if tag == "!!str" && n.Style == 0 && floatOverflows(n.Value) {
			// yaml.v3 reads a plain 1e400 as a string.
			return nil, "must be a finite number (out of range)"
		}
		if tag != "!!int" && tag != "!!float" {
			return nil, "must be a number, not " + describe(n)
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, "must be a number (" + err.Error() + ")"
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "must be a finite number"
		}
		return f, ""
	case kindInt:
		switch tag {
		case "!!int":
		case "!!float":
			if i := integerLiteral(n.Value); i != nil && !fitsInt(i) {
				// yaml.v3 reads an integer beyond 64 bits as a float.
				return nil, intRangeMsg
			}
			var f float64
			if n.Decode(&f) == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return nil, "must be an integer, not a float (write " + strconv.FormatInt(int64(f), 10) + ")"
			}
			return nil, "must be an integer, not a float"
		default:
			return nil, "must be an integer, not " + describe(n)
		}
		var i int64
		if err := n.Decode(&i); err != nil {
			if integerLiteral(n.Value) != nil {
				return nil, intRangeMsg
			}
			return nil, "must be an integer" // e.g. !!int abc
		}
		if int64(int(i)) != i {
			return nil, intRangeMsg
		}
		return int(i), ""
	case kindString:
		if tag != "!!str" {
			return nil, "must be a string, not " + describe(n) + " (quote it if you mean the text)"
		}
		return n.Value, ""
	default:
		if tag != "!!bool" {
			return nil, "must be true or false, not " + describe(n)
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, "must be true or false"
		}
		return b, ""
	}
}

// intRangeMsg is the complaint about an integer too large for an int.
var intRangeMsg = fmt.Sprintf("out of range: must be an integer between %d and %d", math.MinInt, math.MaxInt)

// integerLiteral returns the value of s if it is written as a YAML integer
// (decimal, 0x, 0o or 0b, with an optional sign and '_' separators), of
// any size, or nil. Literals longer than 1,000 bytes are not examined.
func integerLiteral(s string) *big.Int {
	if len(s) > 1000 {
		return nil
	}
	i, ok := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 0)
	if !ok {
		return nil
	}
	return i
}

// fitsInt reports whether i is within the range of int.
func fitsInt(i *big.Int) bool {
	return i.IsInt64() && int64(int(i.Int64())) == i.Int64()
}

// floatOverflows reports whether s is a number too large for a float64
// (strconv.ParseFloat's ErrRange). Strings longer than 1,000 bytes are not
// examined.
func floatOverflows(s string) bool {
	if len(s) > 1000 {
		return false
	}
	_, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return errors.Is(err, strconv.ErrRange)
}

// walkLimits checks the whole tree under n for nesting deeper than MaxDepth
// and for more than maxNodes nodes with aliases expanded (which also ends
// alias cycles). It returns the offending node and a message, or nil.
func walkLimits(root *yaml.Node) (*yaml.Node, string) {
	visits := 0
	var bad *yaml.Node
	var msg string
	var walk func(n *yaml.Node, depth int) bool
	walk = func(n *yaml.Node, depth int) bool {
		visits++
		if visits > maxNodes {
			bad, msg = n, "the document has more than "+strconv.Itoa(maxNodes)+" nodes once its aliases are expanded (an alias bomb?)"
			return false
		}
		hops := 0
		for n.Kind == yaml.AliasNode {
			if n.Alias == nil || hops == maxAliasHops {
				bad, msg = n, "alias chain too long or dangling"
				return false
			}
			n = n.Alias
			hops++
		}
		if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
			depth++
			if depth > MaxDepth {
				bad, msg = n, "nested more than "+strconv.Itoa(MaxDepth)+" levels deep (a spec needs 4)"
				return false
			}
		}
		for _, c := range n.Content {
			if !walk(c, depth) {
				return false
			}
		}
		return true
	}
	walk(root, 0)
	return bad, msg
}
