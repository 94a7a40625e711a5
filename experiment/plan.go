package experiment

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/runner"
	"github.com/negsim/negsim/sim"
)

// Plan is an experiment checked against its scenario and broken into jobs:
// one job per cell (a variant with some parameters pinned), each running
// replicates 0…n−1 of its stream key.
type Plan struct {
	Spec     *Spec
	Scenario *models.Scenario
	// Labels are the compared variants after expansion, in order.
	Labels []string
	// Outcomes are the reported outcomes, in the scenario's order.
	Outcomes []string
	Horizon  int
	// Version is the negsim version recorded in manifests; the command
	// sets it.
	Version string

	jobs  []*job
	main  []int     // job of each label
	sweep [][]int   // [label][x]
	pairs []int     // job of each paired difference, -1 when unpaired
	heat  [][][]int // [label][x][y]
	sens  *sensPlan
	dec   *decPlan
	// design is the design's points; bins the binned analysis of the
	// variant cells.
	design *designPlan
	bins   *binPlan

	Includes []*Plan

	// shard is the shard the jobs are laid out for (prepare), and keyed
	// whether their cache keys are computed.
	shard    [2]int
	prepared bool
	// cached counts the replicates taken from a counts file (LoadCounts).
	cached int64
	// onTask, when set (by tests), is called after each chunk is
	// committed.
	onTask func()
}

type sensPlan struct {
	variant     string
	outcome     int // index into Plan.Outcomes
	base        int
	params      []string
	lo, hi      []float64
	lowJ, highJ []int
}

// decPlan is a decomposition: one multi-model job whose models are, in
// order, Variant+From (the job's m), Variant+To, Variant+From with every
// differing parameter replaced (joint), and Variant+From with each
// differing parameter replaced alone.
type decPlan struct {
	from, to string // labels
	outcomes []int  // indices into Plan.Outcomes
	params   []string
	distFrom []string
	distTo   []string
	// onlyFrom and onlyTo count the parameters present in one model only.
	onlyFrom, onlyTo int
	job              int
}

// Model indices of a decomposition job.
const (
	decFrom = iota
	decTo
	decJoint
	decParam0 // the first one-at-a-time model
)

// Pairs of a decomposition job: (to, from), (joint, from), (to, joint),
// then (param k, from) for each parameter.
const (
	decPairTotal = iota
	decPairJoint
	decPairStructure
	decPairParam0
)

// job is one cell: a compiled model run for n replicates under its stream
// key, on the runner (runner.Job holds what the runner needs and the
// counts).
type job struct {
	runner.Job
	desc string // what the cell is, for progress and counts files
	n    int
	// lazy, when set, builds the job's model in the worker that runs it
	// (Model is nil): a design point.
	lazy *lazyModel
	// bins, when set, bins the job's sampled parameters (a binned
	// analysis).
	bins *binPlan
	// forecast asks for the BDM forecast by round (forecast.csv).
	forecast bool
	// key is the cell's cache key (prepare).
	key string
}

// Counts are one job's integer tallies; they merge by addition.
type Counts = runner.Counts

// NewPlan checks spec against its scenario and lays out its jobs. Problems
// name the experiment file's lines.
func NewPlan(spec *Spec) (*Plan, error) {
	p := &Plan{Spec: spec}
	var ps Problems
	for _, inc := range spec.Includes {
		ip, err := NewPlan(inc)
		if err != nil {
			if e, ok := err.(Problems); ok {
				ps = append(ps, e...)
				continue
			}
			return nil, err
		}
		p.Includes = append(p.Includes, ip)
	}
	if !spec.AllPolicies && len(spec.Variants) == 0 && spec.Sensitivity == nil && spec.Decompose == nil && spec.Design == nil {
		if len(ps) > 0 {
			return nil, ps
		}
		return p, nil
	}
	var err error
	if spec.Scenario == "" {
		p.Scenario, err = models.Default()
	} else {
		path := spec.Scenario
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(spec.File), path)
		}
		p.Scenario, err = models.Load(path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: scenario: %w", spec.File, err)
	}
	pl := &planner{p: p, spec: spec, models: map[string]*sim.Model{}}
	pl.plan()
	ps = append(ps, pl.ps...)
	if len(ps) > 0 {
		return nil, ps
	}
	return p, nil
}

