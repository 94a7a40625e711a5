package sim_test

import (
	"testing"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// TestWithParam replaces a uniform parameter of testdata/mini.yaml by
// another uniform and by a constant, and checks that the original model is
// unchanged and that every other draw of a replicate stays the same: both
// replacements consume what the old distribution consumed.
func TestWithParam(t *testing.T) {
	s, err := models.Load("testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	const path = "actors.a.positions.guard.salience" // uniform[0.5, 1]
	slot, err := m.ParamIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	old := m.Params()[slot]
	lower := models.Param{Dist: models.DistUniform, Args: []float64{0, 0.5}, Assumption: "test", Set: true}
	fixed := models.Fixed(0.25, "test")
	ml, mf := m.WithParam(slot, lower), m.WithParam(slot, fixed)
	if got := m.Params()[slot]; got.String() != old.String() {
		t.Fatalf("original model changed: %s, want %s", got, old)
	}
	if got := ml.Params()[slot].String(); got != "uniform[0, 0.5]" {
		t.Errorf("replaced parameter is %s, want uniform[0, 0.5]", got)
	}
	if ml.Params()[slot].Line != old.Line {
		t.Errorf("line %d, want the slot's line %d", ml.Params()[slot].Line, old.Line)
	}
	base, low, fix := sim.NewState(m), sim.NewState(ml), sim.NewState(mf)
	for i := range uint64(50) {
		s1, s2 := sim.Stream(1, "base", i)
		a := append([]float64(nil), base.Run(s1, s2, nil).Params...)
		b := low.Run(s1, s2, nil).Params
		c := fix.Run(s1, s2, nil).Params
		for k := range a {
			switch {
			case k != slot && (a[k] != b[k] || a[k] != c[k]):
				t.Fatalf("replicate %d: slot %d drew %v, %v and %v; want the same draw", i, k, a[k], b[k], c[k])
			case k == slot && (b[k] < 0 || b[k] > 0.5 || c[k] != 0.25):
				t.Fatalf("replicate %d: replaced slot drew %v and %v", i, b[k], c[k])
			case k == slot && !closeTo(b[k], a[k]-0.5):
				// Both uniforms map the same number u: 0.5+0.5u and 0.5u.
				t.Fatalf("replicate %d: replaced slot drew %v from the old draw %v; want old − 0.5", i, b[k], a[k])
			}
		}
	}
}

func closeTo(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }
