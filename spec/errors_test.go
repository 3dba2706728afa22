package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A valid head that malformed specs below build on: lines 1 and 2.
const head = "name: t\nfixed: {source: gaussian, d: 8, rate: 1}\n"

func TestParseErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-images")
	tests := []struct {
		name string
		yaml string
		path string // the Path of the error
		line int
		msg  string // a substring of its Msg
	}{
		// YAML itself.
		{"syntax error", "name: t\ngrid: [sparsity\nseeds: 1\n", "", 2, "YAML syntax error: did not find expected ',' or ']'"}, // at the unclosed '['
		{"syntax error, block", "name: t\n\ngrid:\n  sparsity: [1]\n rate: [1]\n", "", 5, "YAML syntax error: did not find expected key"},
		{"bad indentation", "name: t\n  grid: 1\n", "", 2, "YAML syntax error"},
		{"top level a list", "- name: t\n- grid: {}\n", "", 1, "top level must be a mapping"},
		{"top level a scalar", "just text\n", "", 1, "top level must be a mapping"},
		{"empty file", "", "", 0, "empty"},
		{"only a comment", "# nothing\n", "", 0, "empty"},
		{"two documents", head + "grid: {arch: [linear]}\n---\nname: u\n", "", 4, "second YAML document"},
		{"duplicate top-level key", head + "grid: {arch: [linear]}\nname: u\n", "name", 4, "duplicate key (first at line 1)"},
		{"duplicate key in fixed", "name: t\nfixed:\n  source: gaussian\n  d: 8\n  d: 9\ngrid: {rate: [1]}\n", "fixed.d", 5, "duplicate key (first at line 4)"},
		{"duplicate key in a range", head + "grid:\n  sparsity: {from: 0.1, to: 1, to: 0.5, step: 0.1}\n", "grid.sparsity.to", 4, "duplicate key"},
		{"merge key", "name: t\nbase: &b {source: gaussian}\nfixed:\n  <<: *b\n  d: 8\ngrid: {rate: [1]}\n", "fixed.<<", 4, "merge keys"},

		// Unknown keys, with suggestions.
		{"unknown top-level key", head + "gird: {arch: [linear]}\n", "gird", 3, "did you mean grid?"},
		{"parameter at top level", head + "grid: {arch: [linear]}\nsparsity: 0.5\n", "sparsity", 4, "parameters go under fixed: or grid:"},
		{"misspelt fixed parameter", "name: t\nfixed:\n  source: gaussian\n  d: 8\n  rate: 1\n  sparisty: 0.2\ngrid: {arch: [linear]}\n", "fixed.sparisty", 6, "did you mean sparsity?"},
		{"flag spelling in fixed", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, eval-samples: 100}\ngrid: {arch: [linear]}\n", "fixed.eval-samples", 2, "did you mean eval_samples?"},
		{"alias name in grid", head + "grid:\n  dim: [8, 16]\n", "grid.dim", 4, "did you mean d?"},
		{"unknown parameter, no near miss", head + "grid:\n  temperature: [1]\n", "grid.temperature", 4, "the parameters are source, sparsity"},
		{"seed in fixed", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, seed: 4}\ngrid: {arch: [linear]}\n", "fixed.seed", 2, "top-level key seeds"},
		{"unknown range key", head + "grid:\n  sparsity: {from: 0.1, to: 1, stpe: 0.1}\n", "grid.sparsity.stpe", 4, "did you mean step?"},
		{"unknown exclude key", head + "grid: {arch: [linear, denoiser]}\nexclude:\n  - {arhc: linear}\n", "exclude[0].arhc", 5, "did you mean arch?"},

		// Types.
		{"string for a number", "name: t\nfixed: {source: gaussian, d: 8, rate: fast}\ngrid: {arch: [linear]}\n", "fixed.rate", 2, "must be a number, not a string"},
		{"quoted number", "name: t\nfixed: {source: gaussian, d: 8, rate: \"1\"}\ngrid: {arch: [linear]}\n", "fixed.rate", 2, "must be a number"},
		{"list in fixed", head + "grid: {arch: [linear]}\n" + "", "", 0, ""}, // placeholder replaced below
		{"float for an int", "name: t\nfixed: {source: gaussian, d: 64.0, rate: 1}\ngrid: {arch: [linear]}\n", "fixed.d", 2, "must be an integer, not a float (write 64)"},
		{"exponent for an int", head + "grid:\n  steps: [100, 1e3]\n", "grid.steps[1]", 4, "must be an integer, not a float (write 1000)"},
		{"yes is not a boolean", head + "grid: {arch: [linear]}\n" + "", "", 0, ""}, // placeholder replaced below
		{"boolean for a string", head + "grid:\n  arch: [linear, true]\n", "grid.arch[1]", 4, "must be a string, not a boolean"},
		{"NaN", "name: t\nfixed: {source: gaussian, d: 8, rate: .nan}\ngrid: {arch: [linear]}\n", "fixed.rate", 2, "finite"},
		{"infinity in a list", head + "grid:\n  lr: [0.1, .inf]\n", "grid.lr[1]", 4, "finite"},
		{"nested list in an axis", head + "grid:\n  lr: [0.1, [0.2]]\n", "grid.lr[1]", 4, "not a list"},
		{"null value in fixed", "name: t\nfixed:\n  source: gaussian\n  d: 8\n  rate:\ngrid: {arch: [linear]}\n", "fixed.rate", 5, "missing value"},
		{"integer out of range", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, steps: 99999999999999999999}\ngrid: {arch: [linear]}\n", "fixed.steps", 2, "must be an integer"},

		// Values that train.Config.Validate refuses, mapped to their node.
		{"sparsity above 1 in a list", head + "grid:\n  sparsity: [0.1, 0.5,\n    1.5]\n", "grid.sparsity[2]", 5, "must be in (0, 1]"},
		{"list position kept after a bad item", head + "grid:\n  sparsity: [x, 0.5, 0.5, 1.5]\n", "grid.sparsity[3]", 4, "must be in (0, 1]"},
		{"sparsity above 1 from a range", head + "grid:\n  sparsity: {from: 0.5, to: 1.5, step: 0.5}\n", "grid.sparsity", 4, "must be in (0, 1]"},
		{"negative rate", "name: t\nfixed: {source: gaussian, d: 8}\ngrid:\n  arch: [linear]\n  rate: [1, -0.5]\n", "grid.rate[1]", 5, "must be > 0"},
		{"rate too small for d", "name: t\nfixed: {source: gaussian, d: 8, rate: 0.01}\ngrid: {arch: [linear]}\n", "fixed.rate", 2, "gives n = round(r·d) = 0 bits"},
		{"unknown architecture", head + "grid:\n  arch: [linear, lienar]\n", "grid.arch[1]", 4, "did you mean linear?"},
		{"unknown optimizer", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, optimizer: adamw}\ngrid: {arch: [linear]}\n", "fixed.optimizer", 2, "unknown optimizer"},
		{"layers with a linear arch", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, arch: linear, layers: 2}\ngrid: {steps: [10]}\n", "fixed.layers", 2, "only the multilayer architecture has layers"},
		{"layers against an arch axis", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, layers: 2}\ngrid:\n  arch: [linear, denoiser, multilayer]\n", "fixed.layers", 2, "(with arch = linear or denoiser)"},
		{"an interaction of two axes", head + "grid:\n  steps: [10, 20, 30]\n  ste: [tanh, identity]\n  ste_epsilon: [0.5, -1]\n", "grid.ste_epsilon[1]", 6, "must be > 0 (with ste = tanh)"},
		{"refit with a denoiser", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, refit: true}\ngrid:\n  arch: [linear, denoiser]\n", "fixed.refit", 2, "(with arch = denoiser)"},
		{"unknown source", "name: t\nfixed: {source: bernoulli-gausian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "fixed.source", 2, "did you mean bernoulli-gaussian?"},
		{"synthetic source with a path", "name: t\nfixed: {source: \"gaussian:/x\", d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "fixed.source", 2, "takes no path"},
		{"image source without a path", "name: t\nfixed: {source: \"idx:\", rate: 1}\ngrid: {arch: [linear]}\n", "fixed.source", 2, "needs a path"},
		{"image file missing", "name: t\nfixed: {source: \"idx:" + missing + "\", rate: 1}\ngrid: {arch: [linear]}\n", "fixed.source", 2, missing},
		{"source missing", "name: t\nfixed: {d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "fixed.source", 2, "required"},
		{"rate missing, no fixed", "name: t\ngrid: {source: [gaussian], d: [8]}\n", "fixed.rate", 1, "required"},
		{"explicit zero steps", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, steps: 0}\ngrid: {arch: [linear]}\n", "fixed.steps", 2, "read as unset"},
		{"explicit zero sparsity", head + "grid:\n  sparsity: [0, 0.5]\n", "grid.sparsity[0]", 4, "must be in (0, 1]"},
		{"empty arch", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, arch: \"\"}\ngrid: {steps: [10]}\n", "fixed.arch", 2, "must not be empty"},
		{"range through 0 for layers", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, arch: multilayer}\ngrid:\n  layers: {from: 0, to: 2, step: 1}\n", "grid.layers", 4, "the range includes 0"},

		// Ranges.
		{"zero step", head + "grid:\n  sparsity: {from: 0.1, to: 1, step: 0}\n", "grid.sparsity.step", 4, "must be > 0"},
		{"from above to", head + "grid:\n  sparsity: {from: 1, to: 0.1, step: 0.1}\n", "grid.sparsity.from", 4, "greater than to"},
		{"num below 1", head + "grid:\n  lr: {from: 0.001, to: 0.1, num: 0}\n", "grid.lr.num", 4, "must be ≥ 1"},
		{"log with a zero bound", head + "grid:\n  lr: {from: 0, to: 0.1, num: 3, log: true}\n", "grid.lr.from", 4, "log range needs from > 0"},
		{"range too long", head + "grid:\n  lr: {from: 0.0001, to: 10, step: 0.0001}\n", "grid.lr.step", 4, "at most 10000"},
		{"step and num", head + "grid:\n  lr: {from: 0.01, to: 0.1, step: 0.01,\n       num: 3}\n", "grid.lr.num", 5, "not both"},
		{"range without to", head + "grid:\n  lr: {from: 0.01, step: 0.01}\n", "grid.lr", 4, "needs from and to"},
		{"range without step or num", head + "grid:\n  lr: {from: 0.01, to: 0.1}\n", "grid.lr", 4, "needs step or num"},
		{"not a whole number of steps", head + "grid:\n  sparsity: {from: 0.1, to: 1, step: 0.2}\n", "grid.sparsity.step", 4, "would stop at 0.9"},
		{"range over a string parameter", head + "grid:\n  arch: {from: 1, to: 2, step: 1}\n", "grid.arch", 4, "numeric parameter"},
		{"non-integer values for an int", head + "grid:\n  steps: {from: 10, to: 20, num: 3}\n", "", 0, ""}, // placeholder replaced below
		{"float bound for an int range", head + "grid:\n  steps: {from: 10, to: 20.5, step: 1}\n", "grid.steps.to", 4, "must be an integer"},

		// Grid, seeds and exclusions.
		{"missing grid", head, "grid", 1, "required"},
		{"missing grid, fixed still validated", "name: t\nfixed: {source: gaussian, d: 8, rate: 1, sparsity: 2}\n", "fixed.sparsity", 2, "must be in (0, 1]"},
		{"empty grid", head + "grid: {}\n", "grid", 3, "empty"},
		{"null grid", head + "grid:\n", "grid", 3, "empty"},
		{"grid a list", head + "grid: [sparsity]\n", "grid", 3, "must be a mapping"},
		{"empty axis", head + "grid:\n  sparsity: []\n", "grid.sparsity", 4, "empty axis"},
		{"scalar axis", head + "grid:\n  sparsity: 0.5\n", "grid.sparsity", 4, "not a single value"},
		{"duplicate axis value", head + "grid:\n  sparsity: [0.1, 0.5, 0.1]\n", "grid.sparsity[2]", 4, "duplicate value (also at line 4)"},
		{"fixed and grid", head + "grid:\n  arch: [linear]\n  rate: [1, 2]\n", "grid.rate", 5, "also set under fixed (line 2)"},
		{"negative seed count", head + "grid: {arch: [linear]}\nseeds: -2\n", "seeds", 4, "≥ 1"},
		{"zero seeds", head + "grid: {arch: [linear]}\nseeds: 0\n", "seeds", 4, "≥ 1"},
		{"float seed count", head + "grid: {arch: [linear]}\nseeds: 2.5\n", "seeds", 4, "must be an integer"},
		{"negative seed", head + "grid: {arch: [linear]}\nseeds: [1, -3]\n", "seeds[1]", 4, "≥ 0"},
		{"duplicate seed", head + "grid: {arch: [linear]}\nseeds:\n  - 1\n  - 1\n", "seeds[1]", 6, "duplicate seed (also at line 5)"},
		{"empty seed list", head + "grid: {arch: [linear]}\nseeds: []\n", "seeds", 4, "empty"},
		{"exclude a fixed parameter", head + "grid: {arch: [linear, denoiser]}\nexclude:\n  - {rate: 1}\n", "exclude[0].rate", 5, "is fixed (line 2)"},
		{"exclude a non-axis parameter", head + "grid: {arch: [linear, denoiser]}\nexclude:\n  - {lr: 1}\n", "exclude[0].lr", 5, "not a grid axis (the axes are arch)"},
		{"exclude a value not on the axis", head + "grid: {arch: [linear, denoiser]}\nexclude:\n  - {arch: multilayer}\n", "exclude[0].arch", 5, "not a value of the grid axis arch (values: linear, denoiser)"},
		{"exclude everything", head + "grid: {arch: [linear, denoiser]}\nseeds: 2\nexclude:\n  - {arch: linear}\n  - {arch: denoiser}\n", "exclude", 5, "the exclusions remove all 4 points"},
		{"empty exclusion", head + "grid: {arch: [linear, denoiser]}\nexclude:\n  - {}\n", "exclude[0]", 5, "would remove every point"},
		{"exclude not a list", head + "grid: {arch: [linear, denoiser]}\nexclude: {arch: linear}\n", "exclude", 4, "must be a list"},
		{"too many points", head[:8] + "fixed: {source: gaussian, d: 1024}\ngrid:\n  sparsity: {from: 0.001, to: 1, step: 0.001}\n  rate: {from: 0.01, to: 10, step: 0.01}\nseeds: 2\n",
			"grid", 3, "the sweep has 2,000,000 points (sparsity 1000 × rate 1000 × 2 seeds); at most 1,000,000"},
		{"too many points after exclusions", head[:8] + "fixed: {source: gaussian, d: 1024}\ngrid:\n  sparsity: {from: 0.001, to: 1, step: 0.001}\n  rate: {from: 0.01, to: 10, step: 0.01}\n  arch: [linear, denoiser]\nexclude: [{arch: denoiser, rate: 1}]\n",
			"grid", 3, "the sweep has 1,999,000 points after exclusions"},
		{"too many combinations even with exclusions", head + "grid:\n  lr: {from: 0.0001, to: 1, step: 0.0001}\n  steps: {from: 1, to: 10000, step: 1}\nexclude: [{steps: 1}]\n",
			"grid", 3, "more than 10,000,000 combinations is refused"},

		{"too many exclusions", head + "grid: {arch: [linear, denoiser]}\nexclude:\n" + strings.Repeat("  - {arch: linear}\n", MaxExclusions+1), "exclude", 4, "at most 10000"},
		{"exclusions too costly to match", head[:8] + "fixed: {source: gaussian, d: 1024}\ngrid:\n  sparsity: {from: 0.001, to: 1, step: 0.001}\n  rate: {from: 0.01, to: 10, step: 0.01}\nexclude:\n" + manyExclusions(101),
			"exclude", 6, "too much work"},

		// Names.
		{"missing name", "fixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "name", 1, "required"},
		{"upper case name", "name: QuickStart\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "name", 1, "must start with a lower-case letter"},
		{"name with a space", "name: quick start\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "name", 1, "character 6, a space"},
		{"path traversal", "name: a/../../etc\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "name", 1, "'/' (a path separator)"},
		{"name a list", "name: [a]\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n", "name", 1, "not a list"},
		{"description a mapping", head + "description: {a: b}\ngrid: {arch: [linear]}\n", "description", 3, "must be text"},
	}
	// Cases whose YAML is easier to write out here.
	for i := range tests {
		switch tests[i].name {
		case "list in fixed":
			tests[i].yaml = "name: t\nfixed:\n  source: gaussian\n  d: 8\n  rate: [0.5, 1]\ngrid: {arch: [linear]}\n"
			tests[i].path, tests[i].line, tests[i].msg = "fixed.rate", 5, "put it under grid:"
		case "yes is not a boolean":
			tests[i].yaml = "name: t\nfixed: {source: gaussian, d: 8, rate: 1, refit: yes}\ngrid: {arch: [linear]}\n"
			tests[i].path, tests[i].line, tests[i].msg = "fixed.refit", 2, "must be true or false, not a string"
		case "non-integer values for an int":
			tests[i].yaml = head + "grid:\n  steps: {from: 10, to: 15, num: 3}\n"
			tests[i].path, tests[i].line, tests[i].msg = "grid.steps", 4, "not an integer"
		}
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.yaml), "t.yaml")
			if s != nil {
				t.Errorf("Parse returned a Spec with an error")
			}
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error %v (%T), want a non-empty ErrorList", err, err)
			}
			for _, e := range el {
				if e.Path == tt.path && e.Line == tt.line && strings.Contains(e.Msg, tt.msg) {
					if e.File != "t.yaml" {
						t.Errorf("File = %q", e.File)
					}
					return
				}
			}
			t.Errorf("no error at line %d with path %q and message containing %q; got:\n%v", tt.line, tt.path, tt.msg, el)
		})
	}
}

func TestErrorsAllReportedSortedAndOnce(t *testing.T) {
	// Several independent problems in one file: all are reported, sorted by
	// line, and a Validate error that every point shares comes once.
	const src = `name: Bad
fixed:
  source: gaussian
  d: 8
  sparsity: 1.5
  lr: -1
grid:
  rate: [0.5, 1, 2]
  arch: [linear, denoiser, lienar]
seeds: 0
`
	_, err := Parse([]byte(src), "bad.yaml")
	var el ErrorList
	if !errors.As(err, &el) {
		t.Fatalf("got %v", err)
	}
	want := []string{
		"bad.yaml:1:7: name = Bad: must start with a lower-case letter or a digit, not 'B'",
		"bad.yaml:5:13: fixed.sparsity = 1.5: must be in (0, 1]",
		"bad.yaml:6:7: fixed.lr = -1: must be > 0",
		"bad.yaml:9:28: grid.arch[2] = lienar: unknown architecture (want linear, denoiser or multilayer) (did you mean linear?)",
		"bad.yaml:10:8: seeds = 0: the count must be ≥ 1 (seeds is a count N, meaning seeds 1 to N, or a list of seeds)",
	}
	var got []string
	for _, e := range el {
		got = append(got, e.Error())
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if el.Error() != strings.Join(want, "\n") {
		t.Errorf("ErrorList.Error() = %q", el.Error())
	}
	var first *Error
	if !errors.As(err, &first) || first != el[0] {
		t.Errorf("errors.As does not find the first *Error")
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "q.yaml", Line: 12, Column: 9, Path: "grid.sparsity[2]", Value: "1.5", Msg: "must be in (0, 1]"}, "q.yaml:12:9: grid.sparsity[2] = 1.5: must be in (0, 1]"},
		{Error{File: "q.yaml", Line: 3, Column: 1, Path: "grid", Msg: "empty"}, "q.yaml:3:1: grid: empty"},
		{Error{File: "q.yaml", Msg: "too big"}, "q.yaml: too big"},
		{Error{Line: 2, Column: 5, Msg: "YAML syntax error: x"}, "2:5: YAML syntax error: x"},
		{Error{Msg: "m"}, "m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestTooManyErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "grid:\n  steps: [")
	for i := range 500 {
		fmt.Fprintf(&b, "%d.5, ", i)
	}
	b.WriteString("1]\n")
	_, err := Parse([]byte(b.String()), "many.yaml")
	var el ErrorList
	if !errors.As(err, &el) {
		t.Fatal(err)
	}
	if len(el) != maxErrors+1 || !strings.Contains(el[len(el)-1].Msg, "too many errors") {
		t.Errorf("%d errors, last %v", len(el), el[len(el)-1])
	}
}

func TestLimits(t *testing.T) {
	deep := "name: t\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\ndescription: " +
		strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n"
	var laughs strings.Builder
	laughs.WriteString("name: t\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear]}\n")
	laughs.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for c := 'b'; c <= 'j'; c++ {
		fmt.Fprintf(&laughs, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c, c-1, c-1, c-1, c-1, c-1, c-1, c-1, c-1, c-1)
	}
	laughs.WriteString("description: *j\n")
	tests := []struct {
		name, yaml, msg string
	}{
		{"deep nesting", deep, "nested more than 16 levels"},
		{"billion laughs", laughs.String(), "an alias bomb"},
		{"alias cycle", "name: t\na: &a [*a]\n", "nested more than 16 levels"},
		{"file over 1 MiB", "name: t\ndescription: " + strings.Repeat("x", MaxFileSize) + "\n", "larger than 1048576 bytes"},
		{"yaml's own depth limit", "a: " + strings.Repeat("[", 20000), "YAML syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allocated := measureAlloc(func() {
				s, err := Parse([]byte(tt.yaml), "t.yaml")
				if s != nil || err == nil || !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("got %v, want an error containing %q", err, tt.msg)
				}
			})
			if limit := uint64(64 << 20); allocated > limit {
				t.Errorf("allocated %d MiB (limit %d)", allocated>>20, limit>>20)
			}
		})
	}
}

