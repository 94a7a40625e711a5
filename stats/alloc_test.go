package stats

import "testing"

// TestHotLoopsAllocateNothing checks that the per-resample and
// per-replicate loops allocate nothing: the Sobol estimator on one
// resample, the Sobol sequence's next point and the binned index.
func TestHotLoopsAllocateNothing(t *testing.T) {
	f, _, _ := gFunction([]float64{0, 1, 4.5})
	fA, fB, fAB := saltelli(t, 3, 64, f)
	idx := make([]int, 64)
	s1, st := make([]float64, 3), make([]float64, 3)
	if a := testing.AllocsPerRun(100, func() { sobolOnce(fA, fB, fAB, idx, s1, st) }); a != 0 {
		t.Errorf("sobolOnce: %v allocations", a)
	}
	seq, _ := NewSobolSeq(8)
	x := make([]float64, 8)
	if a := testing.AllocsPerRun(100, func() { seq.Next(x) }); a != 0 {
		t.Errorf("SobolSeq.Next: %v allocations", a)
	}
	n, sum, sq := []int64{3, 4}, []float64{1, 3}, []float64{1, 3}
	if a := testing.AllocsPerRun(100, func() { Binned(n, sum, sq) }); a != 0 {
		t.Errorf("Binned: %v allocations", a)
	}
}
