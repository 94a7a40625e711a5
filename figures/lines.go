package figures

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// order keeps strings in order of first appearance.
type order struct {
	idx  map[string]int
	keys []string
}

func (o *order) add(k string) int {
	if o.idx == nil {
		o.idx = map[string]int{}
	}
	if i, ok := o.idx[k]; ok {
		return i
	}
	o.idx[k] = len(o.keys)
	o.keys = append(o.keys, k)
	return len(o.keys) - 1
}

// bandPoint is an estimate with its interval at x.
type bandPoint struct{ x, p, lo, hi float64 }

// lineSeries is one line with its confidence band.
type lineSeries struct {
	key string
	pts []bandPoint
}

// linePanel is one plot of a small-multiples figure.
type linePanel struct {
	title  string
	series []lineSeries
}

// maxPanels caps the number of small multiples in one figure.
const maxPanels = 6

// linesFigure draws lines with translucent confidence bands, one panel
// per group, one colour per key.
type linesFigure struct {
	title, caption string
	xLabel, yLabel string
	logX           bool
	keys           []string // legend order; colours by index
	legendHeading  string
	panels         []linePanel
	// style gives the colour and dashes of the i-th key; nil means
	// seriesColor and seriesDashes.
	style func(i int) (color.Color, []vg.Length)
	// yMax, when positive, fixes the top of the y axis and labels it with
	// plain numbers instead of probabilities.
	yMax float64
}

// styleOf returns the colour and dashes of the i-th key.
func (f linesFigure) styleOf(i int) (color.Color, []vg.Length) {
	if f.style != nil {
		return f.style(i)
	}
	return seriesColor(i), seriesDashes(i)
}

// panelGrid returns rows and columns for n panels.
func panelGrid(n int) (rows, cols int) {
	switch {
	case n <= 3:
		return 1, n
	case n == 4:
		return 2, 2
	default:
		return (n + 2) / 3, 3
	}
}

func (f linesFigure) save(path string) error {
	if len(f.panels) == 0 {
		return errNoRows
	}
	keyIdx := map[string]int{}
	for i, k := range f.keys {
		keyIdx[k] = i
	}
	// Shared y range: 0 to the highest upper bound, rounded up.
	hi := 0.0
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, pn := range f.panels {
		for _, s := range pn.series {
			for _, pt := range s.pts {
				hi = math.Max(hi, pt.hi)
				xmin = math.Min(xmin, pt.x)
				xmax = math.Max(xmax, pt.x)
			}
		}
	}
	ymax := niceCeil(hi * 1.04)
	if f.logX && xmin <= 0 {
		return fmt.Errorf("log x axis needs positive x, got %v", xmin)
	}

	rows, cols := panelGrid(len(f.panels))
	height := figHeight
	if rows > 1 {
		height = 3.1 * vg.Inch * vg.Length(rows)
		if height < figHeight {
			height = figHeight
		}
	}

	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for i, pn := range f.panels {
		r, c := i/cols, i%cols
		p := newPlot()
		if len(f.panels) > 1 {
			p.Title.Text = pn.title
		}
		addGrid(p, true, true)
		p.Y.Min, p.Y.Max = 0, ymax
		if f.yMax > 0 {
			p.Y.Max = f.yMax
		} else {
			p.Y.Tick.Marker = probTicks{}
		}
		p.X.Min, p.X.Max = xmin, xmax
		if f.logX {
			p.X.Scale = plot.LogScale{}
			p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		}
		if r == rows-1 || i+cols >= len(f.panels) {
			p.X.Label.Text = f.xLabel
		}
		if c == 0 {
			p.Y.Label.Text = f.yLabel
		}
		// Bands first, lines on top.
		for _, s := range pn.series {
			if len(s.pts) < 2 {
				continue
			}
			poly := make(plotter.XYs, 0, 2*len(s.pts))
			for _, pt := range s.pts {
				poly = append(poly, plotter.XY{X: pt.x, Y: pt.hi})
			}
			for j := len(s.pts) - 1; j >= 0; j-- {
				poly = append(poly, plotter.XY{X: s.pts[j].x, Y: s.pts[j].lo})
			}
			band, err := plotter.NewPolygon(poly)
			if err != nil {
				return err
			}
			col, _ := f.styleOf(keyIdx[s.key])
			band.Color = translucent(col, 0x38)
			band.LineStyle.Width = 0
			p.Add(band)
		}
		for _, s := range pn.series {
			k := keyIdx[s.key]
			xys := make(plotter.XYs, len(s.pts))
			for j, pt := range s.pts {
				xys[j] = plotter.XY{X: pt.x, Y: pt.p}
			}
			line, err := plotter.NewLine(xys)
			if err != nil {
				return err
			}
			col, dashes := f.styleOf(k)
			line.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.8), Dashes: dashes}
			p.Add(line)
			if len(s.pts) <= 15 {
				sc, err := plotter.NewScatter(xys)
				if err != nil {
					return err
				}
				sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
				p.Add(sc)
			}
		}
		plots[r][c] = p
	}

	leg := &sideLegend{heading: f.legendHeading, leg: newLegend()}
	for i, k := range f.keys {
		col, dashes := f.styleOf(i)
		l := &plotter.Line{LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1.8), Dashes: dashes}}
		band := &plotter.Polygon{Color: translucent(col, 0x38)}
		leg.leg.Add(k, band, l)
	}

	return figure{
		title: f.title, caption: f.caption, height: height,
		body: func(dc draw.Canvas) error {
			area := leg.split(dc, 0)
			tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(14), PadY: vg.Points(10)}
			drawGrid(plots, tiles, area)
			return nil
		},
	}.save(path)
}

// groupLines turns rows, already reduced to (panel, key, bandPoint), into
// panels in order of first appearance with points sorted by x. Panels
// after the first maxPanels are dropped; the count of all panels is
// returned.
func groupLines(n int, at func(i int) (panel, key string, pt bandPoint)) (panels []linePanel, keys []string, total int) {
	var po, ko order
	type pk struct{ p, k int }
	pts := map[pk][]bandPoint{}
	var seriesOrder [][]int // per panel, key indices in first-appearance order
	for i := range n {
		pn, k, pt := at(i)
		pi := po.add(pn)
		ki := ko.add(k)
		for len(seriesOrder) <= pi {
			seriesOrder = append(seriesOrder, nil)
		}
		id := pk{pi, ki}
		if _, ok := pts[id]; !ok {
			seriesOrder[pi] = append(seriesOrder[pi], ki)
		}
		pts[id] = append(pts[id], pt)
	}
	total = len(po.keys)
	for pi, name := range po.keys {
		if pi >= maxPanels {
			break
		}
		lp := linePanel{title: name}
		for _, ki := range seriesOrder[pi] {
			s := pts[pk{pi, ki}]
			sort.SliceStable(s, func(a, b int) bool { return s[a].x < s[b].x })
			lp.series = append(lp.series, lineSeries{key: ko.keys[ki], pts: s})
		}
		panels = append(panels, lp)
	}
	return panels, ko.keys, total
}

// panelNote returns a title suffix when panels were dropped.
func panelNote(shown, total int, what string) string {
	if total > shown {
		return fmt.Sprintf(" (first %d of %d %s)", shown, total, what)
	}
	return ""
}

// maxByRoundLines is the most variants ByRound draws as lines in one
// panel when there are too many variants for a panel each.
const maxByRoundLines = 8

// ByRound draws byround.csv: the cumulative probability that each outcome
// has happened by each round, with confidence bands. With at most six
// variants it draws one panel per variant and one line per outcome. With
// more it draws one panel per outcome (at most six) and one line per
// variant for the first eight variants in file order (fewer if the eighth
// would split a policy from its other readings), and the title says so;
// variants that differ only in their reading ("full-plan+advocate",
// "full-plan+sceptic") share a colour and differ in dashes. It writes
// path.svg and path.png.
func ByRound(rows []ByRoundRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var variants, outcomes order
	for _, r := range rows {
		variants.add(r.Variant)
		outcomes.add(r.Outcome)
	}
	if len(variants.keys) > maxPanels {
		return byRoundByOutcome(rows, variants.keys, outcomes.keys, c, path)
	}
	panels, keys, total := groupLines(len(rows), func(i int) (string, string, bandPoint) {
		r := rows[i]
		return r.Variant, r.Outcome, bandPoint{float64(r.Round), r.P, r.CILow, r.CIHigh}
	})
	title := "Cumulative probability of each outcome by round"
	if len(panels) == 1 {
		title += " — " + panels[0].title
	}
	return linesFigure{
		title:         title + panelNote(len(panels), total, "variants"),
		caption:       c.String(),
		xLabel:        "Round (months)",
		yLabel:        "Probability by round",
		keys:          keys,
		legendHeading: "Outcome",
		panels:        panels,
	}.save(path)
}

