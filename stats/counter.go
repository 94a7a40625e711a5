package stats

import (
	"fmt"
	"math"
)

// Proportion counts successes out of trials. The zero value is an empty
// counter ready to use. Add and Merge do not allocate, and Merge is exact,
// so counters filled on separate shards and merged in any order are equal.
type Proportion struct {
	// Successes is the number of successful trials.
	Successes int64
	// N is the total number of trials.
	N int64
}

// Add records one trial, a success if ok is true.
func (p *Proportion) Add(ok bool) {
	p.N++
	if ok {
		p.Successes++
	}
}

// Merge adds the counts of other to p.
func (p *Proportion) Merge(other Proportion) {
	p.Successes += other.Successes
	p.N += other.N
}

// P returns the observed proportion Successes/N, or NaN if N is 0.
func (p Proportion) P() float64 {
	if p.N == 0 {
		return math.NaN()
	}
	return float64(p.Successes) / float64(p.N)
}

// Interval returns the Wilson score interval for the proportion at
// confidence level in (0, 1); see Wilson. It returns (0, 1) when N is 0 and
// panics with an error wrapping ErrInvalid if the counts are inconsistent or
// level is not in (0, 1).
func (p Proportion) Interval(level float64) (lo, hi float64) {
	must(checkLevel(level))
	x, n := float64(p.Successes), float64(p.N)
	must(checkCounts(x, n))
	return wilson(x, n, zQuantile(level))
}

// RoundHistogram counts the round index (0, 1, …, rounds−1) at which each
// recorded run ended, for example the round of agreement. Its storage is a
// fixed-length slice made once by NewRoundHistogram; Add and Merge do not
// allocate, and Merge is exact, so sharded histograms merge bit-identically.
// A RoundHistogram must be created with NewRoundHistogram.
type RoundHistogram struct {
	counts []int64
	total  int64
}

// NewRoundHistogram returns an empty histogram for round indices in
// [0, rounds). It panics with an error wrapping ErrInvalid if rounds < 1.
func NewRoundHistogram(rounds int) *RoundHistogram {
	if rounds < 1 {
		panic(fmt.Errorf("%w: histogram needs at least one round, got %d", ErrInvalid, rounds))
	}
	return &RoundHistogram{counts: make([]int64, rounds)}
}

// Rounds returns the number of round indices the histogram holds.
func (h *RoundHistogram) Rounds() int { return len(h.counts) }

// Add records one run ending at the given round. It panics if round is not
// in [0, Rounds()).
func (h *RoundHistogram) Add(round int) {
	h.counts[round]++
	h.total++
}

// Merge adds the counts of other to h. It panics with an error wrapping
// ErrInvalid if the two histograms have different numbers of rounds.
func (h *RoundHistogram) Merge(other *RoundHistogram) {
	if len(other.counts) != len(h.counts) {
		panic(fmt.Errorf("%w: merging histogram of %d rounds into one of %d",
			ErrInvalid, len(other.counts), len(h.counts)))
	}
	for i, c := range other.counts {
		h.counts[i] += c
	}
	h.total += other.total
}

// Count returns the number of runs recorded at exactly the given round, or
// 0 if round is out of range.
func (h *RoundHistogram) Count(round int) int64 {
	if round < 0 || round >= len(h.counts) {
		return 0
	}
	return h.counts[round]
}

// Cumulative returns the number of runs recorded at rounds ≤ round: 0 for a
// negative round and Total() for round ≥ Rounds()−1.
func (h *RoundHistogram) Cumulative(round int) int64 {
	if round < 0 {
		return 0
	}
	if round >= len(h.counts)-1 {
		return h.total
	}
	var c int64
	for _, n := range h.counts[:round+1] {
		c += n
	}
	return c
}

// Total returns the number of recorded runs.
func (h *RoundHistogram) Total() int64 { return h.total }

// Mean returns the mean recorded round index, or NaN if the histogram is
// empty (HistMean of its counts).
func (h *RoundHistogram) Mean() float64 { return HistMean(h.counts) }

// Median returns the lower median of the recorded round indices, or NaN if
// the histogram is empty (HistMedian of its counts).
func (h *RoundHistogram) Median() float64 { return HistMedian(h.counts) }

// HistMean returns the mean index of a histogram whose counts[i] counts
// observations of value i, or NaN if it is empty. The weighted sum is
// accumulated in integers, so the result depends only on the counts.
func HistMean(counts []int64) float64 {
	var s, n int64
	for r, c := range counts {
		s += int64(r) * c
		n += c
	}
	if n == 0 {
		return math.NaN()
	}
	return float64(s) / float64(n)
}

// HistMedian returns the lower median of a histogram whose counts[i] counts
// observations of value i, or NaN if it is empty. With the T observations
// sorted in increasing order, it is the value at 1-based rank ⌊(T+1)/2⌋: the
// middle value when T is odd, and the lower of the two middle values when T
// is even (so it is always an observed value, never an average of two).
func HistMedian(counts []int64) float64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	if n == 0 {
		return math.NaN()
	}
	rank := (n + 1) / 2
	var acc int64
	for r, c := range counts {
		acc += c
		if acc >= rank {
			return float64(r)
		}
	}
	return math.NaN() // unreachable: acc reaches n
}
