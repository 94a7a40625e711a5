package experiment

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPinsKeepIntervals checks that pins and sweep values may not empty an
// interval the scenario keeps non-empty: kyiv's red lines on x in
// models/testdata/bad/base.yaml are min 10 and max 90.
func TestPinsKeepIntervals(t *testing.T) {
	scenario, err := os.ReadFile("../models/testdata/bad/base.yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.yaml"), scenario, 0o644))
	const head = "name: e\nscenario: s.yaml\nn: 100\n"
	cases := []struct {
		name, body, want string
	}{
		{"fixed min above max", "variants: [base]\nfixed: [{param: actors.kyiv.positions.x.min, value: 95}]\n",
			"e.yaml:5: fixed: with the experiment's pins actors.kyiv.positions.x.min can be as high as 95 and actors.kyiv.positions.x.max as low as 90, so a replicate can draw an empty interval"},
		{"a variant's pin", "variants: [{name: p, variant: base, fixed: [{param: actors.kyiv.positions.x.max, value: 5}]}]\n",
			"e.yaml:4: variants.p.fixed: with the experiment's pins actors.kyiv.positions.x.min can be as high as 10 and actors.kyiv.positions.x.max as low as 5"},
		{"sweep values below min", "variants: [base]\nsweep: {param: actors.kyiv.positions.x.max, values: [50, 5]}\n",
			"e.yaml:5: sweep.values[1]: with the experiment's pins actors.kyiv.positions.x.min can be as high as 10 and actors.kyiv.positions.x.max as low as 5"},
		{"both pinned in order", "variants: [base]\nfixed: [{param: actors.kyiv.positions.x.min, value: 95}, {param: actors.kyiv.positions.x.max, value: 99}]\n", ""},
		{"sweep within", "variants: [base]\nsweep: {param: actors.kyiv.positions.x.max, values: [10, 50]}\n", ""},
	}
	for _, c := range cases {
		path := filepath.Join(dir, "e.yaml")
		require.NoError(t, os.WriteFile(path, []byte(head+c.body), 0o644))
		s, err := Load(path)
		require.NoError(t, err, c.name)
		_, err = NewPlan(s)
		if c.want == "" {
			assert.NoError(t, err, c.name)
			continue
		}
		if assert.Error(t, err, c.name) {
			assert.Contains(t, err.Error(), c.want, c.name)
		}
	}
}
