package stats

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// Published values are given to 4 decimal places, so agreement is checked to
// half a unit in the last place.
const tol4dp = 0.5e-4

func TestWilsonPublished(t *testing.T) {
	// All rows: Newcombe (1998a), Stat Med 17:857–872, Table I, column for
	// method 3, "Score method (Wilson), without continuity correction",
	// 95% level.
	cases := []struct {
		x, n   int
		lo, hi float64
		source string
	}{
		{81, 263, 0.2553, 0.3662, "Newcombe (1998a), Table I, example 81/263, method 3"},
		{15, 148, 0.0624, 0.1605, "Newcombe (1998a), Table I, example 15/148, method 3"},
		{0, 20, 0.0000, 0.1611, "Newcombe (1998a), Table I, example 0/20, method 3"},
		{1, 29, 0.0061, 0.1718, "Newcombe (1998a), Table I, example 1/29, method 3"},
	}
	for _, c := range cases {
		lo, hi := Wilson(c.x, c.n, 0.95)
		if math.Abs(lo-c.lo) > tol4dp || math.Abs(hi-c.hi) > tol4dp {
			t.Errorf("Wilson(%d, %d, 0.95) = (%.5f, %.5f), want (%.4f, %.4f) [%s]",
				c.x, c.n, lo, hi, c.lo, c.hi, c.source)
		}
	}
}

func TestWilsonEdges(t *testing.T) {
	cases := []struct {
		name   string
		x, n   int
		level  float64
		lo, hi float64
	}{
		// Documented convention: no trials, no information.
		{"n=0", 0, 0, 0.95, 0, 1},
		// x = 0 and x = n pin the bounds exactly. Closed form from the
		// Wilson formula: for x = 0 the upper bound is z²/(n+z²), for
		// x = n the lower bound is n/(n+z²); z = 1.959963984540054.
		{"0/1", 0, 1, 0.95, 0, 1.959963984540054 * 1.959963984540054 / (1 + 1.959963984540054*1.959963984540054)},
		{"1/1", 1, 1, 0.95, 1 / (1 + 1.959963984540054*1.959963984540054), 1},
	}
	for _, c := range cases {
		lo, hi := Wilson(c.x, c.n, c.level)
		if math.Abs(lo-c.lo) > 1e-12 || math.Abs(hi-c.hi) > 1e-12 {
			t.Errorf("%s: Wilson(%d, %d, %v) = (%v, %v), want (%v, %v)",
				c.name, c.x, c.n, c.level, lo, hi, c.lo, c.hi)
		}
	}
	if lo, _ := Wilson(0, 7, 0.9); lo != 0 {
		t.Errorf("Wilson(0, 7, 0.9) lower bound = %v, want exactly 0", lo)
	}
	if _, hi := Wilson(7, 7, 0.9); hi != 1 {
		t.Errorf("Wilson(7, 7, 0.9) upper bound = %v, want exactly 1", hi)
	}
}

// TestWilsonProperties checks lo ≤ p̂ ≤ hi, bounds in [0, 1], and that the
// interval widens with the confidence level, for every x ≤ n ≤ 60.
func TestWilsonProperties(t *testing.T) {
	for n := 1; n <= 60; n++ {
		for x := 0; x <= n; x++ {
			p := float64(x) / float64(n)
			prevW := 0.0
			for _, level := range []float64{0.5, 0.8, 0.9, 0.95, 0.99, 0.999} {
				lo, hi := Wilson(x, n, level)
				if !(0 <= lo && lo <= p && p <= hi && hi <= 1) {
					t.Fatalf("Wilson(%d, %d, %v) = (%v, %v): want 0 ≤ lo ≤ p̂=%v ≤ hi ≤ 1",
						x, n, level, lo, hi, p)
				}
				if w := hi - lo; w <= prevW {
					t.Fatalf("Wilson(%d, %d, %v) width %v not wider than at lower level (%v)",
						x, n, level, w, prevW)
				} else {
					prevW = w
				}
			}
		}
	}
}

func TestHalfWidth(t *testing.T) {
	cases := []struct {
		x, n int
		want float64
	}{
		// Newcombe (1998a), Table I, method 3: (0.3662 − 0.2553)/2.
		{81, 263, (0.3662 - 0.2553) / 2},
		// Documented convention: n = 0 gives the interval (0, 1).
		{0, 0, 0.5},
	}
	for _, c := range cases {
		if got := HalfWidth(c.x, c.n, 0.95); math.Abs(got-c.want) > tol4dp {
			t.Errorf("HalfWidth(%d, %d, 0.95) = %v, want %v", c.x, c.n, got, c.want)
		}
	}
}

