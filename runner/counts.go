package runner

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
)

// Counts are one job's integer tallies; the counts of disjoint sets of
// replicates of the same job add exactly (Add).
type Counts struct {
	// N is the number of replicates counted.
	N int64 `json:"n"`
	// Hist[o][r] counts replicates in which outcome o was reached in round
	// r (rounds beyond the last column are counted in it).
	Hist [][]int64 `json:"hist"`
	// Below[o] counts replicates in which outcome o was reached through an
	// agreement a signatory accepted below its reservation
	// (sim.Result.BelowReservation).
	Below []int64 `json:"below_reservation"`
	// Buckets[b][o] counts replicates i with exactly b checkpoints ≤ i in
	// which outcome o was reached: summing buckets 0…j gives the count among
	// the first checkpoints[j] replicates.
	Buckets [][]int64 `json:"buckets,omitempty"`
	// Joint[o] = {both, only the job's model, only the pair} counts outcome
	// o in a paired job's replicates (neither = N minus their sum).
	Joint [][3]int64 `json:"joint,omitempty"`
	// Multi[k][o] = {both, only the first, only the second} counts outcome o
	// for the k-th pair of models of a multi-model job.
	Multi [][][3]int64 `json:"multi,omitempty"`
	// WSum[o] and WSumSq[o] add up a multi-model job's weighted count of
	// outcome o in each replicate, and its square.
	WSum   []int64 `json:"wsum,omitempty"`
	WSumSq []int64 `json:"wsum_sq,omitempty"`
	// BinN[k][b] counts replicates whose k-th binned parameter fell in
	// bin b; BinHits[k][b][o] those of them reaching outcome o, and
	// BinRound and BinRoundSq add up the round each reached it in (the
	// horizon when it did not) and its square.
	BinN       [][]int64   `json:"bin_n,omitempty"`
	BinHits    [][][]int64 `json:"bin_hits,omitempty"`
	BinRound   [][][]int64 `json:"bin_round,omitempty"`
	BinRoundSq [][][]int64 `json:"bin_round_sq,omitempty"`
	// Forecast holds, per bdm table, the BDM forecast by round.
	Forecast []Forecast `json:"forecast,omitempty"`
}

// Forecast tallies one bdm table's forecast by round over replicates: the
// capability×salience-weighted mean and weighted median of the positions
// (sim.Result.BDMMean and BDMMedian). A replicate counts in round r once the
// table has taken a BDM step in round r or before; after its last step its
// last forecast carries forward.
type Forecast struct {
	// Table names the table.
	Table string `json:"table"`
	// N[r] is the number of replicates with a forecast in round r.
	N []int64 `json:"n"`
	// Mean and Median tally the two forecasts.
	Mean   Moments `json:"mean"`
	Median Moments `json:"median"`
}

// Fixed-point and histogram layout of Moments: values on the issue scale
// [ScaleLo, ScaleHi] (BDM positions are on 0–100, docs/MODEL.md §3.11).
const (
	// FixedOne is the fixed-point unit: a value x is counted as
	// round(x·FixedOne), so sums of 2³⁶ values stay within int64.
	FixedOne = 1 << 20
	// ForecastBins is the number of equal histogram bins on the scale.
	ForecastBins = 200
	// ScaleLo and ScaleHi bound the scale.
	ScaleLo, ScaleHi = 0.0, 100.0
)

// Moments tallies one quantity by round: the fixed-point sum of its values,
// the 128-bit sum of their squares, and a histogram, all integers so that
// they add exactly.
type Moments struct {
	// Sum[r] is Σ round(x·FixedOne).
	Sum []int64 `json:"sum"`
	// SumSq[r] is Σ round(x·FixedOne)², as {high, low} 64-bit words.
	SumSq [][2]uint64 `json:"sum_sq"`
	// Hist[r][b] counts values in bin b of ForecastBins equal bins on
	// [ScaleLo, ScaleHi].
	Hist [][]int64 `json:"hist"`
}

func newMoments(rounds int) Moments {
	m := Moments{Sum: make([]int64, rounds), SumSq: make([][2]uint64, rounds), Hist: make([][]int64, rounds)}
	for r := range m.Hist {
		m.Hist[r] = make([]int64, ForecastBins)
	}
	return m
}

// NewForecast returns empty forecast tallies of table over rounds rounds.
func NewForecast(table string, rounds int) Forecast {
	return Forecast{Table: table, N: make([]int64, rounds), Mean: newMoments(rounds), Median: newMoments(rounds)}
}

// add counts value x in round r.
func (m *Moments) add(r int, x float64) {
	x = min(max(x, ScaleLo), ScaleHi)
	q := int64(math.Round((x - ScaleLo) * FixedOne))
	m.Sum[r] += q
	hi, lo := bits.Mul64(uint64(q), uint64(q))
	var c uint64
	m.SumSq[r][1], c = bits.Add64(m.SumSq[r][1], lo, 0)
	m.SumSq[r][0] += hi + c
	b := int((x - ScaleLo) / (ScaleHi - ScaleLo) * ForecastBins)
	m.Hist[r][min(max(b, 0), ForecastBins-1)]++
}

