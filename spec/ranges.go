package spec

import (
	"fmt"
	"math"
	"strconv"
)

// numRange is an inclusive numeric range, the mapping form of a grid axis:
//
//	{from: F, to: T, step: S}           F, F+S, F+2S, …, T
//	{from: F, to: T, num: N}            N values evenly spaced from F to T
//	{from: F, to: T, num: N, log: true} N values evenly spaced in log from F to T
type numRange struct {
	From, To float64
	Step     float64 // > 0; used when HasStep
	Num      int     // ≥ 1; used when !HasStep
	HasStep  bool
	Log      bool // only with Num
}

// rangeError is a problem with one key of a range ("" for the whole range).
type rangeError struct {
	key, msg string
}

// sig12 rounds v to 12 significant digits, which removes the error that
// floating-point arithmetic adds to from + i·step (0.1 + 2·0.1 =
// 0.30000000000000004 becomes 0.3, the same float64 as the literal 0.3).
func sig12(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// Values expands r. Contract: From, To and Step are finite (Parse rejects
// NaN and ±Inf before). The first value is exactly From and the last exactly
// To; those between are rounded to 12 significant digits. It refuses, with
// the key at fault, a step ≤ 0, From > To, To − From not a whole number of
// steps, num < 1, num = 1 with From ≠ To, log with a bound ≤ 0, more than
// MaxAxisValues values, and values that coincide after rounding. The count
// is computed before anything is allocated.
func (r numRange) Values() ([]float64, *rangeError) {
	if r.From > r.To {
		return nil, &rangeError{"from", fmt.Sprintf("greater than to = %s (ranges run upwards)", fmtFloat(r.To))}
	}
	width := r.To - r.From
	if math.IsInf(width, 0) {
		return nil, &rangeError{"", "the range is too wide"}
	}
	var n int
	if r.HasStep {
		if r.Log {
			return nil, &rangeError{"log", "a log range takes num, not step"}
		}
		if !(r.Step > 0) {
			return nil, &rangeError{"step", "must be > 0"}
		}
		k := width / r.Step
		if k > MaxAxisValues-1+0.5 {
			return nil, &rangeError{"step", fmt.Sprintf("the range would have %s values (at most %d)", fmtCount(math.Floor(k)+1), MaxAxisValues)}
		}
		kr := math.Round(k)
		if math.Abs(k-kr) > 1e-9*math.Max(1, k) {
			last := sig12(r.From + math.Floor(k)*r.Step)
			return nil, &rangeError{"step", fmt.Sprintf("to − from = %s is not a whole number of steps (the range would stop at %s: set to: %s or change the step)",
				fmtFloat(sig12(width)), fmtFloat(last), fmtFloat(last))}
		}
		n = int(kr) + 1
	} else {
		switch {
		case r.Num < 1:
			return nil, &rangeError{"num", "must be ≥ 1"}
		case r.Num > MaxAxisValues:
			return nil, &rangeError{"num", fmt.Sprintf("at most %d values", MaxAxisValues)}
		case r.Num == 1 && r.From != r.To:
			return nil, &rangeError{"num", "num = 1 needs from = to (list the value instead)"}
		case r.Num > 1 && r.From == r.To:
			return nil, &rangeError{"num", "from = to gives the same value num times"}
		case r.Log && !(r.From > 0):
			return nil, &rangeError{"from", "a log range needs from > 0 and to > 0"}
		}
		n = r.Num
	}
	vals := make([]float64, n)
	lf, lt := math.Log(r.From), math.Log(r.To)
	for i := range vals {
		switch {
		case i == 0:
			vals[i] = r.From
		case i == n-1:
			vals[i] = r.To
		case r.HasStep:
			vals[i] = sig12(r.From + float64(i)*r.Step)
		case r.Log:
			vals[i] = sig12(math.Exp(lf + (lt-lf)*float64(i)/float64(n-1)))
		default:
			vals[i] = sig12(r.From + width*float64(i)/float64(n-1))
		}
		if i > 0 && !(vals[i] > vals[i-1]) {
			return nil, &rangeError{"", fmt.Sprintf("the values %s and %s coincide after rounding to 12 significant digits (use fewer values)",
				fmtFloat(vals[i-1]), fmtFloat(vals[i]))}
		}
	}
	return vals, nil
}

// fmtFloat formats v in the shortest form that reads back as v.
func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// fmtCount formats a count that may be astronomically large.
func fmtCount(v float64) string {
	if math.IsInf(v, 1) {
		return "more than 10³⁰⁸"
	}
	if v < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
