package report

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is the data of one plot, kept apart from its drawing so that tests
// can check what is plotted without looking at pixels. Render draws it.
type Figure struct {
	Name    string // file stem: Name.png and Name.svg; unique within a report
	Kind    string // loss-vs-rate, loss-vs-sparsity, loss-vs-layers, phase-sparsity, phase-rate, heatmap, curves, search-estimate, search-probes
	Sweep   string // the sweep (Row.Sweep) the data come from
	Title   string
	XLabel  string
	YLabel  string
	Caption string // one sentence for index.html and REPRODUCTION.md
	XLog    bool   // logarithmic x axis
	// XTicks, if set, are the only x ticks (labelled in their shortest
	// form), e.g. the dimensions of a log2-spaced axis.
	XTicks []float64
	Series []Series
	Marks  []Mark // vertical reference lines
	Heat   *Heat  // set for heat maps (Series is then empty)
}

// Series is one line or set of points. Measured series are drawn as points
// joined by a line (points alone with Points), with ±SE bars where SE is
// set and bars from Lo to Hi where those are set; theory series as dashed
// lines without markers.
type Series struct {
	Label  string
	X, Y   []float64
	SE     []float64 // standard errors of Y (nil: no bars)
	Count  []int     // seeds behind each Y (nil for theory and single points)
	Theory bool
	// Lo and Hi are the ends of an interval around each Y, drawn as a bar
	// (e.g. a search's bracket); nil: none.
	Lo, Hi []float64
	// Points draws the markers without the joining line.
	Points bool
}

// Mark is a vertical line at X, e.g. the predicted critical sparsity.
type Mark struct {
	X     float64
	Label string
}

// Heat is a matrix drawn as an image: Values[i*Cols+j] at row i, column j.
type Heat struct {
	Rows, Cols int
	Values     []float64
	Min, Max   float64 // colour scale
	PointID    string
}

// Figure sizes: one column of a paper, at 150 dpi in PNG.
const (
	figWidth  = 6 * vg.Inch
	figHeight = 4 * vg.Inch
	heatSide  = 5 * vg.Inch
	pngDPI    = 150
	heatDPI   = 100
)

// Render writes f as dir/Name.png and dir/Name.svg and returns their file
// names.
func (f *Figure) Render(dir string) ([]string, error) {
	d, err := f.drawing()
	if err != nil {
		return nil, fmt.Errorf("figure %s: %w", f.Name, err)
	}
	var names []string
	for _, format := range []string{"png", "svg"} {
		var c interface {
			vg.CanvasSizer
			io.WriterTo
		}
		if format == "png" {
			dpi := pngDPI
			if f.Heat != nil {
				dpi = heatDPI // noise-like images compress badly: fewer pixels
			}
			c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(d.w, d.h), vgimg.UseDPI(dpi))}
		} else {
			c = vgsvg.New(d.w, d.h)
		}
		d.draw(draw.New(c))
		name := f.Name + "." + format
		tmp, err := os.CreateTemp(dir, "."+name+".*")
		if err != nil {
			return nil, fmt.Errorf("figure %s: %w", f.Name, err)
		}
		_, werr := c.WriteTo(tmp)
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), 0o644)
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), filepath.Join(dir, name))
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return nil, fmt.Errorf("figure %s: %w", f.Name, werr)
		}
		names = append(names, name)
	}
	return names, nil
}

// drawing is a figure ready to draw on a canvas of w × h.
type drawing struct {
	w, h vg.Length
	draw func(draw.Canvas)
}

