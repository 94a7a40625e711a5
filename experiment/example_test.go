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
	// base,deal,795,2000,0.397500,0.376268,0.419125,9.982,10,350,0.440252,0.406113,0.474964
	// base,side,322,2000,0.161000,0.145545,0.177755,10.236,11,0,0.000000,0.000000,0.011789
	// no_side,deal,799,2000,0.399500,0.378247,0.421139,10.026,10,342,0.428035,0.394152,0.462607
	// no_side,side,0,2000,0.000000,0.000000,0.001917,,,0,,,
}
