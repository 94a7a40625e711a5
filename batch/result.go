package batch

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/limitread"
	"github.com/negsim/negsim/runner"
	"github.com/negsim/negsim/stats"
)

// Names of the files a run directory holds.
const (
	SummaryFile  = "summary.csv"
	ByRoundFile  = "byround.csv"
	ForecastFile = "forecast.csv"
	CountsFile   = "counts.json"
	ManifestFile = "manifest.json"
)

// CountsFormat identifies the layout of counts.json: the runner's one
// counts format (runner.Format), shared with experiments. Files of earlier
// formats cannot be read, and the batch must be rerun.
const CountsFormat = runner.Format

// Cell is the raw integer counts of one variant (and, in sweeps, one point)
// of a run. Cells add exactly: the counts of two disjoint sets of replicates
// of the same cell are the sums of their counts.
type Cell struct {
	// Variant is the variant name, also the random stream key.
	Variant string `json:"variant"`
	// Label tells apart cells of one variant, e.g. the points of a sweep;
	// empty for a plain batch.
	Label string `json:"label,omitempty"`
	// Fixed lists the parameters pinned for this cell.
	Fixed []Fix `json:"fixed,omitempty"`
	// N is the number of replicates counted.
	N int64 `json:"n"`
	// Horizon is the number of rounds of each replicate.
	Horizon int `json:"horizon"`
	// Outcomes names the outcomes, in model order.
	Outcomes []string `json:"outcomes"`
	// Successes[o] is the number of replicates in which outcome o happened.
	Successes []int64 `json:"successes"`
	// ByRound[o][r] is the number of replicates in which outcome o happened
	// in round r; it sums to Successes[o].
	ByRound [][]int64 `json:"by_round"`
	// BelowReservation[o] is the number of replicates in which outcome o
	// happened through an agreement that a signatory accepted with its
	// utility below its reservation, that is, by decision noise alone
	// (sim.Result.BelowReservation); at most Successes[o].
	BelowReservation []int64 `json:"below_reservation"`
	// Forecast holds, for a variant with bdm tables, each table's BDM
	// forecast by round (runner.Forecast).
	Forecast []runner.Forecast `json:"forecast,omitempty"`
	// Key is the cell's cache key (runner.Keys), Lo and Hi the replicates
	// the run covers, and Stopped whether the precision rule stopped it.
	Key     string `json:"-"`
	Lo, Hi  int    `json:"-"`
	Stopped bool   `json:"-"`
}

// setCounts sets c's counts from the runner's.
func (c *Cell) setCounts(k *runner.Counts) {
	c.N = k.N
	for o := range c.Outcomes {
		c.ByRound[o] = slices.Clone(k.Hist[o])
		c.Successes[o] = k.Successes(o)
		c.BelowReservation[o] = k.Below[o]
	}
	c.Forecast = k.Forecast
}

// runnerCell returns c as a cell of a counts file.
func (c *Cell) runnerCell() runner.Cell {
	return runner.Cell{Key: c.Key, Desc: c.name(), Variant: c.Variant, Label: c.Label, Fixed: c.Fixed, Outcomes: c.Outcomes,
		Horizon: c.Horizon, Lo: c.Lo, Hi: c.Hi, Stopped: c.Stopped,
		Counts: runner.Counts{N: c.N, Hist: c.ByRound, Below: c.BelowReservation, Forecast: c.Forecast}}
}

// fromRunnerCell returns the batch cell of a counts file's cell.
func fromRunnerCell(rc *runner.Cell) Cell {
	c := newCell(rc.Variant, rc.Label, rc.Fixed, rc.Horizon, rc.Outcomes)
	c.Key, c.Lo, c.Hi, c.Stopped = rc.Key, rc.Lo, rc.Hi, rc.Stopped
	c.setCounts(&rc.Counts)
	return c
}

// newCell returns an empty cell.
func newCell(variant, label string, fixed []Fix, horizon int, outcomes []string) Cell {
	c := Cell{Variant: variant, Label: label, Fixed: fixed, Horizon: horizon, Outcomes: outcomes,
		Successes: make([]int64, len(outcomes)), ByRound: make([][]int64, len(outcomes)),
		BelowReservation: make([]int64, len(outcomes))}
	for o := range c.ByRound {
		c.ByRound[o] = make([]int64, horizon)
	}
	return c
}

// key identifies the cell among those of a run.
func (c *Cell) key() string { return c.Variant + "\x00" + c.Label }

