package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestPairedDiffCIPublished(t *testing.T) {
	for i, c := range []struct {
		a, b, c, d   int
		diff, lo, hi float64
	}{
		// Fagerland, Lydersen & Laake (2017), Statistical Analysis of
		// Contingency Tables, ch. 8: complete response before and after
		// consolidation therapy (Cavo et al. 2012), Newcombe square-and-add
		// interval: estimate −0.0621, 95% CI −0.1186 to −0.0046.
		{59, 6, 16, 80, -0.0621, -0.1186, -0.0046},
	} {
		diff, lo, hi := PairedDiffCI(c.a, c.b, c.c, c.d, 0.95)
		for _, v := range [][2]float64{{diff, c.diff}, {lo, c.lo}, {hi, c.hi}} {
			if math.Abs(v[0]-v[1]) > 0.5e-4 {
				t.Errorf("case %d: expected (%.4f, %.4f, %.4f), found (%.4f, %.4f, %.4f)", i, c.diff, c.lo, c.hi, diff, lo, hi)
				break
			}
		}
	}
}

func TestPairedDiffCIProperties(t *testing.T) {
	for _, c := range [][4]int{{59, 6, 16, 80}, {0, 0, 0, 10}, {10, 0, 0, 0}, {3, 7, 1, 0}, {0, 5, 5, 0}, {40, 2, 3, 55}} {
		d, lo, hi := PairedDiffCI(c[0], c[1], c[2], c[3], 0.95)
		if !(lo <= d && d <= hi && lo >= -1 && hi <= 1) {
			t.Errorf("%v: interval (%g, %g) does not hold %g within [-1, 1]", c, lo, hi, d)
		}
		// Swapping the two members of each pair mirrors the interval.
		d2, lo2, hi2 := PairedDiffCI(c[0], c[2], c[1], c[3], 0.95)
		if math.Abs(d+d2) > 1e-12 || math.Abs(lo+hi2) > 1e-12 || math.Abs(hi+lo2) > 1e-12 {
			t.Errorf("%v: swap gives (%g, %g, %g), want the mirror of (%g, %g, %g)", c, d2, lo2, hi2, d, lo, hi)
		}
	}
	// Strongly correlated pairs (few discordant) give a narrower interval
	// than treating the same margins as independent samples.
	_, plo, phi := PairedDiffCI(400, 10, 30, 560, 0.95)
	_, ilo, ihi := DiffCI(410, 1000, 430, 1000, 0.95)
	if !(phi-plo < ihi-ilo) {
		t.Errorf("paired width %g not below independent width %g", phi-plo, ihi-ilo)
	}
}

// TestPairedDiffCICoverage checks near-nominal coverage for correlated pairs
// (Newcombe 1998c reports coverage close to 0.95 for method 10).
func TestPairedDiffCICoverage(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	// Cell probabilities of (both, first only, second only, neither).
	probs := [4]float64{0.30, 0.05, 0.10, 0.55}
	truth := probs[1] - probs[2]
	const n, reps = 200, 2000
	covered := 0
	for range reps {
		var k [4]int
		for range n {
			u := r.Float64()
			switch {
			case u < probs[0]:
				k[0]++
			case u < probs[0]+probs[1]:
				k[1]++
			case u < probs[0]+probs[1]+probs[2]:
				k[2]++
			default:
				k[3]++
			}
		}
		_, lo, hi := PairedDiffCI(k[0], k[1], k[2], k[3], 0.95)
		if lo <= truth && truth <= hi {
			covered++
		}
	}
	if cov := float64(covered) / reps; cov < 0.92 || cov > 0.98 {
		t.Errorf("coverage %.4f outside [0.92, 0.98]", cov)
	}
}

func ExamplePairedDiffCI() {
	// 161 patients classified before and after therapy (Cavo et al. 2012, as
	// analysed by Fagerland, Lydersen & Laake 2017, ch. 8).
	diff, lo, hi := PairedDiffCI(59, 6, 16, 80, 0.95)
	fmt.Printf("difference %.4f, 95%% CI %.4f to %.4f\n", diff, lo, hi)
	// Output:
	// difference -0.0621, 95% CI -0.1186 to -0.0046
}
