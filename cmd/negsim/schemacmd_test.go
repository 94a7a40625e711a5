package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchemaGolden keeps docs/schema/*.schema.json equal to what negsim
// schema prints; after a change of the scenario or experiment types,
// refresh them with go test ./cmd/negsim -run SchemaGolden -update.
func TestSchemaGolden(t *testing.T) {
	for _, kind := range []string{"scenario", "experiment"} {
		code, out, errs := cli(t, "schema", kind)
		require.Equal(t, 0, code, errs)
		path := "../../docs/schema/" + kind + ".schema.json"
		if *update {
			require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		if got := out; got != string(want) {
			gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
			i := 0
			for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
				i++
			}
			t.Errorf("%s is stale from line %d (negsim prints %q there); refresh it with go test ./cmd/negsim -run SchemaGolden -update",
				path, i+1, strings.TrimSpace(gl[min(i, len(gl)-1)]))
		}
	}
	_, def, _ := cli(t, "schema")
	_, scen, _ := cli(t, "schema", "scenario")
	assert.Equal(t, scen, def, "negsim schema prints the scenario schema")
	code, _, errs := cli(t, "schema", "policy")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "allowed: scenario, experiment")
}
