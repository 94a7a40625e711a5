package references_test

import (
	"fmt"

	"github.com/negsim/negsim/models/references"
)

// The distribution a parameter citing the peace-settlement referendums
// with derive: beta must give: 1 of the 5 referendums passed, so the
// posterior of the pass rate under a uniform prior is Beta(1+1, 1+4).
func ExampleClass_Derive() {
	c, err := references.Lookup("peace-settlement-referendums")
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := c.Derive(references.Derivation{Method: references.DeriveBeta, Scale: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %v from %d of %d cases\n", d.Dist, d.Args, d.K, d.N)
	// Output: beta [2 5] from 1 of 5 cases
}
