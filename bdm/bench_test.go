package bdm

import (
	"strconv"
	"testing"
)

// BenchmarkBDM times ten rounds of the model: the EU emission-standards
// example (n = 10) and synthetic actors (n = 20, 40, 80). The cost per
// round should grow as n³ (every ordered pair's probability sums over all
// actors); the "ns/round" metric over the tiers shows the exponent.
func BenchmarkBDM(b *testing.B) {
	const rounds = 10
	cases := []struct {
		name   string
		actors []Actor
	}{{"example/n=10", example(b)}}
	for _, n := range []int{20, 40, 80} {
		cases = append(cases, struct {
			name   string
			actors []Actor
		}{"synthetic/n=" + strconv.Itoa(n), synthetic(n, uint64(n))})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var m *Model
			for b.Loop() {
				var err error
				if m, err = New(c.actors, Options{}); err != nil {
					b.Fatal(err)
				}
				m.Run(rounds)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rounds), "ns/round")
		})
	}
}
