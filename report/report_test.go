package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
	"github.com/parquet-go/parquet-go"
)

// pid returns a point ID made from a name (hex like the real ones).
func pid(name string) string {
	s := sha256.Sum256([]byte(name))
	return hex.EncodeToString(s[:])
}

func f(x float64) *float64 { return &x }

// add adds in float64 at run time, as the code under test does (a constant
// expression such as 0.32 - 0.3 would be exact).
func add(a, b float64) float64 { return a + b }

// cfg is the config of the test points; seed varies.
func cfg(seed uint64, rate float64) train.Config {
	return train.Config{
		Source: "bernoulli-gaussian", Sparsity: 0.5, Rate: rate, Dim: 64, Arch: "multilayer", Layers: 2,
		Steps: 100, Batch: 32, LR: 0.01, Optimizer: "adam", Seed: seed, Init: "orthogonal",
		STE: "identity", Schedule: "tail", EvalSamples: 1000,
	}
}

// record is a hand-made result of a point.
func record(name string, c train.Config, loss float64, th theory.Prediction) results.Record {
	id := pid(name)
	return results.Record{
		PointID: id,
		Result: train.Result{
			Config: c, N: int(math.Round(c.Rate * float64(c.Dim))), Loss: loss, LossRaw: loss / 2,
			TrainLoss: loss + 0.01, EvalRows: 1000,
			Minimizer: train.Shape{PermScore: loss * 3, RowPeak: 0.5, OrthError: loss / 10},
			Steps:     c.Steps, Seconds: 1.5, Theory: th, Backend: "go", Version: train.Version,
		},
		Artifacts: map[string]results.Artifact{},
		Worker:    "host/1", Attempt: 2, Resumed: true,
		Finished: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
	}
}

type fixture struct {
	t   *testing.T
	dir string
	st  *file.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := file.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fixture{t, dir, st}
}

func (fx *fixture) put(key string, b []byte) storage.ObjectInfo {
	fx.t.Helper()
	oi, err := fx.st.Put(context.Background(), key, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		fx.t.Fatal(err)
	}
	return oi
}

// result stores rec as result.json, with artifacts named in it (stored or
// not as the caller decides).
func (fx *fixture) result(rec results.Record) {
	fx.t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		fx.t.Fatal(err)
	}
	fx.put(results.PointKey(rec.PointID, results.ResultFile), b)
}

// artifact adds an artifact with content to rec and stores it.
func (fx *fixture) artifact(rec *results.Record, name string, content []byte) {
	fx.t.Helper()
	key := results.PointKey(rec.PointID, name)
	rec.Artifacts[name] = results.Artifact{Key: key, SHA256: storage.SHA256Hex(content), Size: int64(len(content))}
	fx.put(key, content)
}

func (fx *fixture) manifest(sweep string, ids ...string) {
	fx.t.Helper()
	var b bytes.Buffer
	for i, id := range ids {
		json.NewEncoder(&b).Encode(map[string]any{"index": i, "id": id})
	}
	fx.put(results.SweepKey(sweep, "manifest.jsonl"), b.Bytes())
}

// sweepStore is a store with sweeps "a" and "b":
//
//	a: s1, s2, s3 (one config, seeds 1–3, loss 0.30/0.32/0.34, expected 0.3),
//	   n1 (rate 0.5, no theory), gone (no result), old (train/0), shared
//	b: shared, other
//	not in any manifest: loose
func sweepStore(t *testing.T) *fixture {
	fx := newFixture(t)
	th := theory.Prediction{Gauss: f(0.36), Denoiser: f(0.31), Layers: []float64{0.33, 0.29}, FixedPoint: f(0.28), Expected: f(0.3)}
	for i, loss := range []float64{0.30, 0.32, 0.34} {
		rec := record([]string{"s1", "s2", "s3"}[i], cfg(uint64(i+1), 1), loss, th)
		fx.artifact(&rec, "B.npy", []byte("B of "+rec.PointID))
		fx.result(rec)
	}
	fx.result(record("n1", cfg(1, 0.5), 0.5, theory.Prediction{}))
	old := record("old", cfg(9, 1), 0.1, th)
	old.Result.Version = "train/0"
	fx.result(old)
	fx.result(record("shared", cfg(4, 1), 0.4, th))
	fx.result(record("other", cfg(1, 2), 0.2, theory.Prediction{CriticalP: f(0.429)}))
	fx.result(record("loose", cfg(1, 3), 0.1, theory.Prediction{}))
	fx.manifest("a", pid("s1"), pid("s2"), pid("s3"), pid("n1"), pid("gone"), pid("old"), pid("shared"))
	fx.manifest("b", pid("shared"), pid("other"))
	return fx
}

