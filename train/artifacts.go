package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bitsweep/bitsweep/npy"
)

// Artifact is one named file of a trained point.
type Artifact struct {
	Name string
	Data []byte
}

// Artifacts returns the files that describe the minimizer of a finished run:
//
//	B.npy        the encoder B̃ (n×d float32, rows of unit norm)
//	A.npy        the linear decoder A (d×n float32)
//	params.json  the decoder scalars (denoiser channel, layer coefficients)
//	curve.csv    step, loss, train_loss, lr, seconds, phase
//
// result.json is written by the caller, which adds the artifacts' checksums.
func (t *Trainer) Artifacts() ([]Artifact, error) {
	var out []Artifact
	for _, a := range []struct {
		name  string
		shape []int
		data  []float32
	}{{"B.npy", []int{t.m.n, t.m.d}, t.m.B}, {"A.npy", []int{t.m.d, t.m.n}, t.m.A}} {
		var b bytes.Buffer
		if err := npy.Write(&b, a.shape, a.data); err != nil {
			return nil, fmt.Errorf("encode %s: %w", a.name, err)
		}
		out = append(out, Artifact{a.name, b.Bytes()})
	}
	p, err := json.MarshalIndent(map[string]any{"config": t.cfg, "scalars": t.m.scalarParams()}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode params.json: %w", err)
	}
	out = append(out, Artifact{"params.json", append(p, '\n')})
	out = append(out, Artifact{"curve.csv", CurveCSV(t.curve)})
	return out, nil
}

// CurveCSV renders a loss curve as CSV with a header line.
func CurveCSV(c []CurvePoint) []byte {
	var b bytes.Buffer
	b.WriteString("step,loss,train_loss,lr,seconds,phase\n")
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }
	for _, p := range c {
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s\n", p.Step, f(p.Loss), f(p.TrainLoss), f(p.LR), f(p.Seconds), p.Phase)
	}
	return b.Bytes()
}
