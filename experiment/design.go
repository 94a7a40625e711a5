package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"

	"go.yaml.in/yaml/v3"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
	"github.com/negsim/negsim/stats"
)

// Design types.
const (
	DesignFactorial = "factorial"
	DesignLHS       = "lhs"
	DesignSobol     = "sobol"
	DesignMorris    = "morris"
)

// Design is a sampling design over parameters of one variant: every point
// pins the design's parameters and runs Replicates replicates on the
// variant's streams, so that all points share their random numbers
// (common random numbers) and differ only through the pinned values.
type Design struct {
	// Type is factorial, lhs, sobol or morris.
	Type string
	// Variant is the cell the design runs on; empty means base.
	Variant string
	// Levers are a factorial design's axes: every combination of their
	// values is a point. A lever's param may be a pattern (* matches any
	// run of characters); every matching parameter takes the value.
	Levers []Axis
	// Params are the patterns of the uncertain parameters an lhs, sobol or
	// morris design samples, each over its own distribution (by the
	// inverse CDF of a unit-cube coordinate); nil means every uncertain
	// parameter.
	Params []string
	// Groups, when given, are the factors of a sobol or morris design:
	// named lists of patterns, each group moved (or resampled) as one.
	Groups []Group
	// N is the number of points of an lhs design, the base sample size of
	// a sobol design (N·(k+2) points for k factors) and the number of
	// trajectories of a morris design (r·(k+1) points).
	N int
	// Levels is the number of grid levels of a morris design (even).
	Levels int
	// Replicates is the number of replicates run at every point.
	Replicates int
	// Seed seeds the design's own draws: the Latin hypercube, the Morris
	// trajectories and the bootstrap of the indices.
	Seed uint64
	// Bootstrap is the number of bootstrap resamples of the indices.
	Bootstrap int
	Line      int
	lines     map[string]int
}

// Group is a named set of parameter patterns treated as one factor.
type Group struct {
	Name   string
	Params []string
	Line   int
}

// Binned asks for first-order indices estimated from each variant cell's
// own replicates, by binning each parameter's draws into Bins
// equal-probability bins.
type Binned struct {
	Bins   int
	Params []string // patterns; nil means every uncertain parameter
	Line   int
}

// maxPoints bounds a design's size.
const maxPoints = 1_000_000

