package figures

import (
	"bytes"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden SVGs in testdata/golden instead of comparing
// against them. Regenerate after an intended change of the figures with
//
//	go test ./figures -update
//
// and look at the new PNGs before committing the new goldens.
var update = flag.Bool("update", false, "rewrite golden files")

const fixtureDir = "testdata/fixture"

var fixtureCaption = Caption{
	N:              2000,
	Seed:           1,
	ScenarioSHA256: "3f2a9c1b7d04e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0",
	Name:           "fixture",
}

// golden lists each figure drawn from a fixture: the golden file's name
// and how to draw it.
var golden = []struct {
	name string
	draw func(c Caption, out string) error
}{
	{"variants_bars", func(c Caption, out string) error {
		return drawWith(ReadSummary, Variants)(filepath.Join(fixtureDir, "summary.csv"), c, out)
	}},
	{"variants_dots", func(c Caption, out string) error {
		return drawWith(ReadSummary, Variants)(filepath.Join(fixtureDir, "summary_many.csv"), c, out)
	}},
	{"byround", func(c Caption, out string) error {
		return drawWith(ReadByRound, ByRound)(filepath.Join(fixtureDir, ByRoundFile), c, out)
	}},
	{"forecast", func(c Caption, out string) error {
		return drawWith(ReadForecast, Forecast)(filepath.Join(fixtureDir, ForecastFile), c, out)
	}},
	{"sweep", func(c Caption, out string) error {
		return drawWith(ReadSweep, Sweep)(filepath.Join(fixtureDir, SweepFile), c, out)
	}},
	{"heatmap", func(c Caption, out string) error {
		return drawWith(ReadHeatmap, Heatmap)(filepath.Join(fixtureDir, HeatmapFile), c, out)
	}},
	{"tornado", func(c Caption, out string) error {
		return drawWith(ReadSensitivity, Tornado)(filepath.Join(fixtureDir, SensitivityFile), c, out)
	}},
	{"convergence", func(c Caption, out string) error {
		return drawWith(ReadConvergence, Convergence)(filepath.Join(fixtureDir, ConvergenceFile), c, out)
	}},
	{"difference", func(c Caption, out string) error {
		return drawWith(ReadDifference, Difference)(filepath.Join(fixtureDir, DifferenceFile), c, out)
	}},
	{"decompose", func(c Caption, out string) error {
		return drawWith(ReadDecompose, Decompose)(filepath.Join(fixtureDir, DecomposeFile), c, out)
	}},
	{"verification", func(c Caption, out string) error {
		return drawWith(ReadVerification, Verification)(filepath.Join(fixtureDir, VerificationFile), c, out)
	}},
}

func TestGolden(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, g.name)
			require.NoError(t, g.draw(fixtureCaption, out))

			svg, err := os.ReadFile(out + ".svg")
			require.NoError(t, err)
			// The caption (printing the whole SVG on failure would drown the log).
			assert.True(t, bytes.Contains(svg, []byte("seed 1 · scenario 3f2a9c1b7d04")), "caption missing")

			f, err := os.Open(out + ".png")
			require.NoError(t, err)
			defer f.Close()
			img, err := png.Decode(f)
			require.NoError(t, err)
			assert.Equal(t, 8*pngDPI, img.Bounds().Dx(), "PNG width")
			assert.GreaterOrEqual(t, img.Bounds().Dy(), 5*pngDPI, "PNG height")

			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 2, "only the SVG and the PNG, no temporary files")

			path := filepath.Join("testdata", "golden", g.name+".svg")
			if *update {
				require.NoError(t, os.WriteFile(path, svg, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./figures -update to create the golden file")
			if !bytes.Equal(svg, want) {
				t.Errorf("%s differs from %s; if the change is intended, look at the PNG and run go test ./figures -update", out+".svg", path)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, g := range golden {
		a := filepath.Join(t.TempDir(), g.name)
		b := filepath.Join(t.TempDir(), g.name)
		require.NoError(t, g.draw(fixtureCaption, a))
		require.NoError(t, g.draw(fixtureCaption, b))
		for _, ext := range []string{".svg", ".png"} {
			x, err := os.ReadFile(a + ext)
			require.NoError(t, err)
			y, err := os.ReadFile(b + ext)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(x, y), "%s%s differs between two runs", g.name, ext)
		}
	}
}

func copyFixture(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(fixtureDir, n))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o644))
	}
	return dir
}

