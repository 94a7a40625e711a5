package agents_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/agents"
)

// Logit.Accepts must make the same decision as u < Prob for every input:
// random surpluses and noises over many orders of magnitude, draws near the
// probability, and the extremes (zero surplus, infinite ratio, NaN).
func TestLogitAcceptsMatchesProb(t *testing.T) {
	var l agents.Logit
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(z, sigma, u float64) {
		t.Helper()
		require.Equal(t, u < l.Prob(z, sigma), l.Accepts(z, sigma, u), "z=%g sigma=%g u=%g", z, sigma, u)
	}
	for range 300_000 {
		z := (rng.Float64()*2 - 1) * math.Pow(10, rng.Float64()*6-4)
		sigma := math.Pow(10, rng.Float64()*5-4)
		check(z, sigma, rng.Float64())
		// A draw within a few ulps of the probability.
		p := l.Prob(z, sigma)
		for _, u := range []float64{p, math.Nextafter(p, 0), math.Nextafter(p, 1)} {
			check(z, sigma, u)
		}
	}
	for _, c := range [][3]float64{
		{0, 0.05, 0.5}, {0, 0.05, math.Nextafter(0.5, 0)}, {1, 0, 0.9999}, {-1, 0, 0}, {math.NaN(), 0.05, 0.1},
		{1e-300, 1e300, 0.5}, {-700, 1, 0}, {700, 1, math.Nextafter(1, 0)},
	} {
		check(c[0], c[1], c[2])
	}
}

// Logit.AcceptsBetween, when it decides, must give the decision u < Prob
// for every surplus of its interval: random intervals and noises over many
// orders of magnitude, the interval's ends and points inside it, and draws
// at the probability of an end (where a decision is closest to wrong).
// It must also decide clear-cut draws.
func TestLogitAcceptsBetween(t *testing.T) {
	var l agents.Logit
	rng := rand.New(rand.NewPCG(3, 4))
	decided, tried := 0, 0
	check := func(lo, hi, sigma, u float64) {
		t.Helper()
		tried++
		ok, accept := l.AcceptsBetween(lo, hi, sigma, u)
		if !ok {
			return
		}
		decided++
		for _, z := range []float64{lo, hi, lo + (hi-lo)*rng.Float64(), math.Nextafter(lo, hi), math.Nextafter(hi, lo)} {
			require.Equal(t, u < l.Prob(z, sigma), accept, "z=%g in [%g, %g] sigma=%g u=%g", z, lo, hi, sigma, u)
			require.Equal(t, l.Accepts(z, sigma, u), accept, "z=%g in [%g, %g] sigma=%g u=%g", z, lo, hi, sigma, u)
		}
	}
	for range 200_000 {
		a := (rng.Float64()*2 - 1) * math.Pow(10, rng.Float64()*4-3)
		b := (rng.Float64()*2 - 1) * math.Pow(10, rng.Float64()*4-3)
		lo, hi := min(a, b), max(a, b)
		sigma := math.Pow(10, rng.Float64()*3-3)
		check(lo, hi, sigma, rng.Float64())
		for _, u := range []float64{l.Prob(lo, sigma), l.Prob(hi, sigma), math.Nextafter(l.Prob(lo, sigma), 0), math.Nextafter(l.Prob(hi, sigma), 1)} {
			check(lo, hi, sigma, u)
		}
	}
	t.Logf("%d of %d draws decided", decided, tried)
	require.Greater(t, decided, 20_000, "decided draws checked")
	// A clear rejection and a clear acceptance (surplus ±0.1 to ±0.2 at
	// noise 0.02: P about 7e-3 to 5e-5 and its complement).
	ok, accept := l.AcceptsBetween(-0.2, -0.1, 0.02, 0.5)
	require.True(t, ok && !accept)
	ok, accept = l.AcceptsBetween(0.1, 0.2, 0.02, 0.5)
	require.True(t, ok && accept)
}

