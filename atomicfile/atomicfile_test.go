package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	require.NoError(t, WriteBytes(path, []byte("one")))
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error { io.WriteString(w, "two"); return boom })
	require.ErrorIs(t, err, boom)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "one", string(got), "a failed write leaves the old file")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1, "no temporary file left")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

func TestCheckWritable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	require.NoError(t, CheckWritable(dir))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, ents, "the probe file is removed")
	assert.Error(t, CheckWritable("/proc/negsim-cannot-exist"))
}

func ExampleWriteBytes() {
	dir, _ := os.MkdirTemp("", "atomicfile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "summary.csv")
	if err := WriteBytes(path, []byte("variant,outcome\n")); err != nil {
		panic(err)
	}
	b, _ := os.ReadFile(path)
	os.Stdout.Write(b)
	// Output:
	// variant,outcome
}
