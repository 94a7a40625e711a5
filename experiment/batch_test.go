package experiment

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/models"
)

// TestMatchesBatch checks that an experiment's summary.csv and byround.csv
// are byte for byte those of negsim batch with the same variants, N and
// seed: both key replicate i of variant v to the stream (seed, v, i).
func TestMatchesBatch(t *testing.T) {
	sc, err := models.Load("testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := batch.Run(ctx, batch.Config{Scenario: sc, Variants: []string{"base", "no_side+soft"}, N: 2500, Seed: 11, Workers: 2, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	var wantSum, wantBy bytes.Buffer
	if err := res.WriteSummary(&wantSum); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteByRound(&wantBy); err != nil {
		t.Fatal(err)
	}
	s, err := Parse("testdata/matches.yaml", []byte("name: m\nscenario: mini.yaml\nvariants: [base, no_side+soft]\nn: 2500\nseed: 11\nfigures: [variants, byround]\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(ctx, p, Options{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		rows [][]string
		want []byte
	}{{"summary.csv", p.summary(), wantSum.Bytes()}, {"byround.csv", p.byRound(), wantBy.Bytes()}} {
		var got bytes.Buffer
		w := csv.NewWriter(&got)
		w.WriteAll(c.rows)
		if !bytes.Equal(got.Bytes(), c.want) {
			t.Errorf("%s: Expected the batch's table\n%s\nFound\n%s", c.name, c.want, got.Bytes())
		}
	}
}