func (p *parser) design(n *yaml.Node) *Design {
	d := &Design{Line: n.Line, Levels: 4, Seed: 1, Bootstrap: 500, lines: map[string]int{}}
	g := p.fields(n, "design", "type", "variant", "levers", "params", "groups", "n", "levels", "replicates", "seed", "bootstrap")
	if g == nil {
		return d
	}
	for k, v := range g {
		d.lines[k] = v.Line
	}
	if g["type"] == nil {
		p.add(n, "design.type", "is required: factorial, lhs, sobol or morris")
	} else {
		d.Type = p.str(g["type"], "design.type")
		switch d.Type {
		case DesignFactorial, DesignLHS, DesignSobol, DesignMorris:
		default:
			p.add(g["type"], "design.type", "unknown design %q; allowed: factorial, lhs, sobol, morris", d.Type)
		}
	}
	if g["variant"] != nil {
		d.Variant = p.str(g["variant"], "design.variant")
	}
	if g["replicates"] == nil {
		p.add(n, "design.replicates", "is required: the replicates run at every point, in [1, %d]", maxN)
	} else {
		d.Replicates = p.int(g["replicates"], "design.replicates", 1, maxN)
	}
	if v := g["levers"]; v != nil {
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			p.add(v, "design.levers", "must be a non-empty list of {param, values} or {param, from, to, steps}")
		} else {
			for i, c := range v.Content {
				d.Levers = append(d.Levers, p.axis(c, fmt.Sprintf("design.levers[%d]", i)))
			}
		}
	}
	if v := g["params"]; v != nil {
		d.Params = p.params(v, "design.params", "patterns")
	}
	if v := g["groups"]; v != nil {
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			p.add(v, "design.groups", "must be a non-empty list of {name, params: [patterns]}")
		} else {
			names := map[string]bool{}
			for i, c := range v.Content {
				fd := fmt.Sprintf("design.groups[%d]", i)
				gg := p.fields(c, fd, "name", "params")
				if gg == nil {
					continue
				}
				gr := Group{Line: c.Line}
				if gg["name"] == nil || gg["params"] == nil {
					p.add(c, fd, "needs name and params")
					continue
				}
				gr.Name = p.str(gg["name"], fd+".name")
				gr.Params = p.strs(gg["params"], fd+".params")
				if len(gr.Params) == 0 {
					p.add(gg["params"], fd+".params", "is empty; a group needs at least one pattern")
				}
				if names[gr.Name] {
					p.add(c, fd+".name", "group %q given twice", gr.Name)
				}
				names[gr.Name] = true
				d.Groups = append(d.Groups, gr)
			}
		}
	}
	if g["n"] != nil {
		d.N = p.int(g["n"], "design.n", 1, maxPoints)
	}
	if g["levels"] != nil {
		d.Levels = p.int(g["levels"], "design.levels", 2, 100)
		if d.Levels%2 != 0 {
			p.add(g["levels"], "design.levels", "must be even (so that the step p/(2(p−1)) visits every level equally), got %d", d.Levels)
		}
	}
	if v := g["seed"]; v != nil {
		var s uint64
		if v.Kind != yaml.ScalarNode || v.Decode(&s) != nil {
			p.add(v, "design.seed", "must be an integer in [0, 2^64-1], got %q", v.Value)
		}
		d.Seed = s
	}
	if g["bootstrap"] != nil {
		d.Bootstrap = p.int(g["bootstrap"], "design.bootstrap", 0, 100_000)
	}
	switch d.Type {
	case DesignFactorial:
		if d.Levers == nil {
			p.add(n, "design.levers", "a factorial design needs levers: [{param, values}, ...]")
		}
		for _, k := range []string{"params", "groups", "n", "levels", "bootstrap"} {
			if g[k] != nil {
				p.add(g[k], "design."+k, "does not apply to a factorial design (give levers)")
			}
		}
	case DesignLHS, DesignSobol, DesignMorris:
		if g["levers"] != nil {
			p.add(g["levers"], "design.levers", "applies to a factorial design only; a %s design samples params or groups", d.Type)
		}
		if g["params"] != nil && g["groups"] != nil {
			p.add(g["groups"], "design.groups", "give params or groups, not both")
		}
		if g["n"] == nil {
			what := map[string]string{DesignLHS: "the number of points", DesignSobol: "the base sample size N (N·(k+2) points)", DesignMorris: "the number of trajectories r"}[d.Type]
			p.add(n, "design.n", "is required: %s", what)
		}
		if d.Type == DesignLHS && g["groups"] != nil {
			p.add(g["groups"], "design.groups", "a Latin hypercube has no factors to group; give params")
		}
	}
	return d
}

func (p *parser) binned(n *yaml.Node) *Binned {
	b := &Binned{Bins: 20, Line: n.Line}
	g := p.fields(n, "binned", "bins", "params")
	if g == nil {
		return b
	}
	if g["bins"] != nil {
		b.Bins = p.int(g["bins"], "binned.bins", 2, 1000)
	}
	if v := g["params"]; v != nil {
		b.Params = p.params(v, "binned.params", "patterns")
	}
	return b
}

// designPlan is a design laid out as jobs: one per point.
type designPlan struct {
	d       *Design
	label   string   // the variant's label: every point's run key
	columns []string // one per coordinate: a lever's name or a parameter path
	factors []string // sobol/morris: factor names
	members []int    // number of parameters in each factor
	points  []designPoint
	seqDim  int // sobol: dimension of the Sobol′ sequence used
	morris  []stats.MorrisTrajectory
}

// designPoint is one point: its coordinate values and how the design
// reached it.
type designPoint struct {
	job    int
	values []float64 // one per column
	block  string    // A, B or AB (sobol); t<k> (morris); grid; lhs
	moved  string    // the factor moved or resampled, if any
	// parent, when not −1, is the point this one differs from in the
	// columns cols only.
	parent int
	cols   []int
}

