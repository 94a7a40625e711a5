package experiment

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestShardMerge checks that three shards merged give the same tables, byte
// for byte, as one unsharded run, whatever the number of workers.
func TestShardMerge(t *testing.T) {
	src := []byte(`name: shards
scenario: mini.yaml
variants: [base, no_side]
readings: [soft]
n: 3001
seed: 5
sweep: {param: actors.a.tables.main.reservation, values: [0.5, 0.8]}
sensitivity: {variant: base+soft, outcome: deal}
difference: [{a: base+soft, b: no_side+soft}]
convergence: [10, 100, 3001]
figures: [variants, byround, sweep, tornado, convergence, difference]
`)
	plan := func() *Plan {
		s, err := Parse("testdata/shards.yaml", src)
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
	whole, sharded := t.TempDir(), t.TempDir()
	p := plan()
	if err := Run(ctx, p, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(ctx, p, whole, "test"); err != nil {
		t.Fatal(err)
	}
	for k := range 3 {
		p := plan()
		if err := Run(ctx, p, Options{Workers: 3, Shard: k, Shards: 3}); err != nil {
			t.Fatal(err)
		}
		if err := SaveCounts(p, sharded); err != nil {
			t.Fatal(err)
		}
	}
	p = plan()
	if err := MergeShards(p, sharded); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(ctx, p, sharded, "test"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"summary.csv", "byround.csv", "sweep.csv", "sensitivity.csv", "convergence.csv", "difference.csv"} {
		a, err1 := os.ReadFile(filepath.Join(whole, name))
		b, err2 := os.ReadFile(filepath.Join(sharded, name))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", name, err1, err2)
		}
		if string(a) != string(b) {
			t.Errorf("%s: merged shards differ from the unsharded run", name)
		}
	}
	os.Remove(filepath.Join(sharded, "counts-2-of-3.json"))
	if err := MergeShards(plan(), sharded); err == nil {
		t.Error("merge with a missing shard: Expected an error, Found none")
	}
}
