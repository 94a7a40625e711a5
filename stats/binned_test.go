package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBinned checks the binned first-order index on a toy with known
// indices: Y ~ Bernoulli(0.2 + 0.4·X1 + 0.2·X2), X1, X2, X3 independent
// uniform on [0, 1]. E[Y|X1] = 0.3 + 0.4·X1, so Var(E[Y|X1]) = 0.16/12;
// E[Y] = 0.5 and Var(Y) = 0.25, hence S1 = 0.16/3 = 0.05333, S2 =
// 0.04/3 = 0.01333 and S3 = 0 (the rest is Bernoulli noise). B = 20 bins
// keep a share 1 − 1/B² of each linear effect.
func TestBinned(t *testing.T) {
	const bins, N = 20, 400_000
	rng := rand.New(rand.NewPCG(11, 12))
	type acc struct {
		n          []int64
		sum, sumSq []float64
	}
	accs := make([]acc, 3)
	for i := range accs {
		accs[i] = acc{make([]int64, bins), make([]float64, bins), make([]float64, bins)}
	}
	x := make([]float64, 3)
	for range N {
		for i := range x {
			x[i] = rng.Float64()
		}
		y := 0.0
		if rng.Float64() < 0.2+0.4*x[0]+0.2*x[1] {
			y = 1
		}
		for i := range x {
			b := BinIndex(x[i], bins)
			accs[i].n[b]++
			accs[i].sum[b] += y
			accs[i].sumSq[b] += y * y
		}
	}
	want := []float64{0.16 / 3, 0.04 / 3, 0}
	// Sampling sd of ε² here is about sqrt(2(B−1))/N·(1−S) ≈ 2e-5 at S = 0
	// and 2·sqrt(S/N) ≈ 7e-4 at S1; the tolerance is 4e-3.
	for i, w := range want {
		r := Binned(accs[i].n, accs[i].sum, accs[i].sumSq)
		w *= 1 - 1.0/(bins*bins)
		if math.Abs(r.S-w) > 4e-3 {
			t.Errorf("case X%d: Expected %.5f, Found %.5f (raw %.5f, p %.3g)", i+1, w, r.S, r.Raw, r.P)
		}
		if r.Raw < r.S {
			t.Errorf("case X%d: raw %.5f below corrected %.5f", i+1, r.Raw, r.S)
		}
		if i < 2 && r.P > 1e-6 {
			t.Errorf("case X%d: p-value %.3g for a real effect", i+1, r.P)
		}
		if i == 2 && r.P < 0.001 {
			t.Errorf("case X3: p-value %.3g for an inert input", r.P)
		}
	}
	if r := Binned([]int64{5, 5}, []float64{5, 5}, []float64{5, 5}); !math.IsNaN(r.S) {
		t.Errorf("constant Y: Expected NaN, Found %v", r.S)
	}
	if BinIndex(1, 10) != 9 || BinIndex(0, 10) != 0 || BinIndex(0.55, 10) != 5 {
		t.Error("BinIndex")
	}
}
