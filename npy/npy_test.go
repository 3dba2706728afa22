package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// randomData returns n seeded values of the element type of kind, and their
// float64 images.
func randomData(kind string, n int, seed uint64) (any, []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	want := make([]float64, n)
	switch kind {
	case "f4":
		d := make([]float32, n)
		for i := range d {
			d[i] = float32(rng.NormFloat64() * 100)
			want[i] = float64(d[i])
		}
		return d, want
	case "f8":
		d := make([]float64, n)
		for i := range d {
			d[i] = rng.NormFloat64() * 1e10
			want[i] = d[i]
		}
		return d, want
	case "i8":
		d := make([]int64, n)
		for i := range d {
			d[i] = int64(rng.Uint64()>>12) * int64(1-2*(i%2)) // within ±2⁵²: exact in float64
			want[i] = float64(d[i])
		}
		return d, want
	case "i4":
		d := make([]int32, n)
		for i := range d {
			d[i] = int32(rng.Uint32())
			want[i] = float64(d[i])
		}
		return d, want
	default: // u1
		d := make([]uint8, n)
		for i := range d {
			d[i] = uint8(rng.Uint32())
			want[i] = float64(d[i])
		}
		return d, want
	}
}

// dataOffset returns where the data start in a .npy byte string.
func dataOffset(b []byte) int {
	if b[6] == 1 {
		return 10 + int(binary.LittleEndian.Uint16(b[8:]))
	}
	return 12 + int(binary.LittleEndian.Uint32(b[8:]))
}

func TestRoundTrip(t *testing.T) {
	descrs := map[string]string{"f4": "<f4", "f8": "<f8", "i8": "<i8", "i4": "<i4", "u1": "|u1"}
	for _, kind := range []string{"f4", "f8", "i8", "i4", "u1"} {
		for si, shape := range [][]int{nil, {}, {1}, {7}, {3, 4}, {2, 3, 4}, {0}, {2, 0, 3}, {1, 1, 1, 1, 5}} {
			t.Run(fmt.Sprintf("%s/%v", kind, shape), func(t *testing.T) {
				n := 1
				for _, s := range shape {
					n *= s
				}
				data, want := randomData(kind, n, uint64(si))
				var buf bytes.Buffer
				if err := Write(&buf, shape, data); err != nil {
					t.Fatal(err)
				}
				b := buf.Bytes()
				off := dataOffset(b)
				if !bytes.HasPrefix(b, []byte("\x93NUMPY\x01\x00")) || off%64 != 0 || b[off-1] != '\n' {
					t.Errorf("header: prefix %q, data offset %d (want a multiple of 64), last header byte %q", b[:8], off, b[off-1])
				}
				a, err := Read(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(a.Shape, shape) || a.Dtype != descrs[kind] || a.FortranOrder || !slices.Equal(a.Data, want) {
					t.Errorf("got shape %v dtype %s fortran %v data %v; want %v %s false %v", a.Shape, a.Dtype, a.FortranOrder, a.Data, shape, descrs[kind], want)
				}
				if a.Shape == nil {
					t.Error("Shape is nil; want a non-nil empty slice for scalars")
				}
			})
		}
	}
}

// TestRoundTripSpecialValues checks that bit patterns survive: NaN, ±Inf,
// −0, subnormals, and integer extremes.
func TestRoundTripSpecialValues(t *testing.T) {
	f64 := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, math.MaxFloat64}
	f32 := []float32{float32(math.NaN()), float32(math.Inf(-1)), float32(math.Copysign(0, -1)), 1e-45, math.MaxFloat32}
	i64 := []int64{math.MinInt64, math.MaxInt64, 0, -1}
	i32 := []int32{math.MinInt32, math.MaxInt32}
	for _, tc := range []struct {
		data any
		want []float64
	}{
		{f64, f64},
		{f32, []float64{math.NaN(), math.Inf(-1), math.Copysign(0, -1), float64(float32(1e-45)), math.MaxFloat32}},
		{i64, []float64{math.MinInt64, math.MaxInt64, 0, -1}}, // MaxInt64 rounds to 2⁶³
		{i32, []float64{math.MinInt32, math.MaxInt32}},
	} {
		var buf bytes.Buffer
		n := len(tc.want)
		if err := Write(&buf, []int{n}, tc.data); err != nil {
			t.Fatal(err)
		}
		a, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range tc.want {
			if g := a.Data[i]; math.Float64bits(g) != math.Float64bits(w) && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("%T[%d] = %v, want %v", tc.data, i, g, w)
			}
		}
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape []int
		data  any
		want  string
	}{
		{"length mismatch", []int{3, 4}, make([]float32, 11), "data has 11 elements, shape (3, 4) needs 12"},
		{"scalar mismatch", nil, []float64{}, "data has 0 elements, shape () needs 1"},
		{"negative dim", []int{2, -3}, make([]float32, 6), "shape (2, -3): negative dimension -3"},
		{"overflow", []int{1 << 40, 1 << 40}, []uint8{}, "shape (1099511627776, 1099511627776): size overflows int64"},
		{"too many dims", make([]int, 65), []uint8{}, "shape has 65 dimensions, more than 64"},
		{"bad type", []int{2}, []int{1, 2}, "data of type []int unsupported (want []float32, []float64, []int64, []int32 or []uint8)"},
		{"nil", []int{2}, nil, "data of type <nil> unsupported"},
	} {
		err := Write(&bytes.Buffer{}, tc.shape, tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// npyBytes builds a .npy byte string by hand: version major.0, header text
// as given (no padding added), then data.
func npyBytes(major byte, hdr string, data []byte) []byte {
	b := []byte("\x93NUMPY")
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	}
	b = append(b, hdr...)
	return append(b, data...)
}

func dict(descr, order, shape string) string {
	return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }\n", descr, order, shape)
}