func collect(t *testing.T, st storage.Store, o Options) *Report {
	t.Helper()
	r, err := Collect(context.Background(), st, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func rowIDs(r *Report) []string {
	var ids []string
	for _, row := range r.Rows {
		ids = append(ids, row.PointID)
	}
	return ids
}

func TestCollect(t *testing.T) {
	fx := sweepStore(t)
	for _, tc := range []struct {
		name     string
		o        Options
		rows     []Row // PointID and Sweep only, in order
		problems []Problem
	}{
		{
			name: "one sweep",
			o:    Options{Sweeps: []string{"b"}},
			// Only the named sweeps' manifests count: shared is in "b" alone here.
			rows: sortedRows([]Row{{PointID: pid("other"), Sweep: "b"}, {PointID: pid("shared"), Sweep: "b"}}),
		},
		{
			name: "two sweeps",
			o:    Options{Sweeps: []string{"b", "a"}, Concurrency: 2},
			rows: sortedRows([]Row{
				{PointID: pid("s1"), Sweep: "a"}, {PointID: pid("s2"), Sweep: "a"}, {PointID: pid("s3"), Sweep: "a"},
				{PointID: pid("n1"), Sweep: "a"}, {PointID: pid("shared"), Sweep: "a;b"}, {PointID: pid("other"), Sweep: "b"},
			}),
			problems: sortedProblems([]Problem{
				{PointID: pid("gone"), Sweep: "a", Kind: Missing},
				{PointID: pid("old"), Sweep: "a", Kind: StaleVersion},
			}),
		},
		{
			name: "whole store",
			o:    Options{Concurrency: 1},
			rows: sortedRows([]Row{
				{PointID: pid("s1")}, {PointID: pid("s2")}, {PointID: pid("s3")}, {PointID: pid("n1")},
				{PointID: pid("shared")}, {PointID: pid("other")}, {PointID: pid("loose")},
			}),
			problems: []Problem{{PointID: pid("old"), Kind: StaleVersion}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := collect(t, fx.st, tc.o)
			var got []Row
			for _, row := range r.Rows {
				got = append(got, Row{PointID: row.PointID, Sweep: row.Sweep})
			}
			if !reflect.DeepEqual(got, tc.rows) {
				t.Errorf("rows:\n got %v\nwant %v", got, tc.rows)
			}
			var ps []Problem
			for _, p := range r.Problems {
				if p.Detail == "" {
					t.Errorf("problem %+v without detail", p)
				}
				p.Detail = ""
				ps = append(ps, p)
			}
			if !reflect.DeepEqual(ps, tc.problems) {
				t.Errorf("problems:\n got %v\nwant %v", ps, tc.problems)
			}
		})
	}
}

func sortedRows(rs []Row) []Row {
	r := &Report{Rows: rs}
	sortReport(r)
	return r.Rows
}

func sortedProblems(ps []Problem) []Problem {
	r := &Report{Problems: ps}
	sortReport(r)
	return r.Problems
}

func TestCollectUnknownSweep(t *testing.T) {
	fx := sweepStore(t)
	_, err := Collect(context.Background(), fx.st, Options{Sweeps: []string{"nope"}})
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v, want an error naming the sweep", err)
	}
}

func TestRowValues(t *testing.T) {
	fx := sweepStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"a", "b"}})
	by := map[string]Row{}
	for _, row := range r.Rows {
		by[row.PointID] = row
	}
	s2 := by[pid("s2")]
	want := Row{
		PointID: pid("s2"), Sweep: "a",
		Source: "bernoulli-gaussian", Sparsity: 0.5, Rate: 1, Dim: 64, Arch: "multilayer", Layers: 2,
		Steps: 100, Batch: 32, LR: 0.01, Optimizer: "adam", Seed: 2, Init: "orthogonal", STE: "identity",
		Schedule: "tail", EvalSamples: 1000,
		N: 64, Loss: 0.32, LossRaw: 0.16, TrainLoss: add(0.32, 0.01), EvalRows: 1000,
		PermScore: 0.32 * 3, RowPeak: 0.5, OrthError: 0.32 / 10, StepsRun: 100, Seconds: 1.5,
		Backend: "go", Version: train.Version,
		Worker: "host/1", Attempt: 2, Resumed: true, Finished: "2026-11-28T12:00:00Z",
		TheoryGauss: f(0.36), TheoryDenoiser: f(0.31), TheoryLayers: f(0.29), TheoryFixedPoint: f(0.28),
		TheoryExpected: f(0.3), Gap: f(add(0.32, -0.3)),
		KeyB: results.PointKey(pid("s2"), "B.npy"),
	}
	if !reflect.DeepEqual(s2, want) {
		t.Errorf("row s2:\n got %+v\nwant %+v", s2, want)
	}
	for _, tc := range []struct {
		name           string
		gap, criticalP *float64
	}{
		{"n1", nil, nil},
		{"other", nil, f(0.429)},
		{"shared", f(add(0.4, -0.3)), nil},
	} {
		row := by[pid(tc.name)]
		if !reflect.DeepEqual(row.Gap, tc.gap) || !reflect.DeepEqual(row.TheoryCriticalP, tc.criticalP) {
			t.Errorf("%s: gap %v critical_p %v, want %v %v", tc.name, row.Gap, row.TheoryCriticalP, tc.gap, tc.criticalP)
		}
	}
}

