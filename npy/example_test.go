package npy_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/bitsweep/bitsweep/npy"
)

// Write a 2×3 float32 matrix and read it back; Read converts to float64.
// In Python: numpy.load(path) gives array([[0., 0.5, 1.], [1.5, 2., 2.5]], dtype=float32).
func Example() {
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{2, 3}, []float32{0, 0.5, 1, 1.5, 2, 2.5}); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", buf.Bytes()[:8])
	fmt.Println(buf.Len()) // 128-byte header (a multiple of 64) + 6×4 bytes

	a, err := npy.Read(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Shape, a.Dtype, a.FortranOrder, a.Data)

	err = npy.Write(&buf, []int{2, 2}, []float32{1, 2, 3})
	fmt.Println(err)
	// Output:
	// "\x93NUMPY\x01\x00"
	// 152
	// [2 3] <f4 false [0 0.5 1 1.5 2 2.5]
	// write npy: data has 3 elements, shape (2, 2) needs 4
}
