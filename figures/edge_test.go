package figures

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEdgeCases draws degenerate tables: single rows, all-zero
// probabilities, more panels than a figure shows.
func TestEdgeCases(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("FIGURES_OUT"); d != "" {
		dir = d // to look at the drawings
	}
	out := func(n string) string { return filepath.Join(dir, n) }
	c := fixtureCaption

	require.NoError(t, Variants([]SummaryRow{{Variant: "only", Outcome: "ceasefire", N: 10, CIHigh: 0.3}}, c, out("v1")))
	var many []SummaryRow
	for i := range 12 {
		many = append(many, SummaryRow{Variant: fmt.Sprintf("v%02d", i), Outcome: "a-rather-long-outcome-name", N: 10, P: 0, CIHigh: 0.3})
	}
	require.NoError(t, Variants(many, c, out("v2")))

	var br []ByRoundRow
	for v := range 8 {
		for r := range 3 {
			br = append(br, ByRoundRow{Variant: fmt.Sprintf("variant-%d", v), Outcome: "ceasefire", Round: r, N: 10})
		}
	}
	require.NoError(t, ByRound(br, c, out("br")))
	require.NoError(t, ByRound(br[:1], c, out("br1")))

	require.NoError(t, Sweep([]SweepRow{{Variant: "a", Lever: "l", X: 0.5, Outcome: "o", N: 10, P: 0.2, CILow: 0.1, CIHigh: 0.3}}, c, out("sw")))
	long := Caption{N: 2000, Seed: 1, ScenarioSHA256: c.ScenarioSHA256,
		Name: "an-experiment-with-a-very-long-name-that-goes-on-and-on-to-fill-the-caption-line-and-more"}
	require.NoError(t, Sweep([]SweepRow{
		{Variant: "a-variant-with-a-long-name", Lever: "a lever whose name is long enough to overflow the title line: Moscow's reservation shift", X: 0, Outcome: "o", N: 10, P: 0.2, CILow: 0.1, CIHigh: 0.3},
		{Variant: "a-variant-with-a-long-name", Lever: "a lever whose name is long enough to overflow the title line: Moscow's reservation shift", X: 1, Outcome: "o", N: 10, P: 0.3, CILow: 0.2, CIHigh: 0.4},
	}, long, out("swlong")))
	require.NoError(t, Heatmap([]HeatmapRow{{Variant: "a", LeverX: "x", LeverY: "y", Outcome: "escalation", N: 10, P: 0.2, CILow: 0.1, CIHigh: 0.3}}, c, out("hm")))
	require.NoError(t, Heatmap([]HeatmapRow{
		{Variant: "a", LeverX: "x", X: 0, LeverY: "y", Outcome: "o", N: 10},
		{Variant: "a", LeverX: "x", X: 1, LeverY: "y", Outcome: "o", N: 10},
	}, c, out("hm0")))
	require.NoError(t, Tornado([]SensitivityRow{{Parameter: "p", Outcome: "o", Low: 0, High: 1, PLow: 0.5, CILowLow: 0.4, CILowHigh: 0.6, PHigh: 0.5, CIHighLow: 0.4, CIHighHigh: 0.6, PBase: 0.5}}, c, out("tn")))
	require.NoError(t, Convergence([]ConvergenceRow{{Variant: "a", Outcome: "o", N: 100, P: 0.1, CILow: 0.05, CIHigh: 0.2}}, c, out("cv")))
	require.NoError(t, Difference([]DifferenceRow{{VariantA: "a", VariantB: "b", Outcome: "o"}}, c, out("df")))
	var vr []VerificationRow
	for g := range 7 {
		vr = append(vr, VerificationRow{Game: fmt.Sprintf("g%d", g), Param: "x", X: 1, Engine: 1, ClosedForm: 1})
	}
	require.NoError(t, Verification(vr, c, out("vr")))
}

func TestWrap(t *testing.T) {
	sty := textStyle(10)
	w := sty.Width("aaaa bbbb")
	assert.Equal(t, "aaaa bbbb\ncccc", wrapWords(sty, "aaaa bbbb cccc", w))
	assert.Equal(t, "aaaa bbbb cccc", wrapWords(sty, "aaaa bbbb cccc", 10*w))
	assert.Equal(t, "x\nverylongwordthatdoesnotfit\ny", wrapWords(sty, "x verylongwordthatdoesnotfit y", w))
	assert.Equal(t, "a · b ·\nc", wrapJoin(sty, []string{"a", "b", "c"}, captionSep, sty.Width("a · b · ")))
	assert.Equal(t, "association_\nsigned", wrapName(sty, "association_signed", sty.Width("association_")))
}