func (m *Moments) addMoments(o *Moments) error {
	if len(m.Sum) != len(o.Sum) || len(m.SumSq) != len(o.SumSq) || len(m.Hist) != len(o.Hist) {
		return errShape
	}
	for r := range m.Sum {
		m.Sum[r] += o.Sum[r]
		var c uint64
		m.SumSq[r][1], c = bits.Add64(m.SumSq[r][1], o.SumSq[r][1], 0)
		m.SumSq[r][0] += o.SumSq[r][0] + c
		if len(m.Hist[r]) != len(o.Hist[r]) {
			return errShape
		}
		for b, v := range o.Hist[r] {
			m.Hist[r][b] += v
		}
	}
	return nil
}

// MeanVar returns the mean and the sample variance of the n values counted
// in round r, computed exactly from the integer sums and rounded once; NaN
// when n is 0 (mean) or below 2 (variance).
func (m *Moments) MeanVar(r int, n int64) (mean, variance float64) {
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	s := big.NewInt(m.Sum[r])
	one := new(big.Float).SetInt64(FixedOne)
	mf, _ := new(big.Float).Quo(new(big.Float).SetInt(s), new(big.Float).Mul(one, new(big.Float).SetInt64(n))).Float64()
	mean = ScaleLo + mf
	if n < 2 {
		return mean, math.NaN()
	}
	// n·Σq² − (Σq)², over n(n−1)·FixedOne².
	sq := new(big.Int).Lsh(new(big.Int).SetUint64(m.SumSq[r][0]), 64)
	sq.Add(sq, new(big.Int).SetUint64(m.SumSq[r][1]))
	num := new(big.Int).Mul(sq, big.NewInt(n))
	num.Sub(num, new(big.Int).Mul(s, s))
	den := new(big.Int).Mul(big.NewInt(n), big.NewInt(n-1))
	den.Mul(den, big.NewInt(FixedOne))
	den.Mul(den, big.NewInt(FixedOne))
	variance, _ = new(big.Float).Quo(new(big.Float).SetInt(num), new(big.Float).SetInt(den)).Float64()
	return mean, max(variance, 0)
}

// Range returns the narrowest union of whole histogram bins [lo, hi] that
// leaves at most (1−level)/2 of the n values of round r below lo and at
// most (1−level)/2 above hi: a range holding at least level of them. NaN
// when n is 0.
func (m *Moments) Range(r int, n int64, level float64) (lo, hi float64) {
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	tail := (1 - level) / 2 * float64(n)
	w := (ScaleHi - ScaleLo) / ForecastBins
	h := m.Hist[r]
	var cum int64
	bl := 0
	for b := range h {
		if float64(cum+h[b]) > tail {
			bl = b
			break
		}
		cum += h[b]
	}
	cum = 0
	bh := len(h) - 1
	for b := len(h) - 1; b >= 0; b-- {
		if float64(cum+h[b]) > tail {
			bh = b
			break
		}
		cum += h[b]
	}
	return ScaleLo + float64(bl)*w, ScaleLo + float64(bh+1)*w
}

var errShape = fmt.Errorf("counts of different shapes")

// Like returns zero counts of the same shape as c.
func (c *Counts) Like() Counts {
	z := Counts{Hist: zero2(c.Hist), Below: zero1(c.Below), Buckets: zero2(c.Buckets), WSum: zero1(c.WSum), WSumSq: zero1(c.WSumSq),
		BinN: zero2(c.BinN)}
	if c.Joint != nil {
		z.Joint = make([][3]int64, len(c.Joint))
	}
	if c.Multi != nil {
		z.Multi = make([][][3]int64, len(c.Multi))
		for k := range c.Multi {
			z.Multi[k] = make([][3]int64, len(c.Multi[k]))
		}
	}
	if c.BinHits != nil {
		z.BinHits, z.BinRound, z.BinRoundSq = zero3(c.BinHits), zero3(c.BinRound), zero3(c.BinRoundSq)
	}
	for _, f := range c.Forecast {
		z.Forecast = append(z.Forecast, NewForecast(f.Table, len(f.N)))
	}
	return z
}

// Reset sets every count of c to zero, keeping its shape.
func (c *Counts) Reset() {
	c.N = 0
	clear2(c.Hist)
	clear(c.Below)
	clear2(c.Buckets)
	clear(c.Joint)
	for k := range c.Multi {
		clear(c.Multi[k])
	}
	clear(c.WSum)
	clear(c.WSumSq)
	clear2(c.BinN)
	for _, x := range [][][][]int64{c.BinHits, c.BinRound, c.BinRoundSq} {
		for k := range x {
			clear2(x[k])
		}
	}
	for i := range c.Forecast {
		f := &c.Forecast[i]
		clear(f.N)
		for _, m := range []*Moments{&f.Mean, &f.Median} {
			clear(m.Sum)
			clear(m.SumSq)
			clear2(m.Hist)
		}
	}
}

