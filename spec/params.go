package spec

import (
	"fmt"

	"github.com/bitsweep/bitsweep/train"
)

// kind is the YAML type a parameter takes.
type kind int

const (
	kindFloat  kind = iota // a number; YAML ints are accepted
	kindInt                // an integer; YAML floats are rejected
	kindString             // a string
	kindBool               // true or false
)

func (k kind) String() string {
	switch k {
	case kindFloat:
		return "a number"
	case kindInt:
		return "an integer"
	case kindString:
		return "a string"
	default:
		return "true or false"
	}
}

// param describes one sweep parameter: a train.Config field under its JSON
// name. The table below is the single source of truth for which keys fixed:,
// grid: and exclude: accept.
type param struct {
	index int // position in params
	name  string
	kind  kind
	// defaulted: train.Config.Defaults replaces the zero value, so an
	// explicit zero in a spec would silently become the default; Parse
	// rejects it with zeroMsg.
	defaulted bool
	zeroMsg   string
	// enum lists the accepted values of a string parameter, for "did you
	// mean" suggestions (train.Config.Validate remains the judge).
	enum []string
	set  func(c *train.Config, v any)
	// neutral sets a valid stand-in value for the field, so that Validate
	// can look past an error already reported and find the next one. nil:
	// the field's errors depend on other fields, stop looking.
	neutral func(c *train.Config)
}

const zeroIntMsg = "0 is read as unset by train.Config and would become the default; omit the key to get the default"

// params is in train.Config field order. seed is deliberately absent: it
// comes from the top-level seeds key.
var params = []*param{
	{name: "source", kind: kindString,
		enum: []string{"gaussian", "bernoulli-gaussian", "sparse-rademacher"},
		set:  func(c *train.Config, v any) { c.Source = v.(string) },
		// Only a missing source fails Validate; a stand-in lets the other
		// fields be checked (with a d, which images may leave at 0).
		neutral: func(c *train.Config) {
			c.Source = "gaussian"
			if c.Dim == 0 {
				c.Dim = 256
			}
		}},
	{name: "sparsity", kind: kindFloat, defaulted: true, zeroMsg: "must be in (0, 1]",
		set:     func(c *train.Config, v any) { c.Sparsity = v.(float64) },
		neutral: func(c *train.Config) { c.Sparsity = 1 }},
	{name: "rate", kind: kindFloat,
		set:     func(c *train.Config, v any) { c.Rate = v.(float64) },
		neutral: func(c *train.Config) { c.Rate = 1 }},
	{name: "d", kind: kindInt,
		set: func(c *train.Config, v any) { c.Dim = v.(int) }},
	{name: "arch", kind: kindString, defaulted: true,
		enum: []string{"linear", "denoiser", "multilayer"},
		set:  func(c *train.Config, v any) { c.Arch = v.(string) }},
	{name: "layers", kind: kindInt, defaulted: true, zeroMsg: zeroIntMsg,
		set: func(c *train.Config, v any) { c.Layers = v.(int) },
		neutral: func(c *train.Config) {
			c.Layers = 1
			if c.Arch == "multilayer" {
				c.Layers = 3
			}
		}},
	{name: "steps", kind: kindInt, defaulted: true, zeroMsg: zeroIntMsg,
		set:     func(c *train.Config, v any) { c.Steps = v.(int) },
		neutral: func(c *train.Config) { c.Steps = 1 }},
	{name: "batch", kind: kindInt, defaulted: true, zeroMsg: zeroIntMsg,
		set:     func(c *train.Config, v any) { c.Batch = v.(int) },
		neutral: func(c *train.Config) { c.Batch = 1 }},
	{name: "lr", kind: kindFloat, defaulted: true, zeroMsg: "must be > 0",
		set:     func(c *train.Config, v any) { c.LR = v.(float64) },
		neutral: func(c *train.Config) { c.LR = 1e-3 }},
	{name: "optimizer", kind: kindString, defaulted: true,
		enum:    []string{"adam", "sgd"},
		set:     func(c *train.Config, v any) { c.Optimizer = v.(string) },
		neutral: func(c *train.Config) { c.Optimizer = "adam" }},
	{name: "init", kind: kindString, defaulted: true,
		enum:    []string{"gaussian", "orthogonal"},
		set:     func(c *train.Config, v any) { c.Init = v.(string) },
		neutral: func(c *train.Config) { c.Init = "gaussian" }},
	{name: "ste", kind: kindString, defaulted: true,
		enum:    []string{"identity", "clip", "tanh"},
		set:     func(c *train.Config, v any) { c.STE = v.(string) },
		neutral: func(c *train.Config) { c.STE = "identity" }},
	{name: "ste_epsilon", kind: kindFloat, defaulted: true, zeroMsg: "must be > 0",
		set:     func(c *train.Config, v any) { c.STEEpsilon = v.(float64) },
		neutral: func(c *train.Config) { c.STEEpsilon = 0.5 }},
	{name: "denoiser", kind: kindString, defaulted: true,
		enum: []string{"learned", "theory"},
		set:  func(c *train.Config, v any) { c.Denoiser = v.(string) },
		neutral: func(c *train.Config) {
			c.Denoiser = ""
			if c.Arch != "linear" {
				c.Denoiser = "learned"
			}
		}},
	{name: "refit", kind: kindBool,
		set:     func(c *train.Config, v any) { c.Refit = v.(bool) },
		neutral: func(c *train.Config) { c.Refit = false }},
	{name: "decoder_grad", kind: kindString, defaulted: true,
		enum: []string{"tied", "stop"},
		set:  func(c *train.Config, v any) { c.DecoderGrad = v.(string) },
		neutral: func(c *train.Config) {
			c.DecoderGrad = ""
			if c.Arch == "multilayer" {
				c.DecoderGrad = "tied"
			}
		}},
	{name: "schedule", kind: kindString, defaulted: true,
		enum: []string{"plateau", "constant", "tail"},
		set:  func(c *train.Config, v any) { c.Schedule = v.(string) },
		neutral: func(c *train.Config) {
			c.Schedule = "plateau"
			if c.Until == "fixed" {
				c.Schedule = "tail"
			}
		}},
	{name: "until", kind: kindString, defaulted: true,
		enum:    []string{"converged", "fixed"},
		set:     func(c *train.Config, v any) { c.Until = v.(string) },
		neutral: func(c *train.Config) { c.Until = "converged" }},
	{name: "tol", kind: kindFloat, defaulted: true, zeroMsg: "must be in (0, 1)",
		set: func(c *train.Config, v any) { c.Tol = v.(float64) },
		neutral: func(c *train.Config) {
			c.Tol = 0
			if c.Until != "fixed" {
				c.Tol = 0.003
			}
		}},
	{name: "escape", kind: kindString, defaulted: true,
		enum: []string{"probe", "none"},
		set:  func(c *train.Config, v any) { c.Escape = v.(string) },
		neutral: func(c *train.Config) {
			c.Escape = ""
			if c.Until != "fixed" {
				c.Escape = "none"
				if c.Arch == "" || c.Arch == "linear" {
					c.Escape = "probe"
				}
			}
		}},
	{name: "eval_samples", kind: kindInt, defaulted: true, zeroMsg: zeroIntMsg,
		set:     func(c *train.Config, v any) { c.EvalSamples = v.(int) },
		neutral: func(c *train.Config) { c.EvalSamples = 1 }},
}