func TestDiffCIPublished(t *testing.T) {
	// All rows: Newcombe (1998b), Stat Med 17:873–890, Table II, examples
	// (a)–(h), column for method 10, "Score, no CC" (hybrid score interval
	// from the two Wilson intervals), 95% level.
	cases := []struct {
		x1, n1, x2, n2 int
		diff, lo, hi   float64
		source         string
	}{
		{56, 70, 48, 80, 0.2000, 0.0524, 0.3339, "Newcombe (1998b), Table II, example (a), method 10"},
		{9, 10, 3, 10, 0.6000, 0.1705, 0.8090, "Newcombe (1998b), Table II, example (b), method 10"},
		{6, 7, 2, 7, 0.5714, 0.0582, 0.8062, "Newcombe (1998b), Table II, example (c), method 10"},
		{5, 56, 0, 29, 0.0893, -0.0381, 0.1926, "Newcombe (1998b), Table II, example (d), method 10"},
		{0, 10, 0, 20, 0, -0.1611, 0.2775, "Newcombe (1998b), Table II, example (e), method 10"},
		{0, 10, 0, 10, 0, -0.2775, 0.2775, "Newcombe (1998b), Table II, example (f), method 10"},
		{10, 10, 0, 20, 1, 0.6791, 1.0000, "Newcombe (1998b), Table II, example (g), method 10"},
		{10, 10, 0, 10, 1, 0.6075, 1.0000, "Newcombe (1998b), Table II, example (h), method 10"},
	}
	for _, c := range cases {
		d, lo, hi := DiffCI(c.x1, c.n1, c.x2, c.n2, 0.95)
		if math.Abs(d-c.diff) > tol4dp || math.Abs(lo-c.lo) > tol4dp || math.Abs(hi-c.hi) > tol4dp {
			t.Errorf("DiffCI(%d, %d, %d, %d, 0.95) = (%.5f, %.5f, %.5f), want (%.4f, %.4f, %.4f) [%s]",
				c.x1, c.n1, c.x2, c.n2, d, lo, hi, c.diff, c.lo, c.hi, c.source)
		}
	}
}

func TestDiffCIProperties(t *testing.T) {
	for _, n1 := range []int{1, 5, 17, 40} {
		for _, n2 := range []int{1, 6, 23} {
			for x1 := 0; x1 <= n1; x1++ {
				for x2 := 0; x2 <= n2; x2++ {
					d, lo, hi := DiffCI(x1, n1, x2, n2, 0.95)
					if !(-1 <= lo && lo <= d && d <= hi && hi <= 1) {
						t.Fatalf("DiffCI(%d, %d, %d, %d) = (%v, %v, %v): want −1 ≤ lo ≤ diff ≤ hi ≤ 1",
							x1, n1, x2, n2, d, lo, hi)
					}
					// Swapping the groups negates the interval.
					d2, lo2, hi2 := DiffCI(x2, n2, x1, n1, 0.95)
					if math.Abs(d+d2) > 1e-12 || math.Abs(lo+hi2) > 1e-12 || math.Abs(hi+lo2) > 1e-12 {
						t.Fatalf("DiffCI(%d, %d, %d, %d) not antisymmetric: (%v, %v, %v) vs (%v, %v, %v)",
							x1, n1, x2, n2, d, lo, hi, d2, lo2, hi2)
					}
				}
			}
		}
	}
	// Documented convention for an empty group.
	if d, lo, hi := DiffCI(0, 0, 3, 10, 0.95); !math.IsNaN(d) || lo != -1 || hi != 1 {
		t.Errorf("DiffCI(0, 0, 3, 10, 0.95) = (%v, %v, %v), want (NaN, -1, 1)", d, lo, hi)
	}
}

func TestMeanCI(t *testing.T) {
	cases := []struct {
		name         string
		xs           []float64
		level        float64
		mean, lo, hi float64
		tol          float64
		source       string
	}{
		{
			// mean 3, s = √2.5; t(0.975, 4) = 2.7764 from any Student-t
			// table (e.g. Abramowitz & Stegun 1964, Table 26.10), so the
			// half-width is 2.7764·√2.5/√5 = 1.9632.
			name: "1..5", xs: []float64{1, 2, 3, 4, 5}, level: 0.95,
			mean: 3, lo: 3 - 1.9632, hi: 3 + 1.9632, tol: 1e-4,
			source: "hand computation with t(0.975, 4) = 2.7764",
		},
		{
			// mean 0.5, s² = 0.5/3 = 1/6; t(0.95, 3) = 2.3534 (same
			// table): half-width 2.3534·√(1/6)/2 = 0.48038.
			name: "shares", xs: []float64{0, 0.5, 0.5, 1}, level: 0.90,
			mean: 0.5, lo: 0.5 - 0.48038, hi: 0.5 + 0.48038, tol: 1e-4,
			source: "hand computation with t(0.95, 3) = 2.3534",
		},
		{
			// Zero spread: the interval collapses to the mean.
			name: "constant", xs: []float64{0.3, 0.3, 0.3}, level: 0.95,
			mean: 0.3, lo: 0.3, hi: 0.3, tol: 1e-7,
			source: "s = 0",
		},
	}
	for _, c := range cases {
		var sum, sumSq float64
		for _, x := range c.xs {
			sum += x
			sumSq += x * x
		}
		m, lo, hi := MeanCI(sum, sumSq, len(c.xs), c.level)
		if math.Abs(m-c.mean) > c.tol || math.Abs(lo-c.lo) > c.tol || math.Abs(hi-c.hi) > c.tol {
			t.Errorf("%s: MeanCI = (%v, %v, %v), want (%v, %v, %v) [%s]",
				c.name, m, lo, hi, c.mean, c.lo, c.hi, c.source)
		}
		// Cross-check the spread against gonum's two-pass estimator.
		gm, gs := stat.MeanStdDev(c.xs, nil)
		if math.Abs(gm-m) > 1e-12 || math.Abs((hi-lo)/2-((c.hi-c.lo)/2)) > c.tol {
			t.Errorf("%s: mean %v vs gonum %v (sd %v)", c.name, m, gm, gs)
		}
	}
}

