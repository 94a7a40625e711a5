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
	// base,deal,784,2000,0.392000,0.370831,0.413583,10.018,10,367,0.468112,0.433425,0.503111
	// base,side,315,2000,0.157500,0.142194,0.174119,10.302,11,0,0.000000,0.000000,0.012048
	// no_side,deal,783,2000,0.391500,0.370337,0.413079,9.937,10,353,0.450830,0.416303,0.485838
	// no_side,side,0,2000,0.000000,0.000000,0.001917,,,0,,,
}
