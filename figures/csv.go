package figures

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Column headers of the CSV files, exactly as the batch writes them.
var (
	summaryHeader = []string{"variant", "outcome", "successes", "n", "p", "ci_low", "ci_high", "mean_round", "median_round"}
	// belowColumns follow summaryHeader in summary files written since the
	// below-reservation counts; files without them still parse.
	belowColumns       = []string{"below_reservation", "below_share", "below_ci_low", "below_ci_high"}
	byRoundHeader      = []string{"variant", "outcome", "round", "successes", "n", "p", "ci_low", "ci_high"}
	sweepHeader        = []string{"variant", "lever", "x", "outcome", "successes", "n", "p", "ci_low", "ci_high"}
	heatmapHeader      = []string{"variant", "lever_x", "x", "lever_y", "y", "outcome", "successes", "n", "p", "ci_low", "ci_high"}
	sensitivityHeader  = []string{"parameter", "outcome", "low", "high", "p_low", "ci_low_low", "ci_low_high", "p_high", "ci_high_low", "ci_high_high", "p_base"}
	convergenceHeader  = []string{"variant", "outcome", "n", "successes", "p", "ci_low", "ci_high"}
	differenceHeader   = []string{"variant_a", "variant_b", "outcome", "p_a", "p_b", "diff", "ci_low", "ci_high", "design"}
	verificationHeader = []string{"game", "param", "x", "engine", "closed_form", "abs_error"}
	forecastHeader     = []string{"variant", "table", "round", "n", "mean", "mean_ci_low", "mean_ci_high", "mean_range_low", "mean_range_high",
		"median", "median_ci_low", "median_ci_high", "median_range_low", "median_range_high"}
	decomposeHeader = []string{"variant", "from", "to", "outcome", "component", "parameter", "dist_from", "dist_to",
		"p_base", "p_alt", "shift", "ci_low", "ci_high", "share", "n"}
)

// SummaryRow is one line of summary.csv: the probability that an outcome
// happens within the horizon under one variant.
type SummaryRow struct {
	Variant, Outcome string
	Successes, N     int
	// P is the estimate; CILow and CIHigh bound its Wilson interval.
	P, CILow, CIHigh float64
	// MeanRound and MedianRound are the mean and median round of the
	// outcome among the successes; NaN when there were none.
	MeanRound, MedianRound float64
	// HasBelow is true when the file has the below-reservation columns.
	// Below is then the number of successes reached through an agreement
	// accepted below a signatory's reservation, and BelowShare their share
	// of the successes, within [BelowCILow, BelowCIHigh]; the three are NaN
	// when there were no successes.
	HasBelow                            bool
	Below                               int
	BelowShare, BelowCILow, BelowCIHigh float64
}

// ByRoundRow is one line of byround.csv: the cumulative probability that
// an outcome has happened by a round.
type ByRoundRow struct {
	Variant, Outcome string
	Round            int
	Successes, N     int
	P, CILow, CIHigh float64
}

// SweepRow is one line of sweep.csv: an outcome's probability with one
// lever set to X.
type SweepRow struct {
	Variant, Lever   string
	X                float64
	Outcome          string
	Successes, N     int
	P, CILow, CIHigh float64
}

// HeatmapRow is one line of heatmap.csv: an outcome's probability with
// two levers set to X and Y.
type HeatmapRow struct {
	Variant          string
	LeverX           string
	X                float64
	LeverY           string
	Y                float64
	Outcome          string
	Successes, N     int
	P, CILow, CIHigh float64
}

// SensitivityRow is one line of sensitivity.csv: an outcome's probability
// with one parameter at its low and at its high bound, everything else at
// base.
type SensitivityRow struct {
	Parameter, Outcome string
	Low, High          float64
	// PLow is the estimate with the parameter at Low, within
	// [CILowLow, CILowHigh].
	PLow, CILowLow, CILowHigh float64
	// PHigh is the estimate with the parameter at High, within
	// [CIHighLow, CIHighHigh].
	PHigh, CIHighLow, CIHighHigh float64
	// PBase is the estimate with every parameter at base.
	PBase float64
}

