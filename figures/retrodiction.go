package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// RetrodictionRow is one case of a retrodiction: a predicted interval and
// median of a time, and the observed time, in the same unit.
type RetrodictionRow struct {
	Label            string
	Lo, Median, Hi   float64 // Hi may be +Inf: beyond the horizon
	Observed         float64
	Inside           bool
	Horizon          float64 // where an infinite Hi is drawn to
	IntervalFraction float64 // e.g. 0.9
}

var (
	insideColor  = seriesColors[2] // bluish green
	outsideColor = seriesColors[1] // vermillion
)

// Retrodiction draws predicted intervals against observed outcomes, one row
// per case in the given order (first on top): a bar for the interval, a
// tick at the median and a dot at the observed value, green when inside the
// interval and vermillion when outside. unit labels the x axis; the title
// states the calibration. It writes path.svg and path.png.
func Retrodiction(rows []RetrodictionRow, unit string, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	n := len(rows)
	yOf := func(i int) float64 { return float64(n - 1 - i) }
	p := newPlot()
	addGrid(p, true, false)
	bars := &rects{color: translucent(seriesColors[0], 0x90)}
	var in, out plotter.XYs
	labels := make([]string, n)
	xhi, inside := 0.0, 0
	for i, r := range rows {
		y := yOf(i)
		hi := r.Hi
		if math.IsInf(hi, 1) {
			hi = r.Horizon
		}
		bars.rs = append(bars.rs, dataRect{r.Lo - 0.5, hi + 0.5, y - 0.18, y + 0.18})
		p.Add(straightLine(r.Median, y-0.3, r.Median, y+0.3, draw.LineStyle{Color: color.Black, Width: vg.Points(1.5)}))
		pt := plotter.XY{X: r.Observed, Y: y}
		if r.Inside {
			in = append(in, pt)
			inside++
		} else {
			out = append(out, pt)
		}
		labels[n-1-i] = r.Label
		xhi = math.Max(xhi, math.Max(hi+0.5, r.Observed))
	}
	p.Add(bars)
	leg := &sideLegend{heading: "Legend", leg: newLegend()}
	leg.leg.Add(fmt.Sprintf("predicted %.0f%% interval", 100*rows[0].IntervalFraction), bars)
	leg.leg.Add("predicted median", &plotter.Line{LineStyle: draw.LineStyle{Color: color.Black, Width: vg.Points(1.5)}})
	for _, s := range []struct {
		pts  plotter.XYs
		col  color.Color
		name string
	}{{in, insideColor, "observed, inside"}, {out, outsideColor, "observed, outside"}} {
		sc, err := plotter.NewScatter(s.pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: s.col, Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}
		if len(s.pts) > 0 {
			p.Add(sc)
		}
		leg.leg.Add(s.name, sc)
	}
	p.X.Min, p.X.Max = 0, 10*math.Ceil(xhi/10)
	p.X.Label.Text = unit
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.NominalY(labels...)
	title := fmt.Sprintf("Leave-one-out retrodiction: %d of %d observed inside the predicted %.0f%% interval", inside, n, 100*rows[0].IntervalFraction)
	return figure{
		title:   title,
		caption: c.String(),
		height:  max(4*vg.Inch, 1.5*vg.Inch+vg.Length(n)*0.45*vg.Inch),
		body: func(dc draw.Canvas) error {
			p.Draw(leg.split(dc, 0))
			return nil
		},
	}.save(path)
}
