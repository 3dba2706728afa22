package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// images is a raw image set: n records of d unsigned-byte pixels, row-major.
type images struct {
	n, d int
	pix  []byte
}

// Limits that keep a hostile header from making us allocate absurd amounts.
// Real data sets are far below them (CIFAR-10: d = 3072, 180 MB in all).
const (
	maxImageDim   = 1 << 24 // pixels per record
	maxImageBytes = 1 << 32 // pixels in one file
	maxIDXDims    = 16      // IDX ndim
)

// IDX data-type codes (the third magic byte), from the MNIST page
// (LeCun, Cortes & Burges): only 0x08 is supported.
var idxTypeNames = map[byte]string{
	0x08: "unsigned byte",
	0x09: "signed byte",
	0x0B: "int16",
	0x0C: "int32",
	0x0D: "float32",
	0x0E: "float64",
}

// gzipMagic is the first two bytes of a gzip member (RFC 1952 §2.3.1).
var gzipMagic = [2]byte{0x1f, 0x8b}

// parseIDX decodes an IDX stream, optionally gzip-compressed (detected by
// the magic bytes 1f 8b, not by any name). The layout (big-endian) is
//
//	magic: 0x00 0x00 TYPE NDIM
//	NDIM × uint32 dimension sizes
//	product(dims) items of TYPE
//
// The records are dims[0]; each is flattened to d = dims[1]·…·dims[NDIM−1]
// (784 for MNIST). size is the stream length in bytes when known (a plain
// file), else −1; it lets a short or long file be rejected before the pixels
// are allocated. Even without it, memory grows only with the bytes actually
// read, never with what the header claims.
func parseIDX(r io.Reader, size int64) (images, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if m, err := br.Peek(2); err == nil && m[0] == gzipMagic[0] && m[1] == gzipMagic[1] {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return images{}, fmt.Errorf("read idx gzip header: %w", err)
		}
		defer zr.Close()
		return parseIDXRaw(bufio.NewReaderSize(zr, 1<<16), -1)
	}
	return parseIDXRaw(br, size)
}

func parseIDXRaw(r io.Reader, size int64) (images, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return images{}, fmt.Errorf("read idx header: %w", noEOF(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return images{}, fmt.Errorf("read idx header: bad magic % x (want 00 00 TYPE NDIM)", magic)
	}
	if typ := magic[2]; typ != 0x08 {
		name, ok := idxTypeNames[typ]
		if !ok {
			name = "unknown"
		}
		return images{}, fmt.Errorf("read idx header: data type 0x%02x (%s) unsupported (want 0x08, unsigned byte)", typ, name)
	}
	ndim := int(magic[3])
	if ndim < 2 || ndim > maxIDXDims {
		hint := ""
		if ndim == 1 {
			hint = " (a label file?)"
		}
		return images{}, fmt.Errorf("read idx header: ndim %d%s: want 2 to %d (records × pixel dims)", ndim, hint, maxIDXDims)
	}
	dims := make([]uint32, ndim)
	if err := binary.Read(r, binary.BigEndian, dims); err != nil {
		return images{}, fmt.Errorf("read idx header: dims: %w", noEOF(err))
	}
	n := int64(dims[0])
	if n == 0 {
		return images{}, fmt.Errorf("read idx header: dims %v: 0 records", dims)
	}
	d := int64(1)
	for k, v := range dims[1:] {
		if v == 0 {
			return images{}, fmt.Errorf("read idx header: dims %v: dimension %d is 0", dims, k+1)
		}
		d *= int64(v)
		if d > maxImageDim {
			return images{}, fmt.Errorf("read idx header: dims %v: record size exceeds %d pixels", dims, maxImageDim)
		}
	}
	total := n * d // ≤ 2³² · 2²⁴: no overflow
	if total > maxImageBytes {
		return images{}, fmt.Errorf("read idx header: dims %v: %d pixels exceed the limit %d", dims, total, int64(maxImageBytes))
	}
	if hdr := int64(4 + 4*ndim); size >= 0 && size != hdr+total {
		return images{}, fmt.Errorf("read idx data: file has %d bytes, header dims %v need %d", size, dims, hdr+total)
	}
	pix, err := readExactly(r, total)
	if err != nil {
		return images{}, fmt.Errorf("read idx data (dims %v): %w", dims, err)
	}
	return images{n: int(n), d: int(d), pix: pix}, nil
}

// readExactly reads exactly want bytes from r and checks that r then ends.
// The buffer grows geometrically with the data actually received, so a
// header that lies about the size costs at most about twice the real data.
func readExactly(r io.Reader, want int64) ([]byte, error) {
	buf := make([]byte, 0, min(want, 1<<20))
	for int64(len(buf)) < want {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(2*int64(cap(buf)), want))
			copy(nb, buf)
			buf = nb
		}
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("truncated: got %d of %d data bytes", len(buf), want)
		}
		if err != nil {
			return nil, err
		}
	}
	var one [1]byte
	switch n, err := io.ReadFull(r, one[:]); {
	case n > 0:
		return nil, fmt.Errorf("trailing bytes after the %d data bytes", want)
	case err != nil && !errors.Is(err, io.EOF):
		return nil, err
	}
	return buf, nil
}