// ConvergenceRow is one line of convergence.csv: an outcome's estimate
// after the first N runs.
type ConvergenceRow struct {
	Variant, Outcome string
	N, Successes     int
	P, CILow, CIHigh float64
}

// DifferenceRow is one line of difference.csv: the difference PA − PB of
// an outcome's probability between two variants, with its interval.
type DifferenceRow struct {
	VariantA, VariantB, Outcome string
	PA, PB, Diff, CILow, CIHigh float64
	// Design is "independent" (two samples, Newcombe's hybrid score
	// interval) or "paired" (common random numbers, Newcombe's paired
	// interval).
	Design string
}

// DecomposeRow is one line of decompose.csv: one component of the gap in
// an outcome's probability between two readings of a variant.
type DecomposeRow struct {
	Variant, From, To, Outcome string
	// Component is total, parameter, joint, interaction or structure.
	Component string
	// Parameter is the replaced parameter's path (component parameter), or
	// a description; DistFrom and DistTo its distributions, or for the
	// structure the number of parameters present in one model only.
	Parameter, DistFrom, DistTo string
	// PBase and PAlt are the probabilities compared (NaN for the
	// interaction residual); Shift = PAlt − PBase within [CILow, CIHigh].
	PBase, PAlt, Shift, CILow, CIHigh float64
	// Share is Shift as a fraction of the total gap, NaN when the total is
	// zero.
	Share float64
	N     int
}

// VerificationRow is one line of verification.csv: the engine's estimate
// and the closed-form value for a game at one parameter value.
type VerificationRow struct {
	Game, Param                   string
	X, Engine, ClosedForm, AbsErr float64
}

// fields gives typed access to one CSV record, remembering the first
// error with its file, line and column.
type fields struct {
	name   string
	header []string
	r      *csv.Reader
	rec    []string
	err    error
}

func (f *fields) fail(i int, err error) {
	if f.err != nil {
		return
	}
	line, _ := f.r.FieldPos(i)
	f.err = fmt.Errorf("%s:%d: column %q: %w", f.name, line, f.header[i], err)
}

func (f *fields) str(i int) string {
	s := f.rec[i]
	if s == "" {
		f.fail(i, errors.New("empty value"))
	}
	return s
}

func (f *fields) float(i int) float64 {
	s := strings.TrimSpace(f.rec[i])
	if s == "" {
		f.fail(i, errors.New("empty value"))
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		f.fail(i, fmt.Errorf("not a number: %q", f.rec[i]))
		return math.NaN()
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		f.fail(i, fmt.Errorf("not a finite number: %q", f.rec[i]))
	}
	return v
}

// optFloat is float, but an empty value gives NaN.
func (f *fields) optFloat(i int) float64 {
	if strings.TrimSpace(f.rec[i]) == "" {
		return math.NaN()
	}
	return f.float(i)
}

// prob is float restricted to [0, 1].
func (f *fields) prob(i int) float64 {
	v := f.float(i)
	if v < 0 || v > 1 {
		f.fail(i, fmt.Errorf("probability %v outside [0, 1]", v))
	}
	return v
}

// diff is float restricted to [-1, 1].
func (f *fields) diff(i int) float64 {
	v := f.float(i)
	if v < -1 || v > 1 {
		f.fail(i, fmt.Errorf("difference of probabilities %v outside [-1, 1]", v))
	}
	return v
}

func (f *fields) int(i int) int {
	s := strings.TrimSpace(f.rec[i])
	if s == "" {
		f.fail(i, errors.New("empty value"))
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		f.fail(i, fmt.Errorf("not an integer: %q", f.rec[i]))
		return 0
	}
	if v < 0 {
		f.fail(i, fmt.Errorf("negative count %d", v))
	}
	return v
}

// parseCSV reads a CSV table whose header must equal header and calls each
// for every data record.
func parseCSV(r io.Reader, name string, header []string, each func(f *fields)) error {
	return parseCSVAlt(r, name, [][]string{header}, func(f *fields, _ int) { each(f) })
}

