package experiment

// inRange reports a value that an experiment pins or sweeps outside the
// range the scenario's validator allows its parameter (a silence
// probability of 5, a salience of -3, a delay of 10⁹ rounds): a model run
// there would mean nothing the documentation says. Each problem is
// reported once.
func (pl *planner) inRange(line int, field, param string, x float64) {
	if pl.ranges == nil {
		pl.ranges = pl.p.Scenario.ParamRanges()
		pl.reported = map[string]bool{}
	}
	r, ok := pl.ranges[param]
	if !ok || (x >= r[0] && x <= r[1]) {
		return
	}
	key := field + "\x00" + param
	if pl.reported[key] {
		return
	}
	pl.reported[key] = true
	pl.add(line, field, "%g is outside the range of %s, [%g, %g]", x, param, r[0], r[1])
}
