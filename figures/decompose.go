package figures

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// decomposeTop is the most parameters the decomposition figure shows.
const decomposeTop = 15

// Decompose draws decompose.csv as a horizontal dot-and-whisker chart: one
// row for the total gap between the two readings, one per parameter
// replaced alone (sorted by the largest absolute share of an outcome's
// total gap, at most 15), then the interaction residual (the total minus
// the sum of every parameter's shift) and, of it, the structure;
// one colour per outcome, with paired 95% intervals and a line at zero. The
// labels of the parameter rows give each one's share of the total gap in
// the first outcome. It writes path.svg and path.png.
func Decompose(rows []DecomposeRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var outcomes, params order
	maxShift := map[string]float64{}
	byKey := map[[2]string]DecomposeRow{}
	for _, r := range rows {
		outcomes.add(r.Outcome)
		key := r.Component
		if r.Component == "parameter" {
			key = r.Parameter
			params.add(r.Parameter)
			size := math.Abs(r.Shift)
			if !math.IsNaN(r.Share) {
				size = math.Abs(r.Share)
			}
			maxShift[key] = math.Max(maxShift[key], size)
		}
		byKey[[2]string{key, r.Outcome}] = r
	}
	first := outcomes.keys[0]
	ps := append([]string(nil), params.keys...)
	sort.SliceStable(ps, func(i, j int) bool { return maxShift[ps[i]] > maxShift[ps[j]] })
	total := len(ps)
	if len(ps) > decomposeTop {
		ps = ps[:decomposeTop]
	}
	type rowSpec struct{ key, label string }
	withShare := func(key, label string) string {
		if r, ok := byKey[[2]string{key, first}]; ok && !math.IsNaN(r.Share) && key != "total" {
			return fmt.Sprintf("%s (%s)", label, fmtShare(r.Share))
		}
		return label
	}
	spec := []rowSpec{{"total", "total gap"}}
	for _, k := range ps {
		spec = append(spec, rowSpec{k, withShare(k, k)})
	}
	spec = append(spec, rowSpec{"interaction", withShare("interaction", "interaction: total − sum of all shifts")})
	if r, ok := byKey[[2]string{"structure", first}]; ok {
		var nf, nt int
		fmt.Sscan(r.DistFrom, &nf)
		fmt.Sscan(r.DistTo, &nt)
		label := "of which structure"
		if nf+nt > 0 {
			label += fmt.Sprintf(", %d parameters in one reading only", nf+nt)
		}
		spec = append(spec, rowSpec{"structure", withShare("structure", label)})
	}
	nr, no := len(spec), len(outcomes.keys)
	yOf := func(ri, oi int) float64 {
		row := float64(nr - 1 - ri)
		if no == 1 {
			return row
		}
		span := math.Min(0.6, 0.18*float64(no-1))
		return row + span/2 - span*float64(oi)/float64(no-1)
	}
	labels := make([]string, nr)
	for ri, s := range spec {
		labels[nr-1-ri] = s.label
	}

	p := newPlot()
	addGrid(p, true, false)
	pts := make([]xErrPoints, no)
	lo, hi := 0.0, 0.0
	for ri, s := range spec {
		for oi, o := range outcomes.keys {
			r, ok := byKey[[2]string{s.key, o}]
			if !ok {
				continue
			}
			pts[oi].XYs = append(pts[oi].XYs, plotter.XY{X: r.Shift, Y: yOf(ri, oi)})
			pts[oi].XErrors = append(pts[oi].XErrors, struct{ Low, High float64 }{r.Shift - r.CILow, r.CIHigh - r.Shift})
			lo, hi = math.Min(lo, r.CILow), math.Max(hi, r.CIHigh)
		}
	}
	zero := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	p.Add(straightLine(0, -0.5, 0, float64(nr)-0.5, zero))
	// Thin lines set the total apart from the parameters, and those from
	// the residual rows.
	sep := draw.LineStyle{Color: gridColor, Width: vg.Points(1)}
	pad := math.Max(0.01, 0.08*(hi-lo))
	xMin, xMax := math.Max(-1, lo-pad), math.Min(1, hi+pad)
	for _, y := range []float64{float64(nr) - 1.5, float64(nr-2-len(ps)) + 0.5} {
		p.Add(straightLine(xMin, y, xMax, y, sep))
	}
	var keys []keyEntry
	for oi, name := range outcomes.keys {
		if len(pts[oi].XYs) == 0 {
			continue
		}
		eb, err := plotter.NewXErrorBars(pts[oi])
		if err != nil {
			return err
		}
		eb.LineStyle = whiskerStyle(seriesColor(oi))
		eb.CapWidth = vg.Points(4)
		sc, err := plotter.NewScatter(pts[oi].XYs)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: seriesColor(oi), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(eb, sc)
		keys = append(keys, keyEntry{name, sc})
	}
	keyRows := [][]keyEntry{keys, {{"95% paired interval", &whiskerThumb{horizontal: true}}, {"no shift", &plotter.Line{LineStyle: zero}}}}
	p.X.Min, p.X.Max = xMin, xMax
	p.X.Tick.Marker = probTicks{}
	r0 := rows[0]
	p.X.Label.Text = fmt.Sprintf("Shift in probability within horizon, %s → %s", r0.From, r0.To)
	p.Y.Min, p.Y.Max = -0.5, float64(nr)-0.5
	p.NominalY(labels...)
	p.Y.Tick.Label.Font.Size = 9

	title := fmt.Sprintf("Gap between readings %s and %s of %s, one parameter at a time", r0.From, r0.To, r0.Variant)
	if total > len(ps) {
		title += fmt.Sprintf(" (top %d of %d)", len(ps), total)
	}
	height := max(figHeight, 1.6*vg.Inch+vg.Length(nr)*0.3*vg.Inch) + vg.Points(16)*vg.Length(len(keyRows))
	// Every cell of a decomposition runs the decomposition's own N, which
	// may differ from the experiment's.
	if r0.N > 0 {
		c.N = r0.N
	}
	return figure{
		title:   title,
		caption: c.String() + captionSep + fmt.Sprintf("shares of the total gap in %s in brackets", first),
		height:  height,
		body: func(dc draw.Canvas) error {
			dc.Max.Y -= drawKeyRows(dc, keyRows) + vg.Points(10)
			p.Draw(dc)
			return nil
		},
	}.save(path)
}

// fmtShare formats a share of a total as a percentage.
func fmtShare(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