func TestDrawDir(t *testing.T) {
	dir := copyFixture(t, ManifestFile, SummaryFile, ByRoundFile, ForecastFile, SweepFile, HeatmapFile,
		SensitivityFile, ConvergenceFile, DifferenceFile, VerificationFile)
	files, err := DrawDir(dir)
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		assert.FileExists(t, f)
		names = append(names, filepath.Base(f))
	}
	assert.Equal(t, []string{
		"variants.svg", "variants.png", "byround.svg", "byround.png", "forecast.svg", "forecast.png",
		"sweep.svg", "sweep.png", "heatmap.svg", "heatmap.png",
		"tornado.svg", "tornado.png", "convergence.svg", "convergence.png",
		"difference.svg", "difference.png", "verification.svg", "verification.png",
	}, names)

	// Redrawing gives the same bytes.
	first, err := os.ReadFile(filepath.Join(dir, "tornado.svg"))
	require.NoError(t, err)
	_, err = DrawDir(dir)
	require.NoError(t, err)
	second, err := os.ReadFile(filepath.Join(dir, "tornado.svg"))
	require.NoError(t, err)
	assert.Equal(t, first, second)
}

func TestDrawDirPartial(t *testing.T) {
	dir := copyFixture(t, ManifestFile, SweepFile)
	// A broken table is reported with its line and column, and does not
	// stop the figures that can be drawn.
	bad := "variant,outcome,round,successes,n,p,ci_low,ci_high\n" +
		"baseline,ceasefire,1,10,100,0.1,0.05,0.17\n" +
		"baseline,ceasefire,2,x,100,0.1,0.05,0.17\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, ByRoundFile), []byte(bad), 0o644))
	files, err := DrawDir(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, ByRoundFile)+`:3: column "successes": not an integer: "x"`)
	require.Len(t, files, 2)
	assert.Equal(t, "sweep.svg", filepath.Base(files[0]))
}

func TestDrawDirNeedsManifest(t *testing.T) {
	dir := copyFixture(t, SummaryFile)
	_, err := DrawDir(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), ManifestFile)
}

func TestReadManifest(t *testing.T) {
	c, err := ReadManifest(filepath.Join(fixtureDir, ManifestFile))
	require.NoError(t, err)
	assert.Equal(t, fixtureCaption, c)

	dir := t.TempDir()
	p := filepath.Join(dir, ManifestFile)
	require.NoError(t, os.WriteFile(p, []byte(`{"seed": 18446744073709551615, "n": 5}`), 0o644))
	c, err = ReadManifest(p)
	require.NoError(t, err)
	assert.Equal(t, uint64(math.MaxUint64), c.Seed)
	assert.Equal(t, "N = 5 per point · seed 18446744073709551615", c.String())

	require.NoError(t, os.WriteFile(p, []byte(`{"seed": "one"}`), 0o644))
	_, err = ReadManifest(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), p)
}

func TestCaption(t *testing.T) {
	assert.Equal(t, "N = 20000 per point · seed 1 · scenario 3f2a9c1b7d04",
		Caption{N: 20000, Seed: 1, ScenarioSHA256: "3f2a9c1b7d04aabbccdd"}.String())
	assert.Equal(t, "exp · N = 10 per point · seed 7 · scenario abc",
		Caption{N: 10, Seed: 7, ScenarioSHA256: "abc", Name: "exp"}.String())
	assert.Equal(t, "seed 0", Caption{}.String())
}

func TestParseErrors(t *testing.T) {
	const head = "variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round\n"
	cases := []struct{ in, want string }{
		{"", `s.csv:1: empty file`},
		{"variant,outcome\n", `s.csv:1: header "variant,outcome", want`},
		{head + "a,b,1,10,0.1,0.01,0.4,3,3\na,c,1,10,abc,0.01,0.4,3,3\n", `s.csv:3: column "p": not a number: "abc"`},
		{head + "a,b,1,10,1.5,0.01,0.4,3,3\n", `s.csv:2: column "p": probability 1.5 outside [0, 1]`},
		{head + "a,b,1,10,0.1,0.2,0.4,3,3\n", `s.csv:2: column "p": estimate 0.1 outside its interval [0.2, 0.4]`},
		{head + "a,b,11,10,0.1,0.01,0.4,3,3\n", `s.csv:2: column "successes": successes 11 greater than n 10`},
		{head + ",b,1,10,0.1,0.01,0.4,3,3\n", `s.csv:2: column "variant": empty value`},
		{head + "a,b,1,10,0.1,0.01,0.4,3,NaN\n", `s.csv:2: column "median_round": not a finite number`},
		{head + "a,b,1,10,0.1\n", `s.csv: record on line 2: wrong number of fields`},
	}
	for _, c := range cases {
		_, err := ParseSummary(strings.NewReader(c.in), "s.csv")
		if assert.Error(t, err, c.in) {
			assert.Contains(t, err.Error(), c.want)
		}
	}
}

