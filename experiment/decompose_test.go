package experiment

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// decomposeSpec is an experiment on testdata/gap.yaml: its readings
// optimist and pessimist disagree on A's reservation and on the
// referendum's pass rate, and only pessimist has the spoiler linkage (two
// parameters present in one model only).
const decomposeSpec = `name: gap
scenario: gap.yaml
variants: [optimist]
n: 6000
seed: 3
decompose: {from: optimist, to: pessimist}
figures: [variants, decompose]
`

// decRow is one row of decompose.csv by column name.
type decRow map[string]string

func (r decRow) num(t *testing.T, col string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(r[col], 64)
	if err != nil {
		t.Fatalf("column %s: %v (row %v)", col, err, r)
	}
	return v
}

// runDecompose runs spec, unsharded or in shards merged, and returns the
// rows of decompose.csv and the output directory.
func runDecompose(t *testing.T, spec string, shards int) ([]decRow, string) {
	t.Helper()
	plan := func() *Plan {
		s, err := Parse("testdata/gap-experiment.yaml", []byte(spec))
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
	dir := t.TempDir()
	p := plan()
	if shards == 1 {
		if err := Run(ctx, p, Options{Workers: 2}); err != nil {
			t.Fatal(err)
		}
	} else {
		for k := range shards {
			q := plan()
			if err := Run(ctx, q, Options{Workers: 2, Shard: k, Shards: shards}); err != nil {
				t.Fatal(err)
			}
			if err := SaveCounts(q, dir); err != nil {
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
	f, err := os.Open(filepath.Join(dir, "decompose.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []decRow
	for _, rec := range recs[1:] {
		r := decRow{}
		for i, h := range recs[0] {
			r[h] = rec[i]
		}
		rows = append(rows, r)
	}
	return rows, dir
}

// TestDecompose checks the decomposition's bookkeeping: the contested
// parameters are found, the interaction residual is the total minus the
// one-at-a-time shifts, the shares of the shifts and the residual add up to
// one, the structure (the spoiler linkage) accounts for a real part of the
// gap, and the base probability is that of the optimist cell, which runs
// on the same streams.
func TestDecompose(t *testing.T) {
	rows, dir := runDecompose(t, decomposeSpec, 1)
	summary, err := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, outcome := range []string{"deal", "tilted"} {
		var total, sumShift, shares, interaction float64
		var params []string
		got := map[string]decRow{}
		for _, r := range rows {
			if r["outcome"] != outcome {
				continue
			}
			if r["variant"] != "base" || r["from"] != "optimist" || r["to"] != "pessimist" || r["n"] != "6000" {
				t.Errorf("%s: row %v: want base, optimist, pessimist, n 6000", outcome, r)
			}
			lo, hi, shift := r.num(t, "ci_low"), r.num(t, "ci_high"), r.num(t, "shift")
			if lo > shift || hi < shift {
				t.Errorf("%s: row %v: shift outside its interval", outcome, r)
			}
			switch r["component"] {
			case "parameter":
				params = append(params, r["parameter"])
				sumShift += shift
				shares += r.num(t, "share")
			case "interaction":
				interaction = shift
				shares += r.num(t, "share")
			}
			got[r["component"]] = r
		}
		want := []string{"actors.a.tables.t.reservation", "institutions.vote.pass"}
		if strings.Join(params, ",") != strings.Join(want, ",") {
			t.Errorf("%s: parameters %v, want %v", outcome, params, want)
		}
		for _, c := range []string{"total", "joint", "interaction", "structure"} {
			if got[c] == nil {
				t.Fatalf("%s: no %s row", outcome, c)
			}
		}
		total = got["total"].num(t, "shift")
		if math.Abs(total-sumShift-interaction) > 1e-5 {
			t.Errorf("%s: total %v − Σ shifts %v = %v, interaction %v", outcome, total, sumShift, total-sumShift, interaction)
		}
		if math.Abs(shares-1) > 1e-4 {
			t.Errorf("%s: shares of the parameters and the residual add to %v, want 1", outcome, shares)
		}
		if got["structure"]["dist_from"] != "0 parameters only here" || got["structure"]["dist_to"] != "2 parameters only here" {
			t.Errorf("%s: structure row %v: want 0 and 2 parameters only here", outcome, got["structure"])
		}
		// The joint model plus the structure make up the total exactly.
		if j, s := got["joint"].num(t, "shift"), got["structure"].num(t, "shift"); math.Abs(j+s-total) > 1e-5 {
			t.Errorf("%s: joint %v + structure %v ≠ total %v", outcome, j, s, total)
		}
		pFrom := got["total"]["p_base"]
		if !strings.Contains(string(summary), "\noptimist,"+outcome+",") || !strings.Contains(string(summary), ","+pFrom+",") {
			t.Errorf("%s: p_base %s of the decomposition is not the optimist cell's (summary %s)", outcome, pFrom, summary)
		}
	}
	// The spoiler freezes the table for three of six rounds in 40% of the
	// replicates: it lowers P(deal) well beyond sampling noise.
	for _, r := range rows {
		if r["outcome"] == "deal" && r["component"] == "structure" && r.num(t, "ci_high") >= 0 {
			t.Errorf("structure row %v: want a negative shift with its interval below zero", r)
		}
	}
	for _, f := range []string{"decompose.svg", "decompose.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s written by WriteFiles; only Draw draws", f)
		}
	}
}

// TestDecomposeParametersOnly decomposes the gap from base to optimist,
// which differ only in two parameters, both uniform: replacing both
// reproduces optimist draw for draw, so the structure shift is exactly zero
// with no discordant replicate.
func TestDecomposeParametersOnly(t *testing.T) {
	rows, _ := runDecompose(t, `name: gap
scenario: gap.yaml
n: 3000
decompose: {from: base, to: optimist, outcomes: [deal]}
`, 1)
	if len(rows) != 6 {
		t.Fatalf("%d rows, want 6 (total, 2 parameters, joint, interaction, structure): %v", len(rows), rows)
	}
	for _, r := range rows {
		if r["component"] != "structure" {
			continue
		}
		if r.num(t, "shift") != 0 || r.num(t, "ci_low") > 0 || r.num(t, "ci_high") < 0 || r.num(t, "ci_high")-r.num(t, "ci_low") > 0.003 {
			t.Errorf("structure row %v: want exactly 0 with a tight interval", r)
		}
		if r["p_base"] != r["p_alt"] {
			t.Errorf("structure row %v: joint and optimist should agree exactly", r)
		}
	}
}

// TestDecomposeShards checks that a decomposition run in three shards and
// merged gives decompose.csv byte for byte.
func TestDecomposeShards(t *testing.T) {
	_, whole := runDecompose(t, decomposeSpec, 1)
	_, merged := runDecompose(t, decomposeSpec, 3)
	a, err1 := os.ReadFile(filepath.Join(whole, "decompose.csv"))
	b, err2 := os.ReadFile(filepath.Join(merged, "decompose.csv"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if string(a) != string(b) {
		t.Errorf("merged shards differ from the unsharded run:\n%s\n%s", a, b)
	}
}

// TestDecomposeProblems checks the errors of a decompose section.
func TestDecomposeProblems(t *testing.T) {
	cases := []struct{ src, want string }{
		{"name: x\nscenario: gap.yaml\nn: 10\ndecompose: {to: pessimist}\n", "decompose.from: is required"},
		{"name: x\nscenario: gap.yaml\nn: 10\ndecompose: {from: optimist, to: optimist}\n", "same reading as from"},
		{"name: x\nscenario: gap.yaml\nn: 10\ndecompose: {from: optimist, to: pessimist, outcomes: [nope]}\n", `unknown or unreported outcome "nope"`},
		{"name: x\nscenario: gap.yaml\nn: 10\ndecompose: {from: optimist, to: sceptic}\n", `variant "sceptic"`},
		{"name: x\nscenario: gap.yaml\ndecompose: {from: optimist, to: pessimist}\n", "n: is required"},
		{"name: x\nscenario: gap.yaml\nn: 10\ndecompose: {from: optimist, to: pessimist, extra: 1}\n", "unknown field"},
		{"name: x\nscenario: gap.yaml\nn: 10\nvariants: [base]\nfigures: [decompose]\n", "figure decompose needs decompose"},
	}
	for i, tc := range cases {
		s, err := Parse("testdata/x.yaml", []byte(tc.src))
		if err == nil {
			_, err = NewPlan(s)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: Expected an error containing %q, Found %v", i, tc.want, err)
		}
	}
}
