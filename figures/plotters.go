package figures

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// dataRect is a rectangle in data coordinates.
type dataRect struct{ x0, x1, y0, y1 float64 }

// rects draws filled rectangles given in data coordinates; it is used for
// bars whose width must be known in data units (so error bars can sit on
// their centres).
type rects struct {
	rs    []dataRect
	color color.Color
	line  draw.LineStyle
}

// Plot implements plot.Plotter.
func (r *rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, d := range r.rs {
		pts := []vg.Point{
			{X: trX(d.x0), Y: trY(d.y0)},
			{X: trX(d.x1), Y: trY(d.y0)},
			{X: trX(d.x1), Y: trY(d.y1)},
			{X: trX(d.x0), Y: trY(d.y1)},
		}
		c.FillPolygon(r.color, c.ClipPolygonXY(pts))
		if r.line.Width > 0 {
			pts = append(pts, pts[0])
			c.StrokeLines(r.line, c.ClipLinesXY(pts)...)
		}
	}
}

// DataRange implements plot.DataRanger.
func (r *rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, d := range r.rs {
		xmin = math.Min(xmin, math.Min(d.x0, d.x1))
		xmax = math.Max(xmax, math.Max(d.x0, d.x1))
		ymin = math.Min(ymin, math.Min(d.y0, d.y1))
		ymax = math.Max(ymax, math.Max(d.y0, d.y1))
	}
	return
}

// Thumbnail implements plot.Thumbnailer.
func (r *rects) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{
		{X: c.Min.X, Y: c.Min.Y},
		{X: c.Max.X, Y: c.Min.Y},
		{X: c.Max.X, Y: c.Max.Y},
		{X: c.Min.X, Y: c.Max.Y},
	}
	c.FillPolygon(r.color, pts)
}

// cellText draws strings centred at data coordinates, each with its own
// colour.
type cellText struct {
	xs, ys []float64
	texts  []string
	colors []color.Color
	style  text.Style
}

// Plot implements plot.Plotter.
func (t *cellText) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i, s := range t.texts {
		sty := t.style
		sty.Color = t.colors[i]
		sty.XAlign = draw.XCenter
		sty.YAlign = draw.YCenter
		c.FillText(sty, vg.Point{X: trX(t.xs[i]), Y: trY(t.ys[i])}, s)
	}
}

// yErrPoints are points with relative vertical error bars.
type yErrPoints struct {
	plotter.XYs
	plotter.YErrors
}

// xErrPoints are points with relative horizontal error bars.
type xErrPoints struct {
	plotter.XYs
	plotter.XErrors
}

// whiskerStyle returns the line style of interval whiskers.
func whiskerStyle(c color.Color) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(1.2)}
}

// straightLine returns a line through two points.
func straightLine(x0, y0, x1, y1 float64, sty draw.LineStyle) *plotter.Line {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
	if err != nil {
		panic(err) // only non-finite input, which the parsers reject
	}
	l.LineStyle = sty
	return l
}

// niceCeil rounds a probability up to the next multiple of 0.1 (at most 1).
func niceCeil(v float64) float64 {
	v = math.Ceil(v*10-1e-9) / 10
	return math.Min(math.Max(v, 0.1), 1)
}

// probTicks places ticks at round probability steps, at most about six
// labelled ones, with unlabelled minor ticks half way between.
type probTicks struct {
	// most is the most labelled ticks wanted; zero means 6.
	most int
	// unit drops ticks outside [0, 1], for a probability axis padded
	// beyond its bounds so that marks at 0 or 1 stay clear of the axis.
	unit bool
}

// Ticks implements plot.Ticker.
func (t probTicks) Ticks(min, max float64) []plot.Tick {
	most := t.most
	if most == 0 {
		most = 6
	}
	span := max - min
	step := 0.5
	for _, s := range []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5} {
		if span/s <= float64(most) {
			step = s
			break
		}
	}
	var ticks []plot.Tick
	half := step / 2
	for k := math.Ceil(min/half - 1e-9); k*half <= max+1e-9; k++ {
		v := k * half
		if math.Abs(v) < 1e-12 {
			v = 0
		}
		if t.unit && (v < 0 || v > 1) {
			continue
		}
		tk := plot.Tick{Value: v}
		if int64(k)%2 == 0 {
			tk.Label = strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

// valueTicks puts a labelled tick at each of vals, formatted compactly.
func valueTicks(vals []float64) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(vals))
	for i, v := range vals {
		ticks[i] = plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 4, 64)}
	}
	return ticks
}

// drawRow draws plots side by side in dc with data areas of equal width,
// however wide each plot's axes are (plot.Align assumes every tile can
// hold its axes, which fails for long category labels in narrow tiles).
func drawRow(dc draw.Canvas, plots []*plot.Plot, pad vg.Length) {
	over := make([]vg.Length, len(plots))
	total := pad * vg.Length(len(plots)-1)
	for i, p := range plots {
		d := p.DataCanvas(dc)
		over[i] = (d.Min.X - dc.Min.X) + (dc.Max.X - d.Max.X)
		total += over[i]
	}
	dataW := (dc.Max.X - dc.Min.X - total) / vg.Length(len(plots))
	x := dc.Min.X
	for i, p := range plots {
		c := dc
		c.Min.X = x
		c.Max.X = x + over[i] + dataW
		p.Draw(c)
		x = c.Max.X + pad
	}
}
