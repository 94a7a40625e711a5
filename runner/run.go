package runner

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ChunkSize is the number of consecutive replicate indices a worker takes
// at a time: chunk c of a job covers [c·ChunkSize, (c+1)·ChunkSize). Shards,
// checkpoints and interrupted runs count whole chunks.
const ChunkSize = 1000

// Config controls a Run; none of its fields changes the counts.
type Config struct {
	// Seed is the master seed.
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// NewWorkerData, when set, makes each worker's Worker.Data.
	NewWorkerData func() any
	// Commit, when set, is called in dispatch order after each chunk's
	// counts are added to its job, with the chunk's counts and rows
	// (valid during the call only). Returning true stops the job: its
	// further chunks are neither run nor counted (Job.Stopped).
	Commit func(j *Job, chunk *Counts, rows []byte) (stop bool)
	// Save, when set, is called from the committing goroutine after a
	// commit at most once every SaveEvery (default 30 s), to save the
	// counts so far; its error ends the run.
	Save      func() error
	SaveEvery time.Duration
	// Done, when not nil, is advanced by the replicates each chunk runs,
	// for progress reports.
	Done *atomic.Int64
}

// Remaining returns the number of replicates the jobs still have to run.
func Remaining(jobs []*Job) int64 {
	var t int64
	for _, j := range jobs {
		if !j.Stopped {
			t += max(int64(j.Hi-j.Lo)-j.Counts.N, 0)
		}
	}
	return t
}

type task struct {
	seq    int
	j      *Job
	lo, hi int
}

type result struct {
	task
	skipped bool
	c       Counts
	shaped  *Job // the job c is shaped for
	rows    []byte
}

// Run runs the replicates of every job not yet counted, in chunks, and
// commits their counts in dispatch order: job by job, and within a job from
// Lo+Counts.N upwards. If ctx is cancelled it stops dispatching, commits the
// chunks finished in order up to the first one not finished, and returns
// ctx.Err(): every job then holds the counts of an exact prefix of its
// replicates, from which a later Run continues.
func Run(ctx context.Context, jobs []*Job, cfg Config) error {
	outer := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// The window bounds the chunks in flight or waiting to commit in
	// order: enough that a slow chunk does not idle the other workers,
	// few enough that the rows they hold stay small.
	window := 2*workers + 4
	free := make(chan *result, window)
	for range window {
		free <- &result{}
	}
	tasks := make(chan task)
	results := make(chan *result, window)
	var stopped sync.Map // *Job → true, read by the dispatcher and workers
	isStopped := func(j *Job) bool { _, ok := stopped.Load(j); return ok }

	// The dispatcher hands out chunks in order; a free result is its
	// token, so at most window chunks are in flight or waiting to commit.
	go func() {
		defer close(tasks)
		seq := 0
		for _, j := range jobs {
			if j.Stopped {
				continue
			}
			for lo := j.Lo + int(j.Counts.N); lo < j.Hi; {
				hi := min((lo/ChunkSize+1)*ChunkSize, j.Hi)
				if isStopped(j) {
					break
				}
				select {
				case <-ctx.Done():
					return
				case tasks <- task{seq: seq, j: j, lo: lo, hi: hi}:
					seq++
				}
				lo = hi
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &Worker{}
			if cfg.NewWorkerData != nil {
				w.Data = cfg.NewWorkerData()
			}
			for {
				// Take the token before the task, so that the task the
				// committer waits for always has one.
				r := <-free
				t, ok := <-tasks
				if !ok {
					free <- r
					return
				}
				r.task, r.skipped, r.rows = t, false, r.rows[:0]
				if ctx.Err() != nil || isStopped(t.j) {
					r.skipped = true
				} else {
					if r.shaped != t.j {
						r.c, r.shaped = t.j.Counts.Like(), t.j
					} else {
						r.c.Reset()
					}
					r.rows = w.run(t.j, cfg.Seed, t.lo, t.hi, &r.c, r.rows)
					if cfg.Done != nil {
						cfg.Done.Add(int64(t.hi - t.lo))
					}
				}
				results <- r
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Commit chunk results in order; anything after a gap (an
	// interruption) is dropped.
	pending := map[int]*result{}
	next := 0
	broken := false
	var err error
	lastSave := time.Now()
	every := cfg.SaveEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	for r := range results {
		pending[r.seq] = r
		for !broken {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			switch {
			case c.skipped:
				broken = ctx.Err() != nil
			case c.j.Stopped:
			default:
				if e := c.j.Counts.Add(&c.c); e != nil && err == nil {
					err = e
				}
				if cfg.Commit != nil && cfg.Commit(c.j, &c.c, c.rows) {
					c.j.Stopped = true
					stopped.Store(c.j, true)
				}
				if cfg.Save != nil && time.Since(lastSave) >= every {
					lastSave = time.Now()
					if e := cfg.Save(); e != nil && err == nil {
						err = e
					}
				}
			}
			free <- c
			if err != nil {
				broken = true
				cancel()
			}
		}
		if broken {
			for k, c := range pending {
				delete(pending, k)
				free <- c
			}
		}
	}
	if err != nil {
		return err
	}
	return outer.Err()
}
