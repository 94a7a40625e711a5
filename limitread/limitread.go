// Package limitread reads input files through a size limit whatever they
// are: a regular file's reported size is checked first, and any file
// (a character device such as /dev/zero, a FIFO, a file growing while it is
// read) is read at most one byte past the limit, so that a wrong path
// cannot exhaust memory.
package limitread

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLarge is the error of a file beyond its limit.
type TooLarge struct {
	Path  string
	What  string // "file", "character device", …
	Limit int64
	Size  int64 // the reported size, or -1 when reading stopped at the limit
}

func (e *TooLarge) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("%s is %d bytes; at most %d are allowed", e.Path, e.Size, e.Limit)
	}
	return fmt.Sprintf("%s is a %s that gave more than %d bytes (reading stopped there); at most %d are allowed", e.Path, e.What, e.Limit, e.Limit)
}

// ErrIsDir is returned for a directory.
var ErrIsDir = errors.New("is a directory, not a file")

// ReadFile reads the file at path, refusing with a *TooLarge error one
// larger than limit bytes.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s %w", path, ErrIsDir)
	}
	if st.Mode().IsRegular() && st.Size() > limit {
		return nil, &TooLarge{Path: path, What: "file", Limit: limit, Size: st.Size()}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLarge{Path: path, What: kind(st.Mode()), Limit: limit, Size: -1}
	}
	return data, nil
}

func kind(m os.FileMode) string {
	switch {
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	}
	return "file"
}
