// Command sciencetable trains the points behind the training core's claims
// (issue 2: Gaussian and sparse-Gaussian linear autoencoders, the sparse
// Rademacher transition, the denoiser and the 3-layer decoder) at one d and
// prints a Markdown table of measured vs predicted loss. docs/TRAINING.md
// holds its output at d = 512.
//
//	CGO_LDFLAGS=-lopenblas go run -tags openblas ./bench/sciencetable -d 512
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/bitsweep/bitsweep/train"
)

func main() {
	d := flag.Int("d", 512, "input dimension")
	steps := flag.Int("steps", 2000, "optimiser steps per point")
	srd := flag.Int("sr-d", 64, "d for the sparse Rademacher points (the escape from the rotation plateau slows with d)")
	flag.Parse()

	type row struct {
		claim string
		cfg   train.Config
	}
	pts := []row{
		{"Gaussian, linear", train.Config{Source: "gaussian", Rate: 0.5}},
		{"Gaussian, linear", train.Config{Source: "gaussian", Rate: 1}},
		{"BG p=0.2, linear", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.2, Rate: 1}},
		{"SR p=0.9, linear", train.Config{Source: "sparse-rademacher", Sparsity: 0.9, Rate: 1, Dim: *srd, LR: 0.01, Steps: 3000}},
		{"SR p=0.3, linear", train.Config{Source: "sparse-rademacher", Sparsity: 0.3, Rate: 1, Dim: *srd, LR: 0.01, Steps: 3000}},
		{"BG p=0.1, denoiser", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "denoiser"}},
		{"BG p=0.1, multilayer L=3", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "multilayer", Layers: 3}},
	}
	fmt.Printf("backend %s, %s\n\n", train.Backend(), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| point | d | steps | measured loss | predicted | gap | perm_score | orth_error | train s |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, p := range pts {
		c := p.cfg
		if c.Dim == 0 {
			c.Dim = *d
		}
		if c.Steps == 0 {
			c.Steps = *steps
		}
		c.Seed = 1
		tr, err := train.New(c)
		if err != nil {
			log.Fatal(err)
		}
		res, err := tr.Run(context.Background(), train.RunOptions{})
		if err != nil {
			log.Fatal(err)
		}
		pred, gap := "–", "–"
		if e := res.Theory.Expected; e != nil {
			pred, gap = fmt.Sprintf("%.4f", *e), fmt.Sprintf("%+.4f", res.Loss-*e)
		}
		fmt.Printf("| %s, r=%g | %d | %d | %.4f | %s | %s | %.4f | %.3f | %.0f |\n", p.claim, c.Rate, c.Dim, c.Steps,
			res.Loss, pred, gap, res.Minimizer.PermScore, res.Minimizer.OrthError, res.Seconds)
		os.Stdout.Sync()
	}
}
