package bdm_test

import (
	"fmt"

	"github.com/negsim/negsim/bdm"
)

// The worked example of Bueno de Mesquita (1994, p. 78): ten EC members'
// preferred date (years) for emission standards on medium-sized cars. The
// weighted mean and median are the forecast after each round; Belgium,
// Luxembourg and Ireland are the only ones who move.
func Example() {
	actors := []bdm.Actor{
		{Name: "Netherlands", Capability: 0.08, Position: 4, Salience: 0.8},
		{Name: "Belgium", Capability: 0.08, Position: 7, Salience: 0.4},
		{Name: "Luxembourg", Capability: 0.03, Position: 4, Salience: 0.2},
		{Name: "Germany", Capability: 0.16, Position: 4, Salience: 0.8},
		{Name: "France", Capability: 0.16, Position: 10, Salience: 0.6},
		{Name: "Italy", Capability: 0.16, Position: 10, Salience: 0.6},
		{Name: "UK", Capability: 0.16, Position: 10, Salience: 0.9},
		{Name: "Ireland", Capability: 0.05, Position: 7, Salience: 0.1},
		{Name: "Denmark", Capability: 0.05, Position: 4, Salience: 1.0},
		{Name: "Greece", Capability: 0.08, Position: 7, Salience: 0.7},
	}
	m, err := bdm.New(actors, bdm.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for m.Round() < 3 {
		m.Step()
		mean, median := m.Forecast()
		fmt.Printf("round %d: mean %.3f, median %.3f\n", m.Round(), mean, median)
		for i := 0; i < m.Len(); i++ {
			if mv := m.Move(i); mv.Kind != bdm.NoMove {
				fmt.Printf("  %s: %s with %s, to %.3f\n", m.Name(i), mv.Kind, m.Name(mv.Proposer), mv.Position)
			}
		}
	}
	// Output:
	// round 1: mean 7.461, median 8.416
	//   Belgium: compromise with France, to 8.416
	//   Luxembourg: confrontation with Belgium, to 7.000
	//   Ireland: confrontation with Luxembourg, to 4.000
	// round 2: mean 7.553, median 9.611
	//   Belgium: compromise with France, to 9.611
	//   Luxembourg: confrontation with Belgium, to 8.416
	//   Ireland: confrontation with Luxembourg, to 7.000
	// round 3: mean 7.590, median 9.962
	//   Belgium: compromise with France, to 9.962
	//   Luxembourg: confrontation with Belgium, to 9.611
	//   Ireland: confrontation with Luxembourg, to 8.416
}
