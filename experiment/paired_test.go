package experiment

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestPairedDifference runs base against no_side (which only disables the
// side table, opened after the main deal) on common random numbers. The main
// table sees exactly the same draws in both models, so the paired
// difference in the main deal is exactly zero with no discordant pair, while
// the independent design shows sampling noise. The side deal can only
// happen in base, so its paired difference is P(side).
func TestPairedDifference(t *testing.T) {
	s, err := Parse("testdata/paired.yaml", []byte(`name: paired
scenario: mini.yaml
variants: [base, no_side]
n: 3000
seed: 5
difference:
  - {a: base, b: no_side, paired: true}
  - {a: base, b: no_side}
figures: [difference]
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, shards := range []int{1, 3} {
		dir := t.TempDir()
		if shards == 1 {
			if err := Run(ctx, p, Options{Workers: 2}); err != nil {
				t.Fatal(err)
			}
		} else {
			// Sharded and merged, the joint counts add up exactly.
			for k := range shards {
				if err := Run(ctx, p, Options{Workers: 2, Shard: k, Shards: shards}); err != nil {
					t.Fatal(err)
				}
				if err := SaveCounts(p, dir); err != nil {
					t.Fatal(err)
				}
			}
			if err := MergeShards(p, dir); err != nil {
				t.Fatal(err)
			}
		}
		if err := WriteFiles(ctx, p, dir, "test"); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, "difference.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, r := range rows[1:] {
			got[r[8]+"/"+r[2]] = r
		}
		num := func(r []string, i int) float64 {
			v, err := strconv.ParseFloat(r[i], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		deal := got["paired/deal"]
		if deal == nil || num(deal, 5) != 0 || num(deal, 6) > 0 || num(deal, 7) < 0 || num(deal, 7)-num(deal, 6) > 0.01 {
			t.Errorf("shards %d: paired deal row %v: want diff 0 with a tight interval around it", shards, deal)
		}
		if ind := got["independent/deal"]; ind == nil || num(ind, 7)-num(ind, 6) <= num(deal, 7)-num(deal, 6) {
			t.Errorf("shards %d: independent deal row %v should be wider than the paired one %v", shards, ind, deal)
		}
		side := got["paired/side"]
		if side == nil || num(side, 4) != 0 || num(side, 5) != num(side, 3) || num(side, 6) <= 0 {
			t.Errorf("shards %d: paired side row %v: want P(no_side) = 0 and diff = P(base) > 0", shards, side)
		}
	}
}
