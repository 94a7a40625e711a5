package limitread

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	require.NoError(t, os.WriteFile(small, []byte("12345"), 0o644))
	cases := []struct {
		path  string
		limit int64
		want  string // "" for no error
	}{
		{small, 5, ""},
		{small, 4, small + " is 5 bytes; at most 4 are allowed"},
		{dir, 10, dir + " is a directory, not a file"},
		{"/dev/zero", 1 << 20, "/dev/zero is a character device that gave more than 1048576 bytes (reading stopped there); at most 1048576 are allowed"},
		{filepath.Join(dir, "missing"), 10, "no such file or directory"},
	}
	for _, c := range cases {
		start := time.Now()
		b, err := ReadFile(c.path, c.limit)
		if c.want == "" {
			assert.NoError(t, err, c.path)
			assert.Equal(t, "12345", string(b))
			continue
		}
		if assert.Error(t, err, c.path) {
			assert.Contains(t, err.Error(), c.want)
		}
		assert.Less(t, time.Since(start), 5*time.Second, c.path)
	}
	_, err := ReadFile("/dev/zero", 10)
	var tl *TooLarge
	assert.True(t, errors.As(err, &tl))
}
