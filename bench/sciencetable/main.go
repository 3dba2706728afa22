// Command sciencetable trains the points behind the training core's claims
// (Gaussian and sparse-Gaussian linear autoencoders, the sparse Rademacher
// transition, the denoiser and the multilayer decoder) at each d, once with
// the default training (until converged) and once with the fixed 1,500-step
// schedule of train/1, and prints a Markdown table of measured vs predicted
// loss, steps and wall time. docs/TRAINING.md holds its output.
//
//	go run ./bench/sciencetable -d 64,128,256,512   # OpenBLAS when installed
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bitsweep/bitsweep/train"
)

func main() {
	dims := flag.String("d", "64,128,256,512", "comma-separated input dimensions")
	fixed := flag.Bool("fixed", true, "also train each point for a fixed 1,500 steps (until: fixed, the train/1 default)")
	only := flag.String("only", "", "train only the points whose label contains this")
	seed := flag.Uint64("seed", 1, "seed")
	flag.Parse()

	type row struct {
		claim string
		cfg   train.Config
	}
	pts := []row{
		{"Gaussian, linear, r=1", train.Config{Source: "gaussian", Rate: 1}},
		{"BG p=0.2, linear", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.2, Rate: 1}},
		{"SR p=0.3, linear", train.Config{Source: "sparse-rademacher", Sparsity: 0.3, Rate: 1}},
		{"SR p=0.7, linear", train.Config{Source: "sparse-rademacher", Sparsity: 0.7, Rate: 1}},
		{"SR p=0.8, linear", train.Config{Source: "sparse-rademacher", Sparsity: 0.8, Rate: 1}},
		{"SR p=0.9, linear", train.Config{Source: "sparse-rademacher", Sparsity: 0.9, Rate: 1}},
		{"BG p=0.1, denoiser", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "denoiser"}},
		{"BG p=0.1, multilayer L=2", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "multilayer", Layers: 2}},
		{"BG p=0.1, multilayer L=3", train.Config{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "multilayer", Layers: 3}},
	}
	fmt.Printf("backend %s, seed %d, %s\n\n", train.Backend(), *seed, time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| point | d | training | steps | stop | loss | predicted | gap | perm_score | orth_error | train s |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, ds := range strings.Split(*dims, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(ds))
		if err != nil {
			log.Fatalf("-d: %q is not an integer", ds)
		}
		for _, p := range pts {
			if *only != "" && !strings.Contains(p.claim, *only) {
				continue
			}
			modes := []string{"converged"}
			if *fixed {
				modes = append(modes, "fixed")
			}
			for _, mode := range modes {
				c := p.cfg
				c.Dim, c.Seed, c.Until = d, *seed, mode
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
				label := "default (converged)"
				if mode == "fixed" {
					label = "fixed 1,500"
				}
				fmt.Printf("| %s | %d | %s | %d | %s | %.4f | %s | %s | %.4f | %.3f | %.0f |\n", p.claim, d, label, res.Steps,
					res.StopReason, res.Loss, pred, gap, res.Minimizer.PermScore, res.Minimizer.OrthError, res.Seconds)
				os.Stdout.Sync()
			}
		}
	}
}
