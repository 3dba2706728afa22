package spec_test

import (
	"fmt"

	"github.com/bitsweep/bitsweep/spec"
)

func Example() {
	const src = `
name: demo
fixed:
  source: bernoulli-gaussian
  d: 64
grid:
  sparsity: [0.1, 0.3]
  rate: {from: 0.5, to: 1, step: 0.5}
  arch: [linear, multilayer]
seeds: 2
exclude:
  - {arch: multilayer, rate: 0.5}
`
	s, err := spec.Parse([]byte(src), "demo.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	pts := s.Points()
	fmt.Printf("%s: %d points of %d\n", s.Name, len(pts), s.Total())
	for _, p := range pts[:6] {
		c := p.Config
		fmt.Printf("#%d p=%g r=%g %s L=%d seed=%d\n", p.Index, c.Sparsity, c.Rate, c.Arch, c.Layers, c.Seed)
	}
	// Output:
	// demo: 12 points of 16
	// #0 p=0.1 r=0.5 linear L=1 seed=1
	// #1 p=0.1 r=0.5 linear L=1 seed=2
	// #4 p=0.1 r=1 linear L=1 seed=1
	// #5 p=0.1 r=1 linear L=1 seed=2
	// #6 p=0.1 r=1 multilayer L=3 seed=1
	// #7 p=0.1 r=1 multilayer L=3 seed=2
}

func ExampleParse_errors() {
	const src = `name: demo
fixed:
  source: bernoulli-gaussian
  d: 64.5
  sparisty: 0.1
grid:
  sparsity: [0.1, 0.3, 1.5]
  rate: {from: 0.5, to: 1, step: 0.3}
`
	_, err := spec.Parse([]byte(src), "demo.yaml")
	fmt.Println(err)
	// Output:
	// demo.yaml:4:6: fixed.d = 64.5: must be an integer, not a float
	// demo.yaml:5:3: fixed.sparisty: unknown parameter (did you mean sparsity?)
	// demo.yaml:7:24: grid.sparsity[2] = 1.5: must be in (0, 1]
	// demo.yaml:8:34: grid.rate.step = 0.3: to − from = 0.5 is not a whole number of steps (the range would stop at 0.8: set to: 0.8 or change the step)
}

func ExampleSpec_At() {
	s, err := spec.Parse([]byte("name: at\nfixed: {source: gaussian, d: 16}\ngrid:\n  rate: [0.5, 1, 2]\nseeds: 1000\n"), "at.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, excluded := s.At(2500) // combination 2 (rate 2), seed index 500
	fmt.Println(s.Total(), p.Config.Rate, p.Config.Seed, excluded)
	// Output:
	// 3000 2 501 false
}
