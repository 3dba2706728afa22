package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// makeIDX returns an IDX file with the given type byte, dims and payload.
func makeIDX(typ byte, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	binary.Write(&b, binary.BigEndian, dims)
	b.Write(payload)
	return b.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// randomPixels returns n·d seeded pseudo-random bytes.
func randomPixels(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 0))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

func TestParseIDX(t *testing.T) {
	pix := randomPixels(1, 7*4*3)
	valid := makeIDX(0x08, []uint32{7, 4, 3}, pix)
	for _, tc := range []struct {
		name    string
		file    []byte
		wantN   int
		wantD   int
		wantErr string
	}{
		{"valid", valid, 7, 12, ""},
		{"valid gzip", gzipBytes(t, valid), 7, 12, ""},
		{"valid 2-D", makeIDX(0x08, []uint32{3, 5}, pix[:15]), 3, 5, ""},
		{"valid 4-D", makeIDX(0x08, []uint32{2, 3, 2, 2}, pix[:24]), 2, 12, ""},
		{"empty", nil, 0, 0, "read idx header: unexpected EOF"},
		{"header cut", valid[:6], 0, 0, "read idx header: dims: unexpected EOF"},
		{"truncated data", valid[:len(valid)-1], 0, 0, "truncated: got 83 of 84 data bytes"},
		{"truncated gzip", gzipBytes(t, valid)[:30], 0, 0, "unexpected EOF"},
		{"trailing bytes", append(slices.Clone(valid), 0), 0, 0, "trailing bytes after the 84 data bytes"},
		{"bad magic", append([]byte{1, 0}, valid[2:]...), 0, 0, "bad magic 01 00 08 03 (want 00 00 TYPE NDIM)"},
		{"text file", []byte("hello, world\n"), 0, 0, "bad magic 68 65 6c 6c"},
		{"float type", makeIDX(0x0D, []uint32{7, 4, 3}, nil), 0, 0, "data type 0x0d (float32) unsupported (want 0x08, unsigned byte)"},
		{"unknown type", makeIDX(0x42, []uint32{7, 4, 3}, nil), 0, 0, "data type 0x42 (unknown) unsupported"},
		{"label file", makeIDX(0x08, []uint32{7}, pix[:7]), 0, 0, "ndim 1 (a label file?): want 2 to 16"},
		{"ndim 0", []byte{0, 0, 8, 0}, 0, 0, "ndim 0: want 2 to 16"},
		{"ndim 200", []byte{0, 0, 8, 200}, 0, 0, "ndim 200: want 2 to 16"},
		{"zero records", makeIDX(0x08, []uint32{0, 28, 28}, nil), 0, 0, "dims [0 28 28]: 0 records"},
		{"zero dim", makeIDX(0x08, []uint32{5, 0, 28}, nil), 0, 0, "dims [5 0 28]: dimension 1 is 0"},
		{"hostile huge record", makeIDX(0x08, []uint32{1, 1 << 16, 1 << 16}, nil), 0, 0, "record size exceeds 16777216 pixels"},
		{"hostile huge total", makeIDX(0x08, []uint32{0xffffffff, 1 << 12, 1 << 12}, nil), 0, 0, "exceed the limit 4294967296"},
		{"lying header", makeIDX(0x08, []uint32{1 << 20, 64, 64}, pix), 0, 0, "truncated: got 84 of 4294967296 data bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := parseIDX(bytes.NewReader(tc.file), -1)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if im.n != tc.wantN || im.d != tc.wantD || !bytes.Equal(im.pix, pix[:im.n*im.d]) {
				t.Errorf("got n = %d, d = %d (want %d, %d) or wrong pixels", im.n, im.d, tc.wantN, tc.wantD)
			}
		})
	}
}

// TestParseIDXHostileAllocation checks that a header claiming 4 GiB of
// pixels, followed by a few bytes, costs memory in proportion to the bytes
// present, not to the claim — for both a plain and a gzip stream.
func TestParseIDXHostileAllocation(t *testing.T) {
	hostile := makeIDX(0x08, []uint32{1 << 20, 64, 64}, make([]byte, 1000))
	for _, file := range [][]byte{hostile, gzipBytes(t, hostile)} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := parseIDX(bytes.NewReader(file), -1)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("err = %v, want truncated", err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("parsing a lying 4 GiB header allocated %d bytes", alloc)
		}
	}
}

