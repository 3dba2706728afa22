package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainErrors: every invalid flag gives one error line naming the field
// and value, and exit code 2.
func TestTrainErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sparsity", "1.5"}, "sparsity = 1.5"},
		{[]string{"--sparsity", "0", "--source", "bernoulli-gaussian"}, "sparsity = 0"},
		{[]string{"--rate", "0"}, "rate = 0"},
		{[]string{"--rate", "-2"}, "rate = -2"},
		{[]string{"--arch", "transformer"}, "arch = transformer"},
		{[]string{"--source", "idx:/nonexistent/images.gz"}, "idx:/nonexistent/images.gz"},
		{[]string{"--optimizer", "lbfgs"}, "optimizer = lbfgs"},
		{[]string{"--d", "x"}, "invalid value \"x\" for flag -d"},
		{[]string{"--nonsense"}, "flag provided but not defined: -nonsense"},
	} {
		var out, errb bytes.Buffer
		code := Main(append([]string{"train"}, tc.args...), &out, &errb)
		msg := errb.String()
		if code != 2 || !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") != 1 || out.Len() != 0 {
			t.Errorf("train %v: exit %d, stderr %q; want exit 2 and one line containing %q", tc.args, code, msg, tc.want)
		}
	}
}

// TestTrainJSON trains a tiny point and checks the JSON keys and the files.
func TestTrainJSON(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := Main([]string{"train", "--source", "bernoulli-gaussian", "--sparsity", "0.3", "--d", "16", "--steps", "30", "--arch", "denoiser", "--json", "--out", dir}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	for _, k := range []string{"loss", "loss_raw", "perm_score", "orth_error", "steps", "seconds", "seed", "theory"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	th, _ := m["theory"].(map[string]any)
	if _, ok := th["denoiser"]; !ok {
		t.Errorf("theory lacks the denoiser prediction: %v", th)
	}
	for _, f := range []string{"A.npy", "B.npy", "params.json", "curve.csv", "result.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