// name is the cell's name in messages.
func (c *Cell) name() string {
	if c.Label == "" {
		return c.Variant
	}
	return c.Variant + " [" + c.Label + "]"
}

// Add adds the counts of o, a disjoint set of replicates of the same cell;
// it fails if o has other outcomes or another horizon.
func (c *Cell) Add(o *Cell) error {
	if len(o.Outcomes) != len(c.Outcomes) || o.Horizon != c.Horizon {
		return fmt.Errorf("cell %s: %d outcomes and horizon %d, expected %d and %d",
			c.name(), len(o.Outcomes), o.Horizon, len(c.Outcomes), c.Horizon)
	}
	for i := range c.Outcomes {
		if o.Outcomes[i] != c.Outcomes[i] {
			return fmt.Errorf("cell %s: outcome %d is %q, expected %q", c.name(), i, o.Outcomes[i], c.Outcomes[i])
		}
	}
	if c.N == 0 && c.Key == "" && c.Forecast == nil && o.Forecast != nil {
		// An empty cell of a merge takes the forecast tables of the first.
		c.Forecast = (&runner.Counts{Forecast: o.Forecast}).Like().Forecast
	}
	if len(c.Forecast) != len(o.Forecast) {
		return fmt.Errorf("cell %s: forecasts of %d tables, expected %d", c.name(), len(o.Forecast), len(c.Forecast))
	}
	if c.Forecast != nil {
		a, b := runner.Counts{Forecast: c.Forecast}, runner.Counts{Forecast: o.Forecast}
		if err := a.Add(&b); err != nil {
			return fmt.Errorf("cell %s: %w", c.name(), err)
		}
	}
	if c.N == 0 && c.Key == "" {
		c.Key, c.Lo, c.Hi = o.Key, o.Lo, o.Hi
	} else if o.Key != c.Key {
		return fmt.Errorf("cell %s: cache key %s, expected %s: made from another scenario, seed, N or negsim model", c.name(), o.Key, c.Key)
	}
	c.Lo, c.Hi = min(c.Lo, o.Lo), max(c.Hi, o.Hi)
	c.N += o.N
	for i := range c.Successes {
		c.Successes[i] += o.Successes[i]
		c.BelowReservation[i] += o.BelowReservation[i]
		for r := range c.ByRound[i] {
			c.ByRound[i][r] += o.ByRound[i][r]
		}
	}
	return nil
}

// check reports inconsistent counts, as read from a file.
func (c *Cell) check() error {
	if c.N < 0 || c.N > MaxN || c.Horizon < 1 || len(c.Successes) != len(c.Outcomes) || len(c.ByRound) != len(c.Outcomes) ||
		len(c.BelowReservation) != len(c.Outcomes) {
		return fmt.Errorf("cell %s: inconsistent counts", c.name())
	}
	for o := range c.Outcomes {
		if b := c.BelowReservation[o]; b < 0 || b > c.Successes[o] {
			return fmt.Errorf("cell %s, outcome %s: below_reservation %d, successes %d", c.name(), c.Outcomes[o], b, c.Successes[o])
		}
		if len(c.ByRound[o]) != c.Horizon {
			return fmt.Errorf("cell %s, outcome %s: %d rounds, expected %d", c.name(), c.Outcomes[o], len(c.ByRound[o]), c.Horizon)
		}
		var s int64
		for _, k := range c.ByRound[o] {
			if k < 0 || k > c.N {
				return fmt.Errorf("cell %s, outcome %s: negative count", c.name(), c.Outcomes[o])
			}
			s += k
		}
		if s != c.Successes[o] || s > c.N {
			return fmt.Errorf("cell %s, outcome %s: by_round sums to %d, successes %d, n %d", c.name(), c.Outcomes[o], s, c.Successes[o], c.N)
		}
	}
	return nil
}

// P returns the observed probability of outcome o, or NaN if N is 0.
func (c *Cell) P(o int) float64 {
	return stats.Proportion{Successes: c.Successes[o], N: c.N}.P()
}

// Interval returns the Wilson interval for outcome o at the given level.
func (c *Cell) Interval(o int, level float64) (lo, hi float64) {
	return stats.Proportion{Successes: c.Successes[o], N: c.N}.Interval(level)
}

