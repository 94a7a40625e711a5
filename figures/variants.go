package figures

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
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
// one panel per outcome, the panels wrapped into a grid of up to three
// columns with the variant names on the leftmost. It writes path.svg and
// path.png.
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

// Layout of the dot-and-whisker chart.
const (
	dotsRowPitch   = 0.15 * vg.Inch // height of one variant's row
	dotsMinPanelW  = 1.6 * vg.Inch  // narrowest data area of a panel
	dotsMaxCols    = 3
	dotsPadX       = 14             // points between panels
	dotsPadY       = 10             // points between rows of panels
	dotsTickSpace  = 0.38 * vg.Inch // least distance between labelled ticks
	dotsTitleSize  = 10
	dotsLabelSize  = 8.5
	dotsXLabelSize = 9.5
)

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

	dot := draw.GlyphStyle{Radius: vg.Points(2.4), Shape: draw.CircleGlyph{}}
	plots := make([]*plot.Plot, no)
	for oi := range t.outcomes.keys {
		p := newPlot()
		p.X.Label.Text = "Probability"
		p.X.Label.TextStyle.Font.Size = dotsXLabelSize
		p.X.Tick.Label.Font.Size = 9
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
			sc.GlyphStyle = dot
			sc.GlyphStyle.Color = seriesColor(oi)
			p.Add(eb, sc)
		}
		p.X.Min, p.X.Max = 0, xmax
		p.Y.Min, p.Y.Max = -0.5, float64(nv)-0.5
		p.NominalY(labels...)
		p.Y.Tick.Label.Font.Size = dotsLabelSize
		plots[oi] = p
	}

	// Columns: as many as keep each data area at least dotsMinPanelW
	// wide next to the variant labels, at most dotsMaxCols; then rows,
	// and columns again to balance them.
	probe := draw.New(vgsvg.New(figWidth, figHeight))
	firstW := plots[0].DataCanvas(probe).Min.X - probe.Min.X
	usable := figWidth - 2*margin - firstW - vg.Points(6)
	cols := 1
	for c := 2; c <= dotsMaxCols; c++ {
		if (usable-vg.Points(dotsPadX)*vg.Length(c-1))/vg.Length(c) >= dotsMinPanelW {
			cols = c
		}
	}
	cols = min(cols, no)
	rows := (no + cols - 1) / cols
	cols = (no + rows - 1) / rows
	panelW := (usable - vg.Points(dotsPadX)*vg.Length(cols-1)) / vg.Length(cols)
	for oi, p := range plots {
		if oi%cols != 0 {
			p.HideY()
		}
		p.X.Tick.Marker = probTicks{most: max(2, int(panelW/dotsTickSpace))}
	}

	// Panel titles, wrapped after '_' or '-' when too wide.
	ts := textStyle(dotsTitleSize)
	ts.XAlign = draw.XCenter
	ts.YAlign = draw.YTop
	titles := make([]string, no)
	titleH := make([]vg.Length, rows)
	for oi, o := range t.outcomes.keys {
		titles[oi] = wrapName(ts, o, panelW)
		titleH[oi/cols] = max(titleH[oi/cols], ts.Height(titles[oi])+vg.Points(4))
	}

	keys := []keyEntry{
		{"estimate", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: whiskerColor, Radius: dot.Radius, Shape: dot.Shape}}},
		{"95% Wilson interval", &whiskerThumb{horizontal: true}},
	}

	axisH := vg.Points(9+dotsXLabelSize) + 0.22*vg.Inch // tick labels, axis label, padding
	panelsH := vg.Points(dotsPadY) * vg.Length(rows-1)
	for _, h := range titleH {
		panelsH += h + vg.Length(nv)*dotsRowPitch + axisH
	}
	height := max(figHeight, panelsH+1.3*vg.Inch)
	return figure{
		title:   "Probability of each outcome within the horizon, by variant",
		caption: c.String(),
		height:  height,
		body: func(dc draw.Canvas) error {
			dc.Max.Y -= drawKeyRow(dc, keys) + vg.Points(6)
			// Row heights in proportion to what they hold.
			free := dc.Max.Y - dc.Min.Y - vg.Points(dotsPadY)*vg.Length(rows-1)
			rowH := make([]vg.Length, rows)
			for r := range rows {
				rowH[r] = titleH[r] + (free-panelsH+vg.Points(dotsPadY)*vg.Length(rows-1))/vg.Length(rows) +
					vg.Length(nv)*dotsRowPitch + axisH
			}
			top := dc.Max.Y
			for r := range rows {
				row := dc
				row.Max.Y = top
				row.Min.Y = top - rowH[r]
				top = row.Min.Y - vg.Points(dotsPadY)
				n := min(cols, no-r*cols)
				tiles := make([]*plot.Plot, cols)
				copy(tiles, plots[r*cols:r*cols+n])
				rowPlots := row
				rowPlots.Max.Y -= titleH[r]
				canvases := gridRow(rowPlots, tiles, firstW, panelW, vg.Points(dotsPadX))
				for k := range n {
					p := plots[r*cols+k]
					p.Draw(canvases[k])
					d := p.DataCanvas(canvases[k])
					row.FillText(ts, vg.Point{X: (d.Min.X + d.Max.X) / 2, Y: row.Max.Y}, titles[r*cols+k])
				}
			}
			return nil
		},
	}.save(path)
}