// Logit.TailBounds must bound P (for x ≤ −4) and 1 − P (for x ≥ 4) for
// every input, report P = 1 from 38 noise units on, decline between −4
// and 4, and be tight enough to thin with: within a factor 1.7 for x in
// [−6, −4] and [4, 6] (e⁶/E₆(6) ≈ 1.65), and below 10⁻⁵ beyond ±20
// (1/E₆(20) ≈ 8·10⁻⁶).
func TestLogitTailBounds(t *testing.T) {
	var l agents.Logit
	rng := rand.New(rand.NewPCG(5, 6))
	check := func(z, sigma float64) {
		t.Helper()
		p := l.Prob(z, sigma)
		hi, rejectHi, ok := l.TailBounds(z, sigma)
		x := z / sigma
		require.Equal(t, x <= -4 || x >= 4, ok, "x=%g", x)
		if !ok {
			return
		}
		require.True(t, p <= hi && 1-p <= rejectHi, "x=%g: P=%g, bounds %g and %g", x, p, hi, rejectHi)
		switch {
		case x >= 38:
			require.True(t, p == 1 && rejectHi == 0, "x=%g", x)
		case x <= -20:
			require.Less(t, hi, 1e-5, "x=%g", x)
		case x >= 20:
			require.Less(t, rejectHi, 1e-5, "x=%g", x)
		case x <= -4 && x >= -6:
			require.Less(t, hi/p, 1.7, "x=%g", x)
		case x >= 4 && x <= 6:
			require.Less(t, rejectHi/(1-p), 1.7, "x=%g", x)
		}
	}
	for range 300_000 {
		z := (rng.Float64()*2 - 1) * math.Pow(10, rng.Float64()*6-4)
		check(z, math.Pow(10, rng.Float64()*5-4))
	}
	for _, x := range []float64{-745, -700, -40, -4, math.Nextafter(-4, 0), 0, math.Nextafter(4, 0), 4, 37.9, 38, 700} {
		check(x*0.001, 0.001)
	}
}

func BenchmarkLogit(b *testing.B) {
	var l agents.Logit
	zs := []float64{-0.2, -0.05, -0.01, 0, 0.01, 0.05, 0.2}
	b.Run("prob", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			_ = 0.3 < l.Prob(zs[i%len(zs)], 0.02)
		}
	})
	b.Run("accepts", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			_ = l.Accepts(zs[i%len(zs)], 0.02, 0.3)
		}
	})
}

// AcceptUniform against numerical integration of rule.Prob over the uniform
// belief (a 100000-point midpoint rule), for each rule.
func TestAcceptUniform(t *testing.T) {
	for _, rule := range []agents.AcceptRule{agents.Logit{}, agents.Probit{}, agents.Threshold{}} {
		for _, c := range []struct{ u, lo, hi, noise, tol float64 }{
			{0.5, 0.4, 0.7, 0.05, 1e-6}, {0.9, 0.4, 0.7, 0.02, 1e-6}, {0.3, 0.4, 0.7, 0.02, 1e-6},
			{0.55, 0.5, 0.6, 0.001, 1e-6}, {0.6, 0.6, 0.6, 0.05, 1e-12},
		} {
			want := rule.Prob(c.u-c.lo, c.noise)
			if c.hi > c.lo {
				const n = 100000
				want = 0
				for j := range n {
					want += rule.Prob(c.u-(c.lo+(float64(j)+0.5)*(c.hi-c.lo)/n), c.noise)
				}
				want /= n
			}
			tol := c.tol
			switch rule.(type) {
			case agents.Probit:
				if c.hi > c.lo {
					tol = 0.01 // AcceptUniform's midpoint rule over 16 points
				}
			case agents.Threshold:
				tol = 1e-4 // the reference integral resolves the step to 1/n of the interval
			}
			require.InDelta(t, want, agents.AcceptUniform(rule, c.u, c.lo, c.hi, c.noise), tol, "%T %+v", rule, c)
		}
	}
}

// The shortcuts of AcceptUniform's logit form give the bits of the full
// expression σ/w·[log1p-softplus(a) − log1p-softplus(b)].
func TestAcceptUniformShortcutsExact(t *testing.T) {
	full := func(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200_000 {
		lo := rng.Float64()
		hi := lo + rng.Float64()*0.5
		u := rng.Float64()*1.5 - 0.25
		noise := math.Pow(10, rng.Float64()*4-5)
		want := min(max(noise/(hi-lo)*(full((u-lo)/noise)-full((u-hi)/noise)), 0), 1)
		require.Equal(t, math.Float64bits(want), math.Float64bits(agents.AcceptUniform(agents.Logit{}, u, lo, hi, noise)), "u=%g lo=%g hi=%g noise=%g", u, lo, hi, noise)
	}
}
