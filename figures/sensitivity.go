package figures

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Files of the global sensitivity analyses.
const (
	SobolFile  = "sobol.csv"
	MorrisFile = "morris.csv"
)

var (
	sobolHeader = []string{"variant", "outcome", "metric", "factor", "members", "s1", "s1_low", "s1_high", "st", "st_low", "st_high",
		"variance", "n", "replicates", "bootstrap", "bootstrap_seed"}
	morrisHeader = []string{"variant", "outcome", "metric", "factor", "members", "mu", "mu_star", "mu_star_low", "mu_star_high", "sigma",
		"r", "levels", "replicates"}
)

// SobolRow is one line of sobol.csv: a factor's first-order and total
// Sobol index for one outcome's metric, with bootstrap intervals (NaN
// when the output did not vary).
type SobolRow struct {
	Variant, Outcome, Metric, Factor string
	Members                          int
	S1, S1Low, S1High                float64
	ST, STLow, STHigh                float64
	Variance                         float64
	N, Replicates, Bootstrap         int
}

// MorrisRow is one line of morris.csv: a factor's elementary-effect
// statistics for one outcome's metric.
type MorrisRow struct {
	Variant, Outcome, Metric, Factor  string
	Members                           int
	Mu, MuStar, MuStarLow, MuStarHigh float64
	Sigma                             float64
	R, Levels, Replicates             int
}

// ParseSobol parses sobol.csv from r; name is used in error messages.
func ParseSobol(r io.Reader, name string) ([]SobolRow, error) {
	var rows []SobolRow
	err := parseCSV(r, name, sobolHeader, func(f *fields) {
		rows = append(rows, SobolRow{Variant: f.str(0), Outcome: f.str(1), Metric: f.str(2), Factor: f.str(3), Members: f.int(4),
			S1: f.optFloat(5), S1Low: f.optFloat(6), S1High: f.optFloat(7), ST: f.optFloat(8), STLow: f.optFloat(9), STHigh: f.optFloat(10),
			Variance: f.float(11), N: f.int(12), Replicates: f.int(13), Bootstrap: f.int(14)})
	})
	return rows, err
}

// ReadSobol reads sobol.csv at path.
func ReadSobol(path string) ([]SobolRow, error) { return readFile(path, ParseSobol) }

// ParseMorris parses morris.csv from r; name is used in error messages.
func ParseMorris(r io.Reader, name string) ([]MorrisRow, error) {
	var rows []MorrisRow
	err := parseCSV(r, name, morrisHeader, func(f *fields) {
		rows = append(rows, MorrisRow{Variant: f.str(0), Outcome: f.str(1), Metric: f.str(2), Factor: f.str(3), Members: f.int(4),
			Mu: f.float(5), MuStar: f.float(6), MuStarLow: f.float(7), MuStarHigh: f.float(8), Sigma: f.optFloat(9),
			R: f.int(10), Levels: f.int(11), Replicates: f.int(12)})
	})
	return rows, err
}

// ReadMorris reads morris.csv at path.
func ReadMorris(path string) ([]MorrisRow, error) { return readFile(path, ParseMorris) }

// sensTop is the most factors a panel of the Sobol figure shows (the
// reference experiment samples 14 parameters).
const sensTop = 15

// sensPanels is the most outcomes the Sobol and Morris figures show.
const sensPanels = 6

// sobolWideLabel is the longest factor label that still leaves room for
// the bars when panels stand side by side; longer labels (parameter
// paths) stack the panels in one column.
const sobolWideLabel = 28

