package sim_test

import (
	"fmt"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// Run replicates of a scenario and count how often an outcome is reached.
// Each replicate owns the stream sim.Stream(seed, variant, i), so any split
// of the replicates over workers gives the same count.
func Example() {
	s, err := models.Load("testdata/mini.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := sim.Compile(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := sim.NewState(m)
	deals := 0
	for i := range uint64(1000) {
		s1, s2 := sim.Stream(1, "base", i)
		if st.Run(s1, s2, nil).OutcomeRound[0] >= 0 {
			deals++
		}
	}
	fmt.Println(m.Outcomes[0], deals > 0 && deals < 1000)
	// Output:
	// deal true
}