// byRoundByOutcome draws ByRound's figure for many variants: a panel per
// outcome, a line per selected variant.
func byRoundByOutcome(rows []ByRoundRow, variants, outcomes []string, c Caption, path string) error {
	sel := variants[:min(len(variants), maxByRoundLines)]
	// Do not split a policy from its other readings, if whole policies
	// remain.
	if len(sel) < len(variants) && variantFamily(variants[len(sel)]) != variants[len(sel)] {
		next := variants[len(sel)]
		cut := len(sel)
		for cut > 0 && variantFamily(sel[cut-1]) == variantFamily(next) {
			cut--
		}
		if cut > 0 {
			sel = sel[:cut]
		}
	}
	keep := map[string]bool{}
	for _, v := range sel {
		keep[v] = true
	}
	var kept []ByRoundRow
	for _, r := range rows {
		if keep[r.Variant] {
			kept = append(kept, r)
		}
	}
	panels, keys, total := groupLines(len(kept), func(i int) (string, string, bandPoint) {
		r := kept[i]
		return r.Outcome, r.Variant, bandPoint{float64(r.Round), r.P, r.CILow, r.CIHigh}
	})
	title := fmt.Sprintf("Cumulative probability of each outcome by round, first %d of %d variants", len(keys), len(variants))
	if total > len(panels) {
		title += fmt.Sprintf(" and first %d of %d outcomes", len(panels), total)
	}
	return linesFigure{
		title:         title,
		caption:       c.String(),
		xLabel:        "Round (months)",
		yLabel:        "Probability by round",
		keys:          keys,
		legendHeading: "Variant",
		panels:        panels,
		style:         familyStyle(keys),
	}.save(path)
}

// familyStyle returns a style for keys named like "policy+reading": one
// colour per policy, one dash pattern per reading (solid for the first
// reading met). Keys without a reading keep the usual styles.
func familyStyle(keys []string) func(i int) (color.Color, []vg.Length) {
	var fams, readings order
	for _, k := range keys {
		f := variantFamily(k)
		if f == k {
			return nil
		}
		fams.add(f)
		readings.add(k[len(f):])
	}
	if len(fams.keys) > len(seriesColors) || len(readings.keys) > 3 {
		return nil
	}
	dashes := [][]vg.Length{nil, {vg.Points(5), vg.Points(3)}, {vg.Points(1.5), vg.Points(2)}}
	return func(i int) (color.Color, []vg.Length) {
		f := variantFamily(keys[i])
		return seriesColor(fams.idx[f]), dashes[readings.idx[keys[i][len(f):]]]
	}
}

// Sweep draws sweep.csv: each outcome's probability against the value of
// the swept lever, one line per outcome with its confidence band, one
// panel per variant (at most six). It writes path.svg and path.png.
func Sweep(rows []SweepRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var levers order
	for _, r := range rows {
		levers.add(r.Lever)
	}
	if len(levers.keys) > 1 {
		return fmt.Errorf("sweep rows name %d levers (%q, %q, …), want one", len(levers.keys), levers.keys[0], levers.keys[1])
	}
	panels, keys, total := groupLines(len(rows), func(i int) (string, string, bandPoint) {
		r := rows[i]
		return r.Variant, r.Outcome, bandPoint{r.X, r.P, r.CILow, r.CIHigh}
	})
	title := "Outcome probability against " + levers.keys[0]
	if len(panels) == 1 {
		title += " — " + panels[0].title
	}
	return linesFigure{
		title:         title + panelNote(len(panels), total, "variants"),
		caption:       c.String(),
		xLabel:        levers.keys[0],
		yLabel:        "Probability within horizon",
		keys:          keys,
		legendHeading: "Outcome",
		panels:        panels,
	}.save(path)
}

// Convergence draws convergence.csv: each outcome's estimate with its
// confidence band against the number of runs N (log axis), one line per
// outcome, one panel per variant (at most six). It writes path.svg and
// path.png.
func Convergence(rows []ConvergenceRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	panels, keys, total := groupLines(len(rows), func(i int) (string, string, bandPoint) {
		r := rows[i]
		return r.Variant, r.Outcome, bandPoint{float64(r.N), r.P, r.CILow, r.CIHigh}
	})
	title := "Convergence of the estimates with the number of runs"
	if len(panels) == 1 {
		title += " — " + panels[0].title
	}
	return linesFigure{
		title:         title + panelNote(len(panels), total, "variants"),
		caption:       c.line("N on the x axis"),
		xLabel:        "Runs N (log scale)",
		yLabel:        "Estimated probability",
		logX:          true,
		keys:          keys,
		legendHeading: "Outcome",
		panels:        panels,
	}.save(path)
}

// drawGrid draws a grid of plots (nil cells left empty) with their plot
// areas aligned across rows and columns.
func drawGrid(plots [][]*plot.Plot, tiles draw.Tiles, area draw.Canvas) {
	canvases := plot.Align(plots, tiles, area)
	for r := range plots {
		for c, p := range plots[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
}
