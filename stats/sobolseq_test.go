package stats

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestSobolSeq compares the first ten points in three dimensions with Joe
// and Kuo's example (https://web.maths.unsw.edu.au/~fkuo/sobol/, as quoted
// in SALib's tests/test_sobol.py, test_sobol_sequence).
func TestSobolSeq(t *testing.T) {
	want := [][]float64{
		{0, 0, 0},
		{0.5, 0.5, 0.5},
		{0.75, 0.25, 0.25},
		{0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625},
		{0.875, 0.875, 0.125},
		{0.625, 0.125, 0.875},
		{0.125, 0.625, 0.375},
		{0.1875, 0.3125, 0.9375},
		{0.6875, 0.8125, 0.4375},
	}
	s, err := NewSobolSeq(3)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 3)
	for i, w := range want {
		s.Next(got)
		for d := range w {
			if math.Abs(got[d]-w[d]) > 1e-9 {
				t.Errorf("point %d: Expected %v, Found %v", i, w, got)
				break
			}
		}
	}
}

// TestSobolSeqStratified checks the defining property in every supported
// dimension: the first 2^m points put exactly one point in each of the 2^m
// intervals [k/2^m, (k+1)/2^m) of every coordinate.
func TestSobolSeqStratified(t *testing.T) {
	const m = 8
	s, err := NewSobolSeq(SobolMaxDim)
	if err != nil {
		t.Fatal(err)
	}
	seen := make([][1 << m]bool, SobolMaxDim)
	x := make([]float64, SobolMaxDim)
	for range 1 << m {
		s.Next(x)
		for d, v := range x {
			k := int(v * (1 << m))
			if seen[d][k] {
				t.Fatalf("dimension %d: two of the first %d points in interval %d", d+1, 1<<m, k)
			}
			seen[d][k] = true
		}
	}
	if _, err := NewSobolSeq(SobolMaxDim + 1); err == nil {
		t.Error("no error for a dimension beyond the direction numbers")
	}
}

func TestSobolSeqSkip(t *testing.T) {
	a, _ := NewSobolSeq(5)
	b, _ := NewSobolSeq(5)
	x, y := make([]float64, 5), make([]float64, 5)
	for range 37 {
		a.Next(x)
	}
	b.Skip(36)
	b.Next(y)
	for d := range x {
		if x[d] != y[d] {
			t.Fatalf("Skip: Expected %v, Found %v", x, y)
		}
	}
}

func BenchmarkSobolSeq(b *testing.B) {
	for _, dim := range []int{3, 64, 1000} {
		b.Run(strconv.Itoa(dim), func(b *testing.B) {
			s, _ := NewSobolSeq(dim)
			x := make([]float64, dim)
			for b.Loop() {
				s.Next(x)
			}
		})
	}
}

// TestSobolSeqScramble checks that a digital shift keeps the stratification
// and moves the points.
func TestSobolSeqScramble(t *testing.T) {
	const m = 6
	s, _ := NewSobolSeq(10)
	s.Scramble(rand.NewPCG(1, 2))
	seen := make([][1 << m]bool, 10)
	x := make([]float64, 10)
	moved := false
	for range 1 << m {
		s.Next(x)
		for d, v := range x {
			k := int(v * (1 << m))
			if seen[d][k] {
				t.Fatalf("dimension %d: two points in interval %d", d+1, k)
			}
			seen[d][k] = true
			moved = moved || v > 1e-6 && v != 0.5
		}
	}
	if !moved {
		t.Error("the shift moved nothing")
	}
}
