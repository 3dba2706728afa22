package report

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/bitsweep/bitsweep/train"
)

// Stat is the mean and standard error of one metric over a group's seeds.
type Stat struct {
	Mean float64
	// SE is the standard error sd/√count, with sd the sample standard
	// deviation (denominator count − 1); 0 when count is 1.
	SE float64
}

// Group summarises the rows that share their whole config except the seed.
type Group struct {
	Config train.Config // the shared config; Seed is 0
	Sweep  string       // the sweeps of its rows, sorted and joined with ";"
	N      int          // latent bits
	Count  int          // rows (seeds)
	Seeds  []uint64     // the seeds, ascending
	// Unconverged groups the rows whose step budget ran out before they
	// converged: they are never averaged with converged rows of the same
	// config, which form a group of their own.
	Unconverged bool

	Loss      Stat
	LossRaw   Stat
	PermScore Stat
	OrthError Stat
	// TheoryExpected is the shared prediction (a function of the config);
	// nil when there is none.
	TheoryExpected *float64
}

// GroupRows groups rows by config without the seed, and by whether they ran
// out of budget, in the order of each group's first row.
func GroupRows(rows []Row) []Group {
	type key struct {
		c      train.Config
		budget bool
	}
	index := map[key]int{}
	var members [][]*Row
	for i := range rows {
		c := rows[i].config()
		c.Seed = 0
		k := key{c, rows[i].budgetHit()}
		g, ok := index[k]
		if !ok {
			g = len(members)
			index[k] = g
			members = append(members, nil)
		}
		members[g] = append(members[g], &rows[i])
	}
	groups := make([]Group, len(members))
	for g, rs := range members {
		first := rs[0]
		c := first.config()
		c.Seed = 0
		sweeps := map[string]bool{}
		gr := Group{Config: c, N: int(first.N), Count: len(rs), TheoryExpected: first.TheoryExpected, Unconverged: first.budgetHit()}
		var loss, raw, perm, orth []float64
		for _, r := range rs {
			gr.Seeds = append(gr.Seeds, r.Seed)
			loss = append(loss, r.Loss)
			raw = append(raw, r.LossRaw)
			perm = append(perm, r.PermScore)
			orth = append(orth, r.OrthError)
			for s := range strings.SplitSeq(r.Sweep, ";") {
				if s != "" {
					sweeps[s] = true
				}
			}
		}
		slices.Sort(gr.Seeds)
		gr.Loss, gr.LossRaw, gr.PermScore, gr.OrthError = stat(loss), stat(raw), stat(perm), stat(orth)
		names := make([]string, 0, len(sweeps))
		for s := range sweeps {
			names = append(names, s)
		}
		sort.Strings(names)
		gr.Sweep = strings.Join(names, ";")
		groups[g] = gr
	}
	return groups
}

// stat returns the mean and standard error of xs (len(xs) ≥ 1).
func stat(xs []float64) Stat {
	n := float64(len(xs))
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / n
	if len(xs) < 2 {
		return Stat{Mean: mean}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	return Stat{Mean: mean, SE: sd / math.Sqrt(n)}
}

// perSweepGroups returns the groups that did not hit their step budget,
// each repeated once per sweep of its label ("a;b" becomes a group of a and
// one of b) for the sweeps keep accepts. Groups that ran out of budget are
// problems (problems.csv), left out of the claims and figures as
// REPRODUCTION.md's header says.
func perSweepGroups(groups []Group, keep func(sweep string) bool) []Group {
	var out []Group
	for _, g := range groups {
		if g.Unconverged {
			continue
		}
		for _, s := range strings.Split(g.Sweep, ";") {
			if keep(s) {
				c := g
				c.Sweep = s
				out = append(out, c)
			}
		}
	}
	return out
}
