package experiment

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/figures"
	"github.com/negsim/negsim/runner"
	"github.com/negsim/negsim/stats"
	"github.com/negsim/negsim/verify"
)

// Manifest is what manifest.json records about an experiment's output:
// enough to rerun it and to tell whether two outputs should be equal.
type Manifest struct {
	Name             string   `json:"name"`
	ExperimentFile   string   `json:"experiment_file"`
	ExperimentSHA256 string   `json:"experiment_sha256"`
	Scenario         string   `json:"scenario,omitempty"`
	ScenarioFile     string   `json:"scenario_file,omitempty"`
	ScenarioSHA256   string   `json:"scenario_sha256,omitempty"`
	Seed             uint64   `json:"seed"`
	N                int      `json:"n"`
	Level            float64  `json:"level"`
	Variants         []string `json:"variants,omitempty"`
	Outcomes         []string `json:"outcomes,omitempty"`
	Cells            int      `json:"cells"`
	Replicates       int64    `json:"replicates"`
	Figures          []string `json:"figures,omitempty"`
	Command          string   `json:"command"`
	NegsimVersion    string   `json:"negsim_version,omitempty"`
	GOARCH           string   `json:"goarch"`
	GOOS             string   `json:"goos"`
	GoVersion        string   `json:"go_version"`
	// Design, DesignSeed and DesignPoints describe a design: its type,
	// the seed of its own draws (Latin hypercube, Morris trajectories,
	// bootstrap) and its number of points.
	Design       string `json:"design,omitempty"`
	DesignSeed   uint64 `json:"design_seed,omitempty"`
	DesignPoints int    `json:"design_points,omitempty"`
}