func TestParseSummaryEmptyRounds(t *testing.T) {
	in := "variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round\n" +
		"base,ceasefire,0,100,0,0,0.037,,\n" +
		"base,escalation,5,100,0.05,0.02,0.11,12.5,12\n"
	rows, err := ParseSummary(strings.NewReader(in), "s.csv")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.True(t, math.IsNaN(rows[0].MeanRound))
	assert.True(t, math.IsNaN(rows[0].MedianRound))
	assert.Equal(t, 12.5, rows[1].MeanRound)
	assert.Equal(t, SummaryRow{Variant: "base", Outcome: "escalation", Successes: 5, N: 100,
		P: 0.05, CILow: 0.02, CIHigh: 0.11, MeanRound: 12.5, MedianRound: 12}, rows[1])
}

func TestParseOthers(t *testing.T) {
	br, err := ReadByRound(filepath.Join(fixtureDir, ByRoundFile))
	require.NoError(t, err)
	assert.Equal(t, ByRoundRow{Variant: "baseline", Outcome: "ceasefire", Round: 0, Successes: 0, N: 5000,
		P: 0, CILow: 0, CIHigh: 0.000768}, br[0])

	_, err = ParseDifference(strings.NewReader("variant_a,variant_b,outcome,p_a,p_b,diff,ci_low,ci_high,design\n"+
		"a,b,c,0.5,0.2,1.3,0.2,0.4,independent\n"), "d.csv")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `d.csv:2: column "diff": difference of probabilities 1.3 outside [-1, 1]`)

	_, err = ParseDifference(strings.NewReader("variant_a,variant_b,outcome,p_a,p_b,diff,ci_low,ci_high,design\n"+
		"a,b,c,0.5,0.2,0.3,0.2,0.4,matched\n"), "d.csv")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `d.csv:2: column "design": design "matched"; want independent or paired`)

	_, err = ParseConvergence(strings.NewReader("variant,outcome,n,successes,p,ci_low,ci_high\n"+
		"a,b,0,0,0,0,1\n"), "c.csv")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `c.csv:2: column "n": n must be positive`)

	_, err = ReadSweep("testdata/does-not-exist.csv")
	require.Error(t, err)
}

