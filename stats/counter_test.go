package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestProportion(t *testing.T) {
	var p Proportion
	if !math.IsNaN(p.P()) {
		t.Errorf("empty Proportion P() = %v, want NaN", p.P())
	}
	if lo, hi := p.Interval(0.95); lo != 0 || hi != 1 {
		t.Errorf("empty Proportion Interval = (%v, %v), want (0, 1)", lo, hi)
	}
	// Newcombe (1998a), Table I, example 15/148, method 3: 0.0624–0.1605.
	for i := range 148 {
		p.Add(i < 15)
	}
	if p.Successes != 15 || p.N != 148 {
		t.Fatalf("after 148 adds: %+v, want {15 148}", p)
	}
	if got, want := p.P(), 15.0/148; got != want {
		t.Errorf("P() = %v, want %v", got, want)
	}
	lo, hi := p.Interval(0.95)
	if math.Abs(lo-0.0624) > tol4dp || math.Abs(hi-0.1605) > tol4dp {
		t.Errorf("Interval(0.95) = (%.5f, %.5f), want (0.0624, 0.1605) [Newcombe (1998a), Table I, 15/148, method 3]", lo, hi)
	}
	if wlo, whi := Wilson(15, 148, 0.95); wlo != lo || whi != hi {
		t.Errorf("Interval (%v, %v) differs from Wilson (%v, %v)", lo, hi, wlo, whi)
	}
}

// TestShardedMergeExact fills one counter serially and the same stream in
// shards merged in several orders; all results must be identical.
func TestShardedMergeExact(t *testing.T) {
	const runs, rounds = 10000, 37
	rng := rand.New(rand.NewPCG(20260101, 1))
	oks := make([]bool, runs)
	ends := make([]int, runs)
	for i := range runs {
		oks[i] = rng.Float64() < 0.3
		ends[i] = rng.IntN(rounds)
	}

	var serialP Proportion
	serialH := NewRoundHistogram(rounds)
	for i := range runs {
		serialP.Add(oks[i])
		serialH.Add(ends[i])
	}

	for _, shards := range []int{1, 2, 3, 7, 64} {
		ps := make([]Proportion, shards)
		hs := make([]*RoundHistogram, shards)
		for s := range hs {
			hs[s] = NewRoundHistogram(rounds)
		}
		for i := range runs {
			s := i % shards
			ps[s].Add(oks[i])
			hs[s].Add(ends[i])
		}
		for _, reverse := range []bool{false, true} {
			var p Proportion
			h := NewRoundHistogram(rounds)
			for k := range shards {
				s := k
				if reverse {
					s = shards - 1 - k
				}
				p.Merge(ps[s])
				h.Merge(hs[s])
			}
			name := fmt.Sprintf("shards=%d reverse=%v", shards, reverse)
			if p != serialP {
				t.Errorf("%s: merged Proportion %+v, serial %+v", name, p, serialP)
			}
			if h.Total() != serialH.Total() || h.Mean() != serialH.Mean() || h.Median() != serialH.Median() {
				t.Errorf("%s: merged histogram (total %d, mean %v, median %v), serial (%d, %v, %v)",
					name, h.Total(), h.Mean(), h.Median(), serialH.Total(), serialH.Mean(), serialH.Median())
			}
			for r := range rounds {
				if h.Count(r) != serialH.Count(r) {
					t.Errorf("%s: round %d count %d, serial %d", name, r, h.Count(r), serialH.Count(r))
				}
			}
		}
	}
}

func TestRoundHistogram(t *testing.T) {
	cases := []struct {
		name   string
		rounds int
		adds   []int
		total  int64
		mean   float64 // NaN: want NaN
		median float64 // NaN: want NaN
		cum    map[int]int64
		source string
	}{
		{
			name: "empty", rounds: 4, adds: nil,
			total: 0, mean: math.NaN(), median: math.NaN(),
			cum:    map[int]int64{-1: 0, 0: 0, 3: 0, 10: 0},
			source: "definition: no data",
		},
		{
			name: "odd", rounds: 10, adds: []int{5, 1, 3},
			total: 3, mean: 3, median: 3,
			cum:    map[int]int64{-1: 0, 0: 0, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 9: 3, 100: 3},
			source: "sorted 1 3 5: mean 9/3, middle value 3",
		},
		{
			name: "even lower median", rounds: 10, adds: []int{2, 8, 4, 6},
			total: 4, mean: 5, median: 4,
			cum:    map[int]int64{3: 1, 4: 2, 8: 4},
			source: "sorted 2 4 6 8: mean 20/4, lower middle value 4 (not 5)",
		},
		{
			name: "even ties", rounds: 3, adds: []int{0, 0, 2, 2},
			total: 4, mean: 1, median: 0,
			cum:    map[int]int64{0: 2, 1: 2, 2: 4},
			source: "sorted 0 0 2 2: mean 4/4, lower middle value 0",
		},
		{
			name: "single", rounds: 1, adds: []int{0},
			total: 1, mean: 0, median: 0,
			cum:    map[int]int64{0: 1},
			source: "one value",
		},
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for _, c := range cases {
		h := NewRoundHistogram(c.rounds)
		for _, r := range c.adds {
			h.Add(r)
		}
		if h.Rounds() != c.rounds {
			t.Errorf("%s: Rounds() = %d, want %d", c.name, h.Rounds(), c.rounds)
		}
		if h.Total() != c.total || !same(h.Mean(), c.mean) || !same(h.Median(), c.median) {
			t.Errorf("%s: (total, mean, median) = (%d, %v, %v), want (%d, %v, %v) [%s]",
				c.name, h.Total(), h.Mean(), h.Median(), c.total, c.mean, c.median, c.source)
		}
		for r, want := range c.cum {
			if got := h.Cumulative(r); got != want {
				t.Errorf("%s: Cumulative(%d) = %d, want %d [%s]", c.name, r, got, want, c.source)
			}
		}
	}
}

func TestHotPathAllocs(t *testing.T) {
	var p Proportion
	h := NewRoundHistogram(50)
	other := NewRoundHistogram(50)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		p.Add(i%3 == 0)
		h.Add(i % 50)
		h.Merge(other)
		p.Merge(Proportion{1, 2})
		i++
	})
	if allocs != 0 {
		t.Errorf("Add/Merge allocate %v times per run, want 0", allocs)
	}
}