// lazyModel pins the design parameters on base when a worker runs the
// job, so that a large design holds no compiled model per point. With a
// parent, only the columns cols are pinned, on the parent's model: a
// Sobol AB point differs from its A point in one factor, and a Morris
// point from the one before it in one factor, so building each from the
// other costs one factor's pins instead of every column's.
type lazyModel struct {
	base   *sim.Model
	parent *lazyModel
	slots  [][]int // per column, the slots pinned to its value
	cols   []int   // with a parent: the columns to pin; nil: every column
	vals   []float64
}

// modelCache is one worker's most recently built design models.
type modelCache struct {
	keys [4]*lazyModel
	ms   [4]*sim.Model
	next int
}

func (mc *modelCache) get(l *lazyModel) *sim.Model {
	for i, k := range mc.keys {
		if k == l {
			return mc.ms[i]
		}
	}
	var m *sim.Model
	pin := func(c int) {
		for _, s := range l.slots[c] {
			m = m.WithFixed(s, l.vals[c], "design point")
		}
	}
	if l.parent == nil {
		m = l.base
		for c := range l.slots {
			pin(c)
		}
	} else {
		m = mc.get(l.parent)
		for _, c := range l.cols {
			pin(c)
		}
	}
	mc.keys[mc.next], mc.ms[mc.next] = l, m
	mc.next = (mc.next + 1) % len(mc.keys)
	return m
}

// matchSlots returns the slots whose paths match pat, in slot order,
// each path once.
func matchSlots(m *sim.Model, pat string) []int {
	re := glob(pat)
	var out []int
	seen := map[string]bool{}
	for s, name := range m.ParamNames() {
		if re.MatchString(name) && !seen[name] {
			seen[name] = true
			out = append(out, s)
		}
	}
	return out
}

