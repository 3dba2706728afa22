package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html,
// "Binary version"): each record is 1 label byte followed by 3072 pixel bytes,
// the 1024 red values of the 32×32 image in row-major order, then green, then
// blue. The label is dropped; the 3072 pixels are kept in file order (R, G, B
// planes), so d = 3072.
const (
	cifarPixels = 3 * 32 * 32
	cifarRecord = 1 + cifarPixels
)

// parseCIFAR decodes a stream of CIFAR-10 records. size is the stream length
// when known (else −1): a length that is not a positive multiple of 3073 is
// rejected before anything is allocated.
func parseCIFAR(r io.Reader, size int64) (images, error) {
	if size >= 0 {
		if size == 0 || size%cifarRecord != 0 {
			return images{}, fmt.Errorf("read cifar10 data: length %d bytes is not a positive multiple of the record size %d", size, cifarRecord)
		}
		if size/cifarRecord*cifarPixels > maxImageBytes {
			return images{}, fmt.Errorf("read cifar10 data: length %d bytes exceeds the limit of %d pixels", size, int64(maxImageBytes))
		}
	}
	var pix []byte
	if size > 0 {
		pix = make([]byte, 0, size/cifarRecord*cifarPixels)
	}
	var rec [cifarRecord]byte
	var read int64
	for {
		n, err := io.ReadFull(r, rec[:])
		read += int64(n)
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return images{}, fmt.Errorf("read cifar10 data: length %d bytes is not a multiple of the record size %d", read, cifarRecord)
		}
		if err != nil {
			return images{}, fmt.Errorf("read cifar10 data: %w", err)
		}
		if int64(len(pix))+cifarPixels > maxImageBytes {
			return images{}, fmt.Errorf("read cifar10 data: more than %d pixels", int64(maxImageBytes))
		}
		pix = append(pix, rec[1:]...)
	}
	if len(pix) == 0 {
		return images{}, errors.New("read cifar10 data: no records")
	}
	return images{n: len(pix) / cifarPixels, d: cifarPixels, pix: pix}, nil
}

func readCIFARFile(path string) (images, error) {
	f, err := os.Open(path)
	if err != nil {
		return images{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return images{}, err
	}
	im, err := parseCIFAR(f, fi.Size())
	if err != nil {
		return images{}, fmt.Errorf("%s: %w", path, err)
	}
	return im, nil
}

// loadCIFAR loads path: one batch file (split by splitTail), or a directory
// whose data_batch_*.bin files (in lexical order: data_batch_1 … 5) form
// the training split and whose test_batch.bin, if present, is the test split.
func loadCIFAR(path string) (train, test images, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return images{}, images{}, err
	}
	if !fi.IsDir() {
		all, err := readCIFARFile(path)
		if err != nil {
			return images{}, images{}, err
		}
		train, test = splitTail(all)
		return train, test, nil
	}
	files, err := filepath.Glob(filepath.Join(path, "data_batch_*.bin"))
	if err != nil {
		return images{}, images{}, err
	}
	if len(files) == 0 {
		return images{}, images{}, fmt.Errorf("directory %s: no data_batch_*.bin files", path)
	}
	sort.Strings(files)
	// Reserve the whole training split once (sizes are checked per file).
	var total int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Size()%cifarRecord == 0 {
			total += fi.Size() / cifarRecord * cifarPixels
		}
	}
	train = images{d: cifarPixels, pix: make([]byte, 0, min(total, maxImageBytes))}
	for _, f := range files {
		im, err := readCIFARFile(f)
		if err != nil {
			return images{}, images{}, err
		}
		if int64(len(train.pix))+int64(len(im.pix)) > maxImageBytes {
			return images{}, images{}, fmt.Errorf("directory %s: more than %d pixels", path, int64(maxImageBytes))
		}
		train.n += im.n
		train.pix = append(train.pix, im.pix...)
	}
	testPath := filepath.Join(path, "test_batch.bin")
	if _, err := os.Stat(testPath); errors.Is(err, os.ErrNotExist) {
		train, test = splitTail(train)
		return train, test, nil
	}
	if test, err = readCIFARFile(testPath); err != nil {
		return images{}, images{}, err
	}
	return train, test, nil
}
