package stats

import (
	"math"
	"testing"
)

// saltelli evaluates f on the Saltelli design built from the Sobol′
// sequence in 2k dimensions (points 1…n; A from the first k coordinates,
// B from the last k) and returns fA, fB and fAB.
func saltelli(t *testing.T, k, n int, f func([]float64) float64) (fA, fB []float64, fAB [][]float64) {
	s, err := NewSobolSeq(2 * k)
	if err != nil {
		t.Fatal(err)
	}
	s.Skip(1)
	x := make([]float64, 2*k)
	ab := make([]float64, k)
	fAB = make([][]float64, k)
	for j := range n {
		s.Next(x)
		a, b := x[:k], x[k:]
		fA, fB = append(fA, f(a)), append(fB, f(b))
		for i := range k {
			copy(ab, a)
			ab[i] = b[i]
			fAB[i] = append(fAB[i], f(ab))
		}
		_ = j
	}
	return fA, fB, fAB
}

// ishigami is f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³, with
// u in [0, 1)³.
func ishigami(a, b float64) func([]float64) float64 {
	return func(u []float64) float64 {
		x1, x2, x3 := math.Pi*(2*u[0]-1), math.Pi*(2*u[1]-1), math.Pi*(2*u[2]-1)
		s := math.Sin(x2)
		return math.Sin(x1) + a*s*s + b*x3*x3*x3*x3*math.Sin(x1)
	}
}

// TestSobolIshigami checks the estimators on the Ishigami function with
// a = 7, b = 0.1 against its analytic indices (Ishigami and Homma 1990;
// Saltelli et al. 2008, The Primer, §4.8; the values SALib's
// src/SALib/test_functions/Ishigami.py documents for S1, 0.3139, 0.4424,
// 0, and its tests/test_sobol.py checks, ST ≈ 0.55, 0.44, 0.24). The
// analytic totals are ST1 = 0.5576, ST2 = 0.4424, ST3 = 0.2437.
func TestSobolIshigami(t *testing.T) {
	fA, fB, fAB := saltelli(t, 3, 8192, ishigami(7, 0.1))
	r := Sobol(fA, fB, fAB, 200, 0.99, 1)
	wantS1 := []float64{0.3139, 0.4424, 0}
	wantST := []float64{0.5576, 0.4424, 0.2437}
	for i := range 3 {
		if !(r.S1Low[i] <= wantS1[i] && wantS1[i] <= r.S1High[i]) || math.Abs(r.S1[i]-wantS1[i]) > 0.02 {
			t.Errorf("case S1 x%d: Expected %v, Found %.4f [%.4f, %.4f]", i+1, wantS1[i], r.S1[i], r.S1Low[i], r.S1High[i])
		}
		if !(r.STLow[i] <= wantST[i] && wantST[i] <= r.STHigh[i]) || math.Abs(r.ST[i]-wantST[i]) > 0.02 {
			t.Errorf("case ST x%d: Expected %v, Found %.4f [%.4f, %.4f]", i+1, wantST[i], r.ST[i], r.STLow[i], r.STHigh[i])
		}
	}
	// The analytic variance: a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2.
	if v := 49.0/8 + 0.1*math.Pow(math.Pi, 4)/5 + 0.01*math.Pow(math.Pi, 8)/18 + 0.5; math.Abs(r.Var-v)/v > 0.01 {
		t.Errorf("variance: Expected %.4f, Found %.4f", v, r.Var)
	}
}

// gFunction is Sobol′'s g-function Π (|4x_i − 2| + a_i)/(1 + a_i), whose
// indices are known in closed form (Saltelli et al. 2010, §5; SALib's
// src/SALib/test_functions/Sobol_G.py): with V_i = 1/(3(1 + a_i)²) and
// V = Π(1 + V_i) − 1, S_i = V_i/V and ST_i = V_i Π_{j≠i}(1 + V_j)/V.
func gFunction(a []float64) (f func([]float64) float64, s1, st []float64) {
	f = func(u []float64) float64 {
		y := 1.0
		for i, ai := range a {
			y *= (math.Abs(4*u[i]-2) + ai) / (1 + ai)
		}
		return y
	}
	vi := make([]float64, len(a))
	prod := 1.0
	for i, ai := range a {
		vi[i] = 1 / (3 * (1 + ai) * (1 + ai))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	for i := range a {
		s1 = append(s1, vi[i]/v)
		st = append(st, vi[i]*prod/(1+vi[i])/v)
	}
	return f, s1, st
}

// TestSobolGFunction checks the estimators on the g-function with SALib's
// default a = (0, 1, 4.5, 9, 99, 99, 99, 99).
func TestSobolGFunction(t *testing.T) {
	f, s1, st := gFunction([]float64{0, 1, 4.5, 9, 99, 99, 99, 99})
	fA, fB, fAB := saltelli(t, 8, 8192, f)
	r := Sobol(fA, fB, fAB, 200, 0.99, 2)
	for i := range s1 {
		if !(r.S1Low[i] <= s1[i] && s1[i] <= r.S1High[i]) || math.Abs(r.S1[i]-s1[i]) > 0.02 {
			t.Errorf("case S1 x%d: Expected %.4f, Found %.4f [%.4f, %.4f]", i+1, s1[i], r.S1[i], r.S1Low[i], r.S1High[i])
		}
		if !(r.STLow[i] <= st[i] && st[i] <= r.STHigh[i]) || math.Abs(r.ST[i]-st[i]) > 0.02 {
			t.Errorf("case ST x%d: Expected %.4f, Found %.4f [%.4f, %.4f]", i+1, st[i], r.ST[i], r.STLow[i], r.STHigh[i])
		}
	}
}

// TestSobolConstant checks that a constant model gives NaN indices rather
// than a division by zero presented as a number.
func TestSobolConstant(t *testing.T) {
	c := []float64{1, 1, 1, 1}
	r := Sobol(c, c, [][]float64{c}, 10, 0.95, 1)
	if !math.IsNaN(r.S1[0]) || !math.IsNaN(r.ST[0]) || r.Var != 0 {
		t.Errorf("Expected NaN indices and zero variance, Found %v %v %v", r.S1, r.ST, r.Var)
	}
}

func BenchmarkSobol(b *testing.B) {
	f, _, _ := gFunction([]float64{0, 1, 4.5, 9, 99, 99, 99, 99})
	t := &testing.T{}
	fA, fB, fAB := saltelli(t, 8, 1024, f)
	for b.Loop() {
		Sobol(fA, fB, fAB, 100, 0.95, 1)
	}
}