// drawing builds the gonum plots of f.
func (f *Figure) drawing() (drawing, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	if f.Heat != nil {
		bar, err := addHeat(p, f.Heat)
		if err != nil {
			return drawing{}, err
		}
		const barW = 1.1 * vg.Inch
		return drawing{heatSide + barW, heatSide, func(c draw.Canvas) {
			p.Draw(draw.Crop(c, 0, -barW, 0, 0))
			// The bar's plot is as tall as the map's data area.
			bar.Draw(draw.Crop(c, heatSide+0.1*vg.Inch, 0, 0.55*vg.Inch, -0.35*vg.Inch))
		}}, nil
	}
	p.Add(plotter.NewGrid())
	// The legend goes to the right of the plot, where it hides no data.
	leg := plot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.TextStyle.Font.Size = vg.Points(8)
	if f.XLog {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	if len(f.XTicks) > 0 {
		ticks := make(plot.ConstantTicks, len(f.XTicks))
		for i, v := range f.XTicks {
			ticks[i] = plot.Tick{Value: v, Label: num(v)}
		}
		p.X.Tick.Marker = ticks
	}
	measured, theory := 0, 0
	for _, s := range f.Series {
		if len(s.X) != len(s.Y) || (s.SE != nil && len(s.SE) != len(s.Y)) ||
			(s.Lo != nil || s.Hi != nil) && (len(s.Lo) != len(s.Y) || len(s.Hi) != len(s.Y)) {
			return drawing{}, fmt.Errorf("series %q: %d x, %d y, %d se, %d lo, %d hi", s.Label, len(s.X), len(s.Y), len(s.SE), len(s.Lo), len(s.Hi))
		}
		if len(s.X) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(s.X))
		for i := range s.X {
			xy[i] = plotter.XY{X: s.X[i], Y: s.Y[i]}
		}
		if s.Theory {
			l, err := plotter.NewLine(xy)
			if err != nil {
				return drawing{}, fmt.Errorf("series %q: %w", s.Label, err)
			}
			l.Color = theoryColors[theory%len(theoryColors)]
			l.Width = vg.Points(1.3)
			l.Dashes = theoryDashes[theory%len(theoryDashes)]
			theory++
			p.Add(l)
			leg.Add(s.Label, l)
			continue
		}
		c, shape := plotutil.Color(measured), plotutil.Shape(measured)
		measured++
		l, sc, err := plotter.NewLinePoints(xy)
		if err != nil {
			return drawing{}, fmt.Errorf("series %q: %w", s.Label, err)
		}
		l.Color, sc.Color, sc.Shape = c, c, shape
		sc.Radius = vg.Points(2.5)
		if s.Points {
			sc.Radius = vg.Points(4)
			sc.Shape = draw.PyramidGlyph{}
		}
		if len(s.X) == 1 || s.Points {
			p.Add(sc)
			leg.Add(s.Label, sc)
		} else {
			p.Add(l, sc)
			leg.Add(s.Label, l, sc)
		}
		if s.SE != nil {
			errs := make(plotter.YErrors, len(s.SE))
			for i, e := range s.SE {
				errs[i].Low, errs[i].High = e, e
			}
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{xy, errs})
			if err != nil {
				return drawing{}, fmt.Errorf("series %q: %w", s.Label, err)
			}
			eb.Color = c
			p.Add(eb)
		}
		if s.Lo != nil {
			errs := make(plotter.YErrors, len(s.Y))
			for i, y := range s.Y {
				errs[i].Low, errs[i].High = max(0, y-s.Lo[i]), max(0, s.Hi[i]-y)
			}
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{xy, errs})
			if err != nil {
				return drawing{}, fmt.Errorf("series %q: %w", s.Label, err)
			}
			eb.Color = c
			eb.LineStyle.Width = vg.Points(1.2)
			p.Add(eb)
		}
	}
	for _, m := range f.Marks {
		ymin, ymax := p.Y.Min, p.Y.Max
		if !(ymax > ymin) {
			ymin, ymax = 0, 1
		}
		l, err := plotter.NewLine(plotter.XYs{{X: m.X, Y: ymin}, {X: m.X, Y: ymax}})
		if err != nil {
			return drawing{}, fmt.Errorf("mark %q: %w", m.Label, err)
		}
		l.Color = color.RGBA{R: 200, G: 30, B: 30, A: 255}
		l.Width = vg.Points(1)
		l.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(l)
		leg.Add(m.Label, l)
	}
	ext := leg.Rectangle(draw.Canvas{})
	lw, lh := ext.Max.X-ext.Min.X, ext.Max.Y-ext.Min.Y
	if lw > 0 {
		lw += 0.25 * vg.Inch
	}
	const top = 0.3 * vg.Inch // the legend starts level with the plot area
	h := max(figHeight, lh+top+0.1*vg.Inch)
	return drawing{figWidth + lw, h, func(c draw.Canvas) {
		p.Draw(draw.Crop(c, 0, -lw, 0, 0))
		leg.Draw(draw.Crop(c, figWidth+0.15*vg.Inch, 0, 0, -top))
	}}, nil
}