// design lays out the design's points as jobs.
func (pl *planner) design(d *Design) {
	p, spec := pl.p, pl.spec
	field := "design"
	label := d.Variant
	if label == "" {
		label = "base"
	}
	m := pl.model(label, d.Line, field+".variant")
	if m == nil {
		return
	}
	for i, f := range spec.Fixed {
		m = pl.fix(m, f, fmt.Sprintf("fixed[%d]", i))
	}
	p.Horizon = max(p.Horizon, m.Horizon)
	dp := &designPlan{d: d, label: label}
	line := func(k string) int {
		if l := d.lines[k]; l > 0 {
			return l
		}
		return d.Line
	}
	var colSlots [][]int
	params := m.Params()
	names := m.ParamNames()
	if d.Type == DesignFactorial {
		for i, a := range d.Levers {
			ss := matchSlots(m, a.Param)
			if len(ss) == 0 {
				_, err := m.ParamIndex(a.Param)
				pl.add(a.Line, fmt.Sprintf("%s.levers[%d].param", field, i), "%v", err)
				continue
			}
			for _, sl := range ss {
				for k, x := range a.Values {
					pl.inRange(a.Line, fmt.Sprintf("%s.levers[%d].values[%d]", field, i, k), names[sl], x)
				}
			}
			colSlots = append(colSlots, ss)
			dp.columns = append(dp.columns, a.Name())
		}
		if len(pl.ps) > 0 {
			return
		}
		total := 1
		for _, a := range d.Levers {
			total *= len(a.Values)
			if total > maxPoints {
				pl.add(d.Line, field+".levers", "the grid has more than %d points", maxPoints)
				return
			}
		}
		idx := make([]int, len(d.Levers))
		for range total {
			vals := make([]float64, len(d.Levers))
			for c, a := range d.Levers {
				vals[c] = a.Values[idx[c]]
			}
			dp.points = append(dp.points, designPoint{values: vals, block: "grid", parent: -1})
			for c := len(idx) - 1; c >= 0; c-- {
				idx[c]++
				if idx[c] < len(d.Levers[c].Values) {
					break
				}
				idx[c] = 0
			}
		}
	} else {
		// Factors: groups, or one per matched uncertain parameter.
		var groups [][]int // per factor, its columns
		used := map[int]string{}
		addSlot := func(s int, factor, fd string, l int) int {
			if prev, ok := used[s]; ok {
				pl.add(l, fd, "parameter %s is in both %s and %s; a parameter belongs to one factor", names[s], prev, factor)
				return -1
			}
			used[s] = factor
			colSlots = append(colSlots, []int{s})
			dp.columns = append(dp.columns, names[s])
			return len(colSlots) - 1
		}
		uncertain := func(pat, fd string, l int) []int {
			ss := matchSlots(m, pat)
			if len(ss) == 0 {
				_, err := m.ParamIndex(pat)
				pl.add(l, fd, "%v", err)
				return nil
			}
			var out []int
			for _, s := range ss {
				if params[s].Random() {
					out = append(out, s)
				}
			}
			if len(out) == 0 {
				pl.add(l, fd, "%q matches only parameters that are not uncertain in variant %s (e.g. %s = %s); a design samples uncertain parameters", pat, label, names[ss[0]], params[ss[0]])
			}
			return out
		}
		switch {
		case d.Groups != nil:
			for gi, g := range d.Groups {
				fd := fmt.Sprintf("%s.groups[%d]", field, gi)
				var cols []int
				for pi, pat := range g.Params {
					for _, s := range uncertain(pat, fmt.Sprintf("%s.params[%d]", fd, pi), g.Line) {
						if _, dup := used[s]; dup && used[s] == g.Name {
							continue
						}
						if c := addSlot(s, g.Name, fd, g.Line); c >= 0 {
							cols = append(cols, c)
						}
					}
				}
				groups = append(groups, cols)
				dp.factors = append(dp.factors, g.Name)
				dp.members = append(dp.members, len(cols))
			}
		case d.Params != nil:
			for pi, pat := range d.Params {
				for _, s := range uncertain(pat, fmt.Sprintf("%s.params[%d]", field, pi), line("params")) {
					if _, dup := used[s]; dup {
						continue // two patterns naming one parameter
					}
					c := addSlot(s, names[s], field+".params", line("params"))
					groups = append(groups, []int{c})
					dp.factors = append(dp.factors, names[s])
					dp.members = append(dp.members, 1)
				}
			}
		default:
			for s, q := range params {
				if _, dup := used[s]; dup || !q.Random() {
					continue
				}
				c := addSlot(s, names[s], field, d.Line)
				groups = append(groups, []int{c})
				dp.factors = append(dp.factors, names[s])
				dp.members = append(dp.members, 1)
			}
			if len(groups) == 0 {
				pl.add(d.Line, field+".params", "variant %s has no uncertain parameters to sample", label)
			}
		}
		if len(pl.ps) > 0 {
			return
		}
		pl.samplePoints(dp, groups, colSlots, params, line)
		if len(pl.ps) > 0 {
			return
		}
	}
	lazies := make([]*lazyModel, len(dp.points))
	for i := range dp.points {
		pt := &dp.points[i]
		desc := fmt.Sprintf("%s, design point %d", label, i)
		pt.job = pl.newJob(label, desc, nil, d.Replicates)
		l := &lazyModel{base: m, slots: colSlots, vals: pt.values}
		if pt.parent >= 0 {
			l.parent, l.cols = lazies[pt.parent], pt.cols
		}
		lazies[i] = l
		p.jobs[pt.job].lazy = l
	}
	p.design = dp
}

