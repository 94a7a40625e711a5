package models_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// corpusCase is one row of a bad-input corpus (testdata/bad/*.tsv): the
// base file with the first occurrence of Old replaced by New must be
// refused with a line "FILE:LINE: FIELD: ..." containing Want, where LINE
// is the line of the first occurrence of At in the mutated file (of New
// when At is empty; no line when At is "-"). A row with an empty Want is
// a control that must be accepted.
type corpusCase struct {
	Line                            int // in the .tsv
	Name, Old, New, At, Field, Want string
}

// readCorpus reads a .tsv corpus: tab-separated name, old, new, at,
// field, want, each written as the inside of a Go string literal (\n, \t,
// \", \\ and \xHH escapes: \xff is the byte 0xff, for invalid UTF-8);
// lines starting with # are comments.
func readCorpus(t *testing.T, path string) []corpusCase {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var cs []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 6, "%s:%d: want 6 tab-separated fields", path, n)
		for i := range f {
			v, err := strconv.Unquote(`"` + f[i] + `"`)
			require.NoError(t, err, "%s:%d: field %d", path, n, i+1)
			f[i] = v
		}
		cs = append(cs, corpusCase{n, f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	require.NoError(t, sc.Err())
	return cs
}

// corpusTally counts what became of a corpus's inputs.
type corpusTally struct {
	tried, rejected, accepted, silent, panics, wrongMessage int
}

func (c corpusTally) String() string {
	return fmt.Sprintf("%d inputs tried: %d rejected cleanly with file, line and field, %d valid controls accepted; %d silently accepted, %d panics, %d rejected with another message",
		c.tried, c.rejected, c.accepted, c.silent, c.panics, c.wrongMessage)
}

// runCorpus applies each case to base and checks the outcome of load.
// NEGSIM_CORPUS_PRINT=1 prints every message, for writing new rows.
func runCorpus(t *testing.T, file, base string, cases []corpusCase, load func(name string, doc []byte) error) corpusTally {
	t.Helper()
	var tally corpusTally
	for _, c := range cases {
		tally.tried++
		doc := strings.Replace(base, c.Old, c.New, 1)
		if doc == base {
			t.Errorf("row %d (%s): old text not found in the base", c.Line, c.Name)
			continue
		}
		var err error
		panicked := func() (p any) {
			defer func() { p = recover() }()
			err = load(file, []byte(doc))
			return nil
		}()
		if panicked != nil {
			tally.panics++
			t.Errorf("row %d (%s): panic: %v", c.Line, c.Name, panicked)
			continue
		}
		if os.Getenv("NEGSIM_CORPUS_PRINT") == "1" {
			t.Logf("row %d (%s): %q", c.Line, c.Name, fmt.Sprint(err))
		}
		if c.Want == "" {
			if assert.NoError(t, err, "row %d (%s): a valid control", c.Line, c.Name) {
				tally.accepted++
			}
			continue
		}
		if err == nil {
			tally.silent++
			t.Errorf("row %d (%s): accepted, want %q", c.Line, c.Name, c.Want)
			continue
		}
		prefix := file + ": "
		if c.At != "-" {
			at := c.At
			if at == "" {
				at = c.New
			}
			prefix = fmt.Sprintf("%s:%d: ", file, lineOf(doc, at))
		}
		if c.Field != "" {
			prefix += c.Field + ": "
		}
		found := false
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.HasPrefix(line, prefix) && strings.Contains(line, c.Want) {
				found = true
			}
		}
		if !found {
			tally.wrongMessage++
			t.Errorf("row %d (%s): want a line %q ... %q, got\n%v", c.Line, c.Name, prefix, c.Want, err)
			continue
		}
		tally.rejected++
	}
	return tally
}

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
	cases := readCorpus(t, filepath.Join("testdata", "bad", "scenario.tsv"))
	tally := runCorpus(t, "base.yaml", base, cases, load)
	t.Log(tally)
	assert.GreaterOrEqual(t, tally.tried, 150)
}
