package npy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Array is a decoded .npy array.
type Array struct {
	Shape        []int     // dimensions; empty for a scalar
	Dtype        string    // descr as stored in the file, e.g. "<f4", ">i8", "|u1"
	FortranOrder bool      // the file's fortran_order; Data is C order regardless
	Data         []float64 // product(Shape) values in C (row-major) order
}

// Limits on what Read accepts.
const (
	// MaxElements bounds product(shape): 2³¹−1 values, 16 GiB as float64.
	MaxElements = 1<<31 - 1
	// maxHeaderLen bounds HEADER_LEN. numpy itself refuses headers over
	// 10 000 bytes by default (max_header_size); a legal header here has at
	// most MaxDims dimensions of ≤ 20 digits.
	maxHeaderLen = 1 << 16
)

// Read decodes one .npy array from r, reading exactly the header and the
// data (bytes after them are left in r).
func Read(r io.Reader) (*Array, error) {
	return read(r, -1)
}

// ReadFile reads a .npy file. Unlike Read it also checks, before reading the
// data, that the file length is exactly what the header implies.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read npy: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read npy: %w", err)
	}
	a, err := read(bufio.NewReaderSize(f, 1<<16), fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// dtype is a parsed descr.
type dtype struct {
	kind  byte // 'b', 'i', 'u' or 'f'
	size  int  // bytes per item
	order binary.ByteOrder
}

// read decodes an array; size is the stream length if known, else −1.
func read(r io.Reader, size int64) (*Array, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, fmt.Errorf("read npy magic: %w", noEOF(err))
	}
	if string(pre[:6]) != magic {
		return nil, fmt.Errorf("read npy magic: got %q, want %q (not a .npy file)", pre[:6], magic)
	}
	major, minor := pre[6], pre[7]
	var hlen, prefix int64
	switch {
	case major == 1 && minor == 0:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, fmt.Errorf("read npy header length: %w", noEOF(err))
		}
		hlen, prefix = int64(binary.LittleEndian.Uint16(pre[8:10])), 10
	case (major == 2 || major == 3) && minor == 0:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf("read npy header length: %w", noEOF(err))
		}
		hlen, prefix = int64(binary.LittleEndian.Uint32(l[:])), 12
	default:
		return nil, fmt.Errorf("read npy: format version %d.%d unsupported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	if hlen > maxHeaderLen {
		return nil, fmt.Errorf("read npy header: length %d exceeds %d bytes", hlen, maxHeaderLen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("read npy header (%d bytes): %w", hlen, noEOF(err))
	}
	h, err := parseHeader(string(hdr))
	if err != nil {
		return nil, fmt.Errorf("read npy header: %w", err)
	}
	dt, err := parseDescr(h.descr)
	if err != nil {
		return nil, fmt.Errorf("read npy header: %w", err)
	}
	count, err := shapeSize(h.shape)
	if err != nil {
		return nil, fmt.Errorf("read npy header: %w", err)
	}
	if count > MaxElements {
		return nil, fmt.Errorf("read npy header: shape %s has %d elements, more than %d", shapeString(h.shape), count, int64(MaxElements))
	}
	nbytes := count * int64(dt.size) // ≤ 2³¹·8: no overflow
	if size >= 0 && size != prefix+hlen+nbytes {
		return nil, fmt.Errorf("read npy data: file has %d bytes, header (shape %s, dtype %s) needs %d", size, shapeString(h.shape), h.descr, prefix+hlen+nbytes)
	}
	raw, err := readFull(r, nbytes)
	if err != nil {
		return nil, fmt.Errorf("read npy data (shape %s, dtype %s): %w", shapeString(h.shape), h.descr, err)
	}
	data := decode(raw, dt, int(count))
	if h.fortran && len(h.shape) > 1 {
		data = fortranToC(data, h.shape)
	}
	return &Array{Shape: h.shape, Dtype: h.descr, FortranOrder: h.fortran, Data: data}, nil
}