// noEOF turns a bare EOF from a header read into ErrUnexpectedEOF, whose
// message ("unexpected EOF") says the file is truncated.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// readIDXFile parses one IDX file.
func readIDXFile(path string) (images, error) {
	f, err := os.Open(path)
	if err != nil {
		return images{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return images{}, err
	}
	im, err := parseIDX(f, fi.Size())
	if err != nil {
		return images{}, fmt.Errorf("%s: %w", path, err)
	}
	return im, nil
}

// Names of the MNIST / Fashion-MNIST image files inside a directory.
var (
	idxTrainNames = []string{"train-images-idx3-ubyte", "train-images-idx3-ubyte.gz", "train-images.idx3-ubyte"}
	idxTestNames  = []string{"t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz", "t10k-images.idx3-ubyte"}
)

// firstExisting returns the first dir/name that is a regular file.
func firstExisting(dir string, names []string) (string, bool) {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// loadIDX loads path: a single IDX file (split by splitTail), or a directory
// holding the MNIST-named training file and, if present, the t10k test file.
func loadIDX(path string) (train, test images, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return images{}, images{}, err
	}
	if !fi.IsDir() {
		all, err := readIDXFile(path)
		if err != nil {
			return images{}, images{}, err
		}
		train, test = splitTail(all)
		return train, test, nil
	}
	trainPath, ok := firstExisting(path, idxTrainNames)
	if !ok {
		return images{}, images{}, fmt.Errorf("directory %s: no training file (want one of %v)", path, idxTrainNames)
	}
	if train, err = readIDXFile(trainPath); err != nil {
		return images{}, images{}, err
	}
	testPath, ok := firstExisting(path, idxTestNames)
	if !ok {
		train, test = splitTail(train)
		return train, test, nil
	}
	if test, err = readIDXFile(testPath); err != nil {
		return images{}, images{}, err
	}
	if test.d != train.d {
		return images{}, images{}, fmt.Errorf("test file %s: dimension %d differs from the training file's %d", testPath, test.d, train.d)
	}
	return train, test, nil
}

// splitTail splits one record set into training and test splits: the last
// round(n/7) records (round half up) are the test split — 8571 of 60000 for
// MNIST — and the rest the training split. Tiny sets may get no test records.
func splitTail(all images) (train, test images) {
	nTest := (2*all.n + 7) / 14 // ⌊n/7 + ½⌋
	nTrain := all.n - nTest
	train = images{n: nTrain, d: all.d, pix: all.pix[:nTrain*all.d]}
	test = images{n: nTest, d: all.d, pix: all.pix[nTrain*all.d:]}
	return train, test
}
