package figures

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// tornadoTop is the most parameters the tornado figure shows.
const tornadoTop = 15

var (
	lowColor  = color.NRGBA{0x56, 0xB4, 0xE9, 0xff} // sky blue
	highColor = color.NRGBA{0xD5, 0x5E, 0x00, 0xff} // vermillion
)

// Tornado draws sensitivity.csv as a tornado chart for "ceasefire" (or
// the first outcome if there is none): for each parameter a bar from the
// base probability to the probability with the parameter at its low
// bound, and one to the probability at its high bound, with intervals;
// parameters sorted by |p_high − p_low|, largest on top, at most 15. A
// dashed vertical line marks the base probability. It writes path.svg
// and path.png.
func Tornado(rows []SensitivityRow, c Caption, path string) error {
	if len(rows) == 0 {
		return errNoRows
	}
	var outcomes order
	for _, r := range rows {
		outcomes.add(r.Outcome)
	}
	outcome := pickOutcome(outcomes.keys)
	var sel []SensitivityRow
	for _, r := range rows {
		if r.Outcome == outcome {
			sel = append(sel, r)
		}
	}
	total := len(sel)
	sort.SliceStable(sel, func(i, j int) bool {
		si, sj := math.Abs(sel[i].PHigh-sel[i].PLow), math.Abs(sel[j].PHigh-sel[j].PLow)
		if si != sj {
			return si > sj
		}
		return sel[i].Parameter < sel[j].Parameter
	})
	if len(sel) > tornadoTop {
		sel = sel[:tornadoTop]
	}
	n := len(sel)
	yOf := func(i int) float64 { return float64(n - 1 - i) } // largest on top

	p := newPlot()
	addGrid(p, true, false)
	lowBars := &rects{color: lowColor}
	highBars := &rects{color: highColor}
	var lowPts, highPts xErrPoints
	labels := make([]string, n)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	sameBase := true
	const halfBar = 0.32
	for i, r := range sel {
		y := yOf(i)
		labels[n-1-i] = fmt.Sprintf("%s [%s, %s]", r.Parameter, fmtNum(r.Low), fmtNum(r.High))
		// Low-bound bar just above the row centre, high-bound just below,
		// so overlapping bars (both on one side of base) stay visible.
		lowBars.rs = append(lowBars.rs, dataRect{r.PBase, r.PLow, y, y + halfBar})
		highBars.rs = append(highBars.rs, dataRect{r.PBase, r.PHigh, y - halfBar, y})
		lowPts.XYs = append(lowPts.XYs, plotter.XY{X: r.PLow, Y: y + halfBar/2})
		lowPts.XErrors = append(lowPts.XErrors, struct{ Low, High float64 }{r.PLow - r.CILowLow, r.CILowHigh - r.PLow})
		highPts.XYs = append(highPts.XYs, plotter.XY{X: r.PHigh, Y: y - halfBar/2})
		highPts.XErrors = append(highPts.XErrors, struct{ Low, High float64 }{r.PHigh - r.CIHighLow, r.CIHighHigh - r.PHigh})
		xlo = math.Min(xlo, math.Min(r.CILowLow, math.Min(r.CIHighLow, r.PBase)))
		xhi = math.Max(xhi, math.Max(r.CILowHigh, math.Max(r.CIHighHigh, r.PBase)))
		if r.PBase != sel[0].PBase {
			sameBase = false
		}
	}
	p.Add(lowBars, highBars)
	for _, pts := range []xErrPoints{lowPts, highPts} {
		eb, err := plotter.NewXErrorBars(pts)
		if err != nil {
			return err
		}
		eb.LineStyle = whiskerStyle(whiskerColor)
		eb.CapWidth = vg.Points(4)
		p.Add(eb)
	}
	baseStyle := draw.LineStyle{Color: color.Black, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
	if sameBase {
		p.Add(straightLine(sel[0].PBase, -0.5, sel[0].PBase, float64(n)-0.5, baseStyle))
	} else {
		for i, r := range sel {
			p.Add(straightLine(r.PBase, yOf(i)-0.45, r.PBase, yOf(i)+0.45, baseStyle))
		}
	}
	pad := math.Max(0.02, 0.06*(xhi-xlo))
	// Pad beyond 0 and 1 too, so bars and whiskers ending there stay
	// clear of the axis; the ticks stay within [0, 1].
	p.X.Min = math.Max(-pad/2, xlo-pad)
	p.X.Max = math.Min(1+pad/2, xhi+pad)
	p.X.Tick.Marker = probTicks{unit: true}
	p.X.Label.Text = fmt.Sprintf("P(%s within horizon)", outcome)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.NominalY(labels...)
	p.Y.Tick.Label.Font.Size = 9

	leg := &sideLegend{heading: "Parameter at", leg: newLegend()}
	leg.leg.Add("low bound", lowBars)
	leg.leg.Add("high bound", highBars)
	leg.leg.Add("95% interval", &whiskerThumb{horizontal: true})
	baseName := "base"
	if sameBase {
		baseName = "base " + formatProb(sel[0].PBase)
	}
	leg.leg.Add(baseName, &plotter.Line{LineStyle: baseStyle})

	title := fmt.Sprintf("Sensitivity of P(%s): one parameter at a time", outcome)
	if total > n {
		title += fmt.Sprintf(" (top %d of %d)", n, total)
	}
	height := max(figHeight, 1.3*vg.Inch+vg.Length(n)*0.26*vg.Inch)
	return figure{
		title:   title,
		caption: c.String(),
		height:  height,
		body: func(dc draw.Canvas) error {
			p.Draw(leg.split(dc, 0))
			return nil
		},
	}.save(path)
}

// fmtNum formats a parameter value compactly.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