type planner struct {
	p      *Plan
	spec   *Spec
	models map[string]*sim.Model
	ps     Problems
	// ranges are the scenario's parameter ranges (inRange), and reported
	// the out-of-range values already reported.
	ranges   map[string][2]float64
	pairs    [][2]string
	reported map[string]bool
}

func (pl *planner) add(line int, field, format string, args ...any) {
	pl.ps = append(pl.ps, Problem{File: pl.spec.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (pl *planner) model(variant string, line int, field string) *sim.Model {
	if m, ok := pl.models[variant]; ok {
		return m
	}
	s, err := pl.p.Scenario.Resolve(variant)
	var m *sim.Model
	if err == nil {
		m, err = sim.Compile(s)
	}
	if err != nil {
		msg := err.Error()
		if ps, ok := err.(models.Problems); ok && len(ps) == 1 {
			msg = ps[0].Msg
		}
		pl.add(line, field, "variant %q: %s", variant, msg)
	}
	pl.models[variant] = m
	return m
}

// glob compiles a parameter pattern in which * matches any run of
// characters.
func glob(pat string) *regexp.Regexp {
	parts := strings.Split(pat, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
}

// fix pins every parameter matching f.
func (pl *planner) fix(m *sim.Model, f Fix, field string) *sim.Model {
	re := glob(f.Param)
	hit := false
	for slot, name := range m.ParamNames() {
		if re.MatchString(name) {
			pl.inRange(f.Line, field+".value", name, f.Value)
			m = m.WithFixed(slot, f.Value, "pinned by experiment "+pl.spec.Name)
			hit = true
		}
	}
	if !hit {
		_, err := m.ParamIndex(f.Param)
		pl.add(f.Line, field, "%v", err)
	}
	return m
}

func (pl *planner) slot(m *sim.Model, a Axis, field string) int {
	i, err := m.ParamIndex(a.Param)
	if err != nil {
		pl.add(a.Line, field+".param", "%v", err)
		return i
	}
	for k, x := range a.Values {
		f := fmt.Sprintf("%s.values[%d]", field, k)
		pl.inRange(a.Line, f, a.Param, x)
		pl.ordered(m.WithFixed(i, x, "checked"), a.Line, f)
	}
	return i
}

func (pl *planner) newJob(key, desc string, m *sim.Model, n int) int {
	pl.p.jobs = append(pl.p.jobs, &job{Job: runner.Job{Stream: key, Model: m}, desc: desc, n: n})
	return len(pl.p.jobs) - 1
}

func (pl *planner) plan() {
	p, spec := pl.p, pl.spec
	sc := p.Scenario
	// Expand the variants.
	vs := spec.Variants
	if spec.AllPolicies {
		vs = nil
		for _, name := range sc.VariantNames("policy") {
			vs = append(vs, Variant{Label: name, Variant: name, Line: spec.lines["variants"]})
		}
		if len(vs) == 0 {
			pl.add(spec.lines["variants"], "variants", "the scenario %s has no policy variants", sc.File)
		}
	}
	readings := sc.VariantNames("reading")
	for i, r := range spec.Readings {
		if !contains(readings, r) {
			pl.add(spec.lines["readings"], fmt.Sprintf("readings[%d]", i), "unknown reading %q; the scenario's readings: %s", r, strings.Join(readings, ", "))
		}
	}
	if len(spec.Readings) > 0 {
		var crossed []Variant
		for _, v := range vs {
			for _, r := range spec.Readings {
				c := v
				c.Label, c.Variant = v.Label+"+"+r, v.Variant+"+"+r
				if v.Variant == "base" {
					c.Variant = r
				}
				crossed = append(crossed, c)
			}
		}
		vs = crossed
	}
	// Outcomes.
	all := sc.Outcomes.Keys
	p.Outcomes = all
	if len(spec.Outcomes) > 0 {
		p.Outcomes = spec.Outcomes
		for i, o := range spec.Outcomes {
			if !contains(all, o) {
				pl.add(spec.lines["outcomes"], fmt.Sprintf("outcomes[%d]", i), "unknown outcome %q; the scenario's outcomes: %s", o, strings.Join(all, ", "))
			}
		}
	}
	if len(pl.ps) > 0 {
		return
	}
	cell := func(v Variant) *sim.Model {
		m := pl.model(v.Variant, v.Line, "variants")
		if m == nil {
			return nil
		}
		for i, f := range spec.Fixed {
			m = pl.fix(m, f, fmt.Sprintf("fixed[%d]", i))
		}
		for i, f := range v.Fixed {
			m = pl.fix(m, f, fmt.Sprintf("variants.%s.fixed[%d]", v.Label, i))
		}
		switch {
		case len(v.Fixed) > 0:
			pl.ordered(m, v.Line, fmt.Sprintf("variants.%s.fixed", v.Label))
		case len(spec.Fixed) > 0:
			pl.ordered(m, spec.lines["fixed"], "fixed")
		}
		p.Horizon = max(p.Horizon, m.Horizon)
		return m
	}
	models := make([]*sim.Model, len(vs))
	for i, v := range vs {
		models[i] = cell(v)
		p.Labels = append(p.Labels, v.Label)
	}
	if len(pl.ps) > 0 {
		return
	}
	for i, v := range vs {
		n := spec.N
		j := pl.newJob(v.Label, v.Label, models[i], n)
		if i == 0 {
			p.jobs[j].Checkpoints = spec.Convergence
		}
		p.main = append(p.main, j)
	}
	pl.forecast(models)
	if a := spec.Sweep; a != nil {
		for i, v := range vs {
			slot := pl.slot(models[i], *a, "sweep")
			if slot < 0 {
				return
			}
			var row []int
			for _, x := range a.Values {
				row = append(row, pl.newJob(v.Label, fmt.Sprintf("%s, %s = %g", v.Label, a.Name(), x),
					models[i].WithFixed(slot, x, "swept"), spec.N))
			}
			p.sweep = append(p.sweep, row)
		}
	}
	if g := spec.Sweep2; g != nil {
		for i, v := range vs {
			sx, sy := pl.slot(models[i], g[0], "sweep2.x"), pl.slot(models[i], g[1], "sweep2.y")
			if sx < 0 || sy < 0 {
				return
			}
			var grid [][]int
			for _, x := range g[0].Values {
				mx := models[i].WithFixed(sx, x, "swept")
				var col []int
				for _, y := range g[1].Values {
					col = append(col, pl.newJob(v.Label, fmt.Sprintf("%s, %s = %g, %s = %g", v.Label, g[0].Name(), x, g[1].Name(), y),
						mx.WithFixed(sy, y, "swept"), spec.N))
				}
				grid = append(grid, col)
			}
			p.heat = append(p.heat, grid)
		}
	}
	if se := spec.Sensitivity; se != nil {
		pl.sensitivity(se, vs, models)
	}
	if d := spec.Decompose; d != nil {
		pl.decompose(d)
	}
	if d := spec.Design; d != nil {
		pl.design(d)
	}
	if b := spec.Binned; b != nil {
		pl.binned(b, models)
	}
	labels := map[string]bool{}
	for _, l := range p.Labels {
		labels[l] = true
	}
	p.pairs = make([]int, len(spec.Difference))
	for i, d := range spec.Difference {
		p.pairs[i] = -1
		ok := true
		for _, x := range []string{d.A, d.B} {
			if !labels[x] {
				pl.add(d.Line, fmt.Sprintf("difference[%d]", i), "%q is not one of the experiment's variants: %s", x, strings.Join(p.Labels, ", "))
				ok = false
			}
		}
		if ok && d.Paired {
			// Both models run on A's streams, so that each replicate's
			// draws are shared and only the policy differs.
			ja, jb := p.jobs[p.main[indexOf(p.Labels, d.A)]], p.jobs[p.main[indexOf(p.Labels, d.B)]]
			j := pl.newJob(d.A, d.A+" vs "+d.B+" (paired)", ja.Model, spec.N)
			p.jobs[j].Pair = jb.Model
			p.pairs[i] = j
		}
	}
}

// forecast asks the variant cells with a bdm table for the BDM forecast by
// round (forecast.csv) when the figures name forecast, or by default; a
// forecast figure with no such cell is a problem.
func (pl *planner) forecast(ms []*sim.Model) {
	p, spec := pl.p, pl.spec
	any := false
	for i, j := range p.main {
		if len(ms[i].BDMTables()) > 0 {
			any = true
			p.jobs[j].forecast = true
		}
	}
	switch {
	case any && spec.figuresDefault:
		if !contains(spec.Figures, "forecast") {
			spec.Figures = append(spec.Figures, "forecast")
		}
	case !contains(spec.Figures, "forecast"):
		for _, j := range p.main {
			p.jobs[j].forecast = false
		}
	case !any:
		pl.add(spec.lines["figures"], "figures", "figure forecast needs a variant cell with a bdm table (protocol: bdm, docs/MODEL.md §3.11); none of %s has one", strings.Join(p.Labels, ", "))
	}
}

func (pl *planner) sensitivity(se *Sensitivity, vs []Variant, ms []*sim.Model) {
	p := pl.p
	field := "sensitivity"
	var m *sim.Model
	label := se.Variant
	for i, v := range vs {
		if v.Label == se.Variant || (se.Variant == "" && i == 0) {
			m, label = ms[i], v.Label
			break
		}
	}
	if m == nil {
		if se.Variant == "" {
			pl.add(se.Line, field+".variant", "is required when the experiment lists no variants")
			return
		}
		v := Variant{Label: se.Variant, Variant: se.Variant, Line: se.Line}
		m = pl.model(v.Variant, se.Line, field+".variant")
		if m == nil {
			return
		}
		for i, f := range pl.spec.Fixed {
			m = pl.fix(m, f, fmt.Sprintf("fixed[%d]", i))
		}
		p.Horizon = max(p.Horizon, m.Horizon)
	}
	o := indexOf(p.Outcomes, se.Outcome)
	if o < 0 {
		pl.add(se.Line, field+".outcome", "unknown or unreported outcome %q; reported: %s", se.Outcome, strings.Join(p.Outcomes, ", "))
		return
	}
	n := pl.spec.N
	if se.N > 0 {
		n = se.N
	}
	sp := &sensPlan{variant: label, outcome: o}
	sp.base = pl.newJob(label, label+" (sensitivity base)", m, n)
	params := m.Params()
	var slots []int
	if se.Params == nil {
		for i, q := range params {
			if q.Random() {
				slots = append(slots, i)
			}
		}
	} else {
		for i, path := range se.Params {
			s, err := m.ParamIndex(path)
			if err != nil {
				pl.add(se.Line, fmt.Sprintf("%s.params[%d]", field, i), "%v", err)
				continue
			}
			if !params[s].Random() {
				pl.add(se.Line, fmt.Sprintf("%s.params[%d]", field, i), "%s is fixed at %s in variant %s; only uncertain parameters can be varied", path, params[s], label)
				continue
			}
			slots = append(slots, s)
		}
	}
	if len(slots) == 0 && len(pl.ps) == 0 {
		pl.add(se.Line, field, "variant %s has no uncertain parameters to vary", label)
	}
	for _, s := range slots {
		lo, hi := params[s].Bounds()
		name := m.ParamNames()[s]
		sp.params = append(sp.params, name)
		sp.lo, sp.hi = append(sp.lo, lo), append(sp.hi, hi)
		sp.lowJ = append(sp.lowJ, pl.newJob(label, fmt.Sprintf("%s, %s = %g", label, name, lo), m.WithFixed(s, lo, "sensitivity low"), n))
		sp.highJ = append(sp.highJ, pl.newJob(label, fmt.Sprintf("%s, %s = %g", label, name, hi), m.WithFixed(s, hi, "sensitivity high"), n))
	}
	p.sens = sp
}

// sameDist reports whether two parameters have the same distribution,
// whatever their provenance.
func sameDist(a, b models.Param) bool {
	if a.Dist != b.Dist || len(a.Args) != len(b.Args) {
		return false
	}
	for i := range a.Args {
		if a.Args[i] != b.Args[i] {
			return false
		}
	}
	return true
}

// decompose lays out the decomposition of the gap from d.From to d.To.
func (pl *planner) decompose(d *Decompose) {
	p, spec := pl.p, pl.spec
	field := "decompose"
	from, to := d.label(d.From), d.label(d.To)
	fixed := func(m *sim.Model) *sim.Model {
		for i, f := range spec.Fixed {
			m = pl.fix(m, f, fmt.Sprintf("fixed[%d]", i))
		}
		return m
	}
	mf := pl.model(from, d.Line, field+".from")
	mt := pl.model(to, d.Line, field+".to")
	if mf == nil || mt == nil {
		return
	}
	mf, mt = fixed(mf), fixed(mt)
	p.Horizon = max(p.Horizon, mf.Horizon, mt.Horizon)
	dp := &decPlan{from: from, to: to}
	names := d.Outcomes
	if len(names) == 0 {
		names = p.Outcomes
	}
	for i, o := range names {
		k := indexOf(p.Outcomes, o)
		switch {
		case k < 0:
			pl.add(d.Line, fmt.Sprintf("%s.outcomes[%d]", field, i), "unknown or unreported outcome %q; reported: %s", o, strings.Join(p.Outcomes, ", "))
		case indexOf(mf.Outcomes, o) < 0 || indexOf(mt.Outcomes, o) < 0:
			pl.add(d.Line, fmt.Sprintf("%s.outcomes[%d]", field, i), "outcome %q is not in both %s and %s", o, from, to)
		default:
			dp.outcomes = append(dp.outcomes, k)
		}
	}
	// Parameters are matched by path; those whose distributions differ
	// are replaced one at a time.
	toSlot := map[string]int{}
	for i, n := range mt.ParamNames() {
		if _, ok := toSlot[n]; !ok {
			toSlot[n] = i
		}
	}
	fp, tp := mf.Params(), mt.Params()
	joint := mf
	var oat []*sim.Model
	seen := map[string]bool{}
	for i, n := range mf.ParamNames() {
		if seen[n] {
			continue
		}
		seen[n] = true
		j, ok := toSlot[n]
		if !ok {
			dp.onlyFrom++
			continue
		}
		if sameDist(fp[i], tp[j]) {
			continue
		}
		dp.params = append(dp.params, n)
		dp.distFrom, dp.distTo = append(dp.distFrom, fp[i].String()), append(dp.distTo, tp[j].String())
		oat = append(oat, mf.WithParam(i, tp[j]))
		joint = joint.WithParam(i, tp[j])
	}
	for n := range toSlot {
		if !seen[n] {
			dp.onlyTo++
		}
	}
	if len(pl.ps) > 0 {
		return
	}
	n := spec.N
	if d.N > 0 {
		n = d.N
	}
	// Every model runs on from's streams, so that each replicate's draws
	// are shared as far as the models' parameters allow (sim.WithParam).
	j := pl.newJob(from, fmt.Sprintf("decomposition %s -> %s (paired, %d parameters)", from, to, len(dp.params)), mf, n)
	jb := p.jobs[j]
	jb.Multi = append([]*sim.Model{mt, joint}, oat...)
	jb.MultiPairs = [][2]int{decPairTotal: {decTo, decFrom}, decPairJoint: {decJoint, decFrom}, decPairStructure: {decTo, decJoint}}
	// The interaction residual of a replicate, as a weighted count:
	// (to − from) − Σ_k (param k − from) = to + (K−1)·from − Σ_k param k.
	k := int64(len(oat))
	jb.Weights = []int64{decFrom: k - 1, decTo: 1, decJoint: 0}
	for i := range oat {
		jb.MultiPairs = append(jb.MultiPairs, [2]int{decParam0 + i, decFrom})
		jb.Weights = append(jb.Weights, -1)
	}
	dp.job = j
	p.dec = dp
}

func contains(xs []string, x string) bool { return indexOf(xs, x) >= 0 }

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}
