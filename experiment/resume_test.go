package experiment

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/models"
)

// resumeSpec has variant cells with binned parameters, a paired difference,
// checkpoints and a Sobol design, so that every kind of count goes through
// the counts file.
const resumeSpec = `
name: res
scenario: gap.yaml
variants: [base, optimist]
n: 9500
binned: {bins: 5, params: [` + passParam + `]}
difference: [{a: base, b: optimist, paired: true}]
convergence: [100, 5000]
design: {type: sobol, params: all, n: 16, replicates: 300, seed: 2, bootstrap: 50}
figures: [variants, convergence, difference, sobol]
`

func resumePlan(t *testing.T, spec string) *Plan {
	t.Helper()
	s, err := Parse("testdata/resume-experiment.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var resumeFiles = []string{"summary.csv", "convergence.csv", "difference.csv", "binned.csv", "design.csv", "sobol.csv", "manifest.json"}

// sameFiles reports the files of names that differ between dirs a and b.
func sameFiles(t *testing.T, a, b string, names []string, what string) {
	t.Helper()
	for _, name := range names {
		x, err1 := os.ReadFile(filepath.Join(a, name))
		y, err2 := os.ReadFile(filepath.Join(b, name))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s: %s differs (%v, %v)", what, name, err1, err2)
		}
	}
}

// TestContinue interrupts an experiment (the context is cancelled after a
// few chunks, as SIGINT does), saves its counts, continues it twice from
// the counts file in new plans (the first continuation interrupted too),
// and checks that every table, and the counts file, is byte-identical to
// an uninterrupted run's; unsharded and as two shards merged.
func TestContinue(t *testing.T) {
	ctx := context.Background()
	want := t.TempDir()
	p := resumePlan(t, resumeSpec)
	if err := Run(ctx, p, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if err := SaveCounts(p, want); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(ctx, p, want, "test"); err != nil {
		t.Fatal(err)
	}
	for _, shards := range []int{1, 2} {
		dir := t.TempDir()
		for k := range shards {
			for round := range 3 {
				r := resumePlan(t, resumeSpec)
				if err := Prepare(r, k, shards); err != nil {
					t.Fatal(err)
				}
				cached, err := LoadCounts(r, dir)
				if err != nil {
					t.Fatal(err)
				}
				if (round == 0) != (cached == 0) {
					t.Errorf("round %d took %d replicates from the counts file", round, cached)
				}
				cctx, cancel := context.WithCancel(ctx)
				n := 0
				if round < 2 {
					r.onTask = func() {
						if n++; n == 5-3*round {
							cancel()
						}
					}
				}
				err = Run(cctx, r, Options{Workers: 2, Shard: k, Shards: shards})
				cancel()
				// Round 0 is interrupted; round 1 may be, unless fewer
				// chunks than its interruption point were left; round 2
				// finishes.
				switch {
				case round == 0 && err == nil, round == 2 && err != nil:
					t.Fatalf("%d shards, shard %d, round %d: Run returned %v", shards, k, round, err)
				case err == nil && !Complete(r), round == 0 && Complete(r):
					t.Errorf("%d shards, shard %d, round %d: Run returned %v, complete %v", shards, k, round, err, Complete(r))
				}
				if err := SaveCounts(r, dir); err != nil {
					t.Fatal(err)
				}
				if round == 2 && shards == 1 {
					if err := WriteFiles(ctx, r, dir, "test"); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if shards > 1 {
			m := resumePlan(t, resumeSpec)
			if err := MergeShards(m, dir); err != nil {
				t.Fatal(err)
			}
			if err := WriteFiles(ctx, m, dir, "test"); err != nil {
				t.Fatal(err)
			}
		} else {
			sameFiles(t, want, dir, []string{CountsName(0, 1)}, "continued")
		}
		sameFiles(t, want, dir, resumeFiles, strings.Repeat("sharded ", shards-1)+"continued")
	}
}

// TestCache reruns an experiment into the directory of a complete run after
// changing only the design's replicates: the variant and paired cells come
// from the counts file, the design points are recomputed, and the tables
// equal a fresh run's. A run that ignores the counts file (--force) takes
// nothing from it.
func TestCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := resumePlan(t, resumeSpec)
	if err := Run(ctx, p, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if err := SaveCounts(p, dir); err != nil {
		t.Fatal(err)
	}
	// Unchanged: everything is cached, nothing runs.
	q := resumePlan(t, resumeSpec)
	if err := Prepare(q, 0, 1); err != nil {
		t.Fatal(err)
	}
	all := int64(0)
	for _, j := range q.jobs {
		all += int64(j.n)
	}
	if got, err := LoadCounts(q, dir); err != nil || got != all {
		t.Fatalf("unchanged rerun took %d of %d replicates from the cache (%v)", got, all, err)
	}
	q.onTask = func() { t.Error("a chunk ran although every cell was cached") }
	if err := Run(ctx, q, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}

	changed := strings.Replace(resumeSpec, "replicates: 300", "replicates: 200", 1)
	r := resumePlan(t, changed)
	if err := Prepare(r, 0, 1); err != nil {
		t.Fatal(err)
	}
	var kept int64
	for _, j := range r.jobs {
		if j.lazy == nil {
			kept += int64(j.n)
		}
	}
	got, err := LoadCounts(r, dir)
	if err != nil || got != kept {
		t.Fatalf("after changing the design, %d replicates came from the cache, want the %d of the other cells (%v)", got, kept, err)
	}
	ran := 0
	r.onTask = func() { ran++ }
	if err := Run(ctx, r, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if want := len(r.design.points); ran != want {
		t.Errorf("%d chunks ran, want one for each of the %d design points", ran, want)
	}
	fresh, cachedDir := t.TempDir(), t.TempDir()
	if err := WriteFiles(ctx, r, cachedDir, "test"); err != nil {
		t.Fatal(err)
	}
	f := resumePlan(t, changed)
	if err := Run(ctx, f, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(ctx, f, fresh, "test"); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, fresh, cachedDir, resumeFiles, "partly cached")

	// A counts file of another seed shares no key.
	s := resumePlan(t, resumeSpec+"seed: 9\n")
	if err := Prepare(s, 0, 1); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadCounts(s, dir); err != nil || got != 0 {
		t.Errorf("another seed took %d replicates from the cache (%v)", got, err)
	}
}

// TestForecastFigure checks when forecast.csv is written: by default for a
// variant cell with a bdm table (and then equal, row for row, to negsim
// batch's forecast.csv of the same variant, seed and N), not when the
// figures list leaves it out, and never silently: naming it with no bdm
// cell is a problem.
func TestForecastFigure(t *testing.T) {
	ctx := context.Background()
	const v = "full-plan+bdm-forecast"
	for _, c := range []struct {
		figures string
		want    bool
	}{{"", true}, {"figures: [variants]\n", false}, {"figures: [variants, forecast]\n", true}} {
		s, err := Parse("testdata/forecast.yaml", []byte("name: f\nvariants: ["+v+"]\nn: 300\nseed: 3\n"+c.figures))
		if err != nil {
			t.Fatal(err)
		}
		p, err := NewPlan(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := Run(ctx, p, Options{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := WriteFiles(ctx, p, dir, "test"); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "forecast.csv"))
		if (err == nil) != c.want {
			t.Fatalf("%q: forecast.csv written: %v, expected %v", c.figures, err == nil, c.want)
		}
		if !c.want {
			continue
		}
		sc, err := models.Default()
		if err != nil {
			t.Fatal(err)
		}
		res, err := batch.Run(ctx, batch.Config{Scenario: sc, Variants: []string{v}, N: 300, Seed: 3, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := res.WriteForecast(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b.Bytes()) {
			t.Errorf("%q: the experiment's forecast.csv differs from the batch's", c.figures)
		}
		if lines := strings.Count(string(got), "\n"); lines != 1+2*36 {
			t.Errorf("%d lines, expected a header and 36 rounds of each of the 2 bdm tables", lines)
		}
	}
	s, err := Parse("testdata/forecast.yaml", []byte("name: f\nvariants: [full-plan]\nn: 300\nfigures: [variants, forecast]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewPlan(s); err == nil || !strings.Contains(err.Error(), "figure forecast needs a variant cell with a bdm table") {
		t.Errorf("forecast without a bdm table: error %v", err)
	}
}