// BelowShare returns the share of outcome o's successes reached through an
// agreement accepted below a signatory's reservation, and its Wilson
// interval at level; all three are NaN when the outcome never happened.
func (c *Cell) BelowShare(o int, level float64) (share, lo, hi float64) {
	if c.Successes[o] == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	p := stats.Proportion{Successes: c.BelowReservation[o], N: c.Successes[o]}
	lo, hi = p.Interval(level)
	return p.P(), lo, hi
}

// MeanRound returns the mean round in which outcome o happened, among the
// replicates where it did, or NaN if it never did (stats.HistMean).
func (c *Cell) MeanRound(o int) float64 { return stats.HistMean(c.ByRound[o]) }

// MedianRound returns the lower median round in which outcome o happened,
// as stats.HistMedian defines it, or NaN if it never did.
func (c *Cell) MedianRound(o int) float64 { return stats.HistMedian(c.ByRound[o]) }

// Result is the outcome of a run or a merge: its cells in run order, and
// what its manifest records.
type Result struct {
	// Cells holds the counts, one cell per variant (and sweep point).
	Cells []Cell
	// Complete is true if every cell counted all its replicates (or stopped
	// early by the precision rule).
	Complete bool
	// Manifest describes the run; WriteDir's caller adds what only it
	// knows (version, command line) before writing it.
	Manifest Manifest
}

// Manifest is manifest.json: how a run directory was made, enough to
// reproduce it and to check that shards belong together.
type Manifest struct {
	// Kind is "batch", or "experiment" for experiment directories.
	Kind string `json:"kind"`
	// Version is negsim's version and VCS revision; set by the command.
	Version string `json:"negsim_version,omitempty"`
	// GoVersion, GOOS and GOARCH record the toolchain and platform, since
	// floating-point results can differ across architectures.
	GoVersion string `json:"go_version"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	// Command is the command line; set by the command.
	Command []string `json:"command,omitempty"`
	// Scenario is the scenario file, ScenarioName its name and
	// ScenarioSHA256 the hash of its bytes.
	Scenario       string `json:"scenario"`
	ScenarioName   string `json:"scenario_name"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	// Seed is the master seed.
	Seed uint64 `json:"seed"`
	// N is the number of replicates requested per variant (of the whole
	// run, when sharded).
	N int `json:"n"`
	// NDone is the number of replicates counted per variant.
	NDone map[string]int64 `json:"n_done"`
	// Variants lists the variants in run order.
	Variants []string `json:"variants"`
	// Fixed lists pinned parameters.
	Fixed []Fix `json:"fixed,omitempty"`
	// Level is the confidence level of the intervals.
	Level float64 `json:"ci_level"`
	// ChunkSize is the chunk size the run used (ChunkSize).
	ChunkSize int `json:"chunk_size"`
	// Workers is the number of goroutines; informational only, since
	// results do not depend on it.
	Workers int `json:"workers,omitempty"`
	// Start and End are RFC 3339 times.
	Start string `json:"start"`
	End   string `json:"end"`
	// Complete is true if every variant counted all its replicates or
	// stopped early by the precision rule.
	Complete bool `json:"complete"`
	// Interrupted is true if the run was cancelled (Ctrl-C, SIGTERM).
	Interrupted bool `json:"interrupted,omitempty"`
	// Precision describes the early-stopping rule, if any, and
	// StoppedEarly which variants it stopped.
	Precision    *PrecisionInfo  `json:"precision,omitempty"`
	StoppedEarly map[string]bool `json:"stopped_early,omitempty"`
	// Shard is the part of the run this directory holds; nil for a whole
	// or merged run.
	Shard *Shard `json:"shard,omitempty"`
	// MergedFrom lists the directories a merge read.
	MergedFrom []string `json:"merged_from,omitempty"`
	// Replicates is the per-replicate CSV file written, if any.
	Replicates string `json:"replicates,omitempty"`
	// ReplicatesConstant lists the parameters the replicates file leaves
	// out because they take one value in every replicate of every variant
	// (docs/REPLICATES.md).
	ReplicatesConstant []Fix `json:"replicates_constant,omitempty"`
	// CountsSHA256 is the SHA-256 of counts.json, and ReplicateRange the
	// replicate indices [from, to) of every variant that this directory
	// covers; merge checks both.
	CountsSHA256   string `json:"counts_sha256,omitempty"`
	ReplicateRange *Range `json:"replicate_range,omitempty"`
	// Extra holds what other kinds of run (experiments) record; Merge
	// requires it to be identical across shards.
	Extra json.RawMessage `json:"extra,omitempty"`
}