func TestGroups(t *testing.T) {
	fx := sweepStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"a", "b"}})
	var g *Group
	for i := range r.Groups {
		if r.Groups[i].Config == cfg(0, 1) {
			g = &r.Groups[i]
		}
	}
	if g == nil {
		t.Fatalf("no group for the config of s1–s3 and shared: %+v", r.Groups)
	}
	// s1, s2, s3 and shared: losses 0.30, 0.32, 0.34, 0.40.
	losses := []float64{0.30, 0.32, 0.34, 0.40}
	mean := (0.30 + 0.32 + 0.34 + 0.40) / 4 // 0.34
	var ss float64
	for _, x := range losses {
		ss += (x - mean) * (x - mean)
	}
	se := math.Sqrt(ss/3) / 2 // sd/√4
	if !reflect.DeepEqual(g.Seeds, []uint64{1, 2, 3, 4}) {
		t.Errorf("seeds %v", g.Seeds)
	}
	if g.Count != 4 || g.Sweep != "a;b" || g.N != 64 || *g.TheoryExpected != 0.3 {
		t.Errorf("group %+v", g)
	}
	for _, c := range []struct {
		name     string
		got      Stat
		mean, se float64
	}{
		{"loss", g.Loss, mean, se},
		{"loss_raw", g.LossRaw, mean / 2, se / 2},
		{"perm_score", g.PermScore, mean * 3, se * 3},
		{"orth_error", g.OrthError, mean / 10, se / 10},
	} {
		if !approx(c.got.Mean, c.mean) || !approx(c.got.SE, c.se) {
			t.Errorf("%s: %+v, want mean %g se %g", c.name, c.got, c.mean, c.se)
		}
	}
	if len(r.Groups) != 3 { // that one, n1, other
		t.Errorf("%d groups, want 3", len(r.Groups))
	}
}

