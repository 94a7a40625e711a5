package experiment

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/internal/corpustest"
)

// TestExperimentCorpus runs testdata/bad/bad.tsv: mutations of
// testdata/bad/base.yaml, each written beside a copy of testdata/mini.yaml
// (and two small experiments to include), loaded, planned against its
// scenario and checked against the size caps, as negsim experiment does
// before any replicate.
func TestExperimentCorpus(t *testing.T) {
	b, err := os.ReadFile("testdata/bad/base.yaml")
	require.NoError(t, err)
	mini, err := os.ReadFile("testdata/mini.yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	for name, body := range map[string]string{
		"mini.yaml":  string(mini),
		"other.yaml": "name: other\nverification: true\n",
		"bad2.yaml":  "name: bad2\nn: -1\n",
		"loop.yaml":  "name: loop\nincludes: [loop.yaml]\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	file := filepath.Join(dir, "base.yaml")
	load := func(name string, doc []byte) error {
		if err := os.WriteFile(name, doc, 0o644); err != nil {
			return err
		}
		s, err := Load(name)
		if err != nil {
			return err
		}
		p, err := NewPlan(s)
		if err != nil {
			return err
		}
		return p.CheckSize(0)
	}
	require.NoError(t, load(file, b), "the base must be valid")
	cases := corpustest.Read(t, filepath.Join("testdata", "bad", "bad.tsv"))
	tally := corpustest.Run(t, file, string(b), cases, load)
	t.Log(tally)
	assert.GreaterOrEqual(t, tally.Tried, 80)
}