// PrecisionInfo records the early-stopping rule of a run with
// Config.Precision set.
type PrecisionInfo struct {
	// HalfWidth is the target Wilson half-width.
	HalfWidth float64 `json:"half_width"`
	// MinN is the fewest replicates before a stop.
	MinN int `json:"min_n"`
	// Every is the spacing of the checkpoints.
	Every int `json:"checkpoint_every"`
	// Rule says how it works, for readers of the manifest.
	Rule string `json:"rule"`
}

// timeStamp formats t for the manifest.
func timeStamp(t time.Time) string { return t.Format(time.RFC3339) }

// WriteDir writes summary.csv, byround.csv, forecast.csv (when a cell has
// bdm tables), counts.json and manifest (as manifest.json) into dir, each
// atomically; dir must exist. The manifest records the SHA-256 of
// counts.json and the replicate range.
func (r *Result) WriteDir(dir string, manifest Manifest) error {
	counts, err := r.encodeCounts()
	if err != nil {
		return err
	}
	sealManifest(&manifest, counts)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{SummaryFile, r.WriteSummary},
		{ByRoundFile, r.WriteByRound},
		{CountsFile, func(w io.Writer) error { _, err := w.Write(counts); return err }},
		{ManifestFile, func(w io.Writer) error { return writeJSON(w, manifest) }},
	}
	if r.HasForecast() {
		files = append(files[:2:2], append([]struct {
			name  string
			write func(io.Writer) error
		}{{ForecastFile, r.WriteForecast}}, files[2:]...)...)
	}
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// labelled reports whether any cell has a label, which adds a label column
// to the CSV files.
func (r *Result) labelled() bool {
	for i := range r.Cells {
		if r.Cells[i].Label != "" {
			return true
		}
	}
	return false
}

func (r *Result) level() float64 {
	if r.Manifest.Level > 0 && r.Manifest.Level < 1 {
		return r.Manifest.Level
	}
	return DefaultLevel
}

// fmtP formats a probability with fixed precision, or "" for NaN.
func fmtP(p float64) string {
	if math.IsNaN(p) {
		return ""
	}
	return strconv.FormatFloat(p, 'f', 6, 64)
}

// summaryRows returns the rows of summary.csv, header first.
func (r *Result) summaryRows() [][]string {
	lab := r.labelled()
	head := append([]string{"variant", "outcome", "successes", "n", "p", "ci_low", "ci_high", "mean_round", "median_round"}, BelowColumns...)
	if lab {
		head = append([]string{"variant", "label"}, head[1:]...)
	}
	rows := [][]string{head}
	level := r.level()
	for i := range r.Cells {
		c := &r.Cells[i]
		for o, name := range c.Outcomes {
			lo, hi := c.Interval(o, level)
			mean, med := "", ""
			if c.Successes[o] > 0 {
				mean = strconv.FormatFloat(c.MeanRound(o), 'f', 3, 64)
				med = strconv.FormatFloat(c.MedianRound(o), 'g', -1, 64)
			}
			row := []string{c.Variant}
			if lab {
				row = append(row, c.Label)
			}
			bs, blo, bhi := c.BelowShare(o, level)
			row = append(row, name, strconv.FormatInt(c.Successes[o], 10), strconv.FormatInt(c.N, 10),
				fmtP(c.P(o)), fmtP(lo), fmtP(hi), mean, med,
				strconv.FormatInt(c.BelowReservation[o], 10), fmtP(bs), fmtP(blo), fmtP(bhi))
			rows = append(rows, row)
		}
	}
	return rows
}

// BelowColumns are the last columns of summary.csv: the number of successes
// reached through an agreement accepted below a signatory's reservation,
// their share of the successes and its Wilson interval (empty when the
// outcome never happened).
var BelowColumns = []string{"below_reservation", "below_share", "below_ci_low", "below_ci_high"}

// WriteSummary writes summary.csv: one row per cell and outcome with the
// count, the probability, its Wilson interval, the mean and median round,
// and the below-reservation count and share (BelowColumns).
func (r *Result) WriteSummary(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.WriteAll(r.summaryRows())
	return cw.Error()
}

