package stats

import (
	"fmt"
	"math/bits"
)

// SobolMaxDim is the largest dimension SobolSeq supports: one more than
// the Joe–Kuo direction numbers embedded (dimension 1 needs none).
const SobolMaxDim = len(joeKuo) + 1

// sobolBits is the precision of the sequence: 2³² points per dimension.
const sobolBits = 32

// SobolSeq generates the Sobol′ low-discrepancy sequence in [0, 1)^d with
// the direction numbers of Joe and Kuo (2008, new-joe-kuo-6.21201), in
// Gray-code order (Antonov and Saleev 1979), as Joe and Kuo's own
// generator and SALib's sobol_sequence do: point 0 is the origin.
// gonum has no Sobol′ generator (stat/samplemv offers Latin hypercube and
// Halton sampling only), hence this one.
type SobolSeq struct {
	v     [][sobolBits]uint32 // direction numbers, scaled: v[dim][j] = m_{j+1}·2^(32−j−1)
	x     []uint32            // the current point, as 32-bit fractions
	shift []uint32            // a random digital shift per dimension, or nil
	i     uint64              // index of the next point
}

// NewSobolSeq returns the sequence in dim dimensions, 1 ≤ dim ≤ SobolMaxDim.
func NewSobolSeq(dim int) (*SobolSeq, error) {
	if dim < 1 || dim > SobolMaxDim {
		return nil, fmt.Errorf("stats: Sobol sequence in %d dimensions; supported: 1 to %d", dim, SobolMaxDim)
	}
	s := &SobolSeq{v: make([][sobolBits]uint32, dim), x: make([]uint32, dim)}
	for j := range sobolBits {
		s.v[0][j] = 1 << (sobolBits - 1 - j)
	}
	for d := 1; d < dim; d++ {
		row := joeKuo[d-1]
		a, m := row[0], row[1:]
		deg := len(m)
		v := &s.v[d]
		for j := 0; j < sobolBits; j++ {
			if j < deg {
				v[j] = m[j] << (sobolBits - 1 - j)
				continue
			}
			x := v[j-deg] ^ (v[j-deg] >> deg)
			for k := 1; k < deg; k++ {
				x ^= ((a >> (deg - 1 - k)) & 1) * v[j-k]
			}
			v[j] = x
		}
	}
	return s, nil
}

// Dim returns the sequence's dimension.
func (s *SobolSeq) Dim() int { return len(s.x) }

// Next writes the next point into dst (len(dst) = Dim()), each coordinate
// at the centre of its 2^−32 cell, so that none is exactly 0 or 1. The
// first call gives the origin (before Scramble). It allocates nothing.
func (s *SobolSeq) Next(dst []float64) {
	if s.i > 0 {
		// Gray code: point i differs from point i−1 in the direction
		// number of the lowest zero bit of i−1.
		c := bits.TrailingZeros64(^(s.i - 1))
		for d := range s.x {
			s.x[d] ^= s.v[d][c]
		}
	}
	s.i++
	for d, x := range s.x {
		if s.shift != nil {
			x ^= s.shift[d]
		}
		dst[d] = (float64(x) + 0.5) / (1 << sobolBits)
	}
}

// Scramble applies a random digital shift (each coordinate's bits XORed
// with a random 32-bit word of its own, drawn from src), which keeps the
// sequence's net structure and makes every point uniformly distributed,
// so that estimates from it are unbiased and their error can be judged
// by replication (randomised quasi-Monte Carlo; Owen 2003, §3; L'Ecuyer
// and Lemieux 2002).
func (s *SobolSeq) Scramble(src interface{ Uint64() uint64 }) {
	s.shift = make([]uint32, len(s.x))
	for d := range s.shift {
		s.shift[d] = uint32(src.Uint64() >> 32)
	}
}

// Skip advances the sequence by n points.
func (s *SobolSeq) Skip(n int) {
	for range n {
		if s.i > 0 {
			c := bits.TrailingZeros64(^(s.i - 1))
			for d := range s.x {
				s.x[d] ^= s.v[d][c]
			}
		}
		s.i++
	}
}
