package experiment

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestResume interrupts an experiment (the context is cancelled after a
// few tasks, as SIGINT does), saves its progress, resumes it from the
// progress file in a new plan, and checks that every table is
// byte-identical to an uninterrupted run's. The experiment has variant
// cells with binned parameters, a paired difference and a Sobol design,
// so every kind of count goes through the progress file.
func TestResume(t *testing.T) {
	const spec = `
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
	plan := func() *Plan {
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
	ctx := context.Background()
	want := t.TempDir()
	p := plan()
	if err := Run(ctx, p, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(ctx, p, want, "test"); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	for _, shards := range []int{1, 2} {
		for k := range shards {
			q := plan()
			cctx, cancel := context.WithCancel(ctx)
			stop := 0
			q.onTask = func() {
				if stop++; stop == 7 {
					cancel()
				}
			}
			err := Run(cctx, q, Options{Workers: 2, Shard: k, Shards: shards})
			cancel()
			if err == nil {
				t.Fatal("the interrupted run finished")
			}
			if err := SaveProgress(q, dir, k, shards); err != nil {
				t.Fatal(err)
			}
			// Resume twice: the first resumption is interrupted too.
			for round := range 2 {
				r := plan()
				found, err := LoadProgress(r, dir, k, shards)
				if err != nil || !found {
					t.Fatalf("LoadProgress: %v, found %v", err, found)
				}
				cctx, cancel := context.WithCancel(ctx)
				if round == 0 {
					n := 0
					r.onTask = func() {
						if n++; n == 5 {
							cancel()
						}
					}
				}
				err = Run(cctx, r, Options{Workers: 2, Shard: k, Shards: shards})
				cancel()
				if round == 0 {
					if err == nil {
						t.Fatal("the interrupted resumption finished")
					}
					if err := SaveProgress(r, dir, k, shards); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if shards == 1 {
					if err := WriteFiles(ctx, r, dir, "test"); err != nil {
						t.Fatal(err)
					}
				} else if err := WriteShard(r, dir, k, shards); err != nil {
					t.Fatal(err)
				}
				if err := RemoveProgress(r, dir, k, shards); err != nil {
					t.Fatal(err)
				}
			}
		}
		if shards > 1 {
			m := plan()
			if err := MergeShards(m, dir); err != nil {
				t.Fatal(err)
			}
			if err := WriteFiles(ctx, m, dir, "test"); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{"summary.csv", "convergence.csv", "difference.csv", "binned.csv", "design.csv", "sobol.csv", "manifest.json"} {
			a, err1 := os.ReadFile(filepath.Join(want, name))
			b, err2 := os.ReadFile(filepath.Join(dir, name))
			if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
				t.Errorf("%d shard(s): %s differs after resuming (%v, %v)", shards, name, err1, err2)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, ProgressName(0, shards))); !os.IsNotExist(err) {
			t.Errorf("progress file left behind: %v", err)
		}
	}
}
