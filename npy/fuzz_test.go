package npy

import (
	"bytes"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must never panic, and whatever
// it accepts must be self-consistent and survive a rewrite as float64.
func FuzzRead(f *testing.F) {
	for _, seed := range []struct {
		shape []int
		data  any
	}{
		{[]int{2, 3}, []float32{1, 2, 3, 4, 5, 6}},
		{nil, []float64{2.5}},
		{[]int{3}, []int64{-1, 0, 1}},
		{[]int{1, 2, 1}, []int32{7, 8}},
		{[]int{0, 4}, []uint8{}},
	} {
		var b bytes.Buffer
		if err := Write(&b, seed.shape, seed.data); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add(npyBytes(1, dict(">i2", "True", "(2, 2)"), []byte{0, 1, 0, 2, 0, 3, 0, 4}))
	f.Add(npyBytes(3, dict("|b1", "False", "(2,)"), []byte{0, 1}))
	f.Add(npyBytes(2, dict("<u8", "False", "(2147483647,)"), []byte{1, 2, 3}))
	f.Add([]byte("\x93NUMPY\x01\x00\x05\x00{'x'}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, s := range a.Shape {
			if s < 0 {
				t.Fatalf("negative dimension in %v", a.Shape)
			}
			n *= s
		}
		if len(a.Data) != n {
			t.Fatalf("shape %v but %d values", a.Shape, len(a.Data))
		}
		var out bytes.Buffer
		if err := Write(&out, a.Shape, a.Data); err != nil {
			t.Fatalf("rewrite: %v", err)
		}
		back, err := Read(&out)
		if err != nil {
			t.Fatalf("reread: %v", err)
		}
		for i, v := range back.Data {
			if w := a.Data[i]; v != w && v == v { // NaN ≠ NaN is fine
				t.Fatalf("value %d: %v after rewrite, %v before", i, v, w)
			}
		}
	})
}