// TestReadIDXFile checks the file path: gzip detected by magic bytes whatever
// the name, and the size check against the file length.
func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	pix := randomPixels(2, 10*6)
	valid := makeIDX(0x08, []uint32{10, 2, 3}, pix)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name    string
		path    string
		wantErr string
	}{
		{"plain", write("plain-idx3-ubyte", valid), ""},
		{"gzip without .gz", write("zipped-idx3-ubyte", gzipBytes(t, valid)), ""},
		{"plain named .gz", write("plain.gz", valid), ""},
		{"short file", write("short", valid[:40]), "file has 40 bytes, header dims [10 2 3] need 76"},
		{"long file", write("long", append(slices.Clone(valid), 1, 2)), "file has 78 bytes, header dims [10 2 3] need 76"},
		{"missing", filepath.Join(dir, "nope"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im, err := readIDXFile(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.path) {
					t.Errorf("err = %v does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if im.n != 10 || im.d != 6 || !bytes.Equal(im.pix, pix) {
				t.Errorf("n = %d, d = %d or wrong pixels", im.n, im.d)
			}
		})
	}
}

// TestIDXSource checks New on IDX files and directories: the split, the
// dimension check and the canonical name.
func TestIDXSource(t *testing.T) {
	dir := t.TempDir()
	const n, d = 60, 12
	file := filepath.Join(dir, "images-idx3-ubyte")
	if err := os.WriteFile(file, gzipBytes(t, makeIDX(0x08, []uint32{n, 3, 4}, randomPixels(3, n*d))), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := New(Options{Source: "idx:" + file})
	if err != nil {
		t.Fatal(err)
	}
	is := src.(*imageSource)
	// round(60/7) = round(8.57) = 9 test records.
	if src.Dim() != d || is.train.n != 51 || is.test.n != 9 || src.Name() != "idx:"+file {
		t.Errorf("Dim %d, train %d, test %d, Name %q; want %d, 51, 9, %q", src.Dim(), is.train.n, is.test.n, src.Name(), d, "idx:"+file)
	}
	if _, err := New(Options{Source: "idx:" + file, Dim: d}); err != nil {
		t.Errorf("Dim = %d (the file's): %v", d, err)
	}
	_, err = New(Options{Source: "idx:" + file, Dim: 784})
	if want := "dim 784 does not match the file's dimension 12"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("wrong Dim: err = %v, want %q", err, want)
	}

	// A directory with MNIST names: the t10k file is the test split.
	mnist := filepath.Join(dir, "mnist")
	os.Mkdir(mnist, 0o755)
	os.WriteFile(filepath.Join(mnist, "train-images-idx3-ubyte.gz"), gzipBytes(t, makeIDX(0x08, []uint32{20, 3, 4}, randomPixels(4, 20*d))), 0o644)
	os.WriteFile(filepath.Join(mnist, "t10k-images-idx3-ubyte"), makeIDX(0x08, []uint32{5, 3, 4}, randomPixels(5, 5*d)), 0o644)
	src, err = New(Options{Source: "idx:" + mnist + "/"})
	if err != nil {
		t.Fatal(err)
	}
	is = src.(*imageSource)
	if is.train.n != 20 || is.test.n != 5 || src.Name() != "idx:"+mnist {
		t.Errorf("directory: train %d, test %d, name %q; want 20, 5, %q", is.train.n, is.test.n, src.Name(), "idx:"+mnist)
	}
	os.WriteFile(filepath.Join(mnist, "t10k-images-idx3-ubyte"), makeIDX(0x08, []uint32{5, 4, 4}, randomPixels(5, 5*16)), 0o644)
	if _, err := New(Options{Source: "idx:" + mnist}); err == nil || !strings.Contains(err.Error(), "dimension 16 differs from the training file's 12") {
		t.Errorf("mismatched test file: err = %v", err)
	}
	if _, err := New(Options{Source: "idx:" + dir}); err == nil || !strings.Contains(err.Error(), "no training file") {
		t.Errorf("directory without MNIST names: err = %v", err)
	}
}

func TestSplitTail(t *testing.T) {
	for _, tc := range []struct{ n, test int }{
		{1, 0}, {3, 0}, {4, 1}, {7, 1}, {10, 1}, {11, 2}, {60000, 8571}, {70000, 10000},
	} {
		train, test := splitTail(images{n: tc.n, d: 2, pix: make([]byte, 2*tc.n)})
		if test.n != tc.test || train.n != tc.n-tc.test || len(test.pix) != 2*tc.test || len(train.pix) != 2*train.n {
			t.Errorf("n = %d: test %d, train %d; want test %d", tc.n, test.n, train.n, tc.test)
		}
	}
}
