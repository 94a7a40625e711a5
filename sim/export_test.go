package sim

// ConcessionAt exposes the engine's concession curve to tests.
func ConcessionAt(m *Model, r int, e, k float64) float64 {
	return (&State{m: m}).concession(r, e, k)
}
