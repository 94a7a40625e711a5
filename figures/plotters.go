package figures

import (
	"image/color"
	"math"

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
