package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/train"
)

// TestVersion: starter version names the trainer, the BLAS and the
// elementwise kernels, in text and in JSON.
func TestVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"version"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"trainer " + train.Version, "BLAS: " + train.BLAS().Backend, "elementwise kernels: " + train.Kernels()} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output %q lacks %q", out.String(), want)
		}
	}
	out.Reset()
	if code := Main([]string{"version", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var v struct {
		Trainer string `json:"trainer_version"`
		Kernels string `json:"kernels"`
		BLAS    struct {
			Backend string `json:"backend"`
		} `json:"blas"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.Trainer != train.Version || v.Kernels != train.Kernels() || v.BLAS.Backend != train.BLAS().Backend {
		t.Errorf("JSON %s: want trainer %s, kernels %s, backend %s", out.String(), train.Version, train.Kernels(), train.BLAS().Backend)
	}
}
