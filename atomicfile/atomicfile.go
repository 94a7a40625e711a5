// Package atomicfile writes files so that readers see either the old file
// or the whole new one, never a part: every negsim output (result tables,
// manifests, figures, shard counts) goes through it.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes path by calling write on a temporary file in the same
// directory, syncing it and renaming it over path. If write or any step
// fails, the temporary file is removed and path is left untouched.
func Write(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	return f.Commit(write(f))
}

// WriteBytes writes data to path atomically.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// File is a file being written under a temporary name, for a caller that
// streams into it over time; Commit renames it to its final path.
type File struct {
	*os.File
	path string
}

// Create opens a temporary file in path's directory.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{File: f, path: path}, nil
}

// Commit finishes the file: if werr is nil it syncs, closes and renames it
// to its final path; otherwise, or if any of these steps fails, it removes
// it and returns the error.
func (f *File) Commit(werr error) error {
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
