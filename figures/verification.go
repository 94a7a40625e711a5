package figures

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// logSpan is the ratio of a panel's largest to smallest positive x from
// which Verification draws the x axis on a log scale.
const logSpan = 1000

// Verification draws verification.csv: one panel per game, the engine's
// estimates as points over the closed-form values as a line, against the
// game's parameter (on a log axis when it is positive and spans three
// orders of magnitude or more); each panel's title gives the largest
// absolute error.
// It writes path.svg and path.png.
func Verification(rows []VerificationRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var games order
	byGame := map[string][]VerificationRow{}
	for _, r := range rows {
		games.add(r.Game)
		byGame[r.Game] = append(byGame[r.Game], r)
	}
	n := len(games.keys)
	rowsN, cols := panelGrid(n)
	if n > maxPanels {
		rowsN, cols = (n+2)/3, 3
	}
	closedStyle := draw.LineStyle{Color: color.Black, Width: vg.Points(1.5)}
	engineGlyph := draw.GlyphStyle{Color: seriesColor(1), Radius: vg.Points(3), Shape: draw.CircleGlyph{}}

	plots := make([][]*plot.Plot, rowsN)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for gi, g := range games.keys {
		rs := byGame[g]
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].X < rs[j].X })
		p := newPlot()
		addGrid(p, true, true)
		cf := make(plotter.XYs, len(rs))
		en := make(plotter.XYs, len(rs))
		maxErr := 0.0
		for i, r := range rs {
			cf[i] = plotter.XY{X: r.X, Y: r.ClosedForm}
			en[i] = plotter.XY{X: r.X, Y: r.Engine}
			maxErr = math.Max(maxErr, r.AbsErr)
		}
		line, err := plotter.NewLine(cf)
		if err != nil {
			return err
		}
		line.LineStyle = closedStyle
		sc, err := plotter.NewScatter(en)
		if err != nil {
			return err
		}
		sc.GlyphStyle = engineGlyph
		p.Add(line, sc)
		p.Title.Text = fmt.Sprintf("%s\nmax |error| %.3g", g, maxErr)
		p.X.Label.Text = rs[0].Param
		// A parameter spanning orders of magnitude (a horizon from 10 to
		// 100 000) reads on a log axis.
		if lo, hi := rs[0].X, rs[len(rs)-1].X; lo > 0 && hi/lo >= logSpan {
			p.X.Scale = plot.LogScale{}
			p.X.Tick.Marker = decadeTicks{}
			p.X.Label.Text += " (log scale)"
		}
		if gi%cols == 0 {
			p.Y.Label.Text = "Value"
		}
		plots[gi/cols][gi%cols] = p
	}

	keys := []keyEntry{
		{"engine", &plotter.Scatter{GlyphStyle: engineGlyph}},
		{"closed form", &plotter.Line{LineStyle: closedStyle}},
	}

	height := figHeight
	if rowsN > 1 {
		height = max(figHeight, 3.1*vg.Inch*vg.Length(rowsN))
	}
	return figure{
		title:   "Verification: engine against closed-form solutions",
		caption: c.String(),
		height:  height,
		body: func(dc draw.Canvas) error {
			area := dc
			area.Max.Y -= drawKeyRow(dc, keys) + vg.Points(8)
			tiles := draw.Tiles{Rows: rowsN, Cols: cols, PadX: vg.Points(16), PadY: vg.Points(12)}
			drawGrid(plots, tiles, area)
			return nil
		},
	}.save(path)
}

// decadeTicks ticks a log axis at powers of ten, labelling at most about
// four of them evenly so the labels do not run into each other.
type decadeTicks struct{}

// Ticks implements plot.Ticker.
func (decadeTicks) Ticks(min, max float64) []plot.Tick {
	lo := int(math.Floor(math.Log10(min) + 1e-9))
	hi := int(math.Ceil(math.Log10(max) - 1e-9))
	step := (hi-lo)/4 + 1
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		v := math.Pow(10, float64(e))
		if v < min*(1-1e-9) || v > max*(1+1e-9) {
			continue
		}
		t := plot.Tick{Value: v}
		if (e-lo)%step == 0 {
			t.Label = strconv.FormatFloat(v, 'f', -1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}
