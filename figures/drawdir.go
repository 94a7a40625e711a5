package figures

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Names of the files DrawDir reads.
const (
	ManifestFile     = "manifest.json"
	SummaryFile      = "summary.csv"
	ByRoundFile      = "byround.csv"
	ForecastFile     = "forecast.csv"
	SweepFile        = "sweep.csv"
	HeatmapFile      = "heatmap.csv"
	SensitivityFile  = "sensitivity.csv"
	ConvergenceFile  = "convergence.csv"
	DifferenceFile   = "difference.csv"
	DecomposeFile    = "decompose.csv"
	VerificationFile = "verification.csv"
)

// figureJob reads one table and draws one figure from it.
type figureJob struct {
	table, figure string
	draw          func(table string, c Caption, out string) error
}

// drawWith adapts a reader and a figure function to a figureJob.
func drawWith[T any](read func(string) ([]T, error), fig func([]T, Caption, string) error) func(string, Caption, string) error {
	return func(table string, c Caption, out string) error {
		rows, err := read(table)
		if err != nil {
			return err
		}
		if err := fig(rows, c, out); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		return nil
	}
}

// jobs lists every figure in the order DrawDir draws them.
var jobs = []figureJob{
	{SummaryFile, "variants", drawWith(ReadSummary, Variants)},
	{ByRoundFile, "byround", drawWith(ReadByRound, ByRound)},
	{ForecastFile, "forecast", drawWith(ReadForecast, Forecast)},
	{SweepFile, "sweep", drawWith(ReadSweep, Sweep)},
	{HeatmapFile, "heatmap", drawWith(ReadHeatmap, Heatmap)},
	{SensitivityFile, "tornado", drawWith(ReadSensitivity, Tornado)},
	{ConvergenceFile, "convergence", drawWith(ReadConvergence, Convergence)},
	{DifferenceFile, "difference", drawWith(ReadDifference, Difference)},
	{DecomposeFile, "decompose", drawWith(ReadDecompose, Decompose)},
	{SobolFile, "sobol", drawWith(ReadSobol, Sobol)},
	{MorrisFile, "morris", drawWith(ReadMorris, Morris)},
	{VerificationFile, "verification", drawWith(ReadVerification, Verification)},
}

// DrawDir draws every figure it can from the result files in dir: it
// reads manifest.json for the caption and, for each of summary.csv,
// byround.csv, forecast.csv, sweep.csv, heatmap.csv, sensitivity.csv, convergence.csv,
// difference.csv, decompose.csv, sobol.csv, morris.csv and
// verification.csv that exists, writes the figure (variants, byround, forecast,
// sweep, heatmap, tornado, convergence, difference, decompose, sobol,
// morris, verification) as NAME.svg and NAME.png in dir. It returns the files
// written, in that order. A table that fails to parse or draw does not
// stop the others; the errors are joined in the returned error. A
// missing manifest is an error, as figures must say which run they show.
func DrawDir(dir string) ([]string, error) {
	c, err := ReadManifest(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var written []string
	var errs []error
	for _, j := range jobs {
		table := filepath.Join(dir, j.table)
		if _, err := os.Stat(table); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		out := filepath.Join(dir, j.figure)
		if err := j.draw(table, c, out); err != nil {
			errs = append(errs, err)
			continue
		}
		written = append(written, out+".svg", out+".png")
	}
	return written, errors.Join(errs...)
}
