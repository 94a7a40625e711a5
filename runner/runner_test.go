package runner

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// bdmModel compiles the default scenario's full-plan+bdm-forecast variant,
// whose two bdm tables (docs/SCENARIO-NOTES.md §10) forecast the Donbas
// status and Serbia's orientation.
func bdmModel(t testing.TB) *sim.Model {
	t.Helper()
	s, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Resolve("full-plan+bdm-forecast")
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.Compile(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.BDMTables()) != 2 {
		t.Fatalf("full-plan+bdm-forecast has %d bdm tables, expected 2", len(m.BDMTables()))
	}
	return m
}

func newJob(m *sim.Model, stream string, n int) *Job {
	out := make([]int, len(m.Outcomes))
	for o := range out {
		out[o] = o
	}
	j := &Job{Stream: stream, Model: m, Outcomes: out, Horizon: m.Horizon, Lo: 0, Hi: n, Forecast: true,
		Checkpoints: []int{10, 1500}}
	j.Init(m)
	return j
}

// TestChunkAllocs checks that running a chunk of replicates with a
// forecast and checkpoints, once the worker's state exists, allocates
// nothing per replicate.
func TestChunkAllocs(t *testing.T) {
	m := bdmModel(t)
	j := newJob(m, "x", 2*ChunkSize)
	var w Worker
	c := j.Counts.Like()
	w.run(j, 3, 0, 10, &c, nil)
	allocs := testing.AllocsPerRun(5, func() { w.run(j, 3, 10, 60, &c, nil) })
	if allocs != 0 {
		t.Errorf("%v allocations per 50 replicates", allocs)
	}
}

