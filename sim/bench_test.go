package sim_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// benchVariants are the variants of the default scenario whose cost the
// README quotes: the status-quo base, the plan a plain negsim run shows,
// and the plan under each reading.
var benchVariants = []string{"base", "full-plan", "full-plan+advocate", "full-plan+sceptic", "full-plan+eu-mediator", "full-plan+bdm-forecast"}

// BenchmarkReplicate measures one replicate of the default scenario per
// variant, and of synthetic scenarios in size tiers (actors × issues ×
// rounds), reporting ns/replicate and rounds/replicate.
func BenchmarkReplicate(b *testing.B) {
	for _, v := range benchVariants {
		b.Run(v, func(b *testing.B) {
			s, err := benchScenario()
			require.NoError(b, err)
			r, err := s.Resolve(v)
			require.NoError(b, err)
			m, err := sim.Compile(r)
			require.NoError(b, err)
			benchModel(b, m)
		})
	}
	for _, size := range []struct{ actors, issues, rounds int }{
		{2, 2, 36}, {4, 4, 36}, {8, 8, 36}, {16, 16, 36}, {8, 8, 144},
	} {
		b.Run(fmt.Sprintf("synthetic/a%d-i%d-h%d", size.actors, size.issues, size.rounds), func(b *testing.B) {
			s, err := models.Parse("synthetic.yaml", []byte(synthetic(size.actors, size.issues, size.rounds)))
			require.NoError(b, err)
			m, err := sim.Compile(s)
			require.NoError(b, err)
			benchModel(b, m)
		})
	}
}

// benchScenario is the default scenario, or the file NEGSIM_BENCH_SCENARIO
// names (to compare the engine on a fixed scenario while the default moves).
func benchScenario() (*models.Scenario, error) {
	if f := os.Getenv("NEGSIM_BENCH_SCENARIO"); f != "" {
		return models.Load(f)
	}
	return models.Default()
}

func benchModel(b *testing.B, m *sim.Model) {
	st := sim.NewState(m)
	var i uint64
	rounds := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		s1, s2 := sim.Stream(1, "bench", i)
		rounds += st.Run(s1, s2, nil).Rounds
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/replicate")
	b.ReportMetric(float64(rounds)/float64(b.N), "rounds/replicate")
}

// synthetic builds a one-table mediated negotiation with n signatories
// (none of which ever accepts, so every round runs: the worst case) over k
// issues, for H rounds, ratified by a consensus of all signatories.
func synthetic(n, k, h int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: synthetic\nhorizon: %d\nactors:\n", h)
	pos := func(ideal string) string {
		var p strings.Builder
		for i := range k {
			fmt.Fprintf(&p, "      x%d: {ideal: {%s, assumption: t}, salience: {uniform: [0.2, 1], assumption: t}}\n", i, ideal)
		}
		return p.String()
	}
	fmt.Fprintf(&b, "  med:\n    power: {value: 1, assumption: t}\n    positions:\n%s    tables: {tab: {concession: {e: {uniform: [0.5, 2], assumption: t}}}}\n", pos("value: 50"))
	for a := range n {
		fmt.Fprintf(&b, "  a%d:\n    power: {uniform: [0.5, 2], assumption: t}\n    positions:\n%s", a, pos("uniform: [0, 100]"))
		fmt.Fprintf(&b, "    tables: {tab: {reservation: {uniform: [1.5, 2], assumption: t}, reservation_end: {uniform: [1.2, 1.5], assumption: t}, concession: {e: {uniform: [0.5, 2], assumption: t}}, noise: {uniform: [0.01, 0.05], assumption: t}}}\n")
	}
	b.WriteString("issues:\n")
	for i := range k {
		fmt.Fprintf(&b, "  x%d: {table: tab, status_quo: {value: 0, assumption: t}}\n", i)
	}
	b.WriteString("tables:\n  tab: {protocol: mediated, mediator: med, signatories: [")
	for a := range n {
		if a > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "a%d", a)
	}
	b.WriteString("]}\noutcomes:\n  deal: {table: tab}\n")
	return b.String()
}