// TestWilsonCoverage checks that the 95% Wilson interval has empirical
// coverage close to nominal. Brown, Cai & DasGupta (2001), Statistical
// Science 16:101–133, Sections 2 and 4, show Wilson's coverage oscillates
// near 0.95 for these n and p (unlike the Wald interval); with 2000 draws
// the Monte Carlo standard error is about 0.005, so [0.92, 0.975] leaves
// room for both the oscillation and sampling noise.
func TestWilsonCoverage(t *testing.T) {
	const draws = 2000
	for _, p := range []float64{0.05, 0.3, 0.5} {
		for _, n := range []int{50, 200} {
			src := rand.NewPCG(0x6e6567, uint64(n)<<8|uint64(p*100))
			bin := distuv.Binomial{N: float64(n), P: p, Src: src}
			// Precompute the interval for each possible count once.
			covers := make([]bool, n+1)
			for x := range covers {
				lo, hi := Wilson(x, n, 0.95)
				covers[x] = lo <= p && p <= hi
			}
			hit := 0
			for range draws {
				if covers[int(bin.Rand())] {
					hit++
				}
			}
			cov := float64(hit) / draws
			t.Logf("p=%v n=%d: coverage %.4f", p, n, cov)
			if cov < 0.92 || cov > 0.975 {
				t.Errorf("p=%v n=%d: coverage %.4f outside [0.92, 0.975] [Brown, Cai & DasGupta (2001)]", p, n, cov)
			}
		}
	}
}

func ExampleProportion() {
	var p Proportion
	for i := range 40 {
		p.Add(i%4 == 0) // 10 agreements out of 40 runs
	}
	// Hand check: (2·10 + z² ∓ z·√(z² + 30)) / (2(40 + z²)) = 0.1419, 0.4019.
	lo, hi := p.Interval(0.95)
	fmt.Printf("%d/%d = %.3f, 95%% CI %.3f to %.3f\n", p.Successes, p.N, p.P(), lo, hi)
	// Output:
	// 10/40 = 0.250, 95% CI 0.142 to 0.402
}

func ExampleRoundHistogram() {
	h := NewRoundHistogram(12)
	for _, r := range []int{3, 7, 4, 4, 9, 5} {
		h.Add(r)
	}
	fmt.Printf("total %d, mean %.2f, median %v, by round 4: %d\n",
		h.Total(), h.Mean(), h.Median(), h.Cumulative(4))
	// Output:
	// total 6, mean 5.33, median 4, by round 4: 3
}

func BenchmarkProportionAdd(b *testing.B) {
	var p Proportion
	i := 0
	for b.Loop() {
		p.Add(i&1 == 0)
		i++
	}
}

func BenchmarkRoundHistogramAdd(b *testing.B) {
	h := NewRoundHistogram(64)
	i := 0
	for b.Loop() {
		h.Add(i & 63)
		i++
	}
}

func TestHistMeanMedian(t *testing.T) {
	for i, c := range []struct {
		counts       []int64
		mean, median float64
	}{
		// Observations 0, 1, 1, 3: mean 5/4, lower median (rank 2) 1.
		{[]int64{1, 2, 0, 1}, 1.25, 1},
		// Observations 2, 2, 5, 5: mean 3.5, lower median 2.
		{[]int64{0, 0, 2, 0, 0, 2}, 3.5, 2},
		// One observation at 4.
		{[]int64{0, 0, 0, 0, 1}, 4, 4},
	} {
		if got := HistMean(c.counts); got != c.mean {
			t.Errorf("case %d: mean: Expected %v, Found %v", i, c.mean, got)
		}
		if got := HistMedian(c.counts); got != c.median {
			t.Errorf("case %d: median: Expected %v, Found %v", i, c.median, got)
		}
	}
	if !math.IsNaN(HistMean([]int64{0, 0})) || !math.IsNaN(HistMedian(nil)) {
		t.Error("empty histogram: Expected NaN")
	}
}
