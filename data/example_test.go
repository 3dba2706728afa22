package data_test

import (
	"fmt"
	"log"

	"github.com/bitsweep/bitsweep/data"
)

// A sparse-Rademacher source with p = 1/4: coordinates are 0 or ±1/√p = ±2.
// Batch is reproducible from (seed, step); Heldout comes from its own streams.
func Example() {
	src, err := data.New(data.Options{Source: "sparse-rademacher", Dim: 6, Sparsity: 0.25})
	if err != nil {
		log.Fatal(err)
	}
	x := make([]float32, 2*src.Dim()) // two rows
	src.Batch(1, 0, x)
	fmt.Println(src.Name(), src.Dim())
	fmt.Println(x[:6])
	fmt.Println(x[6:])
	h, rows := src.Heldout(1, 2)
	fmt.Println(rows, h)

	_, err = data.New(data.Options{Source: "bernoulli-gaussian", Dim: 6, Sparsity: 1.5})
	fmt.Println(err)
	// Output:
	// sparse-rademacher 6
	// [-2 0 0 2 0 0]
	// [0 0 -2 -2 -2 0]
	// 2 [0 0 0 0 0 0 0 2 0 0 0 0]
	// source "bernoulli-gaussian": sparsity 1.5: must be in (0, 1]
}