// verifyCSV returns the bytes of verification.csv.
func verifyCSV(ctx context.Context) ([]byte, error) {
	rows, err := verify.Run(ctx)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := verify.WriteCSV(&b, rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFiles writes the CSV tables and manifest.json of p (and of each
// include, into dir/NAME) after Run. command is recorded in the manifest.
// It does not draw figures.
func WriteFiles(ctx context.Context, p *Plan, dir, command string) error {
	for _, ip := range p.Includes {
		ip.Version = p.Version
		if err := WriteFiles(ctx, ip, filepath.Join(dir, ip.Spec.Name), command); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string][][]string{}
	var order []string
	put := func(name string, rows [][]string) {
		files[name] = rows
		order = append(order, name)
	}
	spec := p.Spec
	if len(p.main) > 0 && contains(spec.Figures, "variants") {
		put("summary.csv", p.summary())
		if contains(spec.Figures, "byround") {
			put("byround.csv", p.byRound())
		}
	}
	if contains(spec.Figures, "forecast") {
		put("forecast.csv", p.forecastRows())
	}
	if p.sweep != nil {
		put("sweep.csv", p.sweepRows())
	}
	if p.heat != nil {
		put("heatmap.csv", p.heatRows())
	}
	if p.sens != nil {
		put("sensitivity.csv", p.sensRows())
	}
	if len(spec.Convergence) > 0 {
		put("convergence.csv", p.convRows())
	}
	if len(spec.Difference) > 0 {
		put("difference.csv", p.diffRows())
	}
	if p.dec != nil {
		put("decompose.csv", p.decRows())
	}
	if p.design != nil {
		put("design.csv", p.designRows())
		switch p.design.d.Type {
		case DesignSobol:
			put("sobol.csv", p.sobolRows())
		case DesignMorris:
			put("morris.csv", p.morrisRows())
		}
	}
	if p.bins != nil {
		put("binned.csv", p.binnedRows())
	}
	for _, name := range order {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.WriteAll(files[name]); err != nil {
			return err
		}
		if err := atomicfile.WriteBytes(filepath.Join(dir, name), b.Bytes()); err != nil {
			return err
		}
	}
	if spec.Verification {
		b, err := verifyCSV(ctx)
		if err != nil {
			return fmt.Errorf("%s: verification: %w", spec.File, err)
		}
		if err := atomicfile.WriteBytes(filepath.Join(dir, "verification.csv"), b); err != nil {
			return err
		}
	}
	return atomicfile.WriteBytes(filepath.Join(dir, "manifest.json"), p.manifest(command))
}

func (p *Plan) manifest(command string) []byte {
	spec := p.Spec
	m := Manifest{Name: spec.Name, ExperimentFile: filepath.ToSlash(spec.File), ExperimentSHA256: spec.fileSHA256(),
		Seed: spec.Seed, N: spec.N, Level: spec.Level, Variants: p.Labels, Outcomes: p.Outcomes, Cells: len(p.jobs),
		Figures: spec.Figures, Command: command, NegsimVersion: p.Version, GOARCH: runtime.GOARCH, GOOS: runtime.GOOS, GoVersion: runtime.Version()}
	if len(p.jobs) == 0 {
		m.Outcomes = nil
	}
	for _, j := range p.jobs {
		m.Replicates += j.Counts.N
	}
	if dp := p.design; dp != nil {
		m.Design, m.DesignSeed, m.DesignPoints = dp.d.Type, dp.d.Seed, len(dp.points)
		if m.N == 0 {
			m.N = dp.d.Replicates
		}
	}
	if p.Scenario != nil {
		m.Scenario, m.ScenarioFile, m.ScenarioSHA256 = p.Scenario.Name, filepath.ToSlash(p.Scenario.File), p.Scenario.SHA256()
		if spec.Scenario == "" {
			m.ScenarioFile = "(embedded) " + m.ScenarioFile
		}
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// Number formats.
func fp(x float64) string {
	s := strconv.FormatFloat(x, 'f', 6, 64)
	if s == "-0.000000" {
		s = "0.000000"
	}
	return s
}

func fx(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func fi(x int64) string { return strconv.FormatInt(x, 10) }

// estimate returns successes, n, p and the Wilson interval as CSV fields.
func (p *Plan) estimate(x, n int64) []string {
	lo, hi := stats.Wilson(int(x), int(n), p.Spec.Level)
	pr := 0.0
	if n > 0 {
		pr = float64(x) / float64(n)
	}
	return []string{fi(x), fi(n), fp(pr), fp(lo), fp(hi)}
}

// summary returns summary.csv, with the columns of negsim batch's: each
// outcome's probability and interval, its mean and median round, and the
// share of its successes signed below a signatory's reservation.
func (p *Plan) summary() [][]string {
	head := append([]string{"variant", "outcome", "successes", "n", "p", "ci_low", "ci_high", "mean_round", "median_round"}, batch.BelowColumns...)
	rows := [][]string{head}
	for li, label := range p.Labels {
		c := &p.jobs[p.main[li]].Counts
		for o, name := range p.Outcomes {
			x := c.Successes(o)
			mean, median := "", ""
			below := []string{fi(c.Below[o]), "", "", ""}
			if x > 0 {
				mean = strconv.FormatFloat(stats.HistMean(c.Hist[o]), 'f', 3, 64)
				median = fi(int64(stats.HistMedian(c.Hist[o])))
				copy(below[1:], p.estimate(c.Below[o], x)[2:])
			}
			row := append(append([]string{label, name}, p.estimate(x, c.N)[:5]...), mean, median)
			rows = append(rows, append(row, below...))
		}
	}
	return rows
}

func (p *Plan) byRound() [][]string {
	rows := [][]string{{"variant", "outcome", "round", "successes", "n", "p", "ci_low", "ci_high"}}
	for li, label := range p.Labels {
		c := &p.jobs[p.main[li]].Counts
		for o, name := range p.Outcomes {
			var acc int64
			for r := range p.Horizon {
				acc += c.Hist[o][r]
				rows = append(rows, append([]string{label, name, strconv.Itoa(r)}, p.estimate(acc, c.N)...))
			}
		}
	}
	return rows
}

// forecastRows returns forecast.csv: for every variant cell with bdm
// tables, each table and round, the BDM forecast's mean over replicates with
// its interval and the range of the replicates (runner.ForecastRows).
func (p *Plan) forecastRows() [][]string {
	rows := [][]string{append([]string{"variant"}, runner.ForecastColumns...)}
	for li, label := range p.Labels {
		c := &p.jobs[p.main[li]].Counts
		for k := range c.Forecast {
			for _, r := range runner.ForecastRows(&c.Forecast[k], p.Spec.Level) {
				rows = append(rows, append([]string{label}, r...))
			}
		}
	}
	return rows
}

func (p *Plan) sweepRows() [][]string {
	rows := [][]string{{"variant", "lever", "x", "outcome", "successes", "n", "p", "ci_low", "ci_high"}}
	a := p.Spec.Sweep
	for li, label := range p.Labels {
		for xi, x := range a.Values {
			c := &p.jobs[p.sweep[li][xi]].Counts
			for o, name := range p.Outcomes {
				rows = append(rows, append([]string{label, a.Name(), fx(x), name}, p.estimate(c.Successes(o), c.N)...))
			}
		}
	}
	return rows
}

func (p *Plan) heatRows() [][]string {
	rows := [][]string{{"variant", "lever_x", "x", "lever_y", "y", "outcome", "successes", "n", "p", "ci_low", "ci_high"}}
	g := p.Spec.Sweep2
	for li, label := range p.Labels {
		for xi, x := range g[0].Values {
			for yi, y := range g[1].Values {
				c := &p.jobs[p.heat[li][xi][yi]].Counts
				for o, name := range p.Outcomes {
					rows = append(rows, append([]string{label, g[0].Name(), fx(x), g[1].Name(), fx(y), name}, p.estimate(c.Successes(o), c.N)...))
				}
			}
		}
	}
	return rows
}

func (p *Plan) sensRows() [][]string {
	rows := [][]string{{"parameter", "outcome", "low", "high", "p_low", "ci_low_low", "ci_low_high", "p_high", "ci_high_low", "ci_high_high", "p_base"}}
	s := p.sens
	o := s.outcome
	base := &p.jobs[s.base].Counts
	pb := p.estimate(base.Successes(o), base.N)[2]
	for i, name := range s.params {
		lo, hi := &p.jobs[s.lowJ[i]].Counts, &p.jobs[s.highJ[i]].Counts
		el, eh := p.estimate(lo.Successes(o), lo.N), p.estimate(hi.Successes(o), hi.N)
		rows = append(rows, []string{name, p.Outcomes[o], fx(s.lo[i]), fx(s.hi[i]), el[2], el[3], el[4], eh[2], eh[3], eh[4], pb})
	}
	return rows
}

func (p *Plan) convRows() [][]string {
	rows := [][]string{{"variant", "outcome", "n", "successes", "p", "ci_low", "ci_high"}}
	c := &p.jobs[p.main[0]].Counts
	for o, name := range p.Outcomes {
		var acc int64
		for k, n := range p.Spec.Convergence {
			acc += c.Buckets[k][o]
			e := p.estimate(acc, int64(n))
			rows = append(rows, []string{p.Labels[0], name, e[1], e[0], e[2], e[3], e[4]})
		}
	}
	return rows
}

// diffRows returns difference.csv: P(A) − P(B) per outcome with its
// interval, and the design behind it (independent samples, or pairs run on
// common random numbers).
func (p *Plan) diffRows() [][]string {
	rows := [][]string{{"variant_a", "variant_b", "outcome", "p_a", "p_b", "diff", "ci_low", "ci_high", "design"}}
	for i, d := range p.Spec.Difference {
		if j := p.pairs[i]; j >= 0 {
			c := &p.jobs[j].Counts
			for o, name := range p.Outcomes {
				both, onlyA, onlyB := c.Joint[o][0], c.Joint[o][1], c.Joint[o][2]
				neither := c.N - both - onlyA - onlyB
				diff, lo, hi := stats.PairedDiffCI(int(both), int(onlyA), int(onlyB), int(neither), p.Spec.Level)
				n := float64(c.N)
				rows = append(rows, []string{d.A, d.B, name, fp(float64(both+onlyA) / n), fp(float64(both+onlyB) / n), fp(diff), fp(lo), fp(hi), "paired"})
			}
			continue
		}
		a := &p.jobs[p.main[indexOf(p.Labels, d.A)]].Counts
		b := &p.jobs[p.main[indexOf(p.Labels, d.B)]].Counts
		for o, name := range p.Outcomes {
			xa, xb := a.Successes(o), b.Successes(o)
			diff, lo, hi := stats.DiffCI(int(xa), int(a.N), int(xb), int(b.N), p.Spec.Level)
			rows = append(rows, []string{d.A, d.B, name, fp(float64(xa) / float64(a.N)), fp(float64(xb) / float64(b.N)), fp(diff), fp(lo), fp(hi), "independent"})
		}
	}
	return rows
}

// DecomposeHeader is the header of decompose.csv.
var DecomposeHeader = []string{"variant", "from", "to", "outcome", "component", "parameter", "dist_from", "dist_to",
	"p_base", "p_alt", "shift", "ci_low", "ci_high", "share", "n"}

// decRows returns decompose.csv. For each outcome: the total gap P(to) −
// P(from); for each parameter whose distribution differs, the shift
// P(from with it replaced) − P(from); the joint shift with every such
// parameter replaced at once; the interaction residual, the total minus
// the sum of the one-at-a-time shifts; and the structure, P(to) −
// P(joint), what the readings change besides those parameters (among it
// the parameters present in one model only), which is part of the
// residual. Shifts have Newcombe's paired interval, the residual a
// Student-t interval on its per-replicate values; share is the shift's
// fraction of the total gap.
func (p *Plan) decRows() [][]string {
	rows := [][]string{DecomposeHeader}
	d, spec := p.dec, p.Spec
	c := &p.jobs[d.job].Counts
	n := float64(c.N)
	variant := spec.Decompose.Variant
	if variant == "" {
		variant = "base"
	}
	for _, o := range d.outcomes {
		name := p.Outcomes[o]
		// pair returns, for the k-th pair (a, b) of models, P(b), P(a),
		// P(a) − P(b) and its paired interval.
		pair := func(k int) (pBase, pAlt, diff, lo, hi float64) {
			t := c.Multi[k][o]
			both, onlyA, onlyB := t[0], t[1], t[2]
			diff, lo, hi = stats.PairedDiffCI(int(both), int(onlyA), int(onlyB), int(c.N-both-onlyA-onlyB), spec.Level)
			return float64(both+onlyB) / n, float64(both+onlyA) / n, diff, lo, hi
		}
		_, _, total, _, _ := pair(decPairTotal)
		share := func(x float64) string {
			if total == 0 {
				return ""
			}
			return fp(x / total)
		}
		row := func(component, param, df, dt string, k int) {
			pb, pa, diff, lo, hi := pair(k)
			rows = append(rows, []string{variant, spec.Decompose.From, spec.Decompose.To, name, component, param, df, dt,
				fp(pb), fp(pa), fp(diff), fp(lo), fp(hi), share(diff), fi(c.N)})
		}
		row("total", "", "", "", decPairTotal)
		for i, param := range d.params {
			row("parameter", param, d.distFrom[i], d.distTo[i], decPairParam0+i)
		}
		row("joint", fmt.Sprintf("all %d parameters", len(d.params)), "", "", decPairJoint)
		mean, lo, hi := stats.MeanCI(float64(c.WSum[o]), float64(c.WSumSq[o]), int(c.N), spec.Level)
		if c.N < 2 {
			lo, hi = mean, mean
		}
		rows = append(rows, []string{variant, spec.Decompose.From, spec.Decompose.To, name, "interaction", "", "", "",
			"", "", fp(mean), fp(lo), fp(hi), share(mean), fi(c.N)})
		row("structure", "", fmt.Sprintf("%d parameters only here", d.onlyFrom), fmt.Sprintf("%d parameters only here", d.onlyTo), decPairStructure)
	}
	return rows
}

// Draw draws every figure of p's output directory dir (and of its
// includes) from the CSV files there, with package figures.
func Draw(p *Plan, dir string) ([]string, error) {
	var all []string
	for _, ip := range p.Includes {
		w, err := Draw(ip, filepath.Join(dir, ip.Spec.Name))
		all = append(all, w...)
		if err != nil {
			return all, err
		}
	}
	if len(p.jobs) == 0 && !p.Spec.Verification {
		return all, nil
	}
	w, err := figures.DrawDir(dir)
	return append(all, w...), err
}