// wrapName breaks a name like "association_signed" after its '_' or '-'
// so that each line fits in width, where it can.
func wrapName(sty text.Style, name string, width vg.Length) string {
	if sty.Width(name) <= width {
		return name
	}
	var parts []string
	start := 0
	for i, r := range name {
		if (r == '_' || r == '-') && i+1 < len(name) {
			parts = append(parts, name[start:i+1])
			start = i + 1
		}
	}
	parts = append(parts, name[start:])
	return wrapJoin(sty, parts, "", width)
}

// gridRow returns the canvases of one row of panels in a grid whose data
// areas line up from row to row: the first column starts after firstW
// (room for its y labels), every data area is dataW wide and pad apart.
// The data area of each canvas is placed so, whatever each plot's own
// axes need; nil plots get a canvas too.
func gridRow(dc draw.Canvas, plots []*plot.Plot, firstW, dataW, pad vg.Length) []draw.Canvas {
	out := make([]draw.Canvas, len(plots))
	x := dc.Min.X + firstW
	for i, p := range plots {
		c := dc
		c.Min.X, c.Max.X = x, x+dataW
		if p != nil {
			// Widen the canvas by what the plot's axes take, so its data
			// area is exactly [x, x+dataW]. Measured on a wide canvas:
			// on a narrow one the axes may not fit at all.
			wide := dc
			wide.Min.X, wide.Max.X = 0, 100*vg.Inch
			d := p.DataCanvas(wide)
			c.Min.X -= d.Min.X - wide.Min.X
			c.Max.X += wide.Max.X - d.Max.X
		}
		out[i] = c
		x += dataW + pad
	}
	return out
}

// keyEntry is one item of a horizontal key.
type keyEntry struct {
	name  string
	thumb plot.Thumbnailer
}

// drawKeyRow draws entries side by side, centred at the top of dc, and
// returns the height used.
func drawKeyRow(dc draw.Canvas, entries []keyEntry) vg.Length {
	return drawKeyRows(dc, [][]keyEntry{entries})
}

// drawKeyRows draws several rows of entries, each centred, from the top of
// dc down, and returns the height used: for keys too long to share a row.
func drawKeyRows(dc draw.Canvas, rows [][]keyEntry) vg.Length {
	used := vg.Length(0)
	for i, row := range rows {
		if i > 0 {
			used += vg.Points(4)
		}
		rc := dc
		rc.Max.Y -= used
		used += drawOneKeyRow(rc, row)
	}
	return used
}

// drawOneKeyRow draws entries side by side, centred at the top of dc, and
// returns the height used.
func drawOneKeyRow(dc draw.Canvas, entries []keyEntry) vg.Length {
	ts := textStyle(10)
	ts.YAlign = draw.YCenter
	thumbW, gap, space := vg.Points(22), vg.Points(4), vg.Points(18)
	h := ts.Height("Ag")
	total := vg.Length(0)
	for i, e := range entries {
		if i > 0 {
			total += space
		}
		total += thumbW + gap + ts.Width(e.name)
	}
	x := (dc.Min.X+dc.Max.X)/2 - total/2
	y := dc.Max.Y - h/2
	for _, e := range entries {
		tc := dc
		tc.Min = vg.Point{X: x, Y: y - h/2}
		tc.Max = vg.Point{X: x + thumbW, Y: y + h/2}
		e.thumb.Thumbnail(&tc)
		x += thumbW + gap
		dc.FillText(ts, vg.Point{X: x, Y: y}, e.name)
		x += ts.Width(e.name) + space
	}
	return h
}
