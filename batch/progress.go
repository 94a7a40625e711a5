package batch

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal. A character device is not
// enough: /dev/null is one, and a bar redrawn five times a second into it
// (or into a log that a job scheduler attaches to one) is waste.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress reports the run's progress on cfg.Progress until the returned
// function is called: a bar redrawn in place on a terminal, otherwise a
// line every two seconds.
func (r *run) progress() (stop func()) {
	w := r.cfg.Progress
	if w == nil || r.cfg.Quiet {
		return func() {}
	}
	tty := isTerminal(w)
	every := 2 * time.Second
	if tty {
		every = 200 * time.Millisecond
	}
	total := r.total()
	start := time.Now()
	report := func(final bool) {
		done := r.done.Load()
		el := time.Since(start)
		rate := float64(done) / max(el.Seconds(), 1e-9)
		eta := "?"
		if rate > 0 {
			eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
		}
		pct := 100 * float64(done) / float64(max(total, 1))
		if tty {
			const width = 30
			fill := int(pct / 100 * width)
			bar := strings.Repeat("#", fill) + strings.Repeat(".", width-fill)
			fmt.Fprintf(w, "\r[%s] %d/%d %5.1f%%  %.0f/s  ETA %s   ", bar, done, total, pct, rate, eta)
			if final {
				fmt.Fprintln(w)
			}
			return
		}
		fmt.Fprintf(w, "batch: %d/%d replicates (%.1f%%), %.0f/s, elapsed %s, ETA %s\n",
			done, total, pct, rate, el.Round(time.Second), eta)
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				report(true)
				return
			case <-t.C:
				report(false)
			}
		}
	}()
	return func() { close(quit); <-finished }
}
