package models_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/internal/corpustest"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// TestScenarioCorpus runs testdata/bad/scenario.tsv: mutations of
// testdata/bad/base.yaml, each loaded, every variant resolved and
// compiled.
func TestScenarioCorpus(t *testing.T) {
	b, err := os.ReadFile("testdata/bad/base.yaml")
	require.NoError(t, err)
	base := string(b)
	load := func(name string, doc []byte) error {
		s, err := models.Parse(name, doc)
		if err != nil {
			return err
		}
		for _, v := range append([]string{"base"}, s.VariantNames("")...) {
			r, err := s.Resolve(v)
			if err != nil {
				return err
			}
			if _, err := sim.Compile(r); err != nil {
				return fmt.Errorf("variant %s: %w", v, err)
			}
		}
		return nil
	}
	require.NoError(t, load("base.yaml", b), "the base must be valid")
	cases := corpustest.Read(t, filepath.Join("testdata", "bad", "scenario.tsv"))
	tally := corpustest.Run(t, "base.yaml", base, cases, load)
	t.Log(tally)
	assert.GreaterOrEqual(t, tally.Tried, 150)
}
