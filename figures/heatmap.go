package figures

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// preferredOutcome is the outcome that single-outcome figures show when
// the table has it.
const preferredOutcome = "ceasefire"

// pickOutcome returns preferredOutcome if present, else the first outcome.
func pickOutcome(outcomes []string) string {
	for _, o := range outcomes {
		if o == preferredOutcome {
			return o
		}
	}
	return outcomes[0]
}

// grid is a plotter.GridXYZ over sorted distinct x and y values.
type grid struct {
	xs, ys []float64
	z      [][]float64 // z[col][row]; NaN where missing
}

func (g *grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g *grid) Z(c, r int) float64 { return g.z[c][r] }
func (g *grid) X(c int) float64    { return g.xs[c] }
func (g *grid) Y(r int) float64    { return g.ys[r] }
func sortedDistinct(vs []float64) []float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// viridis returns a perceptually uniform colour map from dark blue to
// yellow, readable in greyscale and by colour-blind readers.
func viridis() palette.ColorMap {
	hex := []uint32{0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725}
	cs := make([]color.Color, len(hex))
	for i, h := range hex {
		cs[i] = color.NRGBA{uint8(h >> 16), uint8(h >> 8), uint8(h), 0xff}
	}
	cm, err := moreland.NewLuminance(cs)
	if err != nil {
		return moreland.Kindlmann()
	}
	return cm
}

