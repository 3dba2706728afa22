package report

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/bitsweep/bitsweep/search"
)

// HTML returns index.html: the summary, every figure (PNG, linked to its
// SVG) with its caption, for search sweeps a "Searches" section (one line
// per searched cell and the search figures), the seed-group table with the
// theory and the gap, and the problems. It references only files in its
// own folder and loads nothing from the network, so it reads offline.
func (r *Report) HTML() []byte {
	type groupRow struct {
		Sweep, Source, Arch                     string
		P, R, D, Count, Loss, Theory, Gap, Perm string
		Worse                                   bool
	}
	var groups []groupRow
	for _, g := range r.Groups {
		c := g.Config
		gr := groupRow{
			Sweep: g.Sweep, Source: sourceLabel(c.Source), Arch: archLabel(c),
			P: num(c.Sparsity), R: num(c.Rate), D: fmt.Sprint(c.Dim), Count: fmt.Sprint(g.Count),
			Loss: fmtStat(g.Loss, g.Count),
			Perm: fmt.Sprintf("%.3f", g.PermScore.Mean),
		}
		if g.TheoryExpected != nil {
			gr.Theory = fmt.Sprintf("%.4f", *g.TheoryExpected)
			gap := g.Loss.Mean - *g.TheoryExpected
			gr.Gap = fmt.Sprintf("%+.4f", gap)
			gr.Worse = gap > 0.02
		}
		groups = append(groups, gr)
	}
	sum := r.Summary()
	kinds := make([]string, 0, len(sum.Problems))
	for k := range sum.Problems {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var problemCounts []string
	for _, k := range kinds {
		problemCounts = append(problemCounts, fmt.Sprintf("%d %s", sum.Problems[k], k))
	}
	type searchRow struct {
		Sweep, Cell, Params, Variable, Criterion, Status, Estimate, Bracket string
		Rounds, Probes, Points, Grid, Unconverged, Theory, Seconds, Reason  string
		Flag                                                                bool
	}
	var searches []searchRow
	for _, s := range sum.Searches {
		sr := searchRow{
			Sweep: s.Sweep, Cell: fmt.Sprint(s.Cell), Variable: s.Variable, Criterion: s.Criterion, Status: s.Status,
			Estimate: "–", Bracket: fmt.Sprintf("[%s, %s]", num(s.Lo), num(s.Hi)),
			Rounds: fmt.Sprint(s.Rounds), Probes: fmt.Sprint(s.Probes),
			Points: fmt.Sprintf("%d (%d trained, %d reused)", s.Samples, s.Trained, s.Reused),
			Grid:   fmt.Sprint(s.GridPoints), Unconverged: fmt.Sprint(s.Unconverged), Theory: "–",
			Seconds: fmt.Sprintf("%.0f", s.Seconds), Reason: s.Reason,
			Flag: s.Status == search.StatusNonMonotone || s.Status == search.StatusFailed || s.Status == search.StatusCancelled,
		}
		var ps []string
		for _, n := range sortedParamKeys(s.Params) {
			ps = append(ps, paramLabel(n, s.Params[n]))
		}
		sr.Params = strings.Join(ps, ", ")
		if s.Estimate != nil {
			sr.Estimate = fmt.Sprintf("%.4g", *s.Estimate)
		}
		var th []string
		if s.TheoryPlusOne != nil {
			th = append(th, fmt.Sprintf("%.3f (sign(0) = +1)", *s.TheoryPlusOne))
		}
		if s.TheoryRandom != nil {
			th = append(th, fmt.Sprintf("%.3f (random tie-break)", *s.TheoryRandom))
		}
		if len(th) > 0 {
			sr.Theory = strings.Join(th, ", ")
		}
		searches = append(searches, sr)
	}
	var figs, searchFigs []Figure
	for _, f := range r.Figures {
		if strings.HasPrefix(f.Kind, "search-") {
			searchFigs = append(searchFigs, f)
		} else {
			figs = append(figs, f)
		}
	}
	data := struct {
		Summary       Summary
		ProblemCounts []string
		Figures       []Figure
		Searches      []searchRow
		SearchFigures []Figure
		Groups        []groupRow
		Problems      []Problem
		Warnings      []string
	}{sum, problemCounts, figs, searches, searchFigs, groups, r.Problems, r.Warnings}
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, data); err != nil {
		// The template and its data are ours; a failure is a bug.
		panic(fmt.Sprintf("report: index.html: %v", err))
	}
	return b.Bytes()
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bitsweep report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
h1, h2 { font-weight: 600; }
figure { display: inline-block; margin: 0 1em 2em 0; vertical-align: top; max-width: 40em; }
figure img { width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #444; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2em 0.6em; text-align: right; }
th { position: sticky; top: 0; background: #f4f4f4; }
td.l, th.l { text-align: left; }
tr.worse td.gap { color: #b00; font-weight: 600; }
tr.flag td.status { color: #b00; font-weight: 600; }
code { font-size: 0.95em; }
</style>
</head>
<body>
<h1>bitsweep report</h1>
<p>{{.Summary.Points}} points in {{.Summary.Groups}} groups (configurations averaged over seeds).
{{if .ProblemCounts}}Problems: {{range $i, $p := .ProblemCounts}}{{if $i}}, {{end}}{{$p}}{{end}} (see below; these points are not in the tables).{{else}}No problems.{{end}}
Tables: <a href="results.csv">results.csv</a>, <a href="results.parquet">results.parquet</a> (one row per point),
<a href="groups.csv">groups.csv</a> (per group), <a href="problems.csv">problems.csv</a>, <a href="summary.json">summary.json</a>.</p>
<p>Loss is the held-out normalised error E‖x − x̂‖² / E‖x‖²; “theory” is the prediction the point is compared with
(theory.Predict: R_Gauss = 1 − 2r/π for linear decoders, the denoiser's MMSE, the state evolution of the
multilayer decoder; Kögler et al., ICML 2024), and the gap is measured − theory.</p>
{{if .Figures}}<h2>Figures</h2>
{{range .Figures}}<figure id="{{.Name}}"><a href="{{.Name}}.svg"><img src="{{.Name}}.png" alt="{{.Title}}"></a>
<figcaption><b>{{.Title}}.</b> {{.Caption}} (<a href="{{.Name}}.svg">SVG</a>)</figcaption></figure>
{{end}}{{end}}
{{if .Warnings}}<h2>Figures left out</h2>
<ul>{{range .Warnings}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
{{if .Searches}}<h2 id="searches">Searches</h2>
<p>{{len .Searches}} searched cells. A search locates, per cell, the value of the variable where the seed-averaged
criterion crosses its level by k-section (package search): “estimate” is the crossing interpolated between the
probes of the final bracket [lo, hi]; “points” are the trained points it used (their rows are in the tables below),
“grid” what a grid of the same resolution trains; “unconverged” counts points that hit their step budget.
Tables: <a href="search.csv">search.csv</a> (per cell), <a href="search-probes.csv">search-probes.csv</a> (per probe).</p>
<table>
<tr><th class="l">sweep</th><th>cell</th><th class="l">parameters</th><th class="l">variable</th><th class="l">criterion</th><th class="l">status</th><th>estimate</th><th>bracket</th><th>rounds</th><th>probes</th><th>points</th><th>grid</th><th>unconverged</th><th>theory</th><th>seconds</th><th class="l">reason</th></tr>
{{range .Searches}}<tr{{if .Flag}} class="flag"{{end}}><td class="l">{{.Sweep}}</td><td>{{.Cell}}</td><td class="l">{{.Params}}</td><td class="l">{{.Variable}}</td><td class="l">{{.Criterion}}</td><td class="l status">{{.Status}}</td><td>{{.Estimate}}</td><td>{{.Bracket}}</td><td>{{.Rounds}}</td><td>{{.Probes}}</td><td>{{.Points}}</td><td>{{.Grid}}</td><td>{{.Unconverged}}</td><td>{{.Theory}}</td><td>{{.Seconds}}</td><td class="l">{{.Reason}}</td></tr>
{{end}}</table>
{{range .SearchFigures}}<figure id="{{.Name}}"><a href="{{.Name}}.svg"><img src="{{.Name}}.png" alt="{{.Title}}"></a>
<figcaption><b>{{.Title}}.</b> {{.Caption}} (<a href="{{.Name}}.svg">SVG</a>)</figcaption></figure>
{{end}}{{end}}
<h2>Groups</h2>
<table>
<tr><th class="l">sweep</th><th class="l">source</th><th class="l">arch</th><th>p</th><th>r</th><th>d</th><th>seeds</th><th>loss (mean ± SE)</th><th>theory</th><th>gap</th><th>perm_score</th></tr>
{{range .Groups}}<tr{{if .Worse}} class="worse"{{end}}><td class="l">{{.Sweep}}</td><td class="l">{{.Source}}</td><td class="l">{{.Arch}}</td><td>{{.P}}</td><td>{{.R}}</td><td>{{.D}}</td><td>{{.Count}}</td><td>{{.Loss}}</td><td>{{.Theory}}</td><td class="gap">{{.Gap}}</td><td>{{.Perm}}</td></tr>
{{end}}</table>
{{if .Problems}}<h2>Problems</h2>
<table>
<tr><th class="l">point</th><th class="l">sweep</th><th class="l">kind</th><th class="l">detail</th></tr>
{{range .Problems}}<tr><td class="l"><code>{{.PointID}}</code></td><td class="l">{{.Sweep}}</td><td class="l">{{.Kind}}</td><td class="l">{{.Detail}}</td></tr>
{{end}}</table>{{end}}
</body>
</html>
`))
