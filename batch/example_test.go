package batch_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/models"
)

// Run a batch of the closed-form test scenario and print each variant's
// probability of a deal with its 95% interval. The true probabilities are
// 0.3655 (base) and 0.7311 (sure); see testdata/coin.yaml.
func ExampleRun() {
	s, err := models.Load("testdata/coin.yaml")
	if err != nil {
		log.Fatal(err)
	}
	res, err := batch.Run(context.Background(), batch.Config{
		Scenario: s, Variants: []string{"base", "sure"}, N: 10000, Seed: 1, Workers: 2,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range res.Cells {
		lo, hi := c.Interval(0, 0.95)
		fmt.Printf("%s: P(%s) = %.3f [%.3f, %.3f], n = %d\n", c.Variant, c.Outcomes[0], c.P(0), lo, hi, c.N)
	}
	if err := res.WriteSummary(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// base: P(deal) = 0.369 [0.360, 0.379], n = 10000
	// sure: P(deal) = 0.732 [0.723, 0.740], n = 10000
	// variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round,below_reservation,below_share,below_ci_low,below_ci_high
	// base,deal,3691,10000,0.369100,0.359694,0.378607,0.000,0,0,0.000000,0.000000,0.001040
	// sure,deal,7319,10000,0.731900,0.723130,0.740492,0.000,0,0,0.000000,0.000000,0.000525
}