// TestReadVariants reads files numpy can write but Write does not: every
// dtype in both byte orders, Fortran order, versions 2.0 and 3.0, and header
// spelling variants.
func TestReadVariants(t *testing.T) {
	be, le := binary.BigEndian, binary.LittleEndian
	enc := func(o binary.AppendByteOrder, size int, vals ...uint64) []byte {
		var b []byte
		for _, v := range vals {
			switch size {
			case 1:
				b = append(b, byte(v))
			case 2:
				b = o.AppendUint16(b, uint16(v))
			case 4:
				b = o.AppendUint32(b, uint32(v))
			case 8:
				b = o.AppendUint64(b, v)
			}
		}
		return b
	}
	neg := func(v int64) uint64 { return uint64(v) }
	f32 := func(v float32) uint64 { return uint64(math.Float32bits(v)) }
	f64 := func(v float64) uint64 { return math.Float64bits(v) }
	for _, tc := range []struct {
		name  string
		file  []byte
		shape []int
		want  []float64
	}{
		{"i1", npyBytes(1, dict("|i1", "False", "(3,)"), enc(le, 1, neg(-128), 127, neg(-1))), []int{3}, []float64{-128, 127, -1}},
		{"<i1", npyBytes(1, dict("<i1", "False", "(1,)"), enc(le, 1, neg(-5))), []int{1}, []float64{-5}},
		{"b1", npyBytes(1, dict("|b1", "False", "(3,)"), []byte{0, 1, 2}), []int{3}, []float64{0, 1, 1}},
		{"<i2", npyBytes(1, dict("<i2", "False", "(2,)"), enc(le, 2, neg(-300), 300)), []int{2}, []float64{-300, 300}},
		{">i2", npyBytes(1, dict(">i2", "False", "(2,)"), enc(be, 2, neg(-300), 300)), []int{2}, []float64{-300, 300}},
		{">u2", npyBytes(1, dict(">u2", "False", "(1,)"), enc(be, 2, 65535)), []int{1}, []float64{65535}},
		{">i4", npyBytes(1, dict(">i4", "False", "(2,)"), enc(be, 4, neg(-70000), 70000)), []int{2}, []float64{-70000, 70000}},
		{"<u4", npyBytes(1, dict("<u4", "False", "(1,)"), enc(le, 4, 4000000000)), []int{1}, []float64{4e9}},
		{">u4", npyBytes(1, dict(">u4", "False", "(1,)"), enc(be, 4, 4000000000)), []int{1}, []float64{4e9}},
		{">i8", npyBytes(1, dict(">i8", "False", "(1,)"), enc(be, 8, neg(-1<<40))), []int{1}, []float64{-1 << 40}},
		{"<u8", npyBytes(1, dict("<u8", "False", "(1,)"), enc(le, 8, 1<<63)), []int{1}, []float64{1 << 63}},
		{">u8", npyBytes(1, dict(">u8", "False", "(1,)"), enc(be, 8, 12345)), []int{1}, []float64{12345}},
		{">f4", npyBytes(1, dict(">f4", "False", "(2,)"), enc(be, 4, f32(1.5), f32(-2.25))), []int{2}, []float64{1.5, -2.25}},
		{">f8", npyBytes(1, dict(">f8", "False", "()"), enc(be, 8, f64(math.Pi))), []int{}, []float64{math.Pi}},
		{"fortran 2-D", npyBytes(1, dict("<f8", "True", "(2, 3)"), enc(le, 8, f64(0), f64(3), f64(1), f64(4), f64(2), f64(5))),
			[]int{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
		{"fortran 1-D", npyBytes(1, dict("<i4", "True", "(3,)"), enc(le, 4, 7, 8, 9)), []int{3}, []float64{7, 8, 9}},
		{"version 2.0", npyBytes(2, dict("<u1", "False", "(2, 1)"), []byte{4, 5}), []int{2, 1}, []float64{4, 5}},
		{"version 3.0", npyBytes(3, dict("<u2", "False", "(1,)"), enc(le, 2, 9)), []int{1}, []float64{9}},
		{"double quotes, no trailing comma, odd spacing",
			npyBytes(1, "{ \"shape\":(2,) ,\"fortran_order\" :False,\"descr\":\"<i4\"}  \n", enc(le, 4, 1, 2)), []int{2}, []float64{1, 2}},
		{"python 2 longs", npyBytes(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (2L, 1L), }", []byte{1, 2}), []int{2, 1}, []float64{1, 2}},
		{"empty 3-D fortran", npyBytes(1, dict("<f4", "True", "(2, 0, 3)"), nil), []int{2, 0, 3}, []float64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Read(bytes.NewReader(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Shape, tc.shape) || !slices.Equal(a.Data, tc.want) {
				t.Errorf("got shape %v data %v; want %v %v", a.Shape, a.Data, tc.shape, tc.want)
			}
		})
	}
}

// TestFortranToC checks the reordering on a 2×3×4 array against the
// definition: element (i,j,k) is at Fortran offset i + 2j + 6k.
func TestFortranToC(t *testing.T) {
	shape := []int{2, 3, 4}
	in := make([]float64, 24)
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				in[i+2*j+6*k] = float64(100*i + 10*j + k)
			}
		}
	}
	got := fortranToC(in, shape)
	for i := range 2 {
		for j := range 3 {
			for k := range 4 {
				if c := (i*3+j)*4 + k; got[c] != float64(100*i+10*j+k) {
					t.Fatalf("C element (%d,%d,%d) = %v", i, j, k, got[c])
				}
			}
		}
	}
}

