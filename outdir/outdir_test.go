package outdir

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// tree lists the regular files under dir with their contents.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[rel] = string(b)
		return err
	}))
	return m
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

// siblings lists the hidden siblings of dir.
func siblings(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	var s []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(dir)+".negsim-") {
			s = append(s, e.Name())
		}
	}
	sort.Strings(s)
	return s
}

func TestCommit(t *testing.T) {
	cases := []struct {
		name    string
		old     map[string]string // nil: no previous directory
		keep    func(string) bool
		written map[string]string
		want    map[string]string
	}{
		{name: "new directory",
			written: map[string]string{"summary.csv": "new", "manifest.json": "{}"},
			want:    map[string]string{"summary.csv": "new", "manifest.json": "{}"}},
		{name: "stale results removed, README and user files carried over",
			old: map[string]string{"summary.csv": "old", "replicates.csv": "stale", "sweep.csv": "stale",
				"fig.svg": "stale", "README.md": "readme", "notes.txt": "mine", "inc/manifest.json": "old", "inc/README.md": "r2"},
			written: map[string]string{"summary.csv": "new", "manifest.json": "{}"},
			want: map[string]string{"summary.csv": "new", "manifest.json": "{}", "README.md": "readme",
				"notes.txt": "mine", "inc/README.md": "r2"}},
		{name: "a file the run writes is not replaced by the old one",
			old:     map[string]string{"README.md": "old"},
			written: map[string]string{"README.md": "new"},
			want:    map[string]string{"README.md": "new"}},
		{name: "keep carries over shard counts",
			old: map[string]string{"counts-2-of-3.json": "c2", "progress.json": "p", "summary.csv": "old"},
			keep: func(rel string) bool {
				return Keep(rel) || strings.HasPrefix(filepath.Base(rel), "counts-")
			},
			written: map[string]string{"counts-1-of-3.json": "c1"},
			want:    map[string]string{"counts-1-of-3.json": "c1", "counts-2-of-3.json": "c2"}},
		{name: "a killed run's temporary files are not carried over",
			old:     map[string]string{".summary.csv.tmp-123": "half", "x.tmp-9": "half"},
			written: map[string]string{"summary.csv": "new"},
			want:    map[string]string{"summary.csv": "new"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if c.old != nil {
				write(t, dir, c.old)
			}
			tx, err := Begin(dir, c.keep)
			require.NoError(t, err)
			write(t, tx.Dir(), c.written)
			require.NoError(t, tx.Commit())
			require.Equal(t, c.want, tree(t, dir))
			require.Empty(t, siblings(t, dir))
		})
	}
}

func TestCommitByRenames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	write(t, dir, map[string]string{"summary.csv": "old", "README.md": "r"})
	tx, err := Begin(dir, nil)
	require.NoError(t, err)
	write(t, tx.Dir(), map[string]string{"summary.csv": "new"})
	require.NoError(t, tx.carryOver(tx.final, ""))
	require.NoError(t, swapByRenames(tx.tmp, tx.final))
	require.NoError(t, os.RemoveAll(tx.tmp))
	require.Equal(t, map[string]string{"summary.csv": "new", "README.md": "r"}, tree(t, dir))
	require.Empty(t, siblings(t, dir))
}

func TestAbortLeavesPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	old := map[string]string{"summary.csv": "old", "manifest.json": "{}"}
	write(t, dir, old)
	tx, err := Begin(dir, nil)
	require.NoError(t, err)
	write(t, tx.Dir(), map[string]string{"summary.csv": "new"})
	require.NoError(t, tx.Abort())
	require.Equal(t, old, tree(t, dir))
	require.Empty(t, siblings(t, dir))
	require.Error(t, tx.Commit(), "a finished transaction cannot commit")
}

func TestLeftovers(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	write(t, dir, map[string]string{"summary.csv": "old"})
	// A killed run's sibling, and a sibling of another directory.
	write(t, filepath.Join(parent, ".out.negsim-new-111"), map[string]string{"summary.csv": "half"})
	write(t, filepath.Join(parent, ".other.negsim-new-1"), map[string]string{"a": "b"})
	// A live run's sibling (locked) is left alone.
	live := filepath.Join(parent, ".out.negsim-new-222")
	require.NoError(t, os.Mkdir(live, 0o755))
	l, err := lockDir(live, true)
	require.NoError(t, err)
	defer l.Close()
	tx, err := Begin(dir, nil)
	require.NoError(t, err)
	require.NoError(t, tx.Abort())
	require.Equal(t, []string{".out.negsim-new-222"}, siblings(t, dir))
	_, err = os.Stat(filepath.Join(parent, ".other.negsim-new-1"))
	require.NoError(t, err)
}

func TestRestoreBetweenRenames(t *testing.T) {
	// A run killed between the two renames of swapByRenames: the output
	// directory is missing and the previous result sits aside.
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	write(t, filepath.Join(parent, ".out.negsim-old-5"), map[string]string{"summary.csv": "old"})
	write(t, filepath.Join(parent, ".out.negsim-new-6"), map[string]string{"summary.csv": "new"})
	require.NoError(t, Clean(dir))
	require.Equal(t, map[string]string{"summary.csv": "old"}, tree(t, dir))
	require.Empty(t, siblings(t, dir))
}

func TestBeginRefuses(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	write(t, parent, map[string]string{"file": "x", "src/main.go": "package main", "res/sub/manifest.json": "{}"})
	for _, c := range []struct{ dir, want string }{
		{file, "is not a directory"},
		{parent, "holds src/, a directory negsim did not write"},
	} {
		_, err := Begin(c.dir, nil)
		require.ErrorContains(t, err, c.want, c.dir)
	}
	tx, err := Begin(filepath.Join(parent, "res"), nil)
	require.NoError(t, err, "a directory of results is accepted")
	require.NoError(t, tx.Abort())
}

func TestCheckSpace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet")
	require.NoError(t, CheckSpace(dir, 0))
	err := CheckSpace(dir, 1<<62)
	require.ErrorContains(t, err, "free")
	require.ErrorContains(t, err, dir)
}
