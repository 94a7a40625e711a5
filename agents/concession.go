package agents

import "math"

// Concession returns the share F(t) of the way from its initial to its final
// demand that a time-dependent tactic has conceded at normalised time t in
// [0, 1] (Faratin, Sierra & Jennings 1998):
//
//	F(t) = k + (1-k) t^(1/e)
//
// e < 1 is Boulware (firm until late), e = 1 linear, e > 1 conceder; k is the
// share conceded at once. t outside [0, 1] is clamped.
func Concession(t, e, k float64) float64 {
	t = min(max(t, 0), 1)
	return k + (1-k)*math.Pow(t, 1/e)
}

// Reservation returns the reservation utility at concession level f: it moves
// from start (f = 0) to end (f = 1).
func Reservation(start, end, f float64) float64 {
	return end + (start-end)*(1-f)
}

// TacticTarget is the target of the time-dependent tactic on a share scale:
// Pmin + (Pmax-Pmin)(1-F(t)).
func TacticTarget(t, e, k, pmin, pmax float64) float64 {
	return pmin + (pmax-pmin)*(1-Concession(t, e, k))
}
