package models_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/negsim/negsim/models"
)

// withCompositions returns the default scenario with n policies and n
// readings added, each extending one of the file's own policies or
// readings in turn, so that every one of the n×n compositions resolves.
func withCompositions(tb testing.TB, n int) *models.Scenario {
	tb.Helper()
	base, err := models.Default()
	if err != nil {
		tb.Fatal(err)
	}
	policies, readings := base.VariantNames("policy"), base.VariantNames("reading")
	var b strings.Builder
	b.Write(models.DefaultBytes()) // variants: is the file's last section
	for i := range n {
		fmt.Fprintf(&b, "  gen-policy-%d: {kind: policy, assumption: generated, extends: [%s]}\n", i, policies[i%len(policies)])
		fmt.Fprintf(&b, "  gen-reading-%d: {kind: reading, assumption: generated, extends: [%s]}\n", i, readings[i%len(readings)])
	}
	s, err := models.Parse("generated.yaml", []byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkValidateCompositions resolves every policy with every reading,
// as negsim validate does, for n policies and n readings added to the
// default scenario, and reports the cost of one composition: it stays the
// same as n grows when the total is linear in the number of compositions.
func BenchmarkValidateCompositions(b *testing.B) {
	for _, n := range []int{5, 10, 20, 40} { // small, medium, large, huge
		b.Run(fmt.Sprintf("%dx%d", n, n), func(b *testing.B) {
			s := withCompositions(b, n)
			start, count := time.Now(), 0
			for b.Loop() {
				for p := range n {
					for r := range n {
						if _, err := s.Resolve(fmt.Sprintf("gen-policy-%d+gen-reading-%d", p, r)); err != nil {
							b.Fatal(err)
						}
						count++
					}
				}
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(count), "ns/composition")
		})
	}
}
