package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/figures"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// makeBatch runs a small batch of the embedded scenario into dir, as negsim
// batch does, and draws its figures, as negsim plot does.
func makeBatch(t *testing.T, dir string, variants []string, n int, fixed []batch.Fix) {
	t.Helper()
	s, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := batch.Run(context.Background(), batch.Config{Scenario: s, Variants: variants, N: n, Seed: 3, Workers: 2, Quiet: true, Fixed: fixed})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	m := res.Manifest
	m.Command = []string{"negsim", "batch", "-n", "200"}
	if err := res.WriteDir(dir, m); err != nil {
		t.Fatal(err)
	}
	if _, err := figures.DrawDir(dir); err != nil {
		t.Fatal(err)
	}
}

func render(t *testing.T, o Options) (*Report, string) {
	t.Helper()
	r, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b); err != nil {
		t.Fatal(err)
	}
	return r, b.String()
}

// count returns the number of non-overlapping matches of re in s.
func count(s, re string) int { return len(regexp.MustCompile(re).FindAllStringIndex(s, -1)) }

// checkSelfContained fails if the page would fetch anything: a script,
// style sheet, image or frame from an address, or an @import.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, re := range []string{
		`(?i)<script[^>]*\bsrc\s*=`,
		`(?i)<link[^>]*rel\s*=\s*"?stylesheet`,
		`(?i)<(img|iframe|source|embed|object|audio|video)[^>]*\b(src|data)\s*=\s*"?(https?:)?//`,
		`(?i)@import`,
		`(?i)url\(\s*['"]?(https?:)?//`,
		`(?i)\b(fetch|XMLHttpRequest|importScripts)\s*\(`,
	} {
		if n := count(page, re); n > 0 {
			t.Errorf("the page fetches something: %d matches of %s", n, re)
		}
	}
}