func zero1(x []int64) []int64 {
	if x == nil {
		return nil
	}
	return make([]int64, len(x))
}

func zero2(x [][]int64) [][]int64 {
	if x == nil {
		return nil
	}
	z := make([][]int64, len(x))
	for i := range x {
		z[i] = make([]int64, len(x[i]))
	}
	return z
}

func zero3(x [][][]int64) [][][]int64 {
	if x == nil {
		return nil
	}
	z := make([][][]int64, len(x))
	for i := range x {
		z[i] = zero2(x[i])
	}
	return z
}

func clear2(x [][]int64) {
	for i := range x {
		clear(x[i])
	}
}

func add1(a, b []int64) error {
	if len(a) != len(b) {
		return errShape
	}
	for i, v := range b {
		a[i] += v
	}
	return nil
}

func add2(a, b [][]int64) error {
	if len(a) != len(b) {
		return errShape
	}
	for i := range b {
		if err := add1(a[i], b[i]); err != nil {
			return err
		}
	}
	return nil
}

// Add adds o's counts to c; both must have the same shape.
func (c *Counts) Add(o *Counts) error {
	c.N += o.N
	if err := add2(c.Hist, o.Hist); err != nil {
		return err
	}
	if err := add1(c.Below, o.Below); err != nil {
		return err
	}
	if err := add2(c.Buckets, o.Buckets); err != nil {
		return err
	}
	if len(c.Joint) != len(o.Joint) || len(c.Multi) != len(o.Multi) {
		return errShape
	}
	for k := range o.Joint {
		for x := range 3 {
			c.Joint[k][x] += o.Joint[k][x]
		}
	}
	for k := range o.Multi {
		if len(c.Multi[k]) != len(o.Multi[k]) {
			return errShape
		}
		for i := range o.Multi[k] {
			for x := range 3 {
				c.Multi[k][i][x] += o.Multi[k][i][x]
			}
		}
	}
	if err := add1(c.WSum, o.WSum); err != nil {
		return err
	}
	if err := add1(c.WSumSq, o.WSumSq); err != nil {
		return err
	}
	if err := add2(c.BinN, o.BinN); err != nil {
		return err
	}
	for _, pr := range [][2][][][]int64{{c.BinHits, o.BinHits}, {c.BinRound, o.BinRound}, {c.BinRoundSq, o.BinRoundSq}} {
		if len(pr[0]) != len(pr[1]) {
			return errShape
		}
		for k := range pr[1] {
			if err := add2(pr[0][k], pr[1][k]); err != nil {
				return err
			}
		}
	}
	if len(c.Forecast) != len(o.Forecast) {
		return errShape
	}
	for i := range o.Forecast {
		f, g := &c.Forecast[i], &o.Forecast[i]
		if f.Table != g.Table {
			return fmt.Errorf("forecast of table %s, expected %s", g.Table, f.Table)
		}
		if err := add1(f.N, g.N); err != nil {
			return err
		}
		if err := f.Mean.addMoments(&g.Mean); err != nil {
			return err
		}
		if err := f.Median.addMoments(&g.Median); err != nil {
			return err
		}
	}
	return nil
}

// Check reports counts that cannot come from a run: negative counts, or
// per-outcome counts above N.
func (c *Counts) Check() error {
	if c.N < 0 {
		return fmt.Errorf("n is %d", c.N)
	}
	if len(c.Below) != len(c.Hist) {
		return fmt.Errorf("%d below-reservation counts for %d outcomes", len(c.Below), len(c.Hist))
	}
	for o := range c.Hist {
		var s int64
		for _, k := range c.Hist[o] {
			if k < 0 {
				return fmt.Errorf("outcome %d: negative count", o)
			}
			s += k
		}
		if s > c.N {
			return fmt.Errorf("outcome %d: %d successes in %d replicates", o, s, c.N)
		}
		if b := c.Below[o]; b < 0 || b > s {
			return fmt.Errorf("outcome %d: below_reservation %d, successes %d", o, b, s)
		}
	}
	for _, f := range c.Forecast {
		for r, n := range f.N {
			if n < 0 || n > c.N {
				return fmt.Errorf("forecast of table %s, round %d: n %d of %d replicates", f.Table, r, n, c.N)
			}
		}
	}
	return nil
}

// Successes returns the number of replicates in which outcome o was reached.
func (c *Counts) Successes(o int) int64 {
	var s int64
	for _, k := range c.Hist[o] {
		s += k
	}
	return s
}
