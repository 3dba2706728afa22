package spec

import (
	"reflect"
	"testing"

	"github.com/bitsweep/bitsweep/train"
)

func TestPointIDPinned(t *testing.T) {
	// Computed once, when the encoding was fixed. If this test fails, every
	// stored result's ID has changed: the stores' existing results are
	// orphaned (never found again, all points re-run). Change the encoding
	// only on purpose, and then change train.Version too. (Re-pinned when
	// train's default steps went from 2000 to 1500: defaults are part of the
	// resolved config, so points that relied on them are new points; and
	// for train/2, whose denoiser/multilayer training changed: Stiefel
	// encoder, norm correction, matrix learning rate; and training until
	// converged: until, tol, escape, the plateau schedule, a 20,000-step budget.
	// Not re-pinned for encoder_grad: Defaults sets it only where the product
	// order changed, so this multilayer point, like every point whose
	// arithmetic is unchanged, kept its ID.)
	const pinned = "667fdd84bd42e5cd4908071fa6d8513d923dd0c3ecbef567c1d7c8c0fbb6c6fa"
	c := train.Config{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Dim: 256, Arch: "multilayer", Seed: 1}
	if train.Version != "train/2" {
		t.Skipf("train.Version is %s: re-pin the ID", train.Version)
	}
	if got := PointID(c); got != pinned {
		t.Errorf("PointID = %s, want the pinned %s", got, pinned)
	}
	if PointID(c) != PointID(c.Defaults()) {
		t.Error("PointID differs for a config and its Defaults")
	}
	// A linear point at d = 256, batch 256, where the direct product order
	// of the encoder gradient is kept (encoder_grad unset): its ID from
	// before encoder_grad existed.
	lin := train.Config{Source: "bernoulli-gaussian", Sparsity: 0.2, Rate: 1, Dim: 256, Seed: 1}
	if got, want := PointID(lin), "e1ff778561b5bff403cea13fdd16c224c89762037bfb1a94f9c56e54f5892392"; got != want {
		t.Errorf("linear d = 256: PointID = %s, want the pinned %s", got, want)
	}
}

func TestPointIDSameAcrossSpecs(t *testing.T) {
	// The same resolved point reached by different specs: a list, a step
	// range, a num range, a fixed value, and defaults written out.
	specs := []string{
		"name: a\nfixed: {source: gaussian, d: 16}\ngrid: {rate: [0.25, 0.5, 0.75]}\n",
		"name: b\nfixed: {source: gaussian, d: 16}\ngrid: {rate: {from: 0.25, to: 0.75, step: 0.25}}\n",
		"name: c\nfixed: {source: gaussian, d: 16}\ngrid: {rate: {from: 0.25, to: 0.75, num: 3}}\n",
		"name: d\nfixed: {source: gaussian, d: 16, rate: 0.5}\ngrid: {arch: [linear]}\nseeds: [1]\n",
		"name: e\nfixed: {source: gaussian, d: 16, arch: linear, optimizer: adam, lr: 0.002, steps: 20000, schedule: plateau, until: converged, tol: 0.003, escape: probe}\ngrid: {rate: [0.5]}\nseeds: 1\n",
	}
	var ids []string
	for _, src := range specs {
		s, err := Parse([]byte(src), "")
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		for _, p := range s.Points() {
			if p.Config.Rate == 0.5 {
				ids = append(ids, p.ID)
			}
		}
	}
	if len(ids) != len(specs) {
		t.Fatalf("found %d rate-0.5 points, want %d", len(ids), len(specs))
	}
	for i, id := range ids {
		if id != ids[0] {
			t.Errorf("spec %d: ID %s, spec 0: %s", i, id, ids[0])
		}
	}
}

func TestPointIDChangesWithEveryField(t *testing.T) {
	base := train.Config{Source: "gaussian", Sparsity: 0.5, Rate: 1, Dim: 16, Seed: 3}.Defaults()
	seen := map[string]string{PointID(base): "base"}
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		c := base
		f := reflect.ValueOf(&c).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Float64:
			f.SetFloat(f.Float() + 0.5)
		case reflect.Int:
			f.SetInt(f.Int() + 1)
		case reflect.Uint64:
			f.SetUint(f.Uint() + 1)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		default:
			t.Fatalf("field %s: kind %s not covered by this test", v.Type().Field(i).Name, f.Kind())
		}
		id := PointID(c)
		name := v.Type().Field(i).Name
		if other, dup := seen[id]; dup {
			t.Errorf("changing %s gives the ID of %s", name, other)
		}
		seen[id] = name
	}
}

func TestPointIDChangesWithVersion(t *testing.T) {
	c := train.Config{Source: "gaussian", Rate: 1, Dim: 16}
	if pointID("train/1", c) == pointID("train/2", c) {
		t.Error("the trainer version does not enter the ID")
	}
	if pointID(train.Version, c) != PointID(c) {
		t.Error("PointID does not use train.Version")
	}
}
