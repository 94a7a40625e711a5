package figures

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxBarVariants is the most variants drawn as grouped bars; beyond it
// Variants draws a dot-and-whisker chart.
const maxBarVariants = 8

// summaryTable indexes summary rows by variant and outcome, both in order
// of first appearance.
type summaryTable struct {
	variants, outcomes order
	cell               map[[2]int]SummaryRow
}

func newSummaryTable(rows []SummaryRow) *summaryTable {
	t := &summaryTable{cell: map[[2]int]SummaryRow{}}
	for _, r := range rows {
		v := t.variants.add(r.Variant)
		o := t.outcomes.add(r.Outcome)
		t.cell[[2]int{v, o}] = r
	}
	return t
}

// Variants draws summary.csv: the probability of each outcome within the
// horizon under each variant, with Wilson intervals. Up to eight variants
// it draws grouped bars (one group per outcome, one bar per variant);
// with more it draws a dot-and-whisker chart with one row per variant and
// one panel per outcome. It writes path.svg and path.png.
func Variants(rows []SummaryRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	t := newSummaryTable(rows)
	if len(t.variants.keys) > maxBarVariants {
		return variantsDots(t, c, path)
	}
	return variantsBars(t, c, path)
}

func variantsBars(t *summaryTable, c Caption, path string) error {
	nv, no := len(t.variants.keys), len(t.outcomes.keys)
	p := newPlot()
	addGrid(p, false, true)
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = probTicks{}
	p.Y.Label.Text = "Probability within horizon"
	p.X.Label.Text = "Outcome"
	p.NominalX(t.outcomes.keys...)

	// Rotate the outcome labels when they would not fit side by side.
	longest := vg.Length(0)
	for _, o := range t.outcomes.keys {
		longest = max(longest, p.X.Tick.Label.Width(o))
	}
	if longest*vg.Length(no) > 5*vg.Inch {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}

	const groupWidth = 0.8
	barW := groupWidth / float64(nv)
	leg := &sideLegend{heading: "Variant", leg: newLegend()}
	for vi, v := range t.variants.keys {
		bars := &rects{color: seriesColor(vi)}
		var errs yErrPoints
		for oi := range t.outcomes.keys {
			r, ok := t.cell[[2]int{vi, oi}]
			if !ok {
				continue
			}
			x0 := float64(oi) - groupWidth/2 + float64(vi)*barW
			bars.rs = append(bars.rs, dataRect{x0 + 0.04*barW, x0 + 0.96*barW, 0, r.P})
			errs.XYs = append(errs.XYs, plotter.XY{X: x0 + barW/2, Y: r.P})
			errs.YErrors = append(errs.YErrors, struct{ Low, High float64 }{r.P - r.CILow, r.CIHigh - r.P})
		}
		p.Add(bars)
		if len(errs.XYs) > 0 {
			eb, err := plotter.NewYErrorBars(errs)
			if err != nil {
				return err
			}
			eb.LineStyle = whiskerStyle(whiskerColor)
			eb.CapWidth = vg.Points(min(6, 90/float64(nv)))
			p.Add(eb)
		}
		leg.leg.Add(v, bars)
	}
	p.X.Min, p.X.Max = -0.5, float64(no)-0.5
	leg.leg.Add("95% Wilson interval", &whiskerThumb{})

	return figure{
		title:   "Probability of each outcome within the horizon, by variant",
		caption: c.String(),
		body: func(dc draw.Canvas) error {
			p.Draw(leg.split(dc, 0))
			return nil
		},
	}.save(path)
}

// whiskerThumb is the legend thumbnail of an interval whisker.
type whiskerThumb struct{ horizontal bool }

// Thumbnail implements plot.Thumbnailer.
func (w *whiskerThumb) Thumbnail(c *draw.Canvas) {
	sty := whiskerStyle(whiskerColor)
	midX := (c.Min.X + c.Max.X) / 2
	midY := (c.Min.Y + c.Max.Y) / 2
	cap := vg.Points(3)
	if w.horizontal {
		c.StrokeLine2(sty, c.Min.X+2, midY, c.Max.X-2, midY)
		c.StrokeLine2(sty, c.Min.X+2, midY-cap, c.Min.X+2, midY+cap)
		c.StrokeLine2(sty, c.Max.X-2, midY-cap, c.Max.X-2, midY+cap)
		return
	}
	c.StrokeLine2(sty, midX, c.Min.Y, midX, c.Max.Y)
	c.StrokeLine2(sty, midX-cap, c.Min.Y, midX+cap, c.Min.Y)
	c.StrokeLine2(sty, midX-cap, c.Max.Y, midX+cap, c.Max.Y)
}