// samplePoints draws the unit-cube points of an lhs, sobol or morris
// design and maps each coordinate through its parameter's inverse CDF.
func (pl *planner) samplePoints(dp *designPlan, groups [][]int, colSlots [][]int, params []models.Param, line func(string) int) {
	d := dp.d
	k, dim := len(groups), len(colSlots)
	quant := func(u []float64) []float64 {
		v := make([]float64, dim)
		for c := range u {
			v[c] = quantile(params[colSlots[c][0]], u[c])
		}
		return v
	}
	switch d.Type {
	case DesignLHS:
		if dim > d.N {
			pl.add(line("n"), "design.n", "a Latin hypercube of %d parameters needs at least %d points, got n = %d", dim, dim, d.N)
			return
		}
		rng := rand.New(rand.NewPCG(d.Seed, 0))
		perms := make([][]int, dim)
		for c := range perms {
			perms[c] = rng.Perm(d.N)
		}
		u := make([]float64, dim)
		for i := range d.N {
			for c := range u {
				u[c] = (float64(perms[c][i]) + rng.Float64()) / float64(d.N)
			}
			dp.points = append(dp.points, designPoint{values: quant(u), block: "lhs", parent: -1})
		}
	case DesignSobol:
		if 2*dim > stats.SobolMaxDim {
			pl.add(line("params"), "design.params", "a Sobol design of %d parameters needs a %d-dimensional sequence; at most %d parameters are supported (group them)", dim, 2*dim, stats.SobolMaxDim/2)
			return
		}
		if minN := max(16, k); d.N < minN || d.N&(d.N-1) != 0 {
			least := 16
			for least < minN {
				least *= 2
			}
			pl.add(line("n"), "design.n", "a Sobol design of %d factors needs a power of two N ≥ %d (the sequence is balanced at powers of two): %d or more, got %d", k, minN, least, d.N)
			return
		}
		if total := d.N * (k + 2); total > maxPoints {
			pl.add(line("n"), "design.n", "N·(k+2) = %d points exceeds %d", total, maxPoints)
			return
		}
		seq, _ := stats.NewSobolSeq(2 * dim)
		dp.seqDim = 2 * dim
		// A random digital shift, seeded by the design's seed: the
		// unshifted sequence starts at the origin and its first points
		// share many coordinates across dimensions.
		seq.Scramble(rand.NewPCG(d.Seed, 1))
		x := make([]float64, 2*dim)
		ab := make([]float64, dim)
		for range d.N {
			seq.Next(x)
			a, b := x[:dim], x[dim:]
			ia := len(dp.points)
			dp.points = append(dp.points, designPoint{values: quant(a), block: "A", parent: -1}, designPoint{values: quant(b), block: "B", parent: -1})
			for f, cols := range groups {
				copy(ab, a)
				for _, c := range cols {
					ab[c] = b[c]
				}
				dp.points = append(dp.points, designPoint{values: quant(ab), block: "AB", moved: dp.factors[f], parent: ia, cols: cols})
			}
		}
	case DesignMorris:
		if total := d.N * (k + 1); total > maxPoints {
			pl.add(line("n"), "design.n", "r·(k+1) = %d points exceeds %d", total, maxPoints)
			return
		}
		if d.N < 2 {
			pl.add(line("n"), "design.n", "Morris screening needs at least 2 trajectories for σ, got %d", d.N)
			return
		}
		ts := stats.MorrisTrajectories(dim, d.Levels, d.N, groups, rand.NewPCG(d.Seed, 0))
		for ti, t := range ts {
			for s, u := range t.Points {
				pt := designPoint{values: quant(u), block: fmt.Sprintf("t%d", ti), parent: -1}
				if s > 0 {
					f := t.Order[s-1]
					pt.moved, pt.parent, pt.cols = dp.factors[f], len(dp.points)-1, groups[f]
				}
				dp.points = append(dp.points, pt)
			}
		}
		dp.morris = ts
	}
}