func TestNoPartialAcceptance(t *testing.T) {
	// One bad value among many good ones: no Spec at all.
	src := head + "grid:\n  sparsity: [0.1, 0.2, 0.3, 2]\n"
	s, err := Parse([]byte(src), "")
	if s != nil || err == nil {
		t.Fatalf("got %v, %v", s, err)
	}
}

func TestExamplesMissingImagesNamesThePath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "img.yaml")
	src := "name: img\nfixed: {source: idx:data/train.gz, rate: 0.5}\ngrid: {arch: [linear]}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ParseFile(path)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "data", "train.gz")) {
		t.Errorf("got %v, want the resolved path in the error", err)
	}
}

// manyExclusions returns n exclude entries, one per sparsity 0.001·(i+1).
func manyExclusions(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  - {sparsity: %g}\n", float64(i+1)/1000)
	}
	return b.String()
}

func TestLargeSpecsStayCheap(t *testing.T) {
	const grid = "grid:\n  sparsity: {from: 0.001, to: 1, step: 0.001}\n  rate: {from: 0.01, to: 10, step: 0.01}\n"
	tests := []struct {
		name, yaml string
		ok         bool
	}{
		{"exactly the point limit", "name: t\nfixed: {source: gaussian, d: 1024}\n" + grid, true},
		{"every point invalid", "name: t\nfixed: {source: gaussian, d: 1024, lr: -1, steps: -1, batch: -1, init: x, ste: y, schedule: z}\n" + grid, false},
		{"ten million combinations, exclusions counted", "name: t\nfixed: {source: gaussian, d: 1024}\n" + grid + "  arch: [linear, denoiser, multilayer, x, y, z, u, v, w, s]\nexclude: [{arch: linear}]\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			var s *Spec
			var err error
			allocated := measureAlloc(func() { s, err = Parse([]byte(tt.yaml), "t.yaml") })
			if (err == nil) != tt.ok {
				t.Fatalf("ok = %v, want %v: %v", err == nil, tt.ok, err)
			}
			if tt.ok && s.Total() != MaxPoints {
				t.Errorf("Total = %d", s.Total())
			}
			if allocated > 256<<20 {
				t.Errorf("allocated %d MiB", allocated>>20)
			}
			t.Logf("%v, %d MiB", time.Since(start), allocated>>20)
		})
	}
}
