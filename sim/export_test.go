package sim

import "math"

// ConcessionAt exposes the engine's concession curve to tests: shape e in
// parameter slot 0, share k conceded at once.
func ConcessionAt(m *Model, r int, e, k float64) float64 {
	s := &State{m: m, vals: make([]float64, len(m.params))}
	s.vals[0] = e
	return s.concession(r, 0, k)
}

// CurveMatches reports whether the compiled concession curve of slot, if
// any, equals exp(log(r/H)/e) bit for bit at every round, and whether there
// is one.
func CurveMatches(m *Model, slot int) (has, same bool) {
	c := m.curves[slot]
	if c == nil {
		return false, true
	}
	e := c[len(c)-1]
	for r := 0; r <= m.Horizon; r++ {
		if math.Float64bits(c[r]) != math.Float64bits(math.Exp(m.logT[r]/e)) {
			return true, false
		}
	}
	return true, true
}

// PerRound makes s run every round of every table, never holding one: the
// round-by-round engine the held tables (§3.12) must agree with in law.
func PerRound(s *State) { s.perRound = true }

// VerifyFixedDrafts makes s redraft every draft it keeps as fixed
// (draftFixed) and compare; FixedDrafts returns how many rounds it checked
// and the first difference.
func VerifyFixedDrafts(s *State) { s.verifyFixed = true }

func FixedDrafts(s *State) (int, error) { return s.fixedChecks, s.fixedErr }

// VerifyThinned makes s compute every thinned response's probability and
// check it against its bound; ThinnedErr returns the first failure and the
// number of responses checked.
func VerifyThinned(s *State)                 { s.verifyThin = true }
func ThinnedErr(s *State) (err error, n int) { return s.thinErr, s.thinChecks }

// NoDormant makes s run every round of a table that could go dormant.
func NoDormant(s *State) { s.noDormant = true }

// TiltThinned makes every thinned candidate's probability 1 + f times
// what it is (capped at the bound): a deliberate error in the law.
func TiltThinned(s *State, f float64) { s.thinTilt = f }
