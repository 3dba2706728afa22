package spec

import "strings"

// aliases maps names people plausibly write for a parameter (command-line
// flag spellings, paper notation, other tools' names) to the spec's name.
var aliases = map[string]string{
	"dim": "d", "dimension": "d", "input_dim": "d",
	"p": "sparsity", "prob": "sparsity",
	"r":            "rate",
	"architecture": "arch", "model": "arch",
	"depth": "layers", "num_layers": "layers", "n_layers": "layers", "l": "layers",
	"batch_size": "batch", "batchsize": "batch", "bs": "batch",
	"learning_rate": "lr", "eta": "lr",
	"iterations": "steps", "iters": "steps", "num_steps": "steps", "n_steps": "steps", "epochs": "steps",
	"opt": "optimizer", "optim": "optimizer",
	"eval": "eval_samples", "n_eval": "eval_samples", "test_samples": "eval_samples",
	"epsilon": "ste_epsilon", "eps": "ste_epsilon",
	"lr_schedule": "schedule",
	"data":        "source", "dataset": "source", "distribution": "source",
}

// suggest returns the element of candidates that word was most likely
// meant to be, or "" when none is close: an exact match after folding case
// and '-' to '_', a known alias, or the nearest candidate within a small
// edit distance (transpositions count as one edit).
func suggest(word string, candidates []string) string {
	if len(word) > 64 {
		return "" // no candidate is close (see editDistance); skip the folding
	}
	w := strings.ReplaceAll(strings.ToLower(word), "-", "_")
	in := func(s string) bool {
		for _, c := range candidates {
			if c == s {
				return true
			}
		}
		return false
	}
	if w != word && in(w) {
		return w
	}
	if a, ok := aliases[w]; ok && in(a) {
		return a
	}
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(w, c); d < bestD {
			best, bestD = c, d
		}
	}
	var limit int
	switch n := len(best); {
	case n <= 2:
		limit = 0 // every short name is one edit from too many words
	case n <= 5:
		limit = 1
	case n <= 9:
		limit = 2
	default:
		limit = 3
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// didYouMean formats suggest's answer as a message suffix.
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return " (did you mean " + s + "?)"
	}
	return ""
}

// editDistance is the optimal-string-alignment distance between a and b
// (Levenshtein plus adjacent transpositions), on bytes. Inputs longer than
// 64 bytes are not compared (the distance is reported as large): keys are
// short, and this keeps a hostile key from costing quadratic time.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
