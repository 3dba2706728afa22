package train

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"

	"github.com/bitsweep/bitsweep/npy"
)

// TestArtifacts decodes every artifact of a finished run and compares it
// with the model it came from.
func TestArtifacts(t *testing.T) {
	tr, err := New(Config{Source: "bernoulli-gaussian", Sparsity: 0.5, Rate: 0.5, Dim: 12, Arch: "multilayer", Layers: 2, Steps: 10, Batch: 8})
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Run(context.Background(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	arts, err := tr.Artifacts()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	for _, a := range arts {
		byName[a.Name] = a.Data
	}
	for name, want := range map[string]struct {
		shape []int
		data  []float32
	}{"B.npy": {[]int{6, 12}, tr.m.B}, "A.npy": {[]int{12, 6}, tr.m.A}} {
		a, err := npy.Read(bytes.NewReader(byName[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a.Dtype != "<f4" || len(a.Shape) != 2 || a.Shape[0] != want.shape[0] || a.Shape[1] != want.shape[1] {
			t.Errorf("%s: dtype %s shape %v, want <f4 %v", name, a.Dtype, a.Shape, want.shape)
		}
		for i, v := range want.data {
			if a.Data[i] != float64(v) {
				t.Fatalf("%s[%d] = %g, want %g", name, i, a.Data[i], v)
			}
		}
	}
	var params struct {
		Config  Config             `json:"config"`
		Scalars map[string]float64 `json:"scalars"`
	}
	if err := json.Unmarshal(byName["params.json"], &params); err != nil {
		t.Fatal(err)
	}
	if params.Config != res.Config || len(params.Scalars) == 0 || params.Scalars["layer2.c"] != res.Params["layer2.c"] {
		t.Errorf("params.json does not match the result: %+v", params)
	}
	rows, err := csv.NewReader(bytes.NewReader(byName["curve.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(res.Curve)+1 || rows[0][0] != "step" || rows[len(rows)-1][0] != "10" {
		t.Errorf("curve.csv has %d rows ending at step %s; curve has %d points", len(rows), rows[len(rows)-1][0], len(res.Curve))
	}
}
