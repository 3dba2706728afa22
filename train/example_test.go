package train_test

import (
	"context"
	"fmt"
	"math"

	"github.com/bitsweep/bitsweep/train"
)

// Train a small linear 1-bit autoencoder on Gaussian data and compare its
// held-out loss with the Gaussian prediction 1 − 2r/π.
func Example() {
	tr, err := train.New(train.Config{Source: "gaussian", Rate: 0.5, Dim: 32, Steps: 400, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := tr.Run(context.Background(), train.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n = %d bits, R_Gauss = %.4f, loss within 0.02 of it: %v\n",
		res.N, *res.Theory.Gauss, math.Abs(res.Loss-*res.Theory.Gauss) < 0.02)
	// Output: n = 16 bits, R_Gauss = 0.6817, loss within 0.02 of it: true
}