// Heatmap draws heatmap.csv: the probability of "ceasefire" (or the first
// outcome if there is none) over the grid of the two levers' values, for
// the first variant, with a colour bar; cells are annotated with their
// values when the grid is at most 8 × 8. It writes path.svg and path.png.
func Heatmap(rows []HeatmapRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var outcomes, variants order
	for _, r := range rows {
		outcomes.add(r.Outcome)
		variants.add(r.Variant)
	}
	outcome := pickOutcome(outcomes.keys)
	variant := variants.keys[0]
	var sel []HeatmapRow
	for _, r := range rows {
		if r.Outcome == outcome && r.Variant == variant {
			sel = append(sel, r)
		}
	}
	leverX, leverY := sel[0].LeverX, sel[0].LeverY
	var xs, ys []float64
	for _, r := range sel {
		if r.LeverX != leverX || r.LeverY != leverY {
			return fmt.Errorf("heatmap rows name levers %q × %q and %q × %q, want one pair", leverX, leverY, r.LeverX, r.LeverY)
		}
		xs = append(xs, r.X)
		ys = append(ys, r.Y)
	}
	g := &grid{xs: sortedDistinct(xs), ys: sortedDistinct(ys)}
	g.z = make([][]float64, len(g.xs))
	for i := range g.z {
		g.z[i] = make([]float64, len(g.ys))
		for j := range g.z[i] {
			g.z[i][j] = math.NaN()
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range sel {
		i := sort.SearchFloat64s(g.xs, r.X)
		j := sort.SearchFloat64s(g.ys, r.Y)
		g.z[i][j] = r.P
		lo, hi = math.Min(lo, r.P), math.Max(hi, r.P)
	}
	// Colour range: the data's, widened to multiples of 0.1.
	zmin := math.Max(0, math.Floor(lo*10+1e-9)/10)
	zmax := math.Min(1, math.Ceil(hi*10-1e-9)/10)
	if zmax <= zmin {
		zmin, zmax = math.Max(0, zmin-0.1), math.Min(1, zmax+0.1)
	}
	cm := viridis()
	cm.SetMin(zmin)
	cm.SetMax(zmax)

	p := newPlot()
	hm := plotter.NewHeatMap(g, cm.Palette(256))
	hm.Min, hm.Max = zmin, zmax
	hm.NaN = color.NRGBA{0xee, 0xee, 0xee, 0xff}
	p.Add(hm)
	p.X.Label.Text = leverX
	p.Y.Label.Text = leverY
	if len(g.xs) <= 12 {
		p.X.Tick.Marker = valueTicks(g.xs)
	}
	if len(g.ys) <= 12 {
		p.Y.Tick.Marker = valueTicks(g.ys)
	}
	if len(g.xs) <= 8 && len(g.ys) <= 8 {
		lab := &cellText{style: textStyle(10)}
		for i, x := range g.xs {
			for j, y := range g.ys {
				z := g.z[i][j]
				if math.IsNaN(z) {
					continue
				}
				lab.xs = append(lab.xs, x)
				lab.ys = append(lab.ys, y)
				lab.texts = append(lab.texts, formatProb(z))
				// Dark text on the light (yellow) end, white elsewhere.
				col := color.Color(color.White)
				if (z-zmin)/(zmax-zmin) > 0.6 {
					col = color.Black
				}
				lab.colors = append(lab.colors, col)
			}
		}
		p.Add(lab)
	}

	title := fmt.Sprintf("P(%s within horizon) over %s × %s", outcome, leverX, leverY)
	if len(variants.keys) > 1 {
		title += " — " + variant
	}
	return figure{
		title:   title,
		caption: c.String(),
		body: func(dc draw.Canvas) error {
			// Colour bar at the right, as tall as the data area.
			barW := 0.22 * vg.Inch
			labelW := 1.1 * vg.Inch
			plotC := dc
			plotC.Max.X -= barW + labelW + 0.25*vg.Inch
			// A square-ish data area reads best: cap the width.
			data := p.DataCanvas(plotC)
			if extra := (data.Max.X - data.Min.X) - 1.6*(data.Max.Y-data.Min.Y); extra > 0 {
				plotC.Max.X -= extra
			}
			p.Draw(plotC)
			data = p.DataCanvas(plotC)
			bar := vg.Rectangle{
				Min: vg.Point{X: plotC.Max.X + 0.3*vg.Inch, Y: data.Min.Y},
				Max: vg.Point{X: plotC.Max.X + 0.3*vg.Inch + barW, Y: data.Max.Y},
			}
			drawColorBar(dc, bar, cm, fmt.Sprintf("P(%s)", outcome))
			return nil
		},
	}.save(path)
}

// drawColorBar draws a vertical colour bar for cm in rect, with ticks and
// a label at its right.
func drawColorBar(dc draw.Canvas, rect vg.Rectangle, cm palette.ColorMap, label string) {
	const steps = 64
	h := (rect.Max.Y - rect.Min.Y) / steps
	for i := range steps {
		v := cm.Min() + (cm.Max()-cm.Min())*(float64(i)+0.5)/steps
		col, err := cm.At(v)
		if err != nil {
			continue
		}
		y0 := rect.Min.Y + vg.Length(i)*h
		dc.FillPolygon(col, []vg.Point{
			{X: rect.Min.X, Y: y0}, {X: rect.Max.X, Y: y0},
			{X: rect.Max.X, Y: y0 + h + 0.3}, {X: rect.Min.X, Y: y0 + h + 0.3},
		})
	}
	line := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	dc.StrokeLines(line, []vg.Point{
		rect.Min, {X: rect.Max.X, Y: rect.Min.Y}, rect.Max, {X: rect.Min.X, Y: rect.Max.Y}, rect.Min,
	})
	ts := textStyle(9.5)
	ts.XAlign = draw.XLeft
	ts.YAlign = draw.YCenter
	widest := vg.Length(0)
	for _, t := range (probTicks{}).Ticks(cm.Min(), cm.Max()) {
		if t.Label == "" {
			continue
		}
		y := rect.Min.Y + (rect.Max.Y-rect.Min.Y)*vg.Length((t.Value-cm.Min())/(cm.Max()-cm.Min()))
		dc.StrokeLine2(line, rect.Max.X, y, rect.Max.X+vg.Points(4), y)
		dc.FillText(ts, vg.Point{X: rect.Max.X + vg.Points(6), Y: y}, t.Label)
		widest = max(widest, ts.Width(t.Label))
	}
	ls := textStyle(11)
	ls.Rotation = math.Pi / 2
	ls.XAlign = draw.XCenter
	ls.YAlign = draw.YTop
	dc.FillText(ls, vg.Point{X: rect.Max.X + vg.Points(10) + widest, Y: (rect.Min.Y + rect.Max.Y) / 2}, label)
}

var _ plot.Plotter = (*cellText)(nil)
