package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Columns returns the names of the columns of the rows table (CSV and
// Parquet), in order.
func Columns() []string {
	t := reflect.TypeFor[Row]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = columnName(t.Field(i))
	}
	return names
}

func columnName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
	return name
}

// WriteCSV writes rows as CSV with a header row (see Columns). Floats are
// formatted with strconv 'g' −1 (the shortest exact form); a missing or NaN
// value is an empty field.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns()); err != nil {
		return err
	}
	rec := make([]string, len(Columns()))
	for i := range rows {
		v := reflect.ValueOf(&rows[i]).Elem()
		for j := range rec {
			rec[j] = format(v.Field(j))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// format formats one field of a Row.
func format(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Float64:
		return formatFloat(v.Float())
	case reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	panic(fmt.Sprintf("report: no CSV format for %s", v.Type()))
}

func formatFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func formatPtr(p *float64) string {
	if p == nil {
		return ""
	}
	return formatFloat(*p)
}

// groupColumns are the columns of the groups table.
var groupColumns = []struct {
	name string
	get  func(*Group) string
}{
	{"sweep", func(g *Group) string { return g.Sweep }},
	{"source", func(g *Group) string { return g.Config.Source }},
	{"sparsity", func(g *Group) string { return formatFloat(g.Config.Sparsity) }},
	{"rate", func(g *Group) string { return formatFloat(g.Config.Rate) }},
	{"d", func(g *Group) string { return strconv.Itoa(g.Config.Dim) }},
	{"arch", func(g *Group) string { return g.Config.Arch }},
	{"layers", func(g *Group) string { return strconv.Itoa(g.Config.Layers) }},
	{"steps", func(g *Group) string { return strconv.Itoa(g.Config.Steps) }},
	{"batch", func(g *Group) string { return strconv.Itoa(g.Config.Batch) }},
	{"lr", func(g *Group) string { return formatFloat(g.Config.LR) }},
	{"optimizer", func(g *Group) string { return g.Config.Optimizer }},
	{"init", func(g *Group) string { return g.Config.Init }},
	{"ste", func(g *Group) string { return g.Config.STE }},
	{"ste_epsilon", func(g *Group) string { return formatFloat(g.Config.STEEpsilon) }},
	{"denoiser", func(g *Group) string { return g.Config.Denoiser }},
	{"refit", func(g *Group) string { return strconv.FormatBool(g.Config.Refit) }},
	{"decoder_grad", func(g *Group) string { return g.Config.DecoderGrad }},
	{"schedule", func(g *Group) string { return g.Config.Schedule }},
	{"until", func(g *Group) string { return g.Config.Until }},
	{"tol", func(g *Group) string { return formatFloat(g.Config.Tol) }},
	{"escape", func(g *Group) string { return g.Config.Escape }},
	{"eval_samples", func(g *Group) string { return strconv.Itoa(g.Config.EvalSamples) }},
	{"n", func(g *Group) string { return strconv.Itoa(g.N) }},
	{"count", func(g *Group) string { return strconv.Itoa(g.Count) }},
	{"converged", func(g *Group) string { return strconv.FormatBool(!g.Unconverged) }},
	{"seeds", func(g *Group) string {
		s := make([]string, len(g.Seeds))
		for i, x := range g.Seeds {
			s[i] = strconv.FormatUint(x, 10)
		}
		return strings.Join(s, " ")
	}},
	{"loss_mean", func(g *Group) string { return formatFloat(g.Loss.Mean) }},
	{"loss_se", func(g *Group) string { return formatFloat(g.Loss.SE) }},
	{"loss_raw_mean", func(g *Group) string { return formatFloat(g.LossRaw.Mean) }},
	{"loss_raw_se", func(g *Group) string { return formatFloat(g.LossRaw.SE) }},
	{"perm_score_mean", func(g *Group) string { return formatFloat(g.PermScore.Mean) }},
	{"perm_score_se", func(g *Group) string { return formatFloat(g.PermScore.SE) }},
	{"orth_error_mean", func(g *Group) string { return formatFloat(g.OrthError.Mean) }},
	{"orth_error_se", func(g *Group) string { return formatFloat(g.OrthError.SE) }},
	{"theory_expected", func(g *Group) string { return formatPtr(g.TheoryExpected) }},
	{"gap_mean", func(g *Group) string { return formatPtr(g.Gap()) }},
}

// Gap returns Loss.Mean − TheoryExpected, or nil without a prediction.
func (g *Group) Gap() *float64 {
	if g.TheoryExpected == nil {
		return nil
	}
	return finite(ptr(g.Loss.Mean - *g.TheoryExpected))
}

// WriteGroupsCSV writes one line per group with a header row: the sweeps,
// the shared config (without the seed), n, count, the seeds (space
// separated), mean and standard error of loss, loss_raw, perm_score and
// orth_error, theory_expected and gap_mean = loss_mean − theory_expected.
func WriteGroupsCSV(w io.Writer, groups []Group) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(groupColumns))
	for j, c := range groupColumns {
		rec[j] = c.name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i := range groups {
		for j, c := range groupColumns {
			rec[j] = c.get(&groups[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteProblemsCSV writes the problems with a header row point_id, sweep,
// kind, detail.
func WriteProblemsCSV(w io.Writer, ps []Problem) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"point_id", "sweep", "kind", "detail"}); err != nil {
		return err
	}
	for _, p := range ps {
		if err := cw.Write([]string{p.PointID, p.Sweep, p.Kind, p.Detail}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