func TestStat(t *testing.T) {
	for _, tc := range []struct {
		xs       []float64
		mean, se float64
	}{
		{[]float64{0.5}, 0.5, 0},
		{[]float64{0.30, 0.32, 0.34}, 0.32, 0.02 / math.Sqrt(3)}, // sd = 0.02
		{[]float64{1, 3}, 2, 1},                                  // sd = √2, se = √2/√2
	} {
		got := stat(tc.xs)
		if !approx(got.Mean, tc.mean) || !approx(got.SE, tc.se) {
			t.Errorf("stat(%v) = %+v, want %g ± %g", tc.xs, got, tc.mean, tc.se)
		}
	}
}

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestDamage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(fx *fixture, rec *results.Record) // before result.json is stored
		after  func(fx *fixture, rec *results.Record) // after
		verify bool
		kind   string // "" = a row
	}{
		{name: "intact", verify: true},
		{
			name: "flipped byte in result.json",
			after: func(fx *fixture, rec *results.Record) {
				flip(fx.t, filepath.Join(fx.dir, results.PointKey(rec.PointID, results.ResultFile)))
			},
			kind: Checksum,
		},
		{
			name: "not json",
			after: func(fx *fixture, rec *results.Record) {
				fx.st.Delete(context.Background(), results.PointKey(rec.PointID, results.ResultFile))
				fx.put(results.PointKey(rec.PointID, results.ResultFile), []byte("{not json"))
			},
			kind: Decode,
		},
		{
			name:   "other point's id",
			damage: func(fx *fixture, rec *results.Record) { rec.PointID = pid("elsewhere") },
			kind:   Decode,
		},
		{
			name: "artifact differs from result.json",
			damage: func(fx *fixture, rec *results.Record) {
				a := rec.Artifacts["A.npy"]
				a.SHA256 = storage.SHA256Hex([]byte("what it should have been"))
				rec.Artifacts["A.npy"] = a
			},
			verify: true, kind: Checksum,
		},
		{
			name: "artifact differs, not verified",
			damage: func(fx *fixture, rec *results.Record) {
				a := rec.Artifacts["A.npy"]
				a.SHA256 = storage.SHA256Hex([]byte("what it should have been"))
				rec.Artifacts["A.npy"] = a
			},
		},
		{
			name: "artifact absent",
			damage: func(fx *fixture, rec *results.Record) {
				key := results.PointKey(rec.PointID, "curve.csv")
				rec.Artifacts["curve.csv"] = results.Artifact{Key: key, SHA256: storage.SHA256Hex(nil)}
			},
			verify: true, kind: MissingArtifact,
		},
		{
			name:   "artifact damaged at rest",
			after:  func(fx *fixture, rec *results.Record) { flip(fx.t, filepath.Join(fx.dir, rec.Artifacts["B.npy"].Key)) },
			verify: true, kind: Checksum,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			rec := record("p", cfg(1, 1), 0.3, theory.Prediction{})
			fx.artifact(&rec, "B.npy", []byte("B"))
			fx.artifact(&rec, "A.npy", []byte("A"))
			fx.artifact(&rec, "params.json", []byte("{}"))
			if tc.damage != nil {
				tc.damage(fx, &rec)
			}
			b, _ := json.Marshal(rec)
			id := pid("p")
			fx.put(results.PointKey(id, results.ResultFile), b)
			if tc.after != nil {
				tc.after(fx, &rec)
			}
			r := collect(t, fx.st, Options{Verify: tc.verify})
			if tc.kind == "" {
				if len(r.Rows) != 1 || len(r.Problems) != 0 {
					t.Fatalf("rows %v problems %v, want one row", rowIDs(r), r.Problems)
				}
				row := r.Rows[0]
				if row.KeyA != results.PointKey(id, "A.npy") || row.KeyParams != results.PointKey(id, "params.json") || row.KeyCurve != "" {
					t.Errorf("keys %q %q %q %q", row.KeyB, row.KeyA, row.KeyParams, row.KeyCurve)
				}
				return
			}
			if len(r.Rows) != 0 || len(r.Problems) != 1 || r.Problems[0].Kind != tc.kind || r.Problems[0].PointID != id {
				t.Fatalf("rows %v problems %+v, want one %s problem of %s", rowIDs(r), r.Problems, tc.kind, id)
			}
		})
	}
}