// variantFamily is the part of a variant name before its reading suffix
// ("full-plan+sceptic" → "full-plan").
func variantFamily(v string) string {
	if i := strings.IndexByte(v, '+'); i > 0 {
		return v[:i]
	}
	return v
}

var shadeColor = translucent(seriesColors[7], 0x22)

func variantsDots(t *summaryTable, c Caption, path string) error {
	nv, no := len(t.variants.keys), len(t.outcomes.keys)
	// First variant on top.
	yOf := func(vi int) float64 { return float64(nv - 1 - vi) }
	labels := make([]string, nv)
	for vi, v := range t.variants.keys {
		labels[nv-1-vi] = v
	}
	// Shade alternate families of variants so rows read across panels.
	var shaded []int
	fam, band := "", -1
	for vi, v := range t.variants.keys {
		if f := variantFamily(v); vi == 0 || f != fam {
			fam = f
			band++
		}
		if band%2 == 1 {
			shaded = append(shaded, vi)
		}
	}

	plots := make([]*plot.Plot, no)
	for oi, o := range t.outcomes.keys {
		p := newPlot()
		p.Title.Text = o
		p.X.Label.Text = "Probability"
		hi := 0.0
		for vi := range t.variants.keys {
			if r, ok := t.cell[[2]int{vi, oi}]; ok {
				hi = math.Max(hi, r.CIHigh)
			}
		}
		xmax := niceCeil(hi * 1.04)
		shade := &rects{color: shadeColor}
		for _, vi := range shaded {
			shade.rs = append(shade.rs, dataRect{0, xmax, yOf(vi) - 0.5, yOf(vi) + 0.5})
		}
		p.Add(shade)
		addGrid(p, true, false)

		var pts xErrPoints
		for vi := range t.variants.keys {
			r, ok := t.cell[[2]int{vi, oi}]
			if !ok {
				continue
			}
			pts.XYs = append(pts.XYs, plotter.XY{X: r.P, Y: yOf(vi)})
			pts.XErrors = append(pts.XErrors, struct{ Low, High float64 }{r.P - r.CILow, r.CIHigh - r.P})
		}
		if len(pts.XYs) > 0 {
			eb, err := plotter.NewXErrorBars(pts)
			if err != nil {
				return err
			}
			eb.LineStyle = whiskerStyle(seriesColor(oi))
			eb.CapWidth = vg.Points(4)
			sc, err := plotter.NewScatter(pts.XYs)
			if err != nil {
				return err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: seriesColor(oi), Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}
			p.Add(eb, sc)
		}
		p.X.Min, p.X.Max = 0, xmax
		p.X.Tick.Marker = probTicks{most: 3}
		p.Y.Min, p.Y.Max = -0.5, float64(nv)-0.5
		if oi == 0 {
			p.NominalY(labels...)
			p.Y.Tick.Label.Font.Size = 9
		} else {
			p.HideY()
		}
		plots[oi] = p
	}

	leg := &sideLegend{leg: newLegend()}
	leg.leg.Add("estimate", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: whiskerColor, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}})
	leg.leg.Add("95% Wilson interval", &whiskerThumb{horizontal: true})

	height := max(figHeight, 1.5*vg.Inch+vg.Length(nv)*0.17*vg.Inch)
	return figure{
		title:   "Probability of each outcome within the horizon, by variant",
		caption: c.String(),
		height:  height,
		body: func(dc draw.Canvas) error {
			// Start the legend below the panel titles, which may be wider
			// than their panels.
			top := plots[0].Title.TextStyle.Height("A") + plots[0].Title.Padding + vg.Points(6)
			area := leg.split(dc, top)
			drawRow(area, plots, vg.Points(18))
			return nil
		},
	}.save(path)
}