// parseCSVAlt is parseCSV for a table with several accepted headers (the
// first is reported when none matches); each learns which one matched.
func parseCSVAlt(r io.Reader, name string, headers [][]string, each func(f *fields, h int)) error {
	header := headers[0]
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // set by the header, checked against want below
	got, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%s:1: empty file, want header %q", name, strings.Join(header, ","))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(got) > 0 {
		got[0] = strings.TrimPrefix(got[0], "\ufeff")
	}
	h := -1
	for i, hd := range headers {
		if strings.Join(got, ",") == strings.Join(hd, ",") {
			h, header = i, hd
			break
		}
	}
	if h < 0 {
		return fmt.Errorf("%s:1: header %q, want %q", name, strings.Join(got, ","), strings.Join(header, ","))
	}
	f := &fields{name: name, header: header, r: cr}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		f.rec = rec
		each(f, h)
		if f.err != nil {
			return f.err
		}
	}
}

// checkInterval reports an interval that does not contain its estimate.
func (f *fields) checkInterval(pCol int, p, lo, hi float64) {
	const slack = 1e-9
	if lo > p+slack || hi < p-slack {
		f.fail(pCol, fmt.Errorf("estimate %v outside its interval [%v, %v]", p, lo, hi))
	}
}

// checkCounts reports successes greater than n.
func (f *fields) checkCounts(sCol int, s, n int) {
	if s > n {
		f.fail(sCol, fmt.Errorf("successes %d greater than n %d", s, n))
	}
}

func readFile[T any](path string, parse func(io.Reader, string) ([]T, error)) ([]T, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return parse(fh, path)
}

// ParseSummary parses summary.csv from r; name is used in error messages.
func ParseSummary(r io.Reader, name string) ([]SummaryRow, error) {
	var rows []SummaryRow
	headers := [][]string{append(append([]string(nil), summaryHeader...), belowColumns...), summaryHeader}
	err := parseCSVAlt(r, name, headers, func(f *fields, h int) {
		row := SummaryRow{
			Variant: f.str(0), Outcome: f.str(1),
			Successes: f.int(2), N: f.int(3),
			P: f.prob(4), CILow: f.prob(5), CIHigh: f.prob(6),
			MeanRound: f.optFloat(7), MedianRound: f.optFloat(8),
		}
		f.checkCounts(2, row.Successes, row.N)
		f.checkInterval(4, row.P, row.CILow, row.CIHigh)
		if h == 0 {
			row.HasBelow, row.Below = true, f.int(9)
			row.BelowShare, row.BelowCILow, row.BelowCIHigh = f.optFloat(10), f.optFloat(11), f.optFloat(12)
			f.checkCounts(9, row.Below, row.Successes)
			if !math.IsNaN(row.BelowShare) {
				f.checkInterval(10, row.BelowShare, row.BelowCILow, row.BelowCIHigh)
			}
		}
		rows = append(rows, row)
	})
	return rows, err
}

// ReadSummary reads and parses the summary.csv file at path.
func ReadSummary(path string) ([]SummaryRow, error) { return readFile(path, ParseSummary) }