// flip flips one byte of a file in place.
func flip(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x20
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCSV(t *testing.T) {
	fx := sweepStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"a", "b"}})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r.Rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(r.Rows) || len(r.Rows) != 6 {
		t.Fatalf("%d records for %d rows", len(recs), len(r.Rows))
	}
	header := recs[0]
	for _, name := range []string{"point_id", "sweep", "source", "seed", "d", "n", "loss", "loss_raw", "train_loss",
		"perm_score", "row_peak", "orth_error", "steps", "steps_run", "seconds", "backend", "blas_threads", "trainer_version",
		"worker", "attempt", "resumed", "finished", "theory_gauss", "theory_identity", "theory_denoiser",
		"theory_layers", "theory_fixed_point", "theory_critical_p", "theory_expected", "gap",
		"key_B", "key_A", "key_params", "key_curve"} {
		if !contains(header, name) {
			t.Errorf("no column %q in %v", name, header)
		}
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for i, row := range r.Rows {
		rec := recs[i+1]
		for name, want := range map[string]string{
			"point_id": row.PointID, "sweep": row.Sweep, "loss": formatFloat(row.Loss),
			"theory_expected": formatPtr(row.TheoryExpected), "gap": formatPtr(row.Gap),
			"resumed": "true", "attempt": "2", "finished": "2026-11-28T12:00:00Z",
		} {
			if rec[col[name]] != want {
				t.Errorf("row %d %s = %q, want %q", i, name, rec[col[name]], want)
			}
		}
	}
	// n1 has no theory: empty cells; s2's loss is printed exactly.
	for _, rec := range recs[1:] {
		switch rec[col["point_id"]] {
		case pid("n1"):
			if rec[col["gap"]] != "" || rec[col["theory_expected"]] != "" || rec[col["rate"]] != "0.5" {
				t.Errorf("n1: gap %q expected %q rate %q", rec[col["gap"]], rec[col["theory_expected"]], rec[col["rate"]])
			}
		case pid("s2"):
			if rec[col["loss"]] != "0.32" || rec[col["theory_layers"]] != "0.29" || rec[col["seed"]] != "2" {
				t.Errorf("s2: loss %q theory_layers %q seed %q", rec[col["loss"]], rec[col["theory_layers"]], rec[col["seed"]])
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestParquet(t *testing.T) {
	fx := sweepStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"a", "b"}})
	var buf bytes.Buffer
	if err := WriteParquet(&buf, r.Rows); err != nil {
		t.Fatal(err)
	}
	got, err := parquet.Read[Row](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r.Rows) {
		t.Errorf("read back:\n got %+v\nwant %+v", got, r.Rows)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if pf.NumRows() != int64(len(r.Rows)) {
		t.Errorf("%d parquet rows, want %d", pf.NumRows(), len(r.Rows))
	}
	var names []string
	for _, f := range pf.Schema().Fields() {
		names = append(names, f.Name())
		switch f.Name() {
		case "gap", "theory_expected":
			if !f.Optional() {
				t.Errorf("%s is not optional", f.Name())
			}
		case "loss":
			if f.Optional() || f.Type().Kind() != parquet.Double {
				t.Errorf("loss: optional %v kind %v", f.Optional(), f.Type().Kind())
			}
		case "d", "attempt":
			if f.Type().Kind() != parquet.Int64 {
				t.Errorf("%s: kind %v", f.Name(), f.Type().Kind())
			}
		}
	}
	want := append([]string(nil), Columns()...)
	if len(names) != len(want) {
		t.Errorf("parquet columns %v, CSV columns %v", names, want)
	}
	for _, n := range want {
		if !contains(names, n) {
			t.Errorf("no parquet column %q", n)
		}
	}
}

func TestWrite(t *testing.T) {
	fx := sweepStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"a"}})
	dir := filepath.Join(t.TempDir(), "out")
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"results.csv", "results.parquet", "groups.csv", "problems.csv", "summary.json"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	want := Summary{Points: 5, Problems: map[string]int{Missing: 1, StaleVersion: 1}, Groups: 2,
		Options: Options{Sweeps: []string{"a"}, Concurrency: DefaultConcurrency}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("summary %+v, want %+v", s, want)
	}
	gb, _ := os.ReadFile(filepath.Join(dir, "groups.csv"))
	groups, err := csv.NewReader(bytes.NewReader(gb)).ReadAll()
	if err != nil || len(groups) != 3 || groups[0][0] != "sweep" {
		t.Fatalf("groups.csv: %v %q", err, gb)
	}
	pb, _ := os.ReadFile(filepath.Join(dir, "problems.csv"))
	ps, err := csv.NewReader(bytes.NewReader(pb)).ReadAll()
	if err != nil || len(ps) != 3 || strings.Join(ps[0], ",") != "point_id,sweep,kind,detail" {
		t.Fatalf("problems.csv: %v %q", err, pb)
	}
}

// failing is a store whose Get of one key fails with an error that is
// neither "missing" nor "checksum".
type failing struct {
	storage.Store
	key string
}

var errUnreadable = errors.New("connection reset")

