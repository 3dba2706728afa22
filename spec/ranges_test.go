package spec

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestRangeValues(t *testing.T) {
	tests := []struct {
		name string
		r    numRange
		want []float64
	}{
		{"step 0.1 is exact", numRange{From: 0.1, To: 0.3, Step: 0.1, HasStep: true}, []float64{0.1, 0.2, 0.3}},
		{"quarter steps", numRange{From: 0.25, To: 1, Step: 0.25, HasStep: true}, []float64{0.25, 0.5, 0.75, 1}},
		{"one value", numRange{From: 0.5, To: 0.5, Step: 0.1, HasStep: true}, []float64{0.5}},
		{"float noise in the count", numRange{From: 0, To: 0.3, Step: 0.1, HasStep: true}, []float64{0, 0.1, 0.2, 0.3}},
		{"num linear", numRange{From: 0.25, To: 0.75, Num: 3}, []float64{0.25, 0.5, 0.75}},
		{"num 1", numRange{From: 2, To: 2, Num: 1}, []float64{2}},
		{"log decades", numRange{From: 1e-3, To: 1e-1, Num: 5, Log: true}, []float64{1e-3, 0.00316227766017, 1e-2, 0.0316227766017, 1e-1}},
		{"log powers of two", numRange{From: 64, To: 512, Num: 4, Log: true}, []float64{64, 128, 256, 512}},
		{"log endpoints exact", numRange{From: 0.0123456789012345, To: 9.87654321098765, Num: 7, Log: true}, nil},
		{"negative to positive", numRange{From: -1, To: 1, Step: 0.5, HasStep: true}, []float64{-1, -0.5, 0, 0.5, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Values()
			if err != nil {
				t.Fatalf("error %s: %s", err.key, err.msg)
			}
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if got[0] != tt.r.From || got[len(got)-1] != tt.r.To {
				t.Errorf("endpoints %v, %v; want exactly %v, %v", got[0], got[len(got)-1], tt.r.From, tt.r.To)
			}
		})
	}
}

func TestRangeStepMatchesDecimalLiterals(t *testing.T) {
	// Every value of {from: 0.05, to: 1, step: 0.05} is the float64 of its
	// decimal literal, so that a list [0.05, 0.1, …] and the range give the
	// same points (and point IDs).
	got, err := numRange{From: 0.05, To: 1, Step: 0.05, HasStep: true}.Values()
	if err != nil {
		t.Fatal(err.msg)
	}
	if len(got) != 20 {
		t.Fatalf("%d values, want 20", len(got))
	}
	for i, v := range got {
		lit, _ := strconv.ParseFloat(strconv.FormatFloat(float64(i+1)*5/100, 'f', 2, 64), 64)
		if v != lit {
			t.Errorf("value %d = %v, want the literal %v", i, v, lit)
		}
	}
}

func TestRangeErrors(t *testing.T) {
	tests := []struct {
		name, key, msg string
		r              numRange
	}{
		{"zero step", "step", "must be > 0", numRange{From: 0, To: 1, HasStep: true}},
		{"negative step", "step", "must be > 0", numRange{From: 0, To: 1, Step: -0.1, HasStep: true}},
		{"from > to", "from", "greater than to", numRange{From: 1, To: 0, Step: 0.1, HasStep: true}},
		{"too many values", "step", "at most 10000", numRange{From: 0, To: 1, Step: 1e-6, HasStep: true}},
		{"astronomically many values", "step", "values", numRange{From: 0, To: 1e300, Step: 1e-300, HasStep: true}},
		{"not a whole number of steps", "step", "would stop at 0.9", numRange{From: 0, To: 1, Step: 0.3, HasStep: true}},
		{"num 0", "num", "must be ≥ 1", numRange{From: 0, To: 1, Num: 0}},
		{"num too large", "num", "at most 10000", numRange{From: 0, To: 1, Num: 10001}},
		{"num 1, two bounds", "num", "from = to", numRange{From: 0, To: 1, Num: 1}},
		{"same bounds, num 3", "num", "same value", numRange{From: 1, To: 1, Num: 3}},
		{"log from 0", "from", "log range", numRange{From: 0, To: 1, Num: 3, Log: true}},
		{"log negative", "from", "log range", numRange{From: -1, To: 1, Num: 3, Log: true}},
		{"log with step", "log", "num", numRange{From: 1, To: 2, Step: 1, HasStep: true, Log: true}},
		{"too wide", "", "too wide", numRange{From: -1e308, To: 1e308, Num: 3}},
		{"collide after rounding", "", "coincide", numRange{From: 1, To: 1 + 1e-13, Num: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Values()
			if err == nil {
				t.Fatalf("no error; values %v", got)
			}
			if err.key != tt.key || !strings.Contains(err.msg, tt.msg) {
				t.Errorf("error (%q, %q), want key %q and a message containing %q", err.key, err.msg, tt.key, tt.msg)
			}
		})
	}
}
