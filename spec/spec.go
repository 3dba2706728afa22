package spec

import (
	"fmt"
	"io"
	"os"

	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/train"
)

// Spec is a parsed, validated sweep: the fixed part of every point, the grid
// axes and the seeds, and for a search the search: block. Every point of a
// grid Spec returned by Parse passes train.Config.Validate; for a search
// Spec, every Probe of a cell that no exclusion drops, at a value in the
// bracket, does.
type Spec struct {
	Name, Description string
	// Fixed holds the parameters shared by every point; a zero field is
	// unset (Defaults fills it in, or a grid axis or the search sets it).
	// Fixed.Seed is always 0.
	Fixed train.Config
	// Axes are the grid axes in file order. The last axis varies fastest.
	Axes []Axis
	// Seeds are the seeds of every grid combination, in order; they vary
	// fastest of all. Never empty in a parsed Spec.
	Seeds []uint64
	// Exclude lists the exclusions: a point is dropped when, for some entry,
	// every key names a grid axis whose value at the point equals the
	// entry's value (same Go type as the axis values). An entry with a key
	// that is not an axis, or a value not on that axis, matches nothing.
	Exclude []map[string]any
	// Search is the search: block, nil for a grid sweep. With it, each grid
	// combination is a cell (one cell without grid axes) in which the
	// search locates where a metric crosses a level as Search.Variable
	// moves through [Search.Lo, Search.Hi]; the variable is neither fixed
	// nor a grid axis. See Cells, CellExcluded, CellParams and Probe.
	Search *search.Settings
	// SearchLine is the line of the search key in the file (0 without
	// one).
	SearchLine int
	// Raw is the file exactly as given to Parse, to be stored beside the
	// sweep's results.
	Raw []byte

	// excl is Exclude as axis and value indexes (set by Parse).
	excl []exclusion
}

// Axis is one grid axis: a parameter and its values.
type Axis struct {
	// Name is the parameter: a train.Config JSON name other than seed.
	Name string
	// Values, in file order, have the Go type of the parameter: float64
	// (sparsity, rate, lr, ste_epsilon), int (d, layers, steps, batch,
	// eval_samples), string (source, arch, optimizer, init, ste, denoiser,
	// decoder_grad, schedule) or bool (refit). Values are distinct; image
	// sources hold absolute paths.
	Values []any
	// Line is the line of the axis's key in the file (0 if not parsed).
	Line int
}

// Parse parses and validates a sweep spec (see the package documentation
// for the schema). filename is used in error messages and, for relative
// image-source paths, as the base (relative to its directory; "" means the
// current directory).
//
// On any problem Parse returns a nil *Spec and an ErrorList holding every
// problem found, each an *Error with its line, column, path and value;
// nothing is ever partially accepted. A file larger than MaxFileSize,
// nested deeper than MaxDepth or too large once its aliases are expanded is
// refused with a single error before it is examined further.
func Parse(data []byte, filename string) (*Spec, error) {
	p := newParser(data, filename)
	s := p.parse()
	if len(p.errs) > 0 {
		p.errs.sort()
		if p.truncated {
			p.errs = append(p.errs, &Error{File: filename, Msg: fmt.Sprintf("too many errors: only the first %d are shown", maxErrors)})
		}
		return nil, p.errs
	}
	return s, nil
}

// ParseFile reads the file at path and parses it with Parse. An error
// reading the file is returned wrapped (errors.Is(err, fs.ErrNotExist)
// works); problems with its contents come as an ErrorList. Files larger
// than MaxFileSize are refused without being read whole.
func ParseFile(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("spec: reading %s: %w", path, err)
	}
	return Parse(data, path)
}