// noEffect reports whether a factor's indices and intervals are all 0 (or
// undefined): on common random numbers, a factor the outcome does not
// depend on at all leaves every AB point equal to its A point.
func noEffect(r SobolRow) bool {
	for _, v := range []float64{r.S1, r.S1Low, r.S1High, r.ST, r.STLow, r.STHigh} {
		if v != 0 && !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// Sobol draws sobol.csv as one panel per outcome (the probability metric,
// at most six outcomes, in file order): for each factor, up to fifteen
// sorted by total index, a bar for its first-order index and one for its
// total index, each with its bootstrap interval. Factors whose indices and
// intervals are all exactly 0 are left out, and the panel's axis label says
// how many. Interval ends are clipped to [−0.1, 1.1], where an index cannot
// lie. Panels stand side by side when the factors' labels are short
// (groups) and in one column when they are parameter paths. It writes
// path.svg and path.png.
func Sobol(rows []SobolRow, c Caption, path string) error {
	names, by, err := probabilityPanels(rows, func(r SobolRow) (string, string) { return r.Metric, r.Outcome })
	if err != nil {
		return err
	}
	clip := func(v float64) float64 { return math.Min(1.1, math.Max(-0.1, v)) }
	nan0 := func(v float64) float64 {
		if math.IsNaN(v) {
			return 0
		}
		return v
	}
	var plots []*plot.Plot
	maxRows, total, longest := 0, 0, 0
	s1Bars, stBars := &rects{color: lowColor}, &rects{color: highColor}
	for _, o := range names {
		var sel []SobolRow
		for _, r := range by[o] {
			if !noEffect(r) {
				sel = append(sel, r)
			}
		}
		dropped := len(by[o]) - len(sel)
		if len(sel) == 0 {
			// Nothing moves this outcome: show every factor at 0 rather
			// than an empty panel.
			sel, dropped = append(sel, by[o]...), 0
		}
		total = max(total, len(sel))
		sort.SliceStable(sel, func(i, j int) bool { return nan0(sel[i].ST) > nan0(sel[j].ST) })
		if len(sel) > sensTop {
			sel = sel[:sensTop]
		}
		n := len(sel)
		maxRows = max(maxRows, n)
		p := newPlot()
		addGrid(p, true, false)
		b1, bt := &rects{color: lowColor}, &rects{color: highColor}
		var e1, et xErrPoints
		labels := make([]string, n)
		const half = 0.36
		for i, r := range sel {
			y := float64(n - 1 - i)
			label := r.Factor
			if r.Members > 1 {
				label = fmt.Sprintf("%s (%d)", r.Factor, r.Members)
			}
			labels[n-1-i] = label
			longest = max(longest, len([]rune(label)))
			s1, st := nan0(r.S1), nan0(r.ST)
			b1.rs = append(b1.rs, dataRect{0, clip(s1), y, y + half})
			bt.rs = append(bt.rs, dataRect{0, clip(st), y - half, y})
			if !math.IsNaN(r.S1) {
				e1.XYs = append(e1.XYs, plotter.XY{X: clip(s1), Y: y + half/2})
				e1.XErrors = append(e1.XErrors, struct{ Low, High float64 }{clip(s1) - clip(r.S1Low), clip(r.S1High) - clip(s1)})
			}
			if !math.IsNaN(r.ST) {
				et.XYs = append(et.XYs, plotter.XY{X: clip(st), Y: y - half/2})
				et.XErrors = append(et.XErrors, struct{ Low, High float64 }{clip(st) - clip(r.STLow), clip(r.STHigh) - clip(st)})
			}
		}
		p.Add(b1, bt)
		for _, pts := range []xErrPoints{e1, et} {
			if len(pts.XYs) == 0 {
				continue
			}
			eb, err := plotter.NewXErrorBars(pts)
			if err != nil {
				return err
			}
			eb.LineStyle = whiskerStyle(whiskerColor)
			eb.CapWidth = vg.Points(3)
			p.Add(eb)
		}
		p.Add(straightLine(0, -0.5, 0, float64(n)-0.5, draw.LineStyle{Color: whiskerColor, Width: vg.Points(0.8)}))
		p.Title.Text = fmt.Sprintf("P(%s)", o)
		p.X.Label.Text = "share of variance"
		if dropped > 0 {
			p.X.Label.Text += fmt.Sprintf(" (%d %s at exactly 0 not shown)", dropped, plural(dropped, "factor", "factors"))
		}
		p.X.Min, p.X.Max = -0.1, 1.1
		p.X.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 0.25, Label: ""}, {Value: 0.5, Label: "0.5"}, {Value: 0.75, Label: ""}, {Value: 1, Label: "1"}}
		p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
		p.NominalY(labels...)
		p.Y.Tick.Label.Font.Size = 8.5
		plots = append(plots, p)
	}
	nr, nc := panelGrid(len(plots))
	if nc == 3 {
		nr, nc = (len(plots)+1)/2, 2
	}
	if longest > sobolWideLabel {
		nr, nc = len(plots), 1
	}
	grid := make([][]*plot.Plot, nr)
	for i := range grid {
		grid[i] = make([]*plot.Plot, nc)
	}
	for i, p := range plots {
		grid[i/nc][i%nc] = p
	}
	r0 := rows[0]
	title := fmt.Sprintf("Sobol indices of %s: first-order and total", r0.Variant)
	if total > sensTop {
		title += fmt.Sprintf(" (top %d of %d factors by total index)", sensTop, total)
	}
	keys := []keyEntry{{"first-order S1 (alone)", s1Bars}, {"total ST (with interactions)", stBars}, {"bootstrap 95% interval", &whiskerThumb{horizontal: true}}}
	height := max(figHeight, vg.Length(nr)*(0.9*vg.Inch+vg.Length(maxRows)*0.24*vg.Inch)+1.2*vg.Inch)
	// The caption's N would be the replicates per point, which the design
	// part says with the base sample size it could be mistaken for.
	c.N = 0
	cap := c.String() + captionSep + fmt.Sprintf("Saltelli design: N = %d base rows, %d replicates per point (common random numbers), %d bootstrap resamples", r0.N, r0.Replicates, r0.Bootstrap)
	return figure{
		title: title, caption: cap, height: height, width: figWidth + 1.5*vg.Inch,
		body: func(dc draw.Canvas) error {
			dc.Max.Y -= drawKeyRow(dc, keys) + vg.Points(8)
			drawGrid(grid, draw.Tiles{Rows: nr, Cols: nc, PadX: vg.Points(14), PadY: vg.Points(12)}, dc)
			return nil
		},
	}.save(path)
}