// Theory curves: dark colours and dash patterns, distinct from the
// measured series' plotutil palette.
var (
	theoryColors = []color.Color{
		color.Black,
		color.RGBA{R: 0, G: 90, B: 160, A: 255},
		color.RGBA{R: 150, G: 60, B: 0, A: 255},
		color.RGBA{R: 0, G: 120, B: 60, A: 255},
		color.RGBA{R: 110, G: 0, B: 130, A: 255},
	}
	theoryDashes = [][]vg.Length{
		{vg.Points(6), vg.Points(3)},
		{vg.Points(2), vg.Points(2)},
		{vg.Points(8), vg.Points(2), vg.Points(2), vg.Points(2)},
		{vg.Points(4), vg.Points(4)},
	}
)

// addHeat draws h on p as a raster image (row 0 at the top) and returns
// the plot of its colour bar.
func addHeat(p *plot.Plot, h *Heat) (*plot.Plot, error) {
	if h.Rows < 1 || h.Cols < 1 || len(h.Values) != h.Rows*h.Cols {
		return nil, fmt.Errorf("heat map: %d×%d with %d values", h.Rows, h.Cols, len(h.Values))
	}
	lo, hi := h.Min, h.Max
	if !(hi > lo) {
		hi = lo + 1
	}
	cm := moreland.ExtendedBlackBody()
	cm.SetMin(lo)
	cm.SetMax(hi)
	img := image.NewRGBA(image.Rect(0, 0, h.Cols, h.Rows))
	for i := range h.Rows {
		for j := range h.Cols {
			v := math.Min(math.Max(h.Values[i*h.Cols+j], lo), hi)
			c, err := cm.At(v)
			if err != nil {
				return nil, fmt.Errorf("heat map: %w", err)
			}
			img.Set(j, h.Rows-1-i, c) // image row 0 is the top of the plot
		}
	}
	p.Add(plotter.NewImage(img, 0, 0, float64(h.Cols), float64(h.Rows)))
	p.X.Min, p.X.Max = 0, float64(h.Cols)
	p.Y.Min, p.Y.Max = 0, float64(h.Rows)
	p.X.Padding, p.Y.Padding = 0, 0
	// Label rows from the top: tick at y shows row Rows − y.
	p.Y.Tick.Marker = flippedTicks{rows: float64(h.Rows)}

	bar := plot.New()
	cb := cm // ColorBar takes its range from the map
	bar.Add(&plotter.ColorBar{ColorMap: cb, Vertical: true})
	bar.HideX()
	bar.Y.Padding = 0
	bar.Y.Label.Text = "|B_ij| / ‖B_i‖"
	return bar, nil
}

// flippedTicks labels a y axis whose data run from the top: the tick at y
// reads rows − y.
type flippedTicks struct{ rows float64 }

func (t flippedTicks) Ticks(min, max float64) []plot.Tick {
	// Nice numbers in row space, placed at their y positions.
	ticks := plot.DefaultTicks{}.Ticks(t.rows-max, t.rows-min)
	for i := range ticks {
		ticks[i].Value = t.rows - ticks[i].Value
	}
	return ticks
}