// miniModel compiles the small test scenario of the experiment package.
func miniModel(t testing.TB) *sim.Model {
	t.Helper()
	s, err := models.Load("../experiment/testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWorkersAndInterruptions runs the same jobs with 1 and 3 workers, and
// interrupted and continued, and checks that the counts are identical; an
// interrupted run holds a whole number of chunks of every job, job by job.
// A job split at a chunk boundary (two shards) adds up to the whole, bdm
// forecasts included.
func TestWorkersAndInterruptions(t *testing.T) {
	m := miniModel(t)
	const n = 20500
	run := func(workers int, interrupt []int) []*Job {
		jobs := []*Job{newJob(m, "a", n), newJob(m, "b", n)}
		for _, stop := range append(interrupt, -1) {
			ctx, cancel := context.WithCancel(context.Background())
			commits := 0
			err := Run(ctx, jobs, Config{Seed: 7, Workers: workers, Commit: func(*Job, *Counts, []byte) bool {
				if commits++; commits == stop {
					cancel()
				}
				return false
			}})
			cancel()
			if (err != nil) != (stop > 0) {
				t.Fatalf("interrupt at %d: Run returned %v", stop, err)
			}
			if stop > 0 {
				a, b := jobs[0].Counts.N, jobs[1].Counts.N
				whole := func(x int64) bool { return x%ChunkSize == 0 || x == n }
				if !whole(a) || !whole(b) || b > 0 && a != n || b == n {
					t.Errorf("interrupted at commit %d: counts %d, %d are not a prefix of whole chunks", stop, a, b)
				}
			}
		}
		return jobs
	}
	ref := run(1, nil)
	for _, j := range ref {
		if j.Counts.N != n || !j.Complete() {
			t.Fatalf("job %s counted %d of %d", j.Stream, j.Counts.N, n)
		}
	}
	for _, c := range []struct {
		workers   int
		interrupt []int
	}{{3, nil}, {3, []int{2, 17}}, {2, []int{5}}} {
		got := run(c.workers, c.interrupt)
		for i := range ref {
			if !reflect.DeepEqual(ref[i].Counts, got[i].Counts) {
				t.Errorf("%d workers, interrupted at %v: job %s differs from 1 worker", c.workers, c.interrupt, ref[i].Stream)
			}
		}
	}

	bm := bdmModel(t)
	whole := newJob(bm, "w", 2000)
	a, b := newJob(bm, "w", 2000), newJob(bm, "w", 2000)
	a.Hi, b.Lo = 1000, 1000
	if err := Run(context.Background(), []*Job{whole, a, b}, Config{Seed: 5, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if err := a.Counts.Add(&b.Counts); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(whole.Counts, a.Counts) {
		t.Error("two halves of a bdm job do not add up to the whole")
	}
}

// TestForecastMatchesReplicates checks the forecast tallies against the
// replicates' own forecasts, computed directly: in every round the mean of
// the weighted means and medians equals the plain average of the
// replicates' values (to the fixed-point unit), and the counts add exactly
// over a split of the replicates.
func TestForecastMatchesReplicates(t *testing.T) {
	m := bdmModel(t)
	const n = 300
	j := newJob(m, "f", n)
	if err := Run(context.Background(), []*Job{j}, Config{Seed: 11, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	h := m.Horizon
	st := sim.NewState(m)
	sum := make([][2]float64, 2*h)
	cnt := make([]int64, 2*h)
	for i := range n {
		s1, s2 := sim.Stream(11, "f", uint64(i))
		res := st.Run(s1, s2, nil)
		for k := range 2 {
			mean, med := math.NaN(), math.NaN()
			for r := range h {
				if x := res.BDMMean[k*h+r]; !math.IsNaN(x) {
					mean, med = x, res.BDMMedian[k*h+r]
				}
				if !math.IsNaN(mean) {
					sum[k*h+r][0] += mean
					sum[k*h+r][1] += med
					cnt[k*h+r]++
				}
			}
		}
	}
	for k, f := range j.Counts.Forecast {
		for r := range h {
			if f.N[r] != cnt[k*h+r] {
				t.Fatalf("table %s round %d: n %d, expected %d", f.Table, r, f.N[r], cnt[k*h+r])
			}
			if f.N[r] == 0 {
				continue
			}
			mean, _ := f.Mean.MeanVar(r, f.N[r])
			med, _ := f.Median.MeanVar(r, f.N[r])
			// Each value is rounded to 1/FixedOne: the means agree within
			// half a unit.
			tol := 0.5/FixedOne + 1e-9
			if want := sum[k*h+r][0] / float64(cnt[k*h+r]); math.Abs(mean-want) > tol {
				t.Errorf("table %s round %d: mean %v, expected %v", f.Table, r, mean, want)
			}
			if want := sum[k*h+r][1] / float64(cnt[k*h+r]); math.Abs(med-want) > tol {
				t.Errorf("table %s round %d: median %v, expected %v", f.Table, r, med, want)
			}
		}
	}
}

// TestMoments checks MeanVar and Range on values whose mean, variance and
// quantiles are known by hand: 0, 10, 20, …, 100 (11 values, mean 50,
// sample variance Σ(x−50)²/10 = 11000/10 = 1100).
func TestMoments(t *testing.T) {
	m := newMoments(1)
	for x := 0.0; x <= 100; x += 10 {
		m.add(0, x)
	}
	mean, v := m.MeanVar(0, 11)
	if mean != 50 || math.Abs(v-1100) > 1e-9 {
		t.Errorf("mean %v variance %v, expected 50 and 1100", mean, v)
	}
	// At level 0.8, (1−0.8)/2·11 = 1.1 values may lie outside on each
	// side: the range drops the bins of 0 and 100 (one value each) and
	// keeps [10, 90.5), bin width 0.5.
	lo, hi := m.Range(0, 11, 0.8)
	if lo != 10 || hi != 90.5 {
		t.Errorf("80%% range [%v, %v], expected [10, 90.5]", lo, hi)
	}
	// At 0.95 each tail may hold 0.275 values: nothing is dropped.
	if lo, hi := m.Range(0, 11, 0.95); lo != 0 || hi != 100 {
		t.Errorf("95%% range [%v, %v], expected [0, 100]", lo, hi)
	}
	// Sums of squares above 2⁶⁴ carry into the high word: 2¹¹ values of
	// 100 have Σq² = 2¹¹·(100·2²⁰)² ≈ 2^64.3.
	big := newMoments(1)
	for range 2048 {
		big.add(0, 100)
	}
	if mean, v := big.MeanVar(0, 2048); mean != 100 || v != 0 || big.SumSq[0][0] == 0 {
		t.Errorf("2048 values of 100: mean %v variance %v, high word %d", mean, v, big.SumSq[0][0])
	}
}

// TestFileRoundTrip writes a counts file and reads it back, and checks that
// an earlier format, a count beyond the range and counts of the wrong shape
// are refused.
func TestFileRoundTrip(t *testing.T) {
	m := bdmModel(t)
	j := newJob(m, "r", 1200)
	if err := Run(context.Background(), []*Job{j}, Config{Seed: 2, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	f := &File{Complete: true, Cells: []Cell{{Key: "k", Desc: "r", Outcomes: m.Outcomes, Horizon: m.Horizon, Lo: 0, Hi: 1200, Counts: j.Counts}}}
	path := t.TempDir() + "/counts.json"
	if err := f.Write(path); err != nil {
		t.Fatal(err)
	}
	g, err := ReadFile(path, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, g) {
		t.Error("the counts file read back differs from the one written")
	}
	b, _ := f.Marshal()
	for _, c := range []struct{ from, to, want string }{
		{`"format":"negsim-counts/3"`, `"format":"negsim-counts/2"`, "earlier formats cannot be read"},
		{`"hi":1200`, `"hi":1100`, "cell r holds 1200 replicates, more than its range [0, 1100) holds (1100)"},
		{`"below_reservation":[`, `"below_reservation":[9999999,`, "below-reservation counts for"},
	} {
		bad := strings.Replace(string(b), c.from, c.to, 1)
		if _, err := Parse("bad.json", []byte(bad)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: error %v, expected %q", c.from, c.to, err, c.want)
		}
	}
}

// TestSave checks that Config.Save is called between commits, with the
// counts so far committed, and that its error ends the run with that
// error, keeping an exact prefix.
func TestSave(t *testing.T) {
	m := miniModel(t)
	j := newJob(m, "s", 8000)
	var seen []int64
	err := Run(context.Background(), []*Job{j}, Config{Seed: 1, Workers: 2, SaveEvery: time.Nanosecond,
		Save: func() error { seen = append(seen, j.Counts.N); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 || seen[len(seen)-1] != 8000 {
		t.Errorf("saves saw %v; expected one after each commit, the last with all 8000", seen)
	}
	for i, n := range seen {
		if n%ChunkSize != 0 || i > 0 && n <= seen[i-1] {
			t.Errorf("saves saw %v: not growing by whole chunks", seen)
			break
		}
	}
	fail := errors.New("disk full")
	k := newJob(m, "s", 8000)
	calls := 0
	err = Run(context.Background(), []*Job{k}, Config{Seed: 1, Workers: 2, SaveEvery: time.Nanosecond,
		Save: func() error {
			if calls++; calls == 3 {
				return fail
			}
			return nil
		}})
	if !errors.Is(err, fail) {
		t.Fatalf("Run returned %v, expected the save's error", err)
	}
	if k.Counts.N != 3*ChunkSize {
		t.Errorf("after the failed save %d replicates are counted, expected the 3 chunks committed before it", k.Counts.N)
	}
}
