package experiment

import "github.com/negsim/negsim/sim"

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

// ordered reports pins that leave a pair of parameters that must satisfy
// lo ≤ hi (red lines, a tactic's pmin and pmax) able to draw lo above hi:
// an interval that is empty after the experiment's fixed: or sweep values,
// though not in the scenario. m is the model with every pin applied.
func (pl *planner) ordered(m *sim.Model, line int, field string) {
	if pl.pairs == nil {
		pl.pairs = pl.p.Scenario.ParamPairs()
		if pl.reported == nil {
			pl.reported = map[string]bool{}
		}
	}
	if len(pl.pairs) == 0 {
		return
	}
	params := m.Params()
	for _, pr := range pl.pairs {
		i, err1 := m.ParamIndex(pr[0])
		j, err2 := m.ParamIndex(pr[1])
		if err1 != nil || err2 != nil {
			continue
		}
		_, loHi := params[i].Bounds()
		hiLo, _ := params[j].Bounds()
		if !(loHi > hiLo) {
			continue
		}
		key := field + "\x00" + pr[0]
		if pl.reported[key] {
			continue
		}
		pl.reported[key] = true
		pl.add(line, field, "with the experiment's pins %s can be as high as %g and %s as low as %g, so a replicate can draw an empty interval; %s must stay at or below %s",
			pr[0], loHi, pr[1], hiLo, pr[0], pr[1])
	}
}
