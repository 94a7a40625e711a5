package main

import (
	"context"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"
)

// version returns the module version and the VCS revision the binary was
// built from, as recorded by the Go toolchain. go run, and builds with
// -buildvcs=false, record no revision; then, when the working directory is
// inside a git checkout, the checkout's revision is asked of git, so that
// manifests still say which code made a result.
func version() string {
	v := "(devel)"
	rev, modified := "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if rev == "" {
		rev, modified = gitRevision()
	}
	if rev != "" {
		v += " " + rev
		if modified {
			v += " (modified)"
		}
	}
	return v
}

// gitRevision asks git for the checkout's revision and whether tracked files
// differ from it; it returns "" when git or a checkout is not there.
func gitRevision() (rev string, modified bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	return strings.TrimSpace(string(out)), err == nil && len(strings.TrimSpace(string(st))) > 0
}
