package stats

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ErrInvalid is wrapped by every error (and panic value) reporting an
// invalid argument to a function in this package.
var ErrInvalid = errors.New("stats: invalid argument")

// Check reports whether successes, n and level are valid arguments for
// Wilson, HalfWidth and Proportion.Interval: 0 ≤ successes ≤ n and
// 0 < level < 1. The returned error wraps ErrInvalid.
func Check(successes, n int, level float64) error {
	if err := checkLevel(level); err != nil {
		return err
	}
	return checkCounts(float64(successes), float64(n))
}

func checkLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("%w: confidence level %v not in (0, 1)", ErrInvalid, level)
	}
	return nil
}

func checkCounts(successes, n float64) error {
	if n < 0 || successes < 0 || successes > n {
		return fmt.Errorf("%w: %v successes out of %v trials", ErrInvalid, successes, n)
	}
	return nil
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// zQuantile returns the two-sided standard normal critical value for a
// confidence level, UnitNormal.Quantile(1 - (1-level)/2).
func zQuantile(level float64) float64 {
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

// Wilson returns the Wilson score interval, without continuity correction,
// for a binomial proportion with the given number of successes out of n
// trials, at confidence level in (0, 1). The critical value is the standard
// normal quantile z = Φ⁻¹(1 − (1−level)/2), and the bounds are
//
//	(2np̂ + z² ∓ z·√(z² + 4np̂(1−p̂))) / (2(n + z²)),
//
// which is method 3 of Newcombe (1998a). The lower bound is exactly 0 when
// successes is 0 and the upper bound exactly 1 when successes equals n.
//
// When n is 0 there is no information and Wilson returns (0, 1).
// Wilson panics with an error wrapping ErrInvalid unless
// 0 ≤ successes ≤ n and 0 < level < 1.
func Wilson(successes, n int, level float64) (lo, hi float64) {
	must(Check(successes, n, level))
	return wilson(float64(successes), float64(n), zQuantile(level))
}

// wilson computes the interval for validated counts and critical value z.
func wilson(x, n, z float64) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	p := x / n
	z2 := z * z
	centre := 2*n*p + z2
	spread := z * math.Sqrt(z2+4*n*p*(1-p))
	denom := 2 * (n + z2)
	lo = (centre - spread) / denom
	hi = (centre + spread) / denom
	// Pin the degenerate ends exactly and guard against rounding just
	// outside [0, 1] or outside [lo, p̂, hi].
	if x == 0 {
		lo = 0
	}
	if x == n {
		hi = 1
	}
	lo = math.Max(0, math.Min(lo, p))
	hi = math.Min(1, math.Max(hi, p))
	return lo, hi
}

// HalfWidth returns half the width of the Wilson interval, (hi − lo)/2, for
// use in sequential stopping rules ("run until the half-width is below ε").
// The Wilson interval is not symmetric about p̂, so this is half the total
// width, not the distance from p̂ to either bound. HalfWidth is 0.5 when n is
// 0 and panics under the same conditions as Wilson.
func HalfWidth(successes, n int, level float64) float64 {
	lo, hi := Wilson(successes, n, level)
	return (hi - lo) / 2
}

// DiffCI returns the difference diff = p̂1 − p̂2 between two independent
// binomial proportions, x1/n1 and x2/n2, and Newcombe's hybrid score
// interval for it at confidence level in (0, 1) (Newcombe 1998b, method 10).
// With (l1, u1) and (l2, u2) the Wilson intervals for the two proportions,
//
//	lo = diff − √((p̂1 − l1)² + (u2 − p̂2)²)
//	hi = diff + √((u1 − p̂1)² + (p̂2 − l2)²).
//
// The bounds always lie in [−1, 1]. If n1 or n2 is 0 the difference is
// undefined: DiffCI returns (NaN, −1, 1). DiffCI panics with an error
// wrapping ErrInvalid unless 0 ≤ x1 ≤ n1, 0 ≤ x2 ≤ n2 and 0 < level < 1.
func DiffCI(x1, n1, x2, n2 int, level float64) (diff, lo, hi float64) {
	must(Check(x1, n1, level))
	must(Check(x2, n2, level))
	if n1 == 0 || n2 == 0 {
		return math.NaN(), -1, 1
	}
	z := zQuantile(level)
	p1 := float64(x1) / float64(n1)
	p2 := float64(x2) / float64(n2)
	l1, u1 := wilson(float64(x1), float64(n1), z)
	l2, u2 := wilson(float64(x2), float64(n2), z)
	diff = p1 - p2
	lo = diff - math.Hypot(p1-l1, u2-p2)
	hi = diff + math.Hypot(u1-p1, p2-l2)
	return diff, math.Max(lo, -1), math.Min(hi, 1)
}

// PairedDiffCI returns the difference diff = p̂1 − p̂2 between two paired
// binomial proportions and Newcombe's square-and-add interval for it (Newcombe
// 1998c, "Improved confidence intervals for the difference between binomial
// proportions based on paired data", Stat Med 17:2635–2650, method 10). The
// n = both + onlyFirst + onlySecond + neither pairs are cross-classified:
// p̂1 = (both + onlyFirst)/n, p̂2 = (both + onlySecond)/n. With (l1, u1) and
// (l2, u2) their Wilson intervals and φ̂ the correlation of the 2×2 table,
// with its numerator AD − BC replaced by AD − BC − n/2 when that is
// positive, by 0 when AD − BC lies in [0, n/2], and left as it is when it is
// negative,
//
//	lo = diff − √((p̂1 − l1)² − 2φ̂(p̂1 − l1)(u2 − p̂2) + (u2 − p̂2)²)
//	hi = diff + √((p̂2 − l2)² − 2φ̂(p̂2 − l2)(u1 − p̂1) + (u1 − p̂1)²).
//
// Positively correlated pairs, such as two policies run on common random
// numbers, give a narrower interval than DiffCI would for the same counts.
// If n is 0 it returns (NaN, −1, 1). It panics with an error wrapping
// ErrInvalid if a count is negative or level is outside (0, 1).
func PairedDiffCI(both, onlyFirst, onlySecond, neither int, level float64) (diff, lo, hi float64) {
	n := both + onlyFirst + onlySecond + neither
	if both < 0 || onlyFirst < 0 || onlySecond < 0 || neither < 0 {
		panic(fmt.Errorf("%w: negative count in paired table (%d, %d, %d, %d)", ErrInvalid, both, onlyFirst, onlySecond, neither))
	}
	x1, x2 := both+onlyFirst, both+onlySecond
	must(Check(x1, n, level))
	if n == 0 {
		return math.NaN(), -1, 1
	}
	z := zQuantile(level)
	fn := float64(n)
	p1, p2 := float64(x1)/fn, float64(x2)/fn
	l1, u1 := wilson(float64(x1), fn, z)
	l2, u2 := wilson(float64(x2), fn, z)
	var phi float64
	a, b, c, d := float64(both), float64(onlyFirst), float64(onlySecond), float64(neither)
	if den := (a + b) * (c + d) * (a + c) * (b + d); den > 0 {
		num := a*d - b*c
		switch {
		case num > fn/2:
			num -= fn / 2
		case num >= 0:
			num = 0
		}
		phi = num / math.Sqrt(den)
	}
	diff = p1 - p2
	dl1, du2 := p1-l1, u2-p2
	dl2, du1 := p2-l2, u1-p1
	lo = diff - math.Sqrt(math.Max(dl1*dl1-2*phi*dl1*du2+du2*du2, 0))
	hi = diff + math.Sqrt(math.Max(dl2*dl2-2*phi*dl2*du1+du1*du1, 0))
	return diff, math.Max(lo, -1), math.Min(hi, 1)
}

// MeanCI returns the sample mean of n observations given their running sum
// and sum of squares, and the two-sided Student-t confidence interval for
// the population mean at level in (0, 1), with n − 1 degrees of freedom:
//
//	mean ± t·s/√n,  s² = (sumSq − n·mean²)/(n − 1).
//
// It is intended for expected shares and other bounded quantities of modest
// magnitude; the one-pass variance formula loses precision when the mean is
// large relative to the spread. A slightly negative s² from rounding is
// treated as 0.
//
// For n < 2 the variance cannot be estimated and both bounds are NaN; the
// mean is sum for n = 1 and NaN for n = 0. MeanCI panics with an error
// wrapping ErrInvalid if n is negative or level is not in (0, 1).
func MeanCI(sum, sumSq float64, n int, level float64) (mean, lo, hi float64) {
	must(checkLevel(level))
	if n < 0 {
		panic(fmt.Errorf("%w: negative sample size %d", ErrInvalid, n))
	}
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	fn := float64(n)
	mean = sum / fn
	if n < 2 {
		return mean, math.NaN(), math.NaN()
	}
	v := math.Max(0, (sumSq-fn*mean*mean)/(fn-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: fn - 1}.Quantile(1 - (1-level)/2)
	h := t * math.Sqrt(v/fn)
	return mean, mean - h, mean + h
}
