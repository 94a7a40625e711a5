// Package corpustest runs bad-input corpora: tables of mutations of a valid
// input file, each with the message it must be refused with (file, line,
// field and text), kept in testdata/bad/*.tsv of the package whose loader
// they test. It counts the inputs tried, rejected cleanly, accepted as valid
// controls, silently accepted and panicking.
package corpustest

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
)

// Case is one row of a bad-input corpus (testdata/bad/*.tsv): the
// base file with the first occurrence of Old replaced by New must be
// refused with a line "FILE:LINE: FIELD: ..." containing Want, where LINE
// is the line of the first occurrence of At in the mutated file (of New
// when At is empty; no line when At is "-"; "@NAME" or "@NAME:LINE" when
// the message is about another file, NAME relative to FILE's directory).
// A row with an empty Want is a control that must be accepted.
type Case struct {
	Line                            int // in the .tsv
	Name, Old, New, At, Field, Want string
}

// Read reads a .tsv corpus: tab-separated name, old, new, at,
// field, want, each written as the inside of a Go string literal (\n, \t,
// \", \\ and \xHH escapes: \xff is the byte 0xff, for invalid UTF-8);
// lines starting with # are comments.
func Read(t testing.TB, path string) []Case {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var cs []Case
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
		cs = append(cs, Case{n, f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	require.NoError(t, sc.Err())
	return cs
}

// Tally counts what became of a corpus's inputs.
type Tally struct {
	Tried, Rejected, Accepted, Silent, Panics, WrongMessage int
}

func (c Tally) String() string {
	return fmt.Sprintf("%d inputs tried: %d rejected cleanly with file, line and field, %d valid controls accepted; %d silently accepted, %d panics, %d rejected with another message",
		c.Tried, c.Rejected, c.Accepted, c.Silent, c.Panics, c.WrongMessage)
}

// Run applies each case to base and checks the outcome of load.
// NEGSIM_CORPUS_PRINT=1 prints every message, for writing new rows.
func Run(t *testing.T, file, base string, cases []Case, load func(name string, doc []byte) error) Tally {
	t.Helper()
	var tally Tally
	for _, c := range cases {
		tally.Tried++
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
			tally.Panics++
			t.Errorf("row %d (%s): panic: %v", c.Line, c.Name, panicked)
			continue
		}
		if os.Getenv("NEGSIM_CORPUS_PRINT") == "1" {
			t.Logf("row %d (%s): %q", c.Line, c.Name, fmt.Sprint(err))
		}
		if c.Want == "" {
			if assert.NoError(t, err, "row %d (%s): a valid control", c.Line, c.Name) {
				tally.Accepted++
			}
			continue
		}
		if err == nil {
			tally.Silent++
			t.Errorf("row %d (%s): accepted, want %q", c.Line, c.Name, c.Want)
			continue
		}
		prefix := file + ": "
		switch {
		case strings.HasPrefix(c.At, "@"):
			// Another file: @NAME or @NAME:LINE, NAME relative to file's
			// directory unless absolute.
			other := c.At[1:]
			if !filepath.IsAbs(other) {
				other = filepath.Join(filepath.Dir(file), other)
			}
			prefix = other + ": "
			if i := strings.LastIndex(c.At, ":"); i > 0 {
				prefix = other + ": "
				name, line := c.At[1:i], c.At[i+1:]
				if !filepath.IsAbs(name) {
					name = filepath.Join(filepath.Dir(file), name)
				}
				prefix = name + ":" + line + ": "
			}
		case c.At != "-":
			at := c.At
			if at == "" {
				at = c.New
			}
			prefix = fmt.Sprintf("%s:%d: ", file, LineOf(doc, at))
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
			tally.WrongMessage++
			t.Errorf("row %d (%s): want a line %q ... %q, got\n%v", c.Line, c.Name, prefix, c.Want, err)
			continue
		}
		tally.Rejected++
	}
	return tally
}

// LineOf returns the 1-based line of the first occurrence of s in doc, or 0.
func LineOf(doc, s string) int {
	i := strings.Index(doc, s)
	if i < 0 {
		return 0
	}
	return 1 + strings.Count(doc[:i], "\n")
}