// readFull reads exactly n bytes, growing its buffer with the data actually
// received (so a lying header costs at most about twice the real data).
func readFull(r io.Reader, n int64) ([]byte, error) {
	buf := make([]byte, 0, min(n, 1<<20))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(2*int64(cap(buf)), n))
			copy(nb, buf)
			buf = nb
		}
		k, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("data shorter than the shape: got %d of %d bytes", len(buf), n)
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseDescr parses a simple dtype descr: a byte-order character ('<', '>',
// or '|' for one-byte types), a kind (b, i, u, f) and a size in bytes.
func parseDescr(s string) (dtype, error) {
	bad := func(why string) (dtype, error) {
		return dtype{}, fmt.Errorf("descr %q: %s (want [<>|] and one of b1, i1, i2, i4, i8, u1, u2, u4, u8, f4, f8)", s, why)
	}
	if len(s) != 3 {
		return bad("unsupported dtype")
	}
	dt := dtype{kind: s[1], size: int(s[2] - '0')}
	switch s[1:] {
	case "b1", "i1", "u1", "i2", "u2", "i4", "u4", "f4", "i8", "u8", "f8":
	default:
		return bad("unsupported dtype")
	}
	switch s[0] {
	case '<':
		dt.order = binary.LittleEndian
	case '>':
		dt.order = binary.BigEndian
	case '|':
		if dt.size != 1 {
			return bad("byte order '|' on a multi-byte type")
		}
		dt.order = binary.LittleEndian
	default:
		return bad("unknown byte order")
	}
	return dt, nil
}

// decode converts n items of raw data to float64.
func decode(raw []byte, dt dtype, n int) []float64 {
	out := make([]float64, n)
	o := dt.order
	switch dt.size {
	case 1:
		for i, b := range raw[:n] {
			switch dt.kind {
			case 'i':
				out[i] = float64(int8(b))
			case 'b':
				if b != 0 {
					out[i] = 1
				}
			default: // 'u'
				out[i] = float64(b)
			}
		}
	case 2:
		for i := range out {
			v := o.Uint16(raw[2*i:])
			if dt.kind == 'i' {
				out[i] = float64(int16(v))
			} else {
				out[i] = float64(v)
			}
		}
	case 4:
		for i := range out {
			v := o.Uint32(raw[4*i:])
			switch dt.kind {
			case 'f':
				out[i] = float64(math.Float32frombits(v))
			case 'i':
				out[i] = float64(int32(v))
			default:
				out[i] = float64(v)
			}
		}
	case 8:
		for i := range out {
			v := o.Uint64(raw[8*i:])
			switch dt.kind {
			case 'f':
				out[i] = math.Float64frombits(v)
			case 'i':
				out[i] = float64(int64(v))
			default:
				out[i] = float64(v)
			}
		}
	}
	return out
}

// fortranToC reorders column-major data to row-major. Element (i₀,…,i_{k−1})
// sits at Fortran offset i₀ + n₀(i₁ + n₁(i₂ + …)) and at C offset
// ((i₀n₁ + i₁)n₂ + i₂)…; walk the Fortran order with an odometer on the
// multi-index (first index fastest) and keep the C offset up to date with the
// C strides s_k = n_{k+1}·…·n_{k−1}.
func fortranToC(in []float64, shape []int) []float64 {
	out := make([]float64, len(in))
	if len(in) == 0 {
		return out
	}
	k := len(shape)
	stride := make([]int, k)
	stride[k-1] = 1
	for d := k - 2; d >= 0; d-- {
		stride[d] = stride[d+1] * shape[d+1]
	}
	idx := make([]int, k)
	c := 0
	for _, v := range in {
		out[c] = v
		for d := range k { // increment the multi-index, first index fastest
			idx[d]++
			c += stride[d]
			if idx[d] < shape[d] {
				break
			}
			c -= idx[d] * stride[d]
			idx[d] = 0
		}
	}
	return out
}
