package outdir

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// MinFree is the free space CheckSpace asks for beyond a run's own
// estimate: room for a manifest and the file system's own needs.
const MinFree = 1 << 20

// CheckSpace reports, before any work, whether the file system that will
// hold dir has at least need+MinFree bytes available to this user. dir
// need not exist yet; its nearest existing ancestor is checked. A disk
// that fills during the run anyway leaves the previous result in place
// (Commit is never reached).
func CheckSpace(dir string, need int64) error {
	p, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for {
		if _, err := os.Stat(p); err == nil {
			break
		}
		up := filepath.Dir(p)
		if up == p {
			break
		}
		p = up
	}
	var st unix.Statfs_t
	if err := unix.Statfs(p, &st); err != nil {
		return fmt.Errorf("free space of %s: %w", p, err)
	}
	avail := int64(st.Bavail) * int64(st.Bsize)
	if avail < need+MinFree {
		return fmt.Errorf("%s: only %s free on its file system, and this run needs about %s; free some space or choose another -o",
			dir, human(avail), human(need+MinFree))
	}
	return nil
}

func human(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", b)
}