func TestReadMalformed(t *testing.T) {
	good := npyBytes(1, dict("<f8", "False", "(2,)"), make([]byte, 16))
	withHeader := func(h string) []byte { return npyBytes(1, h, make([]byte, 64)) }
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "read npy magic: unexpected EOF"},
		{"bad magic", append([]byte("\x93NUMPX"), good[6:]...), `read npy magic: got "\x93NUMPX", want "\x93NUMPY" (not a .npy file)`},
		{"text", []byte("hello world, this is not npy"), "not a .npy file"},
		{"version 1.1", append([]byte("\x93NUMPY\x01\x01"), good[8:]...), "format version 1.1 unsupported (want 1.0, 2.0 or 3.0)"},
		{"version 4.0", append([]byte("\x93NUMPY\x04\x00"), good[8:]...), "format version 4.0 unsupported"},
		{"no header length", good[:9], "read npy header length: unexpected EOF"},
		{"truncated header", good[:30], "read npy header (58 bytes): unexpected EOF"},
		{"v2 truncated length", []byte("\x93NUMPY\x02\x00\x10"), "read npy header length: unexpected EOF"},
		{"huge header length", []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f"), "length 2147483647 exceeds 65536 bytes"},
		{"empty header", npyBytes(1, "", nil), "want '{', got end of header"},
		{"garbage header", withHeader("garbage"), `want '{' at offset 0, got "garbage"`},
		{"not a dict", withHeader("['<f8', False, (2,)]"), "want '{'"},
		{"unterminated string", withHeader("{'descr"), "dict key: unterminated string"},
		{"unquoted key", withHeader("{descr: '<f8'}"), "dict key: want a quoted string at offset 1"},
		{"missing colon", withHeader("{'descr' '<f8'}"), "want ':' at offset 9"},
		{"missing key", withHeader("{'descr': '<f8', 'shape': (2,)}"), `key "fortran_order" missing`},
		{"extra key", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}"), `unexpected key "x" (want descr, fortran_order, shape)`},
		{"duplicate key", withHeader("{'descr': '<f8', 'descr': '<f4'}"), `key "descr" repeated`},
		{"missing comma", withHeader("{'descr': '<f8' 'fortran_order': False}"), "want ',' or '}' at offset 16"},
		{"trailing text", withHeader(dict("<f8", "False", "(2,)") + "x"), "trailing characters after the dict"},
		{"unclosed dict", withHeader("{'descr': '<f8', "), "dict key: want a quoted string, got end of header"},
		{"bool garbage", withHeader(dict("<f8", "yes", "(2,)")), `fortran_order: want True or False at offset 34, got "yes`},
		{"shape garbage", withHeader(dict("<f8", "False", "[2]")), `shape: want '(' at offset`},
		{"shape float", withHeader(dict("<f8", "False", "(2.5,)")), `shape: want ',' or ')' at offset`},
		{"shape empty item", withHeader(dict("<f8", "False", "(,)")), "shape: want an integer"},
		{"shape not a tuple", withHeader(dict("<f8", "False", "(5)")), "shape: (5) is not a tuple (want (5,))"},
		{"negative dim", withHeader(dict("<f8", "False", "(2, -3)")), "shape: negative dimension -3"},
		{"dim out of range", withHeader(dict("<f8", "False", "(99999999999999999999,)")), "shape: dimension 99999999999999999999 out of range"},
		{"size overflow", withHeader(dict("<f8", "False", "(4294967296, 4294967296)")), "shape (4294967296, 4294967296): size overflows int64"},
		{"absurd size", withHeader(dict("<f8", "False", "(100000, 100000)")), "shape (100000, 100000) has 10000000000 elements, more than 2147483647"},
		{"too many dims", withHeader(dict("<f8", "False", "("+strings.Repeat("1,", 65)+")")), "shape: more than 64 dimensions"},
		{"complex", withHeader(dict("<c8", "False", "(2,)")), `descr "<c8": unsupported dtype`},
		{"float16", withHeader(dict("<f2", "False", "(2,)")), `descr "<f2": unsupported dtype`},
		{"object", withHeader(dict("|O", "False", "(2,)")), `descr "|O": unsupported dtype`},
		{"bar on f4", withHeader(dict("|f4", "False", "(2,)")), `descr "|f4": byte order '|' on a multi-byte type`},
		{"native order", withHeader(dict("=f4", "False", "(2,)")), `descr "=f4": unknown byte order`},
		{"structured", withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}"), "structured dtypes unsupported"},
		{"escape", withHeader(`{'descr': '<f\4'}`), "escapes unsupported"},
		{"data short", good[:len(good)-1], "data shorter than the shape: got 15 of 16 bytes"},
		{"data missing", npyBytes(1, dict("<i4", "False", "(3, 2)"), nil), "read npy data (shape (3, 2), dtype <i4): data shorter than the shape: got 0 of 24 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Read(bytes.NewReader(tc.file))
			if err == nil {
				t.Fatalf("no error (shape %v), want %q", a.Shape, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestReadHostileAllocation: a header claiming 2³¹−1 float64 values (16 GiB)
// followed by a few bytes must fail after allocating about as much as was
// read, not 16 GiB.
func TestReadHostileAllocation(t *testing.T) {
	file := npyBytes(1, dict("<f8", "False", "(2147483647,)"), make([]byte, 4096))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(file))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "got 4096 of 17179869176 bytes") {
		t.Fatalf("err = %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d bytes for a 4 KiB input", alloc)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.npy")
	data := []float32{1, 2, 3, 4, 5, 6}
	if err := WriteFile(path, []int{2, 3}, data); err != nil {
		t.Fatal(err)
	}
	a, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Shape, []int{2, 3}) || !slices.Equal(a.Data, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("ReadFile: %+v", a)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}

	// A failed WriteFile leaves the old file and no temporary file behind.
	if err := WriteFile(path, []int{5}, data); err == nil || !strings.Contains(err.Error(), "write npy "+path+": write npy: data has 6 elements, shape (5,) needs 5") {
		t.Errorf("WriteFile with a bad shape: err = %v", err)
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "dir.npy"), []int{1}, []uint8{1}); err == nil {
		t.Error("WriteFile into a missing directory: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "a.npy" {
		t.Errorf("directory holds %v, want only a.npy", entries)
	}
	if a, err := ReadFile(path); err != nil || len(a.Data) != 6 {
		t.Errorf("old file damaged: %v", err)
	}

	// Overwrite, then extra bytes: ReadFile rejects them, Read leaves them.
	if err := WriteFile(path, []int{2}, []int64{-7, 7}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	os.WriteFile(path, append(b, 0, 0), 0o644)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "file has 146 bytes, header (shape (2,), dtype <i8) needs 144") {
		t.Errorf("ReadFile with trailing bytes: err = %v", err)
	}
	r := bytes.NewReader(append(b, 0, 0))
	if a, err := Read(r); err != nil || !slices.Equal(a.Data, []float64{-7, 7}) || r.Len() != 2 {
		t.Errorf("Read with trailing bytes: %v, %v, %d bytes left", a, err, r.Len())
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.npy")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: err = %v", err)
	}
}
