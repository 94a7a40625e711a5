package experiment_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/negsim/negsim/experiment"
)

// Example runs a small experiment on the test scenario and prints its
// summary table.
func Example() {
	spec, err := experiment.Parse("testdata/example.yaml", []byte(`
name: example
scenario: mini.yaml
variants: [base, no_side]
outcomes: [deal, side]
n: 2000
seed: 7
figures: [variants]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := experiment.NewPlan(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := experiment.Run(ctx, p, experiment.Options{Workers: 2}); err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	if err := experiment.WriteFiles(ctx, p, dir, "example"); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	fmt.Print(string(b))
	// Output:
	// variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round,below_reservation,below_share,below_ci_low,below_ci_high
	// base,deal,814,2000,0.407000,0.385668,0.428689,9.928,10,385,0.472973,0.438882,0.507318
	// base,side,375,2000,0.187500,0.170999,0.205199,10.269,11,0,0.000000,0.000000,0.010140
	// no_side,deal,784,2000,0.392000,0.370831,0.413583,9.906,10,367,0.468112,0.433425,0.503111
	// no_side,side,0,2000,0.000000,0.000000,0.001917,,,0,,,
}
