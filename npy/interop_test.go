package npy

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// needNumpy skips the test unless /usr/bin/python3 can import numpy
// (Debian: apt-get install python3-numpy).
func needNumpy(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s not found: interop with numpy not tested", python)
	}
	if out, err := exec.Command(python, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Skipf("numpy not importable by %s (apt-get install python3-numpy): %v: %s", python, err, strings.TrimSpace(string(out)))
	}
}

// checkScript loads the files written by TestNumpyLoadsOurFiles and compares
// them with the same formulas in numpy, also through np.load(mmap_mode='r').
const checkScript = `
import sys, numpy as np
d = sys.argv[1]
def check(name, dtype, shape, expect):
    for mm in (None, 'r'):
        a = np.load(d + '/' + name + '.npy', mmap_mode=mm, allow_pickle=False)
        assert a.dtype == np.dtype(dtype), (name, a.dtype, dtype)
        assert a.shape == shape, (name, a.shape, shape)
        assert a.flags['C_CONTIGUOUS'], name
        e = np.asarray(expect).astype(dtype).reshape(shape)
        assert np.array_equal(a, e), (name, a, e)
n = np.arange(60000)
check('f4', '<f4', (3, 4), n[:12] * 0.5 - 3)
check('f8_scalar', '<f8', (), 2.5)
check('f8_big', '<f8', (300, 200), n / 7.0)
check('i8', '<i8', (6,), [-20, -13, -6, 1, 2**62, -2**62])
check('i4', '<i4', (2, 3, 2), n[:12] * 1000 - 5000)
check('u1', '|u1', (4, 4), (n[:16] * 37) % 256)
check('empty', '<f4', (0, 3), [])
print('ok')
`

// TestNumpyLoadsOurFiles writes files with WriteFile and has numpy load them.
func TestNumpyLoadsOurFiles(t *testing.T) {
	needNumpy(t)
	dir := t.TempDir()
	write := func(name string, shape []int, data any) {
		if err := WriteFile(filepath.Join(dir, name+".npy"), shape, data); err != nil {
			t.Fatal(err)
		}
	}
	f4 := make([]float32, 12)
	i4 := make([]int32, 12)
	for i := range 12 {
		f4[i] = float32(i)*0.5 - 3
		i4[i] = int32(i)*1000 - 5000
	}
	big := make([]float64, 60000)
	for i := range big {
		big[i] = float64(i) / 7 // correctly rounded in Go and in numpy
	}
	u1 := make([]uint8, 16)
	for i := range u1 {
		u1[i] = uint8(i * 37 % 256)
	}
	write("f4", []int{3, 4}, f4)
	write("f8_scalar", nil, []float64{2.5})
	write("f8_big", []int{300, 200}, big)
	write("i8", []int{6}, []int64{-20, -13, -6, 1, 1 << 62, -1 << 62})
	write("i4", []int{2, 3, 2}, i4)
	write("u1", []int{4, 4}, u1)
	write("empty", []int{0, 3}, []float32{})
	out, err := exec.Command(python, "-c", checkScript, dir).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("numpy check failed: %v\n%s", err, out)
	}
}

