package figures

import "math"

// Forecast draws forecast.csv: the BDM forecast of each bdm table by round
// (the capability×salience-weighted median of the positions, docs/MODEL.md
// §3.11), its mean over replicates with a confidence band, one panel per
// table (at most six) and one line per variant; variants that differ only in
// their reading share a colour and differ in dashes. The y axis is the
// issue's 0–100 scale. Rounds without a forecast are left out. The ranges of
// the replicates' forecasts are in forecast.csv, not drawn: bands of several
// variants that wide would hide one another. It writes path.svg and
// path.png.
func Forecast(rows []ForecastRow, c Caption, path string) error {
	var kept []ForecastRow
	for _, r := range rows {
		if r.N > 0 && !math.IsNaN(r.Median) {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return errNoRows
	}
	panels, keys, total := groupLines(len(kept), func(i int) (string, string, bandPoint) {
		r := kept[i]
		lo, hi := r.MedianLo, r.MedianHi
		if math.IsNaN(lo) {
			lo, hi = r.Median, r.Median
		}
		return r.Table, r.Variant, bandPoint{float64(r.Round), r.Median, lo, hi}
	})
	title := "BDM forecast by round: mean over replicates of the weighted median position"
	if len(panels) == 1 {
		title += " — " + panels[0].title
	}
	return linesFigure{
		title:         title + panelNote(len(panels), total, "tables"),
		caption:       c.String(),
		xLabel:        "Round (months)",
		yLabel:        "Forecast position (0–100)",
		keys:          keys,
		legendHeading: "Variant",
		panels:        panels,
		style:         familyStyle(keys),
		yMax:          100,
	}.save(path)
}