func TestMeanCISmallN(t *testing.T) {
	cases := []struct {
		sum, sumSq float64
		n          int
		mean       float64 // NaN means want NaN
	}{
		{0, 0, 0, math.NaN()},
		{0.7, 0.49, 1, 0.7},
	}
	for _, c := range cases {
		m, lo, hi := MeanCI(c.sum, c.sumSq, c.n, 0.95)
		okMean := m == c.mean || (math.IsNaN(m) && math.IsNaN(c.mean))
		if !okMean || !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("MeanCI(%v, %v, %d) = (%v, %v, %v), want (%v, NaN, NaN)",
				c.sum, c.sumSq, c.n, m, lo, hi, c.mean)
		}
	}
}

func TestInvalidArguments(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"Wilson level 0", func() { Wilson(1, 2, 0) }},
		{"Wilson level 1", func() { Wilson(1, 2, 1) }},
		{"Wilson level NaN", func() { Wilson(1, 2, math.NaN()) }},
		{"Wilson x > n", func() { Wilson(3, 2, 0.95) }},
		{"Wilson x < 0", func() { Wilson(-1, 2, 0.95) }},
		{"DiffCI second group", func() { DiffCI(1, 2, 5, 4, 0.95) }},
		{"MeanCI n < 0", func() { MeanCI(0, 0, -1, 0.95) }},
		{"MeanCI level", func() { MeanCI(1, 1, 3, 1.5) }},
		{"Proportion inconsistent", func() { Proportion{Successes: 3, N: 2}.Interval(0.95) }},
		{"NewRoundHistogram 0", func() { NewRoundHistogram(0) }},
		{"Merge length", func() { NewRoundHistogram(3).Merge(NewRoundHistogram(4)) }},
	}
	for _, c := range cases {
		func() {
			defer func() {
				r := recover()
				err, ok := r.(error)
				if !ok || !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: panic value %v, want an error wrapping ErrInvalid", c.name, r)
				}
			}()
			c.f()
		}()
	}
	if err := Check(1, 2, 0.95); err != nil {
		t.Errorf("Check(1, 2, 0.95) = %v, want nil", err)
	}
	if err := Check(3, 2, 0.95); !errors.Is(err, ErrInvalid) {
		t.Errorf("Check(3, 2, 0.95) = %v, want error wrapping ErrInvalid", err)
	}
}

func ExampleWilson() {
	// Newcombe (1998a), Table I: 81 successes out of 263.
	lo, hi := Wilson(81, 263, 0.95)
	fmt.Printf("p̂ = %.4f, 95%% CI %.4f to %.4f\n", 81.0/263, lo, hi)
	// Output:
	// p̂ = 0.3080, 95% CI 0.2553 to 0.3662
}

func ExampleDiffCI() {
	// Newcombe (1998b), Table II, example (a): 56/70 versus 48/80.
	diff, lo, hi := DiffCI(56, 70, 48, 80, 0.95)
	fmt.Printf("difference %.4f, 95%% CI %.4f to %.4f\n", diff, lo, hi)
	// Output:
	// difference 0.2000, 95% CI 0.0524 to 0.3339
}

func ExampleMeanCI() {
	xs := []float64{0.2, 0.4, 0.5, 0.7}
	var sum, sumSq float64
	for _, x := range xs {
		sum += x
		sumSq += x * x
	}
	// s² = 0.13/3, t(0.975, 3) = 3.1824: half-width 3.1824·s/2 = 0.331.
	mean, lo, hi := MeanCI(sum, sumSq, len(xs), 0.95)
	fmt.Printf("mean %.3f, 95%% CI %.3f to %.3f\n", mean, lo, hi)
	// Output:
	// mean 0.450, 95% CI 0.119 to 0.781
}

func BenchmarkWilson(b *testing.B) {
	var sink float64
	for b.Loop() {
		lo, hi := Wilson(81, 263, 0.95)
		sink += hi - lo
	}
	_ = sink
}
