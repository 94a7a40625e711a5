package batch

import (
	"context"
	"fmt"
	"testing"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// benchScenario is the embedded default scenario when it compiles, else
// the engine's test scenario.
func benchScenario(b *testing.B) *models.Scenario {
	if s, err := models.Default(); err == nil {
		if _, err := sim.Compile(s); err == nil {
			return s
		}
	}
	return mini(b)
}

// BenchmarkBatch runs batches of the base variant in size tiers, with 1 and
// 2 workers, and reports replicates per second.
func BenchmarkBatch(b *testing.B) {
	s := benchScenario(b)
	for _, n := range []int{1000, 20000} {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/n=%d/workers=%d", s.Name, n, w), func(b *testing.B) {
				cfg := Config{Scenario: s, N: n, Seed: 1, Workers: w}
				for b.Loop() {
					if _, err := Run(context.Background(), cfg); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "replicates/s")
			})
		}
	}
}
