package outdir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Tx is an output directory being written. Files go into Dir(); Commit
// swaps it into place, Abort discards it.
type Tx struct {
	final string // the output directory, absolute
	tmp   string // the hidden sibling written into
	lock  *os.File
	keep  func(rel string) bool
	done  bool
}

// Sibling name prefixes: ".DIR.negsim-new-*" is a run in progress (or a
// killed run's leftover), ".DIR.negsim-old-*" a previous result between
// the two renames of a commit without RENAME_EXCHANGE.
const (
	newInfix = ".negsim-new-"
	oldInfix = ".negsim-old-"
)

// Keep is the default carry-over rule: README.md at any depth.
func Keep(rel string) bool { return filepath.Base(rel) == "README.md" }

// Begin starts a transaction on dir. It refuses a dir that exists but is
// not a directory, or that holds a subdirectory which is not a negsim
// result (so that "-o ." in a source tree cannot replace it); it removes
// the leftovers of killed runs into dir and creates the hidden sibling.
// keep reports, for a path relative to dir, whether a file of the
// previous directory that the new run does not write is carried over; nil
// means Keep.
func Begin(dir string, keep func(rel string) bool) (*Tx, error) {
	if keep == nil {
		keep = Keep
	}
	final, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if r, err := filepath.EvalSymlinks(final); err == nil {
		final = r
	}
	parent, base := filepath.Split(final)
	if base == "" || base == "." || base == ".." {
		return nil, fmt.Errorf("%s: cannot replace the root directory", dir)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if fi, err := os.Stat(final); err == nil {
		if !fi.IsDir() {
			return nil, fmt.Errorf("%s exists and is not a directory", dir)
		}
		if err := checkOwned(final, dir); err != nil {
			return nil, err
		}
	}
	if err := Clean(final); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+newInfix+"*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	lock, err := lockDir(tmp, true)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Tx{final: final, tmp: tmp, lock: lock, keep: keep}, nil
}

// Dir is the directory to write the run's files into.
func (t *Tx) Dir() string { return t.tmp }

// Final is the output directory the transaction replaces (absolute).
func (t *Tx) Final() string { return t.final }

// lockDir takes an advisory lock on a run's hidden sibling, so that Clean
// leaves a sibling alone while its run is alive. wait false fails at once
// if another process holds it.
func lockDir(dir string, wait bool) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	if err := unix.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Clean removes what killed runs into dir left behind: hidden
// ".DIR.negsim-new-*" siblings whose run is no longer alive, and
// ".DIR.negsim-old-*" siblings. If dir itself is missing because a run
// died between the two renames of a commit, the previous result is put
// back first.
func Clean(dir string) error {
	final, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	parent, base := filepath.Split(final)
	entries, err := os.ReadDir(parent)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	_, statErr := os.Lstat(final)
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(parent, name)
		switch {
		case strings.HasPrefix(name, "."+base+oldInfix):
			if errors.Is(statErr, fs.ErrNotExist) {
				if err := os.Rename(path, final); err != nil {
					return fmt.Errorf("restore %s from %s: %w", dir, name, err)
				}
				statErr = nil
				continue
			}
		case strings.HasPrefix(name, "."+base+newInfix):
			l, err := lockDir(path, false)
			if err != nil {
				continue // alive, or not ours to remove
			}
			l.Close()
		default:
			continue
		}
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("remove the leftover %s of a killed run: %w", path, err)
		}
	}
	return nil
}

// checkOwned refuses a directory holding a subdirectory that negsim did
// not write: a result subdirectory holds a manifest.json, counts or
// progress file, or else nothing but such subdirectories.
func checkOwned(dir, name string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		if !isResultDir(sub) {
			return fmt.Errorf("%s holds %s/, a directory negsim did not write; write into a new directory or one holding only negsim results", name, e.Name())
		}
	}
	return nil
}

func isResultDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	others := false
	for _, e := range entries {
		n := e.Name()
		switch {
		case !e.IsDir() && (n == "manifest.json" || strings.HasPrefix(n, "counts") || strings.HasPrefix(n, "progress")):
			return true
		case !e.IsDir() || !isResultDir(filepath.Join(dir, n)):
			others = true
		}
	}
	return !others
}

// resultFile reports whether a file of the previous directory is one a
// run writes (so is removed if the new run does not write it again),
// rather than one a user put there (carried over).
func resultFile(name string) bool {
	for _, ext := range []string{".csv", ".csv.gz", ".json", ".svg", ".png", ".html", ".pdf", ".parquet", ".tmp"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return strings.Contains(name, ".tmp-")
}

// Commit carries over the files of the previous directory the run did not
// write and keep selects (and files a user put there), syncs every file
// and directory of the new one, swaps it into place and removes the
// previous one. On error the previous directory is left in place.
func (t *Tx) Commit() error {
	if t.done {
		return errors.New("outdir: transaction already finished")
	}
	if err := t.carryOver(t.final, ""); err != nil {
		t.Abort()
		return err
	}
	if err := syncTree(t.tmp); err != nil {
		t.Abort()
		return fmt.Errorf("sync %s: %w", t.final, err)
	}
	parent := filepath.Dir(t.final)
	if err := swap(t.tmp, t.final); err != nil {
		t.Abort()
		return fmt.Errorf("replace %s: %w", t.final, err)
	}
	t.done = true
	t.lock.Close()
	// After a swap, t.tmp holds the previous result (or nothing).
	rmErr := os.RemoveAll(t.tmp)
	if err := syncDir(parent); err != nil {
		return fmt.Errorf("sync %s: %w", parent, err)
	}
	if rmErr != nil {
		return fmt.Errorf("remove the previous result of %s: %w", t.final, rmErr)
	}
	return nil
}

// Abort discards the new directory, leaving the previous one as it was.
func (t *Tx) Abort() error {
	if t.done {
		return nil
	}
	t.done = true
	t.lock.Close()
	return os.RemoveAll(t.tmp)
}

// carryOver hard-links (or copies) into the new tree each file of the
// previous directory at rel that the new run did not write and that is
// kept or not a result file, recursing into result subdirectories.
func (t *Tx) carryOver(old, rel string) error {
	entries, err := os.ReadDir(filepath.Join(old, rel))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		r := filepath.Join(rel, e.Name())
		dst := filepath.Join(t.tmp, r)
		if e.IsDir() {
			if err := t.carryOver(old, r); err != nil {
				return err
			}
			continue
		}
		if !e.Type().IsRegular() || strings.Contains(e.Name(), ".tmp-") {
			continue
		}
		if _, err := os.Lstat(dst); err == nil {
			continue // written by the new run
		}
		if resultFile(e.Name()) && !t.keep(r) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		src := filepath.Join(old, r)
		if err := os.Link(src, dst); err != nil {
			if err := copyFile(src, dst); err != nil {
				return fmt.Errorf("carry %s over: %w", src, err)
			}
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// swap puts the directory tmp at final. If final exists, the two are
// exchanged in one step (renameat2 RENAME_EXCHANGE) and tmp then holds the
// previous directory; where the file system cannot exchange, final is
// first renamed aside (a run killed between the two renames is repaired
// by Clean).
func swap(tmp, final string) error {
	if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, final)
	}
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, final, unix.RENAME_EXCHANGE)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EOPNOTSUPP) {
		return err
	}
	return swapByRenames(tmp, final)
}

// swapByRenames is swap without RENAME_EXCHANGE.
func swapByRenames(tmp, final string) error {
	parent, base := filepath.Split(final)
	old, err := os.MkdirTemp(parent, "."+base+oldInfix+"*")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(final, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		if rerr := os.Rename(old, final); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	// Callers remove tmp after a swap; it now names the previous result.
	return os.Rename(old, tmp)
}

// syncTree fsyncs every file and directory under root.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !d.Type().IsRegular() {
			return nil
		}
		return syncPath(path)
	})
}

func syncDir(dir string) error { return syncPath(dir) }

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
