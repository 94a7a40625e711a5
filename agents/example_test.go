package agents_test

import (
	"fmt"

	"github.com/negsim/negsim/agents"
)

// A Boulware responder (e = 0.5) lowers its reservation from 0.8 to 0.4 over
// the horizon, slowly at first; halfway through it still asks for 0.7.
func ExampleConcession() {
	for _, t := range []float64{0, 0.5, 1} {
		f := agents.Concession(t, 0.5, 0)
		fmt.Printf("t=%.1f F=%.2f reservation=%.2f\n", t, f, agents.Reservation(0.8, 0.4, f))
	}
	// Output:
	// t=0.0 F=0.00 reservation=0.80
	// t=0.5 F=0.25 reservation=0.70
	// t=1.0 F=1.00 reservation=0.40
}

func ExampleLogit() {
	u := agents.Utility([]float64{60}, []float64{100}, []float64{1}) // 0.6
	fmt.Printf("U=%.2f P(accept)=%.3f\n", u, agents.Logit{}.Prob(u-0.5, 0.1))
	// Output:
	// U=0.60 P(accept)=0.731
}