// Morris draws morris.csv as one scatter panel per outcome (the
// probability metric, at most six): each factor at (μ*, σ) of its
// elementary effects, labelled, the ten largest μ* by name. Factors near
// the origin are negligible; along σ = μ* and above, a factor acts
// through interactions or non-linearly. It writes path.svg and path.png.
func Morris(rows []MorrisRow, c Caption, path string) error {
	names, by, err := probabilityPanels(rows, func(r MorrisRow) (string, string) { return r.Metric, r.Outcome })
	if err != nil {
		return err
	}
	var plots []*plot.Plot
	for oi, o := range names {
		sel := append([]MorrisRow(nil), by[o]...)
		sort.SliceStable(sel, func(i, j int) bool { return sel[i].MuStar > sel[j].MuStar })
		p := newPlot()
		addGrid(p, true, true)
		var xys plotter.XYs
		mx, my := 0.0, 0.0
		for _, r := range sel {
			s := r.Sigma
			if math.IsNaN(s) {
				s = 0
			}
			xys = append(xys, plotter.XY{X: r.MuStar, Y: s})
			mx, my = math.Max(mx, r.MuStar), math.Max(my, s)
		}
		// Each axis to its own largest value: a common limit left the
		// points in the left third when σ exceeded μ* everywhere. The x
		// axis goes on to 1.7 times that, for the labels.
		xl, yl := math.Max(mx, 1e-6)*1.15, math.Max(my, 1e-6)*1.15
		diag := math.Min(1.7*xl, yl)
		p.Add(straightLine(0, 0, diag, diag, draw.LineStyle{Color: gridColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}))
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: seriesColor(oi), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		// Label the largest μ*, nudging a label down when it would
		// overlap one already placed.
		top := min(len(sel), 8)
		lab := plotter.XYLabels{}
		var placed []plotter.XY
		for i, r := range sel[:top] {
			at := xys[i]
			for moved := true; moved; {
				moved = false
				for _, q := range placed {
					if math.Abs(q.X-at.X) < 0.45*xl && math.Abs(q.Y-at.Y) < 0.06*yl {
						at.Y = q.Y - 0.061*yl
						moved = true
					}
				}
			}
			placed = append(placed, at)
			if at.Y != xys[i].Y {
				// A leader from the point to its nudged label.
				p.Add(straightLine(xys[i].X, xys[i].Y, xys[i].X+0.01*xl, at.Y, draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}))
			}
			lab.XYs = append(lab.XYs, plotter.XY{X: at.X + 0.01*xl, Y: at.Y})
			lab.Labels = append(lab.Labels, shortPath(r.Factor))
		}
		labels, err := plotter.NewLabels(lab)
		if err != nil {
			return err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i] = textStyle(7.5)
			labels.TextStyle[i].XAlign = draw.XLeft
			labels.TextStyle[i].YAlign = draw.YCenter
		}
		labels.Offset = vg.Point{X: vg.Points(5)}
		p.Add(labels)
		p.Title.Text = fmt.Sprintf("P(%s)", o)
		p.X.Min, p.Y.Min = 0, 0
		p.X.Max, p.Y.Max = xl*1.7, yl
		p.Y.Min = -0.4 * yl
		p.Y.Tick.Marker = nonNegTicks{}
		p.X.Label.Text = "μ* (mean |elementary effect|)"
		p.Y.Label.Text = "σ"
		plots = append(plots, p)
	}
	nr, nc := len(plots), 1
	if nr > 3 {
		nr, nc = (len(plots)+1)/2, 2
	}
	grid := make([][]*plot.Plot, nr)
	for i := range grid {
		grid[i] = make([]*plot.Plot, nc)
	}
	for i, p := range plots {
		grid[i/nc][i%nc] = p
	}
	r0 := rows[0]
	cap := c.String() + captionSep + fmt.Sprintf("Morris screening, r = %d trajectories, %d levels, %d replicates per point", r0.R, r0.Levels, r0.Replicates) +
		captionSep + "effects per unit of each parameter's quantile range; dashed: σ = μ*"
	return figure{
		title:   fmt.Sprintf("Morris screening of %s: μ* against σ", r0.Variant),
		caption: cap,
		width:   figWidth + 1.5*vg.Inch,
		height:  max(figHeight, vg.Length(nr)*3.4*vg.Inch+vg.Inch),
		body: func(dc draw.Canvas) error {
			drawGrid(grid, draw.Tiles{Rows: nr, Cols: nc, PadX: vg.Points(18), PadY: vg.Points(14)}, dc)
			return nil
		},
	}.save(path)
}

