package npy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// headerDict is the content of a .npy header.
type headerDict struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the header dict. It accepts exactly the subset of
// Python literal syntax that numpy writes:
//
//	dict  = '{' [ item { ',' item } [ ',' ] ] '}'
//	item  = str ':' value
//	value = str | 'True' | 'False' | tuple
//	tuple = '(' [ int { ',' int } [ ',' ] ] ')'     ints may carry Python 2's 'L' suffix
//
// with exactly the keys 'descr' (a str), 'fortran_order' (a bool) and 'shape'
// (a tuple of non-negative ints), each once, and only whitespace after '}'.
func parseHeader(s string) (headerDict, error) {
	p := &parser{s: s}
	var h headerDict
	seen := map[string]bool{}
	if err := p.expect('{'); err != nil {
		return h, err
	}
	for {
		p.space()
		if p.peek() == '}' {
			p.i++
			break
		}
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("dict key: %w", err)
		}
		if seen[key] {
			return h, fmt.Errorf("key %q repeated", key)
		}
		seen[key] = true
		if err := p.expect(':'); err != nil {
			return h, err
		}
		p.space()
		switch key {
		case "descr":
			if c := p.peek(); c == '[' || c == '{' {
				return h, fmt.Errorf("descr at offset %d: structured dtypes unsupported", p.i)
			}
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %w", err)
			}
		case "fortran_order":
			if h.fortran, err = p.boolean(); err != nil {
				return h, fmt.Errorf("fortran_order: %w", err)
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("shape: %w", err)
			}
		default:
			return h, fmt.Errorf("unexpected key %q (want descr, fortran_order, shape)", key)
		}
		p.space()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
		default:
			return h, p.errorf("want ',' or '}'")
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, p.errorf("trailing characters after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("key %q missing", k)
		}
	}
	return h, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// errorf reports a syntax error at the current offset, quoting a little of
// the text there.
func (p *parser) errorf(want string) error {
	if p.i >= len(p.s) {
		return fmt.Errorf("%s, got end of header", want)
	}
	near := p.s[p.i:min(p.i+16, len(p.s))]
	return fmt.Errorf("%s at offset %d, got %q", want, p.i, near)
}

func (p *parser) expect(c byte) error {
	p.space()
	if p.peek() != c {
		return p.errorf(fmt.Sprintf("want %q", c))
	}
	p.i++
	return nil
}

// str parses a quoted string without escapes.
func (p *parser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf("want a quoted string")
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", fmt.Errorf("string %q: escapes unsupported", v)
	}
	p.i += end + 2
	return v, nil
}

func (p *parser) boolean() (bool, error) {
	switch {
	case strings.HasPrefix(p.s[p.i:], "True"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "False"):
		p.i += 5
		return false, nil
	}
	return false, p.errorf("want True or False")
}

// tuple parses a tuple of ints, checking each is ≥ 0 and that there are at
// most MaxDims.
func (p *parser) tuple() ([]int, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	shape := []int{}
	for {
		p.space()
		if p.peek() == ')' {
			p.i++
			break
		}
		start := p.i
		if p.peek() == '-' || p.peek() == '+' {
			p.i++
		}
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		lit := p.s[start:p.i]
		if c := p.peek(); c == 'L' || c == 'l' { // Python 2 long
			p.i++
		}
		if lit == "" {
			return nil, p.errorf("want an integer")
		}
		v, err := strconv.ParseInt(lit, 10, 64)
		if err != nil || v > int64(maxInt) {
			return nil, fmt.Errorf("dimension %s out of range", lit)
		}
		if v < 0 {
			return nil, fmt.Errorf("negative dimension %d", v)
		}
		if len(shape) == MaxDims {
			return nil, fmt.Errorf("more than %d dimensions", MaxDims)
		}
		shape = append(shape, int(v))
		p.space()
		switch p.peek() {
		case ',':
			p.i++
		case ')':
		default:
			return nil, p.errorf("want ',' or ')'")
		}
	}
	if len(shape) == 1 && !strings.HasSuffix(strings.TrimRight(p.s[:p.i-1], " \t\r\n"), ",") {
		// "(5)" is the int 5 in Python, not a tuple; numpy writes "(5,)".
		return nil, fmt.Errorf("(%d) is not a tuple (want (%d,))", shape[0], shape[0])
	}
	return shape, nil
}

const maxInt = int(^uint(0) >> 1)