// ParseByRound parses byround.csv from r; name is used in error messages.
func ParseByRound(r io.Reader, name string) ([]ByRoundRow, error) {
	var rows []ByRoundRow
	err := parseCSV(r, name, byRoundHeader, func(f *fields) {
		row := ByRoundRow{
			Variant: f.str(0), Outcome: f.str(1), Round: f.int(2),
			Successes: f.int(3), N: f.int(4),
			P: f.prob(5), CILow: f.prob(6), CIHigh: f.prob(7),
		}
		f.checkCounts(3, row.Successes, row.N)
		f.checkInterval(5, row.P, row.CILow, row.CIHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadByRound reads and parses the byround.csv file at path.
func ReadByRound(path string) ([]ByRoundRow, error) { return readFile(path, ParseByRound) }

// ParseSweep parses sweep.csv from r; name is used in error messages.
func ParseSweep(r io.Reader, name string) ([]SweepRow, error) {
	var rows []SweepRow
	err := parseCSV(r, name, sweepHeader, func(f *fields) {
		row := SweepRow{
			Variant: f.str(0), Lever: f.str(1), X: f.float(2), Outcome: f.str(3),
			Successes: f.int(4), N: f.int(5),
			P: f.prob(6), CILow: f.prob(7), CIHigh: f.prob(8),
		}
		f.checkCounts(4, row.Successes, row.N)
		f.checkInterval(6, row.P, row.CILow, row.CIHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadSweep reads and parses the sweep.csv file at path.
func ReadSweep(path string) ([]SweepRow, error) { return readFile(path, ParseSweep) }

// ParseHeatmap parses heatmap.csv from r; name is used in error messages.
func ParseHeatmap(r io.Reader, name string) ([]HeatmapRow, error) {
	var rows []HeatmapRow
	err := parseCSV(r, name, heatmapHeader, func(f *fields) {
		row := HeatmapRow{
			Variant: f.str(0), LeverX: f.str(1), X: f.float(2), LeverY: f.str(3), Y: f.float(4),
			Outcome: f.str(5), Successes: f.int(6), N: f.int(7),
			P: f.prob(8), CILow: f.prob(9), CIHigh: f.prob(10),
		}
		f.checkCounts(6, row.Successes, row.N)
		f.checkInterval(8, row.P, row.CILow, row.CIHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadHeatmap reads and parses the heatmap.csv file at path.
func ReadHeatmap(path string) ([]HeatmapRow, error) { return readFile(path, ParseHeatmap) }

// ParseSensitivity parses sensitivity.csv from r; name is used in error
// messages.
func ParseSensitivity(r io.Reader, name string) ([]SensitivityRow, error) {
	var rows []SensitivityRow
	err := parseCSV(r, name, sensitivityHeader, func(f *fields) {
		row := SensitivityRow{
			Parameter: f.str(0), Outcome: f.str(1), Low: f.float(2), High: f.float(3),
			PLow: f.prob(4), CILowLow: f.prob(5), CILowHigh: f.prob(6),
			PHigh: f.prob(7), CIHighLow: f.prob(8), CIHighHigh: f.prob(9),
			PBase: f.prob(10),
		}
		f.checkInterval(4, row.PLow, row.CILowLow, row.CILowHigh)
		f.checkInterval(7, row.PHigh, row.CIHighLow, row.CIHighHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadSensitivity reads and parses the sensitivity.csv file at path.
func ReadSensitivity(path string) ([]SensitivityRow, error) {
	return readFile(path, ParseSensitivity)
}

// ParseConvergence parses convergence.csv from r; name is used in error
// messages.
func ParseConvergence(r io.Reader, name string) ([]ConvergenceRow, error) {
	var rows []ConvergenceRow
	err := parseCSV(r, name, convergenceHeader, func(f *fields) {
		row := ConvergenceRow{
			Variant: f.str(0), Outcome: f.str(1), N: f.int(2), Successes: f.int(3),
			P: f.prob(4), CILow: f.prob(5), CIHigh: f.prob(6),
		}
		if row.N == 0 {
			f.fail(2, errors.New("n must be positive"))
		}
		f.checkCounts(3, row.Successes, row.N)
		f.checkInterval(4, row.P, row.CILow, row.CIHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadConvergence reads and parses the convergence.csv file at path.
func ReadConvergence(path string) ([]ConvergenceRow, error) {
	return readFile(path, ParseConvergence)
}

// ParseDifference parses difference.csv from r; name is used in error
// messages.
func ParseDifference(r io.Reader, name string) ([]DifferenceRow, error) {
	var rows []DifferenceRow
	err := parseCSV(r, name, differenceHeader, func(f *fields) {
		row := DifferenceRow{
			VariantA: f.str(0), VariantB: f.str(1), Outcome: f.str(2),
			PA: f.prob(3), PB: f.prob(4), Diff: f.diff(5), CILow: f.diff(6), CIHigh: f.diff(7),
			Design: f.str(8),
		}
		if row.Design != "independent" && row.Design != "paired" {
			f.fail(8, fmt.Errorf("design %q; want independent or paired", row.Design))
		}
		f.checkInterval(5, row.Diff, row.CILow, row.CIHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadDifference reads and parses the difference.csv file at path.
func ReadDifference(path string) ([]DifferenceRow, error) {
	return readFile(path, ParseDifference)
}

// ParseVerification parses verification.csv from r; name is used in error
// messages.
func ParseVerification(r io.Reader, name string) ([]VerificationRow, error) {
	var rows []VerificationRow
	err := parseCSV(r, name, verificationHeader, func(f *fields) {
		rows = append(rows, VerificationRow{
			Game: f.str(0), Param: f.str(1), X: f.float(2),
			Engine: f.float(3), ClosedForm: f.float(4), AbsErr: f.float(5),
		})
	})
	return rows, err
}

// ReadVerification reads and parses the verification.csv file at path.
func ReadVerification(path string) ([]VerificationRow, error) {
	return readFile(path, ParseVerification)
}

// decomposeComponents are the allowed values of decompose.csv's component.
var decomposeComponents = []string{"total", "parameter", "joint", "interaction", "structure"}

// ParseDecompose parses decompose.csv from r; name is used in error
// messages.
func ParseDecompose(r io.Reader, name string) ([]DecomposeRow, error) {
	var rows []DecomposeRow
	err := parseCSV(r, name, decomposeHeader, func(f *fields) {
		row := DecomposeRow{
			Variant: f.str(0), From: f.str(1), To: f.str(2), Outcome: f.str(3), Component: f.str(4),
			Parameter: f.rec[5], DistFrom: f.rec[6], DistTo: f.rec[7],
			PBase: f.optFloat(8), PAlt: f.optFloat(9),
			Shift: f.diff(10), CILow: f.float(11), CIHigh: f.float(12), Share: f.optFloat(13), N: f.int(14),
		}
		ok := false
		for _, c := range decomposeComponents {
			ok = ok || c == row.Component
		}
		if !ok {
			f.fail(4, fmt.Errorf("component %q; want one of %s", row.Component, strings.Join(decomposeComponents, ", ")))
		}
		if row.Component == "parameter" && row.Parameter == "" {
			f.fail(5, errors.New("empty parameter"))
		}
		f.checkInterval(10, row.Shift, row.CILow, row.CIHigh)
		rows = append(rows, row)
	})
	return rows, err
}

// ReadDecompose reads and parses the decompose.csv file at path.
func ReadDecompose(path string) ([]DecomposeRow, error) {
	return readFile(path, ParseDecompose)
}

// ForecastRow is one line of forecast.csv: a bdm table's forecast in one
// round under one variant, over the replicates with a forecast by then:
// the mean of the capability×salience-weighted mean of the positions and
// of their weighted median (the BDM forecast), each with its confidence
// interval and the range holding the confidence level of the replicates.
type ForecastRow struct {
	Variant, Table                                 string
	Round, N                                       int
	Mean, MeanLo, MeanHi, MeanRangeLo, MeanRangeHi float64
	Median, MedianLo, MedianHi                     float64
	MedianRangeLo, MedianRangeHi                   float64
}

// ParseForecast reads forecast.csv; fields of a round without forecasts
// are empty and read as NaN.
func ParseForecast(r io.Reader, name string) ([]ForecastRow, error) {
	var rows []ForecastRow
	err := parseCSV(r, name, forecastHeader, func(f *fields) {
		row := ForecastRow{Variant: f.str(0), Table: f.str(1), Round: f.int(2), N: f.int(3),
			Mean: f.optFloat(4), MeanLo: f.optFloat(5), MeanHi: f.optFloat(6), MeanRangeLo: f.optFloat(7), MeanRangeHi: f.optFloat(8),
			Median: f.optFloat(9), MedianLo: f.optFloat(10), MedianHi: f.optFloat(11), MedianRangeLo: f.optFloat(12), MedianRangeHi: f.optFloat(13)}
		if row.N >= 2 {
			f.checkInterval(4, row.Mean, row.MeanLo, row.MeanHi)
			f.checkInterval(9, row.Median, row.MedianLo, row.MedianHi)
		}
		rows = append(rows, row)
	})
	return rows, err
}

// ReadForecast reads the forecast.csv file at path.
func ReadForecast(path string) ([]ForecastRow, error) { return readFile(path, ParseForecast) }