func TestNoRows(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x")
	assert.ErrorIs(t, Variants(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, ByRound(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Sweep(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Heatmap(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Tornado(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Convergence(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Difference(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Verification(nil, fixtureCaption, out), errNoRows)
	assert.ErrorIs(t, Forecast(nil, fixtureCaption, out), errNoRows)
}

// TestParseForecast reads the fixture's forecast.csv (a batch of the
// default scenario's bdm-forecast variant, rounds 0–7) and refuses a mean
// outside its interval and a round that is not a number.
func TestParseForecast(t *testing.T) {
	rows, err := ReadForecast(filepath.Join(fixtureDir, ForecastFile))
	require.NoError(t, err)
	require.Len(t, rows, 2*2*8, "2 variants, 2 tables, 8 rounds")
	assert.Equal(t, "bdm_donbas", rows[0].Table)
	assert.Equal(t, 1000, rows[0].N)
	head := strings.Join(forecastHeader, ",") + "\n"
	for _, c := range []struct{ in, want string }{
		{head + "v,t,0,10,50,49,51,40,60,55,56,57,40,70\n", `f.csv:2: column "median": estimate 55 outside its interval [56, 57]`},
		{head + "v,t,x,10,50,49,51,40,60,55,54,57,40,70\n", `f.csv:2: column "round"`},
	} {
		_, err := ParseForecast(strings.NewReader(c.in), "f.csv")
		if assert.Error(t, err, c.in) {
			assert.Contains(t, err.Error(), c.want)
		}
	}
}

func TestSweepOneLever(t *testing.T) {
	rows := []SweepRow{
		{Variant: "a", Lever: "l1", X: 0, Outcome: "o", N: 10, P: 0.1, CILow: 0, CIHigh: 0.4},
		{Variant: "a", Lever: "l2", X: 1, Outcome: "o", N: 10, P: 0.1, CILow: 0, CIHigh: 0.4},
	}
	err := Sweep(rows, fixtureCaption, filepath.Join(t.TempDir(), "s"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "want one")
}

func TestWriteAtomicBadDir(t *testing.T) {
	rows, err := ReadSummary(filepath.Join(fixtureDir, SummaryFile))
	require.NoError(t, err)
	err = Variants(rows, fixtureCaption, filepath.Join(t.TempDir(), "missing", "v"))
	require.Error(t, err)
}

// TestParseSummaryBelow checks the below-reservation columns of summary.csv:
// parsed when present, NaN shares for an outcome without successes, and a
// count above the successes refused.
func TestParseSummaryBelow(t *testing.T) {
	head := "variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round,below_reservation,below_share,below_ci_low,below_ci_high\n"
	rows, err := ParseSummary(strings.NewReader(head+
		"base,ceasefire,0,100,0,0,0.037,,,0,,,\n"+
		"base,escalation,5,100,0.05,0.02,0.11,12.5,12,2,0.4,0.1,0.8\n"), "s.csv")
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.True(t, rows[0].HasBelow)
	assert.True(t, math.IsNaN(rows[0].BelowShare))
	assert.Equal(t, SummaryRow{Variant: "base", Outcome: "escalation", Successes: 5, N: 100,
		P: 0.05, CILow: 0.02, CIHigh: 0.11, MeanRound: 12.5, MedianRound: 12,
		HasBelow: true, Below: 2, BelowShare: 0.4, BelowCILow: 0.1, BelowCIHigh: 0.8}, rows[1])
	_, err = ParseSummary(strings.NewReader(head+"base,e,5,100,0.05,0.02,0.11,12.5,12,6,1,0.5,1\n"), "s.csv")
	require.ErrorContains(t, err, `s.csv:2: column "below_reservation": successes 6 greater than n 5`)
}

// TestParseDecompose checks decompose.csv's fixture (written by negsim
// experiment on experiment/testdata/gap.yaml) and the errors of bad rows.
func TestParseDecompose(t *testing.T) {
	rows, err := ReadDecompose(filepath.Join(fixtureDir, DecomposeFile))
	require.NoError(t, err)
	require.Len(t, rows, 12)
	assert.Equal(t, "total", rows[0].Component)
	assert.Equal(t, "actors.a.tables.t.reservation", rows[1].Parameter)
	assert.Equal(t, "uniform[0.7, 0.8]", rows[1].DistFrom)
	assert.True(t, math.IsNaN(rows[4].PBase), "the interaction row has no probabilities")
	head := strings.Join(decomposeHeader, ",") + "\n"
	_, err = ParseDecompose(strings.NewReader(head+"base,a,b,deal,other,,,,0.5,0.4,-0.1,-0.2,0,,100\n"), "d.csv")
	require.ErrorContains(t, err, `d.csv:2: column "component": component "other"`)
	_, err = ParseDecompose(strings.NewReader(head+"base,a,b,deal,total,,,,0.5,0.4,-0.1,0,0.1,1,100\n"), "d.csv")
	require.ErrorContains(t, err, "outside its interval")
}

// TestRetrodiction draws a two-case retrodiction, one inside its interval
// and one outside with an interval beyond the horizon, and checks that both
// files are written; no rows is an error.
func TestRetrodiction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r")
	rows := []RetrodictionRow{
		{Label: "a", Lo: 3, Median: 5, Hi: 9, Observed: 4, Inside: true, Horizon: 20, IntervalFraction: 0.9},
		{Label: "b", Lo: 6, Median: 8, Hi: math.Inf(1), Observed: 2, Inside: false, Horizon: 20, IntervalFraction: 0.9},
	}
	if err := Retrodiction(rows, "months", Caption{N: 10, Seed: 1}, path); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".svg", ".png"} {
		if fi, err := os.Stat(path + ext); err != nil || fi.Size() == 0 {
			t.Errorf("%s%s: %v", path, ext, err)
		}
	}
	if err := Retrodiction(nil, "months", Caption{}, path); err == nil {
		t.Error("no rows: got no error")
	}
}
