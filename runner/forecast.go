package runner

import (
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
)

// ForecastColumns are the columns of forecast.csv after those naming the
// cell: the table, the round, the replicates with a forecast by that round,
// and for each of the two forecasts (mean: the capability×salience-weighted
// mean of the positions; median: their weighted median, the BDM forecast)
// the mean over replicates with its confidence interval, and the range
// holding at least the confidence level of the replicates' values.
var ForecastColumns = []string{"table", "round", "n",
	"mean", "mean_ci_low", "mean_ci_high", "mean_range_low", "mean_range_high",
	"median", "median_ci_low", "median_ci_high", "median_range_low", "median_range_high"}

// ForecastRows returns the fields of forecast.csv (ForecastColumns) for
// every round of f at the confidence level: the interval of the mean is
// mean ± t·s/√n, t the Student quantile with n−1 degrees of freedom, s the
// sample standard deviation (exact from the integer sums, Moments.MeanVar);
// the range is Moments.Range. Fields are empty where n is too small.
func ForecastRows(f *Forecast, level float64) [][]string {
	rows := make([][]string, 0, len(f.N))
	for r, n := range f.N {
		row := []string{f.Table, strconv.Itoa(r), strconv.FormatInt(n, 10)}
		for _, m := range []*Moments{&f.Mean, &f.Median} {
			mean, v := m.MeanVar(r, n)
			lo, hi := math.NaN(), math.NaN()
			if n >= 2 {
				t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-level)/2)
				h := t * math.Sqrt(v/float64(n))
				lo, hi = mean-h, mean+h
			}
			rlo, rhi := m.Range(r, n, level)
			row = append(row, fmtF(mean), fmtF(lo), fmtF(hi), fmtF(rlo), fmtF(rhi))
		}
		rows = append(rows, row)
	}
	return rows
}

// fmtF formats a forecast value with four decimals, or "" for NaN.
func fmtF(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', 4, 64)
}
