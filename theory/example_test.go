package theory_test

import (
	"fmt"

	"github.com/bitsweep/bitsweep/theory"
)

func ExampleGaussLoss() {
	for _, r := range []float64{0.5, 1, 2} {
		fmt.Printf("R_Gauss(%v) = %.4f\n", r, theory.GaussLoss(r))
	}
	// Output:
	// R_Gauss(0.5) = 0.6817
	// R_Gauss(1) = 0.3634
	// R_Gauss(2) = 0.2220
}

func ExampleStateEvolution() {
	// Rate 1, Bernoulli–Gaussian data with 10% non-zeros (science.md §4.4).
	r, p := 1.0, 0.1
	fmt.Printf("linear decoder:  %.4f\n", theory.GaussLoss(r))
	for i, l := range theory.StateEvolution(r, p, 3) {
		fmt.Printf("%d-layer decoder: %.4f\n", i+1, l.Loss)
	}
	fmt.Printf("fixed point:     %.4f\n", theory.FixedPointLoss(r, p))
	// Output:
	// linear decoder:  0.3634
	// 1-layer decoder: 0.1175
	// 2-layer decoder: 0.0793
	// 3-layer decoder: 0.0681
	// fixed point:     0.0608
}

func ExamplePredict() {
	pr := theory.Predict("sparse-rademacher", "linear", 1, 0.8, 0)
	fmt.Printf("rotation %.4f, identity %.4f, p* = %.4f, expected %.4f\n",
		*pr.Gauss, *pr.Identity, *pr.CriticalP, *pr.Expected)
	// Output:
	// rotation 0.3634, identity 0.1667, p* = 0.4292, expected 0.1667
}

func ExampleInvMills() {
	for _, a := range []float64{-40, 0, 40} {
		fmt.Printf("λ(%v) = %.6f\n", a, theory.InvMills(a))
	}
	// Output:
	// λ(-40) = 0.000000
	// λ(0) = 0.797885
	// λ(40) = 40.024969
}