// shortPath drops the path segments that only say what kind of parameter
// it is ("positions", "tables"), keeping the rest readable in a label.
func shortPath(p string) string {
	parts := strings.Split(p, ".")
	var out []string
	for i, s := range parts {
		if i > 0 && (s == "positions" || s == "tables" || s == "effects[0]") {
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, ".")
}

// nonNegTicks are the default ticks without the negative ones, for an
// axis extended below zero only to make room for labels.
type nonNegTicks struct{}

func (nonNegTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Value >= 0 {
			out = append(out, t)
		}
	}
	return out
}

// probabilityPanels groups the rows of the probability metric ("p") by
// outcome, outcomes in file order and at most sensPanels of them: one panel
// each in the Sobol and Morris figures.
func probabilityPanels[R any](rows []R, key func(R) (metric, outcome string)) ([]string, map[string][]R, error) {
	var outcomes order
	by := map[string][]R{}
	for _, r := range rows {
		metric, outcome := key(r)
		if metric != "p" {
			continue
		}
		outcomes.add(outcome)
		by[outcome] = append(by[outcome], r)
	}
	if len(outcomes.keys) == 0 {
		return nil, nil, errNoRows
	}
	names := outcomes.keys
	if len(names) > sensPanels {
		names = names[:sensPanels]
	}
	return names, by, nil
}

// plural returns one when n is 1 and many otherwise.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