// paramByName indexes params by name (and sets param.index).
var paramByName = func() map[string]*param {
	m := make(map[string]*param, len(params))
	for i, p := range params {
		p.index = i
		m[p.name] = p
	}
	return m
}()

// paramNames lists the parameter names in table order.
func paramNames() []string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	return names
}

// related names, for each field whose Validate check also looks at another
// field, that field; when it is a grid axis, an error on the field is
// reported with the values of that axis at which it occurs.
var related = map[string]string{
	"d":            "source",
	"layers":       "arch",
	"denoiser":     "arch",
	"refit":        "arch",
	"decoder_grad": "arch",
	"ste_epsilon":  "ste",
	"schedule":     "until",
	"tol":          "until",
	"escape":       "until",
}

// setParam sets the parameter name of c to v, which must have the Go type
// of the parameter's kind (float64, int, string or bool).
func setParam(c *train.Config, name string, v any) error {
	p, ok := paramByName[name]
	if !ok {
		return fmt.Errorf("spec: unknown parameter %q", name)
	}
	if !hasKind(v, p.kind) {
		return fmt.Errorf("spec: parameter %s: value %v (%T) is not %s", name, v, v, p.kind)
	}
	p.set(c, v)
	return nil
}

// hasKind reports whether v has the Go type of kind k.
func hasKind(v any, k kind) bool {
	switch v.(type) {
	case float64:
		return k == kindFloat
	case int:
		return k == kindInt
	case string:
		return k == kindString
	case bool:
		return k == kindBool
	}
	return false
}
