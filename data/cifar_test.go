package data

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// makeCIFAR returns n CIFAR-10 records with label i%10 and pixels from seed.
func makeCIFAR(seed uint64, n int) (file, pix []byte) {
	pix = randomPixels(seed, n*cifarPixels)
	for i := range n {
		file = append(file, byte(i%10))
		file = append(file, pix[i*cifarPixels:(i+1)*cifarPixels]...)
	}
	return file, pix
}

func TestParseCIFAR(t *testing.T) {
	file, pix := makeCIFAR(1, 3)
	for _, tc := range []struct {
		name    string
		file    []byte
		size    bool // pass the length, as for a file
		wantN   int
		wantErr string
	}{
		{"valid stream", file, false, 3, ""},
		{"valid file", file, true, 3, ""},
		{"empty stream", nil, false, 0, "no records"},
		{"empty file", nil, true, 0, "length 0 bytes is not a positive multiple of the record size 3073"},
		{"short stream", file[:2*cifarRecord+5], false, 0, "length 6151 bytes is not a multiple of the record size 3073"},
		{"short file", file[:2*cifarRecord+5], true, 0, "length 6151 bytes is not a positive multiple"},
		{"one byte", file[:1], false, 0, "length 1 bytes is not a multiple"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size := int64(-1)
			if tc.size {
				size = int64(len(tc.file))
			}
			im, err := parseCIFAR(bytes.NewReader(tc.file), size)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Labels dropped, R, G, B planes kept in file order.
			if im.n != tc.wantN || im.d != 3072 || !bytes.Equal(im.pix, pix) {
				t.Errorf("n = %d, d = %d, or pixels differ", im.n, im.d)
			}
		})
	}
}

func TestCIFARSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	b1, p1 := makeCIFAR(1, 4)
	b2, p2 := makeCIFAR(2, 3)
	bt, pt := makeCIFAR(3, 2)
	// Written out of order: loading must sort them.
	write("data_batch_2.bin", b2)
	write("data_batch_1.bin", b1)
	write("test_batch.bin", bt)
	write("batches.meta.txt", []byte("airplane\n"))

	src, err := New(Options{Source: "cifar10:" + dir})
	if err != nil {
		t.Fatal(err)
	}
	is := src.(*imageSource)
	if src.Dim() != 3072 || is.train.n != 7 || is.test.n != 2 ||
		!bytes.Equal(is.train.pix, append(append([]byte{}, p1...), p2...)) || !bytes.Equal(is.test.pix, pt) {
		t.Errorf("directory: dim %d, train %d, test %d (want 3072, 7, 2) or wrong order", src.Dim(), is.train.n, is.test.n)
	}
	if x, rows := src.Heldout(1, 100); rows != 2 || len(x) != 2*3072 {
		t.Errorf("Heldout(1, 100) = %d rows (len %d), want the 2 test records", rows, len(x))
	}

	// Without test_batch.bin the last round(7/7) = 1 record is the test split.
	os.Remove(filepath.Join(dir, "test_batch.bin"))
	src, err = New(Options{Source: "cifar10:" + dir})
	if err != nil {
		t.Fatal(err)
	}
	if is = src.(*imageSource); is.train.n != 6 || is.test.n != 1 {
		t.Errorf("no test file: train %d, test %d; want 6, 1", is.train.n, is.test.n)
	}

	// A single file.
	one := write("single.bin", b1)
	if src, err = New(Options{Source: "cifar10:" + one, Dim: 3072}); err != nil {
		t.Fatal(err)
	}
	if is = src.(*imageSource); is.train.n != 3 || is.test.n != 1 || src.Name() != "cifar10:"+one {
		t.Errorf("single file: train %d, test %d, name %q", is.train.n, is.test.n, src.Name())
	}

	for _, tc := range []struct {
		name, spec, want string
		dim              int
	}{
		{"wrong dim", "cifar10:" + one, "dim 784 does not match the file's dimension 3072", 784},
		{"bad length", "cifar10:" + write("bad.bin", b1[:cifarRecord+1]), "length 3074 bytes is not a positive multiple of the record size 3073", 0},
		{"bad batch in dir", "cifar10:" + dir, "data_batch_3.bin: read cifar10 data: length 10 bytes", 0},
		{"empty dir", "cifar10:" + t.TempDir(), "no data_batch_*.bin files", 0},
		{"missing", "cifar10:" + filepath.Join(dir, "nope"), "no such file", 0},
	} {
		if tc.name == "bad batch in dir" {
			write("data_batch_3.bin", make([]byte, 10))
		}
		_, err := New(Options{Source: tc.spec, Dim: tc.dim})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}
