package batch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes path by calling write on a temporary file in the
// same directory, syncing it and renaming it over path, so that readers see
// either the old file or the whole new one, never a part. If write or any
// step fails the temporary file is removed and path is left untouched.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	return f.commit(write(f.File))
}

// tempFile is a file being written under a temporary name, to be renamed to
// its final path.
type tempFile struct {
	*os.File
	path string
}

func createTemp(path string) (*tempFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &tempFile{File: f, path: path}, nil
}

// commit finishes the file: on a nil werr it syncs, closes and renames it to
// its final path; otherwise, or if any of these fails, it removes it.
func (f *tempFile) commit(werr error) error {
	err := werr
	if err == nil {
		// CreateTemp makes the file private; results are for sharing.
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// abort removes the temporary file.
func (f *tempFile) abort() {
	f.Close()
	os.Remove(f.Name())
}

// CheckWritable reports whether files can be created in dir, creating dir
// if it does not exist, by creating and removing a temporary file there.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create output directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".negsim-check-*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