// quantile returns the u-quantile of p's distribution (u in [0, 1]), the
// value a unit-cube coordinate u maps to: the inverse CDF for the
// continuous distributions and, for a Bernoulli(q), 1 when u < q (as
// Param.Sample draws it).
func quantile(p models.Param, u float64) float64 {
	a := p.Args
	switch p.Dist {
	case models.DistConst:
		return a[0]
	case models.DistUniform:
		return a[0] + (a[1]-a[0])*u
	case models.DistTriangular:
		lo, mode, hi := a[0], a[1], a[2]
		if hi == lo {
			return lo
		}
		if f := (mode - lo) / (hi - lo); u < f {
			return lo + math.Sqrt(u*(hi-lo)*(mode-lo))
		}
		return hi - math.Sqrt((1-u)*(hi-lo)*(hi-mode))
	case models.DistBeta:
		return distuv.Beta{Alpha: a[0], Beta: a[1]}.Quantile(u)
	case models.DistTruncNormal:
		n := distuv.Normal{Mu: a[0], Sigma: a[1]}
		lo, hi := n.CDF(a[2]), n.CDF(a[3])
		return math.Min(math.Max(n.Quantile(lo+(hi-lo)*u), a[2]), a[3])
	case models.DistBernoulli:
		if u < a[0] {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// cdfOf is a parameter's CDF, prepared once so that evaluating it in the
// replicate loop allocates nothing.
type cdfOf struct {
	dist     string
	a        []float64
	n        distuv.Normal
	b        distuv.Beta
	nlo, nhi float64
}

func newCDF(p models.Param) cdfOf {
	c := cdfOf{dist: p.Dist, a: p.Args}
	switch p.Dist {
	case models.DistTruncNormal:
		c.n = distuv.Normal{Mu: p.Args[0], Sigma: p.Args[1]}
		c.nlo, c.nhi = c.n.CDF(p.Args[2]), c.n.CDF(p.Args[3])
	case models.DistBeta:
		c.b = distuv.Beta{Alpha: p.Args[0], Beta: p.Args[1]}
	}
	return c
}

// at returns F(x); a Bernoulli's two values map to 0 and 1, the first and
// the last bin.
func (c *cdfOf) at(x float64) float64 {
	a := c.a
	switch c.dist {
	case models.DistUniform:
		return (x - a[0]) / (a[1] - a[0])
	case models.DistTriangular:
		lo, mode, hi := a[0], a[1], a[2]
		if x <= mode {
			if mode == lo {
				return 0
			}
			return (x - lo) * (x - lo) / ((hi - lo) * (mode - lo))
		}
		return 1 - (hi-x)*(hi-x)/((hi-lo)*(hi-mode))
	case models.DistBeta:
		return c.b.CDF(x)
	case models.DistTruncNormal:
		return (c.n.CDF(x) - c.nlo) / (c.nhi - c.nlo)
	case models.DistBernoulli:
		return x
	}
	return 0
}

// binPlan is the binned first-order analysis of the variant cells.
type binPlan struct {
	b      *Binned
	slots  []int
	params []string
	cdfs   []cdfOf
}

// binned lays out the binned analysis on every variant cell; all cells
// must share the binned parameters' slots.
func (pl *planner) binned(b *Binned, ms []*sim.Model) {
	if len(ms) == 0 {
		pl.add(b.Line, "binned", "needs variants: it bins the parameters drawn in each variant's own replicates")
		return
	}
	m := ms[0]
	bp := &binPlan{b: b}
	params := m.Params()
	names := m.ParamNames()
	add := func(s int) {
		for _, x := range bp.slots {
			if x == s {
				return
			}
		}
		bp.slots = append(bp.slots, s)
		bp.params = append(bp.params, names[s])
		bp.cdfs = append(bp.cdfs, newCDF(params[s]))
	}
	if b.Params == nil {
		for s, q := range params {
			if q.Random() && !containsStr(bp.params, names[s]) {
				add(s)
			}
		}
	}
	for i, pat := range b.Params {
		ss := matchSlots(m, pat)
		hit := false
		for _, s := range ss {
			if params[s].Random() {
				add(s)
				hit = true
			}
		}
		if !hit {
			pl.add(b.Line, fmt.Sprintf("binned.params[%d]", i), "%q matches no uncertain parameter of %s", pat, pl.p.Labels[0])
		}
	}
	if len(bp.slots) == 0 && len(pl.ps) == 0 {
		pl.add(b.Line, "binned", "no uncertain parameters to bin")
		return
	}
	// Each cell bins the same parameters, by name, on its own slots and
	// distributions (a reading may draw them from other ranges).
	pl.p.bins = bp
	for i, j := range pl.p.main {
		mi := ms[i]
		if i == 0 {
			pl.p.jobs[j].bins = bp
			continue
		}
		cp := &binPlan{b: b, params: bp.params}
		for _, name := range bp.params {
			s, err := mi.ParamIndex(name)
			if err != nil || !mi.Params()[s].Random() {
				pl.add(b.Line, "binned", "%s is not an uncertain parameter of variant %s; bin parameters every variant draws", name, pl.p.Labels[i])
				return
			}
			cp.slots = append(cp.slots, s)
			cp.cdfs = append(cp.cdfs, newCDF(mi.Params()[s]))
		}
		pl.p.jobs[j].bins = cp
	}
}

func containsStr(xs []string, x string) bool { return indexOf(xs, x) >= 0 }
