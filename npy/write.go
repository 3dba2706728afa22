package npy

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MaxDims is the largest number of dimensions accepted (numpy 2's
// NPY_MAXDIMS; numpy 1 allows 32).
const MaxDims = 64

// magic is the first six bytes of every .npy file.
const magic = "\x93NUMPY"

// arrayAlign is the alignment numpy gives the start of the data
// (numpy.lib.format.ARRAY_ALIGN).
const arrayAlign = 64

// Write writes a C-order array with the given shape. data is []float32,
// []float64, []int64, []int32 or []uint8, stored little-endian as '<f4',
// '<f8', '<i8', '<i4' or '|u1'; len(data) must equal the product of shape
// (1 for the scalar shape [] or nil). The header is padded so the data start
// at a multiple of 64 bytes, as numpy does.
func Write(w io.Writer, shape []int, data any) error {
	descr, n, err := describe(data)
	if err != nil {
		return err
	}
	count, err := shapeSize(shape)
	if err != nil {
		return fmt.Errorf("write npy: %w", err)
	}
	if count != int64(n) {
		return fmt.Errorf("write npy: data has %d elements, shape %s needs %d", n, shapeString(shape), count)
	}
	hdr, err := header(descr, false, shape)
	if err != nil {
		return fmt.Errorf("write npy header: %w", err)
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("write npy header: %w", err)
	}
	if err := writeData(w, data); err != nil {
		return fmt.Errorf("write npy data: %w", err)
	}
	return nil
}

// WriteFile writes the array to path atomically: into a temporary file in
// the same directory, which is synced and then renamed over path. On error
// the temporary file is removed and path is untouched.
func WriteFile(path string, shape []int, data any) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write npy %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("write npy %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = Write(bw, shape, data); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes 0600
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// describe returns the dtype descr and length of a supported slice.
func describe(data any) (descr string, n int, err error) {
	switch d := data.(type) {
	case []float32:
		return "<f4", len(d), nil
	case []float64:
		return "<f8", len(d), nil
	case []int64:
		return "<i8", len(d), nil
	case []int32:
		return "<i4", len(d), nil
	case []uint8:
		return "|u1", len(d), nil
	}
	return "", 0, fmt.Errorf("write npy: data of type %T unsupported (want []float32, []float64, []int64, []int32 or []uint8)", data)
}

// shapeSize returns the product of shape, checking for negative dimensions
// and overflow.
func shapeSize(shape []int) (int64, error) {
	if len(shape) > MaxDims {
		return 0, fmt.Errorf("shape has %d dimensions, more than %d", len(shape), MaxDims)
	}
	count := int64(1)
	for _, s := range shape {
		if s < 0 {
			return 0, fmt.Errorf("shape %s: negative dimension %d", shapeString(shape), s)
		}
		if s != 0 && count > math.MaxInt64/int64(s) {
			return 0, fmt.Errorf("shape %s: size overflows int64", shapeString(shape))
		}
		count *= int64(s)
	}
	return count, nil
}

// shapeString formats shape as a Python tuple: (), (5,), (3, 4).
func shapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, s := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(s))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// header returns magic, version, header length and the padded header dict,
// laid out as numpy.lib.format._wrap_header does: the dict, then spaces, then
// '\n', so that 8 (magic + version) + 2 or 4 (length) + len(dict) is a
// multiple of 64.
func header(descr string, fortran bool, shape []int) ([]byte, error) {
	order := "False"
	if fortran {
		order = "True"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, order, shapeString(shape))
	for _, v := range []struct {
		major  byte
		lenLen int
		max    int
	}{{1, 2, math.MaxUint16}, {2, 4, math.MaxUint32}} {
		hlen := len(dict) + 1 // + '\n'
		pad := arrayAlign - (len(magic)+2+v.lenLen+hlen)%arrayAlign
		if hlen+pad > v.max {
			continue
		}
		out := make([]byte, 0, len(magic)+2+v.lenLen+hlen+pad)
		out = append(out, magic...)
		out = append(out, v.major, 0)
		if v.lenLen == 2 {
			out = binary.LittleEndian.AppendUint16(out, uint16(hlen+pad))
		} else {
			out = binary.LittleEndian.AppendUint32(out, uint32(hlen+pad))
		}
		out = append(out, dict...)
		out = append(out, strings.Repeat(" ", pad)...)
		return append(out, '\n'), nil
	}
	return nil, fmt.Errorf("header of %d bytes does not fit format 2.0", len(dict))
}

// writeData encodes data little-endian through a 64 KiB buffer.
func writeData(w io.Writer, data any) error {
	buf := make([]byte, 0, 1<<16)
	flush := func(force bool) error {
		if len(buf) == 0 || (!force && len(buf) < cap(buf)-8) {
			return nil
		}
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}
	var err error
	switch d := data.(type) {
	case []float32:
		for _, v := range d {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if err = flush(false); err != nil {
				return err
			}
		}
	case []float64:
		for _, v := range d {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if err = flush(false); err != nil {
				return err
			}
		}
	case []int64:
		for _, v := range d {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
			if err = flush(false); err != nil {
				return err
			}
		}
	case []int32:
		for _, v := range d {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
			if err = flush(false); err != nil {
				return err
			}
		}
	case []uint8:
		_, err := w.Write(d)
		return err
	}
	return flush(true)
}
