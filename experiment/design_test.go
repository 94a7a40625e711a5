package experiment

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/negsim/negsim/sim"
)

// runSpec parses spec (as a file in testdata, so that its scenario path
// resolves), runs it unsharded or in shards merged, writes its tables to a
// new directory and returns it.
func runSpec(t *testing.T, spec string, shards int) string {
	t.Helper()
	plan := func() *Plan {
		s, err := Parse("testdata/design-experiment.yaml", []byte(spec))
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
	if shards <= 1 {
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
	return dir
}

// readTable reads a CSV file of dir as maps from header to field.
func readTable(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		r := map[string]string{}
		for i, h := range recs[0] {
			r[h] = rec[i]
		}
		out = append(out, r)
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

const (
	passParam = "institutions.vote.pass"
	resParam  = "actors.a.tables.t.reservation"
)

// TestDesignFactorialCRN checks a factorial design against the two-lever
// sweep of the same grid: every point runs on the variant's streams with
// the levers pinned, as the sweep's cells do, so the counts agree exactly
// (common random numbers), and design.csv has one row per point and
// outcome with the levers as columns.
func TestDesignFactorialCRN(t *testing.T) {
	dir := runSpec(t, `
name: fact
scenario: gap.yaml
design:
  type: factorial
  levers:
    - {param: `+resParam+`, label: reservation, values: [0.75, 0.85]}
    - {param: `+passParam+`, values: [0.5, 0.6, 0.7]}
  replicates: 3000
`, 1)
	sweep := runSpec(t, `
name: sweep
scenario: gap.yaml
variants: [base]
n: 3000
sweep2:
  x: {param: `+resParam+`, values: [0.75, 0.85]}
  y: {param: `+passParam+`, values: [0.5, 0.6, 0.7]}
figures: [heatmap]
`, 1)
	rows := readTable(t, dir, "design.csv")
	heat := readTable(t, sweep, "heatmap.csv")
	if len(rows) != 6*2 || len(heat) != len(rows) {
		t.Fatalf("design.csv has %d rows, heatmap.csv %d; want 12", len(rows), len(heat))
	}
	for i, r := range rows {
		h := heat[i]
		if r["reservation"] != h["x"] || r[passParam] != h["y"] || r["outcome"] != h["outcome"] || r["successes"] != h["successes"] {
			t.Errorf("row %d: design %v, sweep %v", i, r, h)
		}
	}
}

const sobolSpec = `
name: sob
scenario: gap.yaml
design:
  type: sobol
  params: [` + resParam + `, ` + passParam + `]
  n: 32
  replicates: 400
  seed: 3
  bootstrap: 100
variants: [base]
n: 3000
binned: {bins: 10}
figures: [variants, sobol]
`

// TestDesignSobol checks the Saltelli layout (N·(k+2) points; an AB point
// equals its A point but in its moved factor, which takes B's value) and
// that sharded runs merge to byte-identical tables.
func TestDesignSobol(t *testing.T) {
	dir := runSpec(t, sobolSpec, 1)
	rows := readTable(t, dir, "design.csv")
	const n, k, outcomes = 32, 2, 2
	if len(rows) != n*(k+2)*outcomes {
		t.Fatalf("design.csv has %d rows, want %d", len(rows), n*(k+2)*outcomes)
	}
	for j := range n {
		at := func(i int) map[string]string { return rows[(j*(k+2)+i)*outcomes] }
		a, b := at(0), at(1)
		if a["block"] != "A" || b["block"] != "B" {
			t.Fatalf("row %d: blocks %s, %s", j, a["block"], b["block"])
		}
		for f := range k {
			ab := at(2 + f)
			for _, col := range []string{resParam, passParam} {
				want := a[col]
				if col == ab["moved"] {
					want = b[col]
				}
				if ab[col] != want {
					t.Fatalf("row %d AB %s: %s = %s, want %s", j, ab["moved"], col, ab[col], want)
				}
			}
		}
	}
	for _, r := range rows {
		if v := num(t, r[passParam]); v < 0.5 || v > 0.7 {
			t.Fatalf("pass %v outside its range [0.5, 0.7]", v)
		}
	}
	sob := readTable(t, dir, "sobol.csv")
	if len(sob) != outcomes*2*k {
		t.Fatalf("sobol.csv has %d rows, want %d", len(sob), outcomes*2*k)
	}
	for _, r := range sob {
		s1, st := num(t, r["s1"]), num(t, r["st"])
		if num(t, r["s1_low"]) > s1 || s1 > num(t, r["s1_high"]) || st < -1e-9 || r["bootstrap_seed"] != "3" {
			t.Errorf("row %v", r)
		}
	}
	bin := readTable(t, dir, "binned.csv")
	if len(bin) != k*outcomes*2 {
		t.Fatalf("binned.csv has %d rows, want %d", len(bin), k*outcomes*2)
	}
	sharded := runSpec(t, sobolSpec, 3)
	for _, name := range []string{"design.csv", "sobol.csv", "binned.csv", "summary.csv"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(sharded, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the unsharded run and 3 shards merged", name)
		}
	}
}

// TestDesignLHS checks that each column of a Latin hypercube puts exactly
// one point in each of the n equal-probability strata of its parameter.
func TestDesignLHS(t *testing.T) {
	dir := runSpec(t, `
name: lhs
scenario: gap.yaml
design: {type: lhs, params: ["*"], n: 20, replicates: 10, seed: 9}
outcomes: [deal]
`, 1)
	rows := readTable(t, dir, "design.csv")
	if len(rows) != 20 {
		t.Fatalf("%d rows, want 20", len(rows))
	}
	for col, lohi := range map[string][2]float64{passParam: {0.5, 0.7}, resParam: {0.75, 0.85}} {
		var s []int
		for _, r := range rows {
			u := (num(t, r[col]) - lohi[0]) / (lohi[1] - lohi[0])
			s = append(s, int(math.Floor(u*20)))
		}
		sort.Ints(s)
		for i, v := range s {
			if v != i {
				t.Fatalf("%s: strata %v, want 0…19 once each", col, s)
			}
		}
	}
}

// TestDesignProblems checks that bad designs are refused with the field
// and what is allowed, never a panic or an empty result.
func TestDesignProblems(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{`design: {type: sobol, params: [issues.x.status_quo], n: 32, replicates: 10}`, "not uncertain"},
		{`design: {type: sobol, groups: [{name: g, params: [nothing.here]}], n: 32, replicates: 10}`, `no parameter "nothing.here"`},
		{`design: {type: sobol, params: all, n: 8, replicates: 10}`, "power of two N ≥ 16"},
		{`design: {type: sobol, params: all, n: 48, replicates: 10}`, "power of two"},
		{`design: {type: lhs, params: all, n: 1, replicates: 10}`, "needs at least 2 points"},
		{`design: {type: morris, params: all, n: 4, levels: 3, replicates: 10}`, "must be even"},
		{`design: {type: factorial, replicates: 10}`, "needs levers"},
		{`design: {type: box, replicates: 10}`, "unknown design"},
		{`design: {type: sobol, n: 32}`, "design.replicates"},
		{`design: {type: sobol, groups: [{name: a, params: ["*"]}, {name: b, params: ["institutions.*"]}], n: 32, replicates: 1}`, "in both a and b"},
	} {
		spec := "name: bad\nscenario: gap.yaml\n" + c.spec + "\n"
		s, err := Parse("testdata/bad.yaml", []byte(spec))
		if err == nil {
			_, err = NewPlan(s)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %s: Expected an error containing %q, Found %v", c.spec, c.want, err)
		}
	}
}

// TestDesignProblemsWhere checks the four bad designs issue 12 names (a
// parameter that is not uncertain, a group that names nothing, a Sobol N
// too small for the number of factors, a Latin hypercube with more
// dimensions than points) for the whole message: file, line, field and
// what is allowed.
func TestDesignProblemsWhere(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"not uncertain", `scenario: closed.yaml
design:
  type: sobol
  params: [institutions.r1.pass, issues.x.status_quo]
  n: 32
  replicates: 10
`, `testdata/bad.yaml:5: design.params[1]: "issues.x.status_quo" matches only parameters that are not uncertain in variant base (e.g. issues.x.status_quo = 50); a design samples uncertain parameters`},
		{"group names nothing", `scenario: closed.yaml
design:
  type: sobol
  groups:
    - {name: first, params: [institutions.r1.pass]}
    - {name: ghost, params: [institutions.nothing.*]}
  n: 32
  replicates: 10
`, `testdata/bad.yaml:7: design.groups[1].params[0]: no parameter "institutions.nothing.*" (negsim scenario lists them)`},
		{"empty group", `scenario: closed.yaml
design:
  type: sobol
  groups:
    - {name: first, params: [institutions.r1.pass]}
    - {name: ghost, params: []}
  n: 32
  replicates: 10
`, `testdata/bad.yaml:7: design.groups[1].params: is empty; a group needs at least one pattern`},
		// The embedded scenario's full plan has 178 uncertain actor
		// parameters (negsim scenario --variant full-plan).
		{"sobol n below k", `design:
  type: sobol
  variant: full-plan
  params: ["actors.*"]
  n: 64
  replicates: 10
`, `testdata/bad.yaml:6: design.n: a Sobol design of 178 factors needs a power of two N ≥ 178 (the sequence is balanced at powers of two): 256 or more, got 64`},
		{"lhs with more dimensions than points", `scenario: closed.yaml
design:
  type: lhs
  params: all
  n: 2
  replicates: 10
`, `testdata/bad.yaml:6: design.n: a Latin hypercube of 3 parameters needs at least 3 points, got n = 2`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse("testdata/bad.yaml", []byte("name: bad\n"+c.body))
			if err == nil {
				_, err = NewPlan(s)
			}
			if err == nil || err.Error() != c.want {
				t.Errorf("Expected the error\n%s\nFound\n%v", c.want, err)
			}
		})
	}
}