func (s failing) Get(ctx context.Context, key string) ([]byte, error) {
	if key == s.key {
		return nil, errUnreadable
	}
	return s.Store.Get(ctx, key)
}

func TestCollectStoreError(t *testing.T) {
	fx := sweepStore(t)
	for _, o := range []Options{{Sweeps: []string{"a"}, Concurrency: 1}, {Concurrency: 3}, {Sweeps: []string{"a"}, Verify: true}} {
		st := failing{fx.st, results.PointKey(pid("s2"), results.ResultFile)}
		r, err := Collect(context.Background(), st, o)
		if !errors.Is(err, errUnreadable) || r != nil {
			t.Errorf("%+v: report %v, err %v; want the store's error", o, r, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Collect(ctx, fx.st, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err %v", err)
	}
}

// TestCollectDigest: a named sweep is read from its digests; a point the
// digests lack is read from its result.json; NoDigest and Verify read
// every result.json.
func TestCollectDigest(t *testing.T) {
	fx := sweepStore(t)
	ctx := context.Background()
	// Digest s1 and s2, then delete s1's result.json behind the digest's
	// back: only a report that uses the digest still has s1.
	if _, err := results.WriteDigest(ctx, fx.st, "a", 0, []string{pid("s1"), pid("s2"), pid("old")}, 2); err != nil {
		t.Fatal(err)
	}
	if err := fx.st.Delete(ctx, results.PointKey(pid("s1"), results.ResultFile)); err != nil {
		t.Fatal(err)
	}
	r := collect(t, fx.st, Options{Sweeps: []string{"a"}})
	if !contains(rowIDs(r), pid("s1")) || !contains(rowIDs(r), pid("s3")) {
		t.Errorf("with the digest: rows %v lack s1 (digest) or s3 (read one by one)", rowIDs(r))
	}
	// A stale result in a digest is a problem of the point, labelled with
	// its sweep, as when read one by one.
	found := false
	for _, p := range r.Problems {
		if p.PointID == pid("old") {
			found = p.Kind == StaleVersion && p.Sweep == "a"
		}
	}
	if !found {
		t.Errorf("problems %+v lack old's stale-version in sweep a", r.Problems)
	}
	for _, o := range []Options{{Sweeps: []string{"a"}, NoDigest: true}, {Sweeps: []string{"a"}, Verify: true}} {
		r := collect(t, fx.st, o)
		if contains(rowIDs(r), pid("s1")) {
			t.Errorf("%+v: s1 read from the digest", o)
		}
	}
}

// TestNotConverged: a point whose step budget ran out is kept as a row
// (converged = false), listed in problems and grouped apart from the
// converged seeds of the same config, never averaged with them.
func TestNotConverged(t *testing.T) {
	fx := newFixture(t)
	var ids []string
	for i, loss := range []float64{0.30, 0.32, 0.90} {
		rec := record(fmt.Sprint("nc", i), cfg(uint64(i+1), 1), loss, theory.Prediction{})
		rec.Result.Converged, rec.Result.StopReason = true, "converged"
		if i == 2 {
			rec.Result.Converged, rec.Result.StopReason = false, "budget"
		}
		fx.result(rec)
		ids = append(ids, rec.PointID)
	}
	fx.manifest("nc", ids...)
	r := collect(t, fx.st, Options{Sweeps: []string{"nc"}})
	if len(r.Rows) != 3 {
		t.Fatalf("%d rows, want 3", len(r.Rows))
	}
	if len(r.Problems) != 1 || r.Problems[0].Kind != NotConverged || r.Problems[0].PointID != ids[2] {
		t.Errorf("problems %+v, want one not-converged for %s", r.Problems, ids[2])
	}
	if len(r.Groups) != 2 {
		t.Fatalf("%d groups, want 2 (converged, not)", len(r.Groups))
	}
	for _, g := range r.Groups {
		switch {
		case !g.Unconverged && (g.Count != 2 || !approx(g.Loss.Mean, 0.31)):
			t.Errorf("converged group %+v: want the two converged seeds, mean 0.31", g)
		case g.Unconverged && (g.Count != 1 || g.Loss.Mean != 0.90):
			t.Errorf("unconverged group %+v: want the one seed at 0.90", g)
		}
	}
}