// PrintSummary writes the summary table aligned in columns, for people:
// the columns of summary.csv, with the below-reservation share, its
// interval and the counts in one column, "share [lo, hi] (below of
// successes)", or "-" when the outcome never happened.
func (r *Result) PrintSummary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	nb := len(BelowColumns)
	for i, row := range r.summaryRows() {
		keep, below := row[:len(row)-nb], row[len(row)-nb:]
		for j, f := range keep {
			if j > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, f)
		}
		switch {
		case i == 0:
			fmt.Fprint(tw, "\tbelow_reservation")
		case below[1] == "":
			fmt.Fprint(tw, "\t-")
		default:
			fmt.Fprintf(tw, "\t%s [%s, %s] (%s of %s)", trimP(below[1]), trimP(below[2]), trimP(below[3]), below[0], keep[len(keep)-7])
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// trimP shortens a probability of summary.csv to three decimals.
func trimP(s string) string {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return s
}

// WriteByRound writes byround.csv: for each cell, outcome and round r, the
// number of replicates whose outcome had happened by round r (rounds
// 0..r), that probability and its Wilson interval.
func (r *Result) WriteByRound(w io.Writer) error {
	lab := r.labelled()
	head := []string{"variant", "outcome", "round", "successes", "n", "p", "ci_low", "ci_high"}
	if lab {
		head = append([]string{"variant", "label"}, head[1:]...)
	}
	level := r.level()
	cw := csv.NewWriter(w)
	cw.Write(head)
	row := make([]string, 0, len(head))
	for i := range r.Cells {
		c := &r.Cells[i]
		for o, name := range c.Outcomes {
			var cum int64
			for round, k := range c.ByRound[o] {
				cum += k
				p := stats.Proportion{Successes: cum, N: c.N}
				lo, hi := p.Interval(level)
				row = append(row[:0], c.Variant)
				if lab {
					row = append(row, c.Label)
				}
				row = append(row, name, strconv.Itoa(round), strconv.FormatInt(cum, 10), strconv.FormatInt(c.N, 10),
					fmtP(p.P()), fmtP(lo), fmtP(hi))
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// HasForecast reports whether a cell of r has bdm tables, whose forecast by
// round forecast.csv reports.
func (r *Result) HasForecast() bool {
	for i := range r.Cells {
		if len(r.Cells[i].Forecast) > 0 {
			return true
		}
	}
	return false
}

// WriteForecast writes forecast.csv: for each cell with bdm tables, each
// table and round, the number of replicates with a forecast by then, and
// for the weighted mean and the weighted median of the positions the mean
// over replicates, its confidence interval and the range holding at least
// the confidence level of the replicates (runner.ForecastRows).
func (r *Result) WriteForecast(w io.Writer) error {
	lab := r.labelled()
	head := append([]string{"variant"}, runner.ForecastColumns...)
	if lab {
		head = append([]string{"variant", "label"}, runner.ForecastColumns...)
	}
	cw := csv.NewWriter(w)
	cw.Write(head)
	for i := range r.Cells {
		c := &r.Cells[i]
		for k := range c.Forecast {
			for _, row := range runner.ForecastRows(&c.Forecast[k], r.level()) {
				pre := []string{c.Variant}
				if lab {
					pre = append(pre, c.Label)
				}
				cw.Write(append(pre, row...))
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// countsFile returns the counts of r as a counts file.
func (r *Result) countsFile() *runner.File {
	f := &runner.File{Format: runner.Format, Complete: r.Complete}
	if r.Manifest.Shard != nil {
		f.Shard = r.Manifest.Shard.String()
	}
	for i := range r.Cells {
		f.Cells = append(f.Cells, r.Cells[i].runnerCell())
	}
	return f
}

func (r *Result) writeCounts(w io.Writer) error {
	b, err := r.countsFile().Marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MaxCountsSize bounds the counts.json and manifest.json files merge
// reads (a batch's are kilobytes).
const MaxCountsSize = 64 << 20

// MaxN bounds the replicates of a cell: 2⁴⁰ (about 1.1 × 10¹²), far more
// than any run, and small enough that no sum of counts overflows.
const MaxN = 1 << 40

// ReadCounts reads the cells of a counts.json file.
func ReadCounts(path string) ([]Cell, error) {
	f, err := runner.ReadFile(path, MaxCountsSize)
	if err != nil {
		return nil, err
	}
	var cells []Cell
	for i := range f.Cells {
		c := fromRunnerCell(&f.Cells[i])
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		cells = append(cells, c)
	}
	return cells, nil
}

// ReadManifest reads a manifest.json file.
func ReadManifest(path string) (*Manifest, error) {
	b, err := limitread.ReadFile(path, MaxCountsSize)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}