func TestBatchReport(t *testing.T) {
	dir := t.TempDir()
	makeBatch(t, dir, []string{"base", "full-plan"}, 200, nil)
	r, page := render(t, Options{Dir: dir, Replicates: []uint64{0, 3}})

	svgs, _ := filepath.Glob(filepath.Join(dir, "*.svg"))
	if len(svgs) == 0 {
		t.Fatal("figures.DrawDir drew no SVG")
	}
	if got := count(page, `<img class="fig" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]{100,}"`); got != len(svgs) {
		t.Errorf("inlined SVG figures: %d, expected %d (one per %s/*.svg)", got, len(svgs), dir)
	}
	summary, err := figures.ReadSummary(filepath.Join(dir, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if got := count(page, `<table class="data summary"`); got != 1 {
		t.Errorf("summary tables: %d, expected 1", got)
	}
	// One row per variant and outcome, each with the p's interval and the
	// below-reservation share's.
	if got, want := count(page, `<td class="n p">`), len(summary); got != want {
		t.Errorf("summary rows: %d, expected %d", got, want)
	}
	if !strings.Contains(page, "below<br>share") {
		t.Error("the summary has no below-reservation columns")
	}
	// The manifest: seed, N, scenario hash, command.
	for _, want := range []string{"<th>seed</th><td>3</td>", "<th>N (replicates per cell)</th><td>200</td>",
		r.Scenario.SHA256(), "negsim batch -n 200"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The variant traced is the manifest's first; its seed the batch's.
	if r.Variant != "base" || r.Seed != 3 {
		t.Errorf("traced variant %s seed %d, expected base seed 3", r.Variant, r.Seed)
	}
	if got := count(page, `<article class="trace"`); got != 2 {
		t.Errorf("traces: %d, expected 2", got)
	}
	rows, lanes, events := 0, 0, 0
	for _, tr := range r.Traces {
		lanes += len(tr.Lanes)
		for _, ln := range tr.Lanes {
			rows += len(ln.Rows)
			for _, row := range ln.Rows {
				events += len(row.Events)
			}
		}
	}
	if rows == 0 {
		t.Fatal("the traces have no rows")
	}
	for re, want := range map[string]int{`<tr class="tl-row"`: rows, `<section class="lane"`: lanes, `<li class="ev ev-`: events} {
		if got := count(page, re); got != want {
			t.Errorf("%s: %d, expected %d", re, got, want)
		}
	}
	// Every parameter of the variant, with its provenance.
	m := compileVariant(t, "base")
	if got, want := count(page, `<tr><td><code>[^<]+</code></td><td class="n">`), len(m.ParamNames()); got != want {
		t.Errorf("parameter rows: %d, expected %d", got, want)
	}
	if r.ParamTotal.Neither != 0 {
		t.Errorf("%d parameters of the embedded scenario have no provenance", r.ParamTotal.Neither)
	}
	checkSelfContained(t, page)
}

func compileVariant(t *testing.T, v string) *sim.Model {
	t.Helper()
	s, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.Resolve(v)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.Compile(rs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReplayIsRunTrace checks that a trace is replicate I as negsim run
// --trace --replicate I prints it: the same steps, in the same order, with
// the same details.
func TestReplayIsRunTrace(t *testing.T) {
	m := compileVariant(t, "full-plan")
	for _, i := range []uint64{0, 3, 42} {
		var b bytes.Buffer
		tt := sim.NewTextTracer(m, &b)
		s1, s2 := sim.Stream(7, "full-plan", i)
		sim.NewState(m).Run(s1, s2, tt)
		if err := tt.Flush(); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[1:]

		c := &collector{m: m}
		s1, s2 = sim.Stream(7, "full-plan", i)
		sim.NewState(m).Run(s1, s2, c)
		if len(c.events) != len(lines) {
			t.Fatalf("replicate %d: %d events, negsim run --trace prints %d lines", i, len(c.events), len(lines))
		}
		tr := replay(m, "full-plan", 7, i)
		if tr.Events != len(lines) {
			t.Errorf("replicate %d: the trace has %d events, expected %d", i, tr.Events, len(lines))
		}
		for k, ce := range c.events {
			line := lines[k]
			if f := strings.Fields(line); f[0] != strconv.Itoa(ce.round) {
				t.Errorf("replicate %d, line %d: round %d, the text says %q", i, k, ce.round, line)
			}
			for _, part := range []string{ce.ev.Who, ce.ev.Institution, ce.ev.Detail} {
				if !strings.Contains(line, part) {
					t.Errorf("replicate %d, line %d: %q is not in %q", i, k, part, line)
				}
			}
		}
	}
}

// TestExperimentDirReport builds a report of a directory laid out as
// negsim experiment writes one with includes: a manifest at the top and
// one subdirectory per experiment.
func TestExperimentDirReport(t *testing.T) {
	root := t.TempDir()
	s, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	parent := map[string]any{"name": "all", "experiment_file": "experiments/all.yaml", "seed": 1, "n": 0,
		"command": "negsim experiment experiments/all.yaml -o out/all"}
	writeJSON(t, filepath.Join(root, "manifest.json"), parent)
	makeBatch(t, filepath.Join(root, "a"), []string{"full-plan"}, 100, nil)
	makeBatch(t, filepath.Join(root, "b"), []string{"base"}, 100, nil)
	diff, err := os.ReadFile("testdata/difference.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "b", "difference.csv"), diff, 0o644); err != nil {
		t.Fatal(err)
	}
	r, page := render(t, Options{Dir: root, Variant: "base", Replicates: []uint64{1}})
	if len(r.Dirs) != 2 || r.Parent == nil {
		t.Fatalf("%d result directories and parent %v, expected 2 and the root", len(r.Dirs), r.Parent)
	}
	if r.VariantDir != "b" {
		t.Errorf("variant base traced from %q, expected b, the directory that ran it", r.VariantDir)
	}
	if got := count(page, `<table class="data summary"`); got != 2 {
		t.Errorf("summary tables: %d, expected 2", got)
	}
	if got, want := count(page, `<table class="data" data-file="difference.csv"`), 1; got != want {
		t.Errorf("difference tables: %d, expected %d", got, want)
	}
	if got, want := count(page, `<td class="n">0.009650</td>`), 1; got != want {
		t.Errorf("difference.csv's first diff appears %d times, expected %d", got, want)
	}
	if !strings.Contains(page, "Manifest of the whole run (all)") {
		t.Error("the parent manifest is not shown")
	}
	if !strings.Contains(page, s.SHA256()) {
		t.Error("the scenario hash is not shown")
	}
	checkSelfContained(t, page)
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBuildErrors(t *testing.T) {
	empty := t.TempDir()
	onlyManifest := t.TempDir()
	writeJSON(t, filepath.Join(onlyManifest, "manifest.json"), map[string]any{"kind": "batch", "seed": 1})
	otherScenario := t.TempDir()
	writeJSON(t, filepath.Join(otherScenario, "manifest.json"), map[string]any{"kind": "batch", "seed": 1,
		"scenario": "mine.yaml", "scenario_sha256": strings.Repeat("ab", 32)})
	diff, _ := os.ReadFile("testdata/difference.csv")
	if err := os.WriteFile(filepath.Join(otherScenario, "difference.csv"), diff, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		o    Options
		want string
	}{
		{Options{Dir: filepath.Join(empty, "nothing")}, "no such file"},
		{Options{Dir: empty}, "no manifest.json here or in its subdirectories"},
		{Options{Dir: onlyManifest}, "no results"},
		{Options{Dir: otherScenario}, "pass --scenario FILE"},
	} {
		_, err := Build(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: Expected an error with %q, Found %v", i, c.want, err)
		}
	}
}

func TestParseReplicates(t *testing.T) {
	for i, c := range []struct {
		in   string
		want []uint64
		err  bool
	}{
		{"0,7,42", []uint64{0, 7, 42}, false},
		{" 3 , 3,1", []uint64{3, 1}, false},
		{"", nil, false},
		{"1,-2", nil, true},
		{"x", nil, true},
	} {
		got, err := ParseReplicates(c.in)
		if (err != nil) != c.err || !slices.Equal(got, c.want) {
			t.Errorf("case %d: Expected %v (error %v), Found %v (%v)", i, c.want, c.err, got, err)
		}
	}
}

// TestBatchManifestReplicatesFile: a batch written with --replicates names
// the file in its manifest's "replicates" field, where an experiment's
// manifest gives a count; the report reads both (it used to refuse the
// batch's manifest).
func TestBatchManifestReplicatesFile(t *testing.T) {
	dir := t.TempDir()
	makeBatch(t, dir, []string{"base"}, 100, nil)
	path := filepath.Join(dir, "manifest.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["replicates"] = "replicates.csv.gz"
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, page := render(t, Options{Dir: dir})
	if !strings.Contains(page, "per-replicate file") || !strings.Contains(page, "replicates.csv.gz") {
		t.Error("the page does not name the batch's per-replicate file")
	}
}

// TestCountRows counts the data rows of a CSV file read in blocks, with
// and without a last newline, and across a block boundary.
func TestCountRows(t *testing.T) {
	long := strings.Repeat("1,2,3\n", 20000) // 120,000 bytes: two 64 KiB blocks
	for _, c := range []struct {
		name, data string
		want       int
	}{
		{"empty", "", 0},
		{"header only", "a,b\n", 0},
		{"header without newline", "a,b", 0},
		{"two rows", "a,b\n1,2\n3,4\n", 2},
		{"last row without newline", "a,b\n1,2\n3,4", 2},
		{"two blocks", "a,b,c\n" + long, 20000},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.csv")
			require.NoError(t, os.WriteFile(p, []byte(c.data), 0o644))
			n, err := countRows(p)
			require.NoError(t, err)
			require.Equal(t, c.want, n)
		})
	}
}

// TestReadTooLarge checks that a manifest beyond maxFile is refused by its
// reported size, naming the file, before anything is read (the file is
// sparse, so the test writes nothing).
func TestReadTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "manifest.json")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(maxFile+1))
	require.NoError(t, f.Close())
	_, err = readManifest(p)
	require.EqualError(t, err, fmt.Sprintf("%s is %d bytes; at most %d are allowed", p, maxFile+1, maxFile))
}
