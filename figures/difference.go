package figures

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Difference draws difference.csv: for each outcome (one row each) the
// difference of probability between two variants with its interval, one
// colour per compared pair, and a vertical line at zero. It writes
// path.svg and path.png.
func Difference(rows []DifferenceRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var outcomes, pairs order
	for _, r := range rows {
		outcomes.add(r.Outcome)
		pairs.add(pairLabel(r))
	}
	no, np := len(outcomes.keys), len(pairs.keys)
	yOf := func(oi, pi int) float64 {
		row := float64(no - 1 - oi)
		if np == 1 {
			return row
		}
		span := math.Min(0.6, 0.18*float64(np-1))
		return row + span/2 - span*float64(pi)/float64(np-1)
	}
	labels := make([]string, no)
	for oi, o := range outcomes.keys {
		labels[no-1-oi] = o
	}

	p := newPlot()
	addGrid(p, true, false)
	pts := make([]xErrPoints, np)
	lo, hi := 0.0, 0.0
	for _, r := range rows {
		oi := outcomes.idx[r.Outcome]
		pi := pairs.idx[pairLabel(r)]
		pts[pi].XYs = append(pts[pi].XYs, plotter.XY{X: r.Diff, Y: yOf(oi, pi)})
		pts[pi].XErrors = append(pts[pi].XErrors, struct{ Low, High float64 }{r.Diff - r.CILow, r.CIHigh - r.Diff})
		lo, hi = math.Min(lo, r.CILow), math.Max(hi, r.CIHigh)
	}
	zero := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	p.Add(straightLine(0, -0.5, 0, float64(no)-0.5, zero))
	// One key row per compared pair (their names are long), then one for
	// the interval and the zero line, all under the title so that the
	// plot keeps the full width.
	var keys [][]keyEntry
	for pi, name := range pairs.keys {
		eb, err := plotter.NewXErrorBars(pts[pi])
		if err != nil {
			return err
		}
		eb.LineStyle = whiskerStyle(seriesColor(pi))
		eb.CapWidth = vg.Points(5)
		sc, err := plotter.NewScatter(pts[pi].XYs)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: seriesColor(pi), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(eb, sc)
		keys = append(keys, []keyEntry{{name, sc}})
	}
	keys = append(keys, []keyEntry{{"95% interval", &whiskerThumb{horizontal: true}}, {"no difference", &plotter.Line{LineStyle: zero}}})
	pad := math.Max(0.01, 0.08*(hi-lo))
	p.X.Min, p.X.Max = math.Max(-1, lo-pad), math.Min(1, hi+pad)
	p.X.Tick.Marker = probTicks{}
	p.X.Label.Text = "Difference in probability within horizon, A − B"
	p.Y.Min, p.Y.Max = -0.5, float64(no)-0.5
	p.NominalY(labels...)

	title := "Difference between variants, by outcome"
	if np == 1 {
		title = fmt.Sprintf("Difference %s, by outcome", pairs.keys[0])
	}
	return figure{
		title:   title,
		caption: c.String(),
		height:  figHeight + vg.Points(16)*vg.Length(len(keys)),
		body: func(dc draw.Canvas) error {
			dc.Max.Y -= drawKeyRows(dc, keys) + vg.Points(10)
			p.Draw(dc)
			return nil
		},
	}.save(path)
}

// pairLabel names a compared pair in the legend, saying when the two were
// run on common random numbers.
func pairLabel(r DifferenceRow) string {
	l := r.VariantA + " − " + r.VariantB
	if r.Design == "paired" {
		l += " (paired)"
	}
	return l
}
