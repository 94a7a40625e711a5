package stats

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestMorrisTrajectories checks the design: points on the grid, inside
// the cube, each step moving exactly one factor's coordinates by ±Δ.
func TestMorrisTrajectories(t *testing.T) {
	for _, c := range []struct {
		coords, levels int
		groups         [][]int
	}{{5, 4, nil}, {6, 6, nil}, {5, 4, [][]int{{0, 3}, {1}, {2, 4}}}} {
		ts := MorrisTrajectories(c.coords, c.levels, 50, c.groups, rand.NewPCG(1, 2))
		delta := MorrisDelta(c.levels)
		for ti, tr := range ts {
			for s, p := range tr.Points {
				for _, x := range p {
					g := x * float64(c.levels-1)
					if x < 0 || x > 1 || math.Abs(g-math.Round(g)) > 1e-12 {
						t.Fatalf("case %v: trajectory %d point %d off the grid: %v", c, ti, s, p)
					}
				}
				if s == 0 {
					continue
				}
				moved := 0
				for d := range p {
					if diff := p[d] - tr.Points[s-1][d]; diff != 0 {
						moved++
						if math.Abs(math.Abs(diff)-delta) > 1e-12 || math.Signbit(diff) != (tr.Sign[s-1] < 0) {
							t.Fatalf("case %v: step %d moves coordinate %d by %v", c, s, d, diff)
						}
					}
				}
				want := 1
				if c.groups != nil {
					want = len(c.groups[tr.Order[s-1]])
				}
				if moved != want {
					t.Fatalf("case %v: step %d moves %d coordinates, want %d", c, s, moved, want)
				}
			}
		}
	}
}

// TestMorrisRanking screens a toy with a known answer: y = 10x1 + 5x2 +
// x3 + 0·x4 + 20·x5·x6. The additive factors have μ* equal to their
// coefficient exactly and σ = 0; x5 and x6 interact (σ > 0); x4 is inert.
func TestMorrisRanking(t *testing.T) {
	f := func(x []float64) float64 { return 10*x[0] + 5*x[1] + x[2] + 0*x[3] + 20*x[4]*x[5] }
	const k, p, r = 6, 4, 40
	ts := MorrisTrajectories(k, p, r, nil, rand.NewPCG(3, 4))
	ee := make([][]float64, r)
	y := make([]float64, k+1)
	for i, tr := range ts {
		for s, pt := range tr.Points {
			y[s] = f(pt)
		}
		ee[i] = make([]float64, k)
		tr.Effects(y, MorrisDelta(p), ee[i])
	}
	m := Morris(ee, 100, 0.95, 5)
	for i, want := range []float64{10, 5, 1, 0} {
		if math.Abs(m.MuStar[i]-want) > 1e-9 || m.Sigma[i] > 1e-9 {
			t.Errorf("case x%d: Expected μ* %v σ 0, Found μ* %v σ %v", i+1, want, m.MuStar[i], m.Sigma[i])
		}
	}
	for _, i := range []int{4, 5} {
		if m.Sigma[i] < 1 || m.MuStar[i] < 5 || m.MuStar[i] > 20 {
			t.Errorf("case x%d (interacting): Found μ* %v σ %v", i+1, m.MuStar[i], m.Sigma[i])
		}
		if !(m.MuStarLow[i] <= m.MuStar[i] && m.MuStar[i] <= m.MuStarHigh[i] && m.MuStarLow[i] < m.MuStarHigh[i]) {
			t.Errorf("case x%d: interval [%v, %v] around %v", i+1, m.MuStarLow[i], m.MuStarHigh[i], m.MuStar[i])
		}
	}
}

// TestMorrisGFunction checks that μ* ranks the g-function's factors in the
// order of their analytic total indices (the smaller a_i, the more
// important), the use Campolongo et al. (2007) made of it.
func TestMorrisGFunction(t *testing.T) {
	a := []float64{0, 1, 4.5, 9, 99, 99}
	f, _, st := gFunction(a)
	const p, r = 4, 100
	ts := MorrisTrajectories(len(a), p, r, nil, rand.NewPCG(7, 8))
	ee := make([][]float64, r)
	y := make([]float64, len(a)+1)
	for i, tr := range ts {
		for s, pt := range tr.Points {
			y[s] = f(pt)
		}
		ee[i] = make([]float64, len(a))
		tr.Effects(y, MorrisDelta(p), ee[i])
	}
	m := Morris(ee, 0, 0.95, 0)
	rank := func(v []float64) []int {
		idx := []int{0, 1, 2, 3}
		sort.SliceStable(idx, func(i, j int) bool { return v[idx[i]] > v[idx[j]] })
		return idx
	}
	got, want := rank(m.MuStar), rank(st)
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("ranking by μ*: Expected %v, Found %v (μ* %v)", want, got, m.MuStar)
		}
	}
	for _, i := range []int{4, 5} {
		if m.MuStar[i] > 0.1*m.MuStar[0] {
			t.Errorf("x%d (a = 99) should be screened out: μ* %v vs %v", i+1, m.MuStar[i], m.MuStar[0])
		}
	}
}