// makeScript writes files with numpy, in layouts Write never produces.
const makeScript = `
import sys, numpy as np
d = sys.argv[1]
a = np.arange(24)
np.save(d + '/f4_3d.npy', (a * 0.25 - 1).astype('<f4').reshape(2, 3, 4))
np.save(d + '/f8_be.npy', (a / 7.0).astype('>f8').reshape(4, 6))
np.save(d + '/i2_fortran.npy', np.asfortranarray((a - 12).astype('<i2').reshape(2, 3, 4)))
np.save(d + '/f4_fortran_be.npy', np.asfortranarray((a * 0.5).astype('>f4').reshape(4, 6)))
np.save(d + '/u8.npy', (a * 1000).astype('<u8'))
np.save(d + '/u4_be.npy', (a * 100000).astype('>u4'))
np.save(d + '/i1.npy', (a - 12).astype('i1'))
np.save(d + '/i8_be.npy', (a - 12).astype('>i8').reshape(3, 8))
np.save(d + '/bool.npy', (a % 3 == 0).reshape(4, 6))
np.save(d + '/scalar.npy', np.float64(2.5))
np.save(d + '/empty.npy', np.zeros((3, 0), dtype='<i4'))
with open(d + '/v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a.astype('<u2').reshape(6, 4), version=(2, 0))
with open(d + '/v3.npy', 'wb') as f:
    np.lib.format.write_array(f, np.asfortranarray(a.astype('>i4').reshape(6, 4)), version=(3, 0))
np.save(d + '/f2.npy', a.astype('<f2'))
np.save(d + '/c8.npy', a.astype('<c8'))
np.save(d + '/struct.npy', np.zeros(3, dtype=[('x', '<f4'), ('y', '<i4')]))
print('ok')
`

// TestWeReadNumpyFiles reads files numpy wrote: every dtype, both byte
// orders, Fortran order, versions 2.0 and 3.0, and unsupported dtypes.
func TestWeReadNumpyFiles(t *testing.T) {
	needNumpy(t)
	dir := t.TempDir()
	if out, err := exec.Command(python, "-c", makeScript, dir).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("numpy failed: %v\n%s", err, out)
	}
	arange := func(f func(float64) float64) []float64 {
		out := make([]float64, 24)
		for i := range out {
			out[i] = f(float64(i))
		}
		return out
	}
	for _, tc := range []struct {
		file    string
		dtype   string
		fortran bool
		shape   []int
		want    []float64
	}{
		{"f4_3d", "<f4", false, []int{2, 3, 4}, arange(func(x float64) float64 { return x*0.25 - 1 })},
		{"f8_be", ">f8", false, []int{4, 6}, arange(func(x float64) float64 { return x / 7 })},
		{"i2_fortran", "<i2", true, []int{2, 3, 4}, arange(func(x float64) float64 { return x - 12 })},
		{"f4_fortran_be", ">f4", true, []int{4, 6}, arange(func(x float64) float64 { return x * 0.5 })},
		{"u8", "<u8", false, []int{24}, arange(func(x float64) float64 { return x * 1000 })},
		{"u4_be", ">u4", false, []int{24}, arange(func(x float64) float64 { return x * 100000 })},
		{"i1", "|i1", false, []int{24}, arange(func(x float64) float64 { return x - 12 })},
		{"i8_be", ">i8", false, []int{3, 8}, arange(func(x float64) float64 { return x - 12 })},
		{"bool", "|b1", false, []int{4, 6}, arange(func(x float64) float64 {
			if int(x)%3 == 0 {
				return 1
			}
			return 0
		})},
		{"scalar", "<f8", false, []int{}, []float64{2.5}},
		{"empty", "<i4", false, []int{3, 0}, []float64{}},
		{"v2", "<u2", false, []int{6, 4}, arange(func(x float64) float64 { return x })},
		{"v3", ">i4", true, []int{6, 4}, arange(func(x float64) float64 { return x })},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a, err := ReadFile(filepath.Join(dir, tc.file+".npy"))
			if err != nil {
				t.Fatal(err)
			}
			if a.Dtype != tc.dtype || a.FortranOrder != tc.fortran || !slices.Equal(a.Shape, tc.shape) || !slices.Equal(a.Data, tc.want) {
				t.Errorf("got %s fortran=%v %v %v; want %s fortran=%v %v %v", a.Dtype, a.FortranOrder, a.Shape, a.Data, tc.dtype, tc.fortran, tc.shape, tc.want)
			}
		})
	}
	for file, want := range map[string]string{
		"f2":     `descr "<f2": unsupported dtype`,
		"c8":     `descr "<c8": unsupported dtype`,
		"struct": "structured dtypes unsupported",
	} {
		if _, err := ReadFile(filepath.Join(dir, file+".npy")); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s.npy: err = %v, want %q", file, err, want)
		}
	}
}
