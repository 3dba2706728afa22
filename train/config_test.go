package train

import (
	"errors"
	"strings"
	"testing"
)

// TestValidate checks that every invalid field is reported by name with its
// value.
func TestValidate(t *testing.T) {
	ok := Config{Source: "gaussian", Rate: 1, Dim: 16}
	for _, tc := range []struct {
		mod   func(*Config)
		field string
	}{
		{func(c *Config) { c.Sparsity = 1.5 }, "sparsity"},
		{func(c *Config) { c.Sparsity = -0.1 }, "sparsity"},
		{func(c *Config) { c.Rate = -1 }, "rate"},
		{func(c *Config) { c.Rate = 1e-9 }, "rate"},
		{func(c *Config) { c.Dim = -3 }, "d"},
		{func(c *Config) { c.Arch = "deep" }, "arch"},
		{func(c *Config) { c.Arch = "linear"; c.Layers = 3 }, "layers"},
		{func(c *Config) { c.Arch = "multilayer"; c.Layers = 100 }, "layers"},
		{func(c *Config) { c.Optimizer = "rmsprop" }, "optimizer"},
		{func(c *Config) { c.Batch = -1 }, "batch"},
		{func(c *Config) { c.LR = -1 }, "lr"},
		{func(c *Config) { c.STE = "soft" }, "ste"},
		{func(c *Config) { c.Init = "zeros" }, "init"},
		{func(c *Config) { c.Denoiser = "learned" }, "denoiser"},
		{func(c *Config) { c.Arch = "denoiser"; c.Refit = true }, "refit"},
		{func(c *Config) { c.Schedule = "cosine" }, "schedule"},
		{func(c *Config) { c.Schedule = "tail" }, "schedule"}, // needs until: fixed
		{func(c *Config) { c.Until = "fixed"; c.Schedule = "plateau" }, "schedule"},
		{func(c *Config) { c.Until = "forever" }, "until"},
		{func(c *Config) { c.Tol = 1.5 }, "tol"},
		{func(c *Config) { c.Tol = -0.1 }, "tol"},
		{func(c *Config) { c.Until = "fixed"; c.Tol = 0.01 }, "tol"},
		{func(c *Config) { c.Escape = "jump" }, "escape"},
		{func(c *Config) { c.Until = "fixed"; c.Escape = "probe" }, "escape"},
		{func(c *Config) { c.Source = "" }, "source"},
	} {
		c := ok
		tc.mod(&c)
		c = c.Defaults()
		err := c.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: got %v, want an error for field %q", c, err, tc.field)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.field+" = ") {
			t.Errorf("error %q does not start with the field and value", err)
		}
	}
	if err := ok.Defaults().Validate(); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
	// The stopping rule's defaults: converged with a 20,000-step budget,
	// tol 0.003 and the probe for the linear architecture (none for the
	// others); fixed with 1,500 steps and the tail schedule.
	d := ok.Defaults()
	if d.Until != "converged" || d.Steps != 20000 || d.Tol != 0.003 || d.Escape != "probe" || d.Schedule != "plateau" {
		t.Errorf("defaults %+v", d)
	}
	ml := ok
	ml.Arch = "multilayer"
	if e := ml.Defaults().Escape; e != "none" {
		t.Errorf("multilayer escape default %q, want none", e)
	}
	fx := ok
	fx.Until = "fixed"
	if d := fx.Defaults(); d.Steps != 1500 || d.Schedule != "tail" || d.Tol != 0 || d.Escape != "" {
		t.Errorf("fixed defaults %+v", d)
	}
	// Unknown and unreadable sources are caught by New, naming the source.
	for _, src := range []string{"laplace", "idx:/nonexistent/file", "cifar10:/nonexistent"} {
		_, err := New(Config{Source: src, Rate: 1, Dim: 8})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "source" || !strings.Contains(err.Error(), src) {
			t.Errorf("source %q: got %v", src, err)
		}
	}
}

// TestEncoderGradDefault: Defaults picks the fused order of the encoder's
// gradient exactly where it takes fewer multiply-adds (fusedDB) and is valid
// (one layer, identity STE), and Validate names the field otherwise.
func TestEncoderGradDefault(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{Source: "gaussian", Rate: 1, Dim: 128}, "fused"},                  // 128·384 < 2·256·128
		{Config{Source: "gaussian", Rate: 1, Dim: 256}, ""},                       // 256·512 = 2·256·256: not fewer
		{Config{Source: "gaussian", Rate: 1, Dim: 512, Batch: 1024}, "fused"},     // 512·1536 < 2·1024·512
		{Config{Source: "gaussian", Rate: 0.5, Dim: 64}, ""},                      // 64·288 > 2·256·32
		{Config{Source: "gaussian", Rate: 2, Dim: 256}, "fused"},                  // 256·768 < 2·256·512
		{Config{Source: "gaussian", Rate: 1, Dim: 64, Arch: "denoiser"}, "fused"}, // one layer
		{Config{Source: "gaussian", Rate: 1, Dim: 64, Arch: "multilayer"}, ""},    // three layers use the bits
		{Config{Source: "gaussian", Rate: 1, Dim: 64, STE: "clip"}, ""},           // dS is masked
		{Config{Source: "idx:/data/train-images-idx3-ubyte", Rate: 1}, ""},        // d unknown until the file is read
	} {
		if got := tc.c.Defaults().EncoderGrad; got != tc.want {
			t.Errorf("%+v: EncoderGrad = %q, want %q", tc.c, got, tc.want)
		}
	}
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{Source: "gaussian", Rate: 1, Dim: 64, EncoderGrad: "fast"}, "encoder_grad = fast"},
		{Config{Source: "gaussian", Rate: 1, Dim: 64, STE: "tanh", EncoderGrad: "fused"}, "encoder_grad = fused"},
		{Config{Source: "gaussian", Rate: 1, Dim: 64, Arch: "multilayer", EncoderGrad: "fused"}, "encoder_grad = fused"},
	} {
		err := tc.c.Defaults().Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: Validate = %v, want an error starting %q", tc.c, err, tc.want)
		}
	}
}