// newStateFor returns a state for j's model (tests).
func newStateFor(j *job) *sim.State {
	m := j.Model
	if m == nil {
		var mc modelCache
		m = mc.get(j.lazy)
	}
	return sim.NewState(m)
}

// TestShardRangesBalance checks that shards split a design of many cells
// smaller than a chunk evenly (each shard's replicate runs within 5% of a
// quarter), and that the shards' ranges are whole chunks that tile every
// cell. The design has 32·(2+2) = 128 points of 400 replicates, one chunk
// each, beside a variant cell of 3,000 replicates in 3 chunks.
func TestShardRangesBalance(t *testing.T) {
	s, err := Parse("testdata/design-experiment.yaml", []byte(sobolSpec))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	covered := make([]int, len(p.jobs))
	var total int64
	runs := make([]int64, n)
	for k := range n {
		for i, r := range p.shardRanges(k, n) {
			j := p.jobs[i]
			if r[0] > r[1] || r[0]%1000 != 0 || (r[1] != j.n && r[1]%1000 != 0) {
				t.Fatalf("shard %d, cell %d: range %v is not whole chunks of a %d-replicate cell", k, i, r, j.n)
			}
			if r[0] < r[1] && r[0] != covered[i] {
				t.Fatalf("shard %d, cell %d: range %v does not start where the previous shards stopped (%d)", k, i, r, covered[i])
			}
			if r[0] < r[1] {
				covered[i] = r[1]
			}
			w := int64(r[1]-r[0]) * jobModels(j)
			runs[k] += w
			total += w
		}
	}
	for i, j := range p.jobs {
		if covered[i] != j.n {
			t.Fatalf("cell %d: the shards cover %d of its %d replicates", i, covered[i], j.n)
		}
	}
	for k, r := range runs {
		if d := float64(r)/float64(total) - 1.0/n; d > 0.05 || d < -0.05 {
			t.Errorf("shard %d runs %d of %d replicate runs (%.1f%%); want about a quarter", k, r, total, 100*float64(r)/float64(total))
		}
	}
}
