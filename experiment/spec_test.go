package experiment

import (
	"os"
	"strings"
	"testing"

	"github.com/negsim/negsim/internal/corpustest"
)

func TestParseBad(t *testing.T) {
	for i, test := range []struct {
		yaml string
		want string // substring of the error, which names file and line
	}{
		{"name: x\nvariants: [a]\nn: 10\ncolour: red\n", "x.yaml:4: colour: unknown field; allowed here:"},
		{"variants: [a]\nn: 10\n", "x.yaml:1: name: is required"},
		{"name: x\nvariants: [a]\nn: 0\n", "x.yaml:3: n: must be in [1, 100000000], got 0"},
		{"name: x\nvariants: [a]\nn: -5\n", "n: must be in [1, 100000000], got -5"},
		{"name: x\nvariants: [a]\nn: many\n", `n: must be an integer in [1, 100000000], got "many"`},
		{"name: x\nvariants: [a]\n", "n: is required"},
		{"name: x\nvariants: [a]\nn: 10\nlevel: 1.5\n", "x.yaml:4: level: must be in (0, 1), e.g. 0.95, got 1.5"},
		{"name: x\nvariants: [a]\nn: 10\nlevel: 0\n", "level: must be in (0, 1)"},
		{"name: x\nvariants: []\nn: 10\n", "variants: is empty"},
		{"name: x\nvariants: some\nn: 10\n", `variants: must be "all"`},
		{"name: x\nvariants: [a]\nn: 10\nsweep: {param: p}\n", "x.yaml:4: sweep: is empty: give values"},
		{"name: x\nvariants: [a]\nn: 10\nsweep: {param: p, values: []}\n", "sweep.values: must be a non-empty list"},
		{"name: x\nvariants: [a]\nn: 10\nsweep: {param: p, from: 1, to: 0, steps: 3}\n", "sweep.to: must be greater than from"},
		{"name: x\nvariants: [a]\nn: 10\nsweep: {param: p, from: 0, to: 1, steps: 1}\n", "sweep.steps: must be in [2, 1000], got 1"},
		{"name: x\nvariants: [a]\nn: 10\nsweep: {param: p, values: [1], from: 0}\n", "give either values or from, to and steps"},
		{"name: x\nvariants: [a]\nn: 10\nsweep2: {x: {param: p, values: [1]}}\n", "sweep2: needs both x and y"},
		{"name: x\nvariants: [a]\nn: 10\nfigures: [pie]\n", `unknown figure "pie"; allowed: variants, byround`},
		{"name: x\nvariants: [a, b]\nn: 10\ndifference: [{a: a, b: b, paired: perhaps}]\n", "difference[0].paired"},
		{"name: x\nvariants: [a, b]\nn: 10\ndifference: [{a: a, b: b, pair: true}]\n", "unknown field"},
		{"name: x\nvariants: [a]\nn: 10\nfigures: [heatmap]\n", "figure heatmap needs sweep2"},
		{"name: x\nvariants: [a]\nn: 10\ndifference: [{a: a, b: z}]\n", `"z" is not one of the experiment's variants`},
		{"name: x\nvariants: [a]\nn: 10\nconvergence: [100, 50]\n", "convergence[1]: must be greater than the previous count 100"},
		{"name: x\nvariants: [a]\nn: 10\nconvergence: [5, 20]\n", "the last count 20 exceeds n = 10"},
		{"name: x\nn: 10\n", "the experiment runs nothing"},
		{"name: a/b\nverification: true\n", "name: must be a plain directory name"},
		{"name: x\nverification: maybe\n", `verification: must be true or false, got "maybe"`},
		{"name: x\nvariants: [a]\nn: 10\nsensitivity: {params: none}\n", `sensitivity.params: must be "all"`},
		{"name: x\nvariants: [{variant: a}]\nn: 10\n", "variants[0]: needs name"},
		{"name: x\nvariants: [{name: b, variant: a, fixed: [{param: p}]}]\nn: 10\n", "variants[0].fixed[0]: needs both param and value"},
		{"name: x\nvariants: [a]\nn: 10\nseed: -1\n", "seed: must be an integer in [0, 2^64-1]"},
		{"name: [x\n", "x.yaml"},
		{"", "empty experiment file"},
	} {
		_, err := Parse("x.yaml", []byte(test.yaml))
		if err == nil {
			t.Errorf("case %d: Expected an error containing %q, Found none", i, test.want)
			continue
		}
		if !strings.Contains(err.Error(), test.want) {
			t.Errorf("case %d: Expected an error containing %q, Found %q", i, test.want, err)
		}
	}
}

func TestPlanBad(t *testing.T) {
	const head = "name: x\nscenario: mini.yaml\nn: 10\n"
	for i, test := range []struct {
		yaml string
		want string
	}{
		{head + "variants: [nope]\n", `variants: variant "nope": unknown variant "nope"`},
		{head + "variants: [base]\nreadings: [hard]\n", `readings[0]: unknown reading "hard"; the scenario's readings: soft`},
		{head + "variants: [base]\noutcomes: [peace]\n", `outcomes[0]: unknown outcome "peace"`},
		{head + "variants: [base]\nsweep: {param: actors.zz.power, values: [1]}\n", `sweep.param: no parameter "actors.zz.power"`},
		{head + "variants: [base]\nfixed: [{param: \"linkages.*.nothing\", value: 0}]\n", `fixed[0]: no parameter "linkages.*.nothing"`},
		{head + "variants: [base]\nsensitivity: {outcome: peace}\n", `sensitivity.outcome: unknown or unreported outcome "peace"`},
		{head + "variants: [base]\nsensitivity: {outcome: deal, params: [actors.a.power]}\n", "actors.a.power is fixed at 1 in variant base"},
		{head + "variants: all\nreadings: [soft]\ndifference: [{a: no_side, b: no_side+soft}]\n", `"no_side" is not one of the experiment's variants: no_side+soft`},
	} {
		s, err := Parse("testdata/x.yaml", []byte(test.yaml))
		if err != nil {
			t.Errorf("case %d: Parse: %v", i, err)
			continue
		}
		_, err = NewPlan(s)
		if err == nil {
			t.Errorf("case %d: Expected an error containing %q, Found none", i, test.want)
			continue
		}
		if !strings.Contains(err.Error(), test.want) || !strings.Contains(err.Error(), "testdata/x.yaml:") {
			t.Errorf("case %d: Expected an error at testdata/x.yaml:LINE containing %q, Found %q", i, test.want, err)
		}
	}
}

func TestParseGood(t *testing.T) {
	s, err := Parse("x.yaml", []byte(`name: x
variants: [a, {name: a-pinned, variant: a, fixed: [{param: "p.*", value: 0}]}]
readings: [r1, r2]
n: 100
sweep: {param: q, from: 0, to: 1, steps: 5}
difference: [{a: a+r1, b: a-pinned+r1}]
`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse("x.yaml", []byte("name: g\nvariants: [a]\nn: 1\nsweep: {param: q, from: -0.2, to: 0.1, steps: 7}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{-0.2, -0.15, -0.1, -0.05, 0, 0.05, 0.1} {
		if g.Sweep.Values[i] != want {
			t.Errorf("grid point %d: Expected %v, Found %v", i, want, g.Sweep.Values[i])
		}
	}
	if got, want := s.Sweep.Values, []float64{0, 0.25, 0.5, 0.75, 1}; len(got) != len(want) || got[4] != want[4] || got[1] != want[1] {
		t.Errorf("sweep values: Expected %v, Found %v", want, got)
	}
	if got := strings.Join(s.Figures, ","); got != "variants,sweep,difference" {
		t.Errorf("default figures: Expected variants,sweep,difference, Found %s", got)
	}
	if s.Seed != 1 || s.Level != 0.95 {
		t.Errorf("defaults: Expected seed 1, level 0.95, Found %d, %v", s.Seed, s.Level)
	}
}

// FuzzParse checks that no input makes Parse panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"name: x\nvariants: [a, {name: b, variant: a, fixed: [{param: p, value: 1}]}]\nreadings: [r]\nn: 10\n",
		"name: x\nvariants: all\nn: 5\nsweep2: {x: {param: p, from: 0, to: 1, steps: 3}, y: {param: q, values: [1, 2]}}\n",
		"name: x\nsensitivity: {variant: a, outcome: o, params: [p], n: 3}\nn: 4\nconvergence: [1, 2]\n",
		"a: &a [1]\nname: *a\n", "- 1\n- 2\n", "name: x\nincludes: [a.yaml]\n", "name: x\nvariants: [[a]]\nsweep: 5\nfixed: {}\n",
	} {
		f.Add(s)
	}
	// The bad-input corpus applied to its base, planned against
	// testdata/mini.yaml (the fuzz file lies in testdata/bad/).
	if b, err := os.ReadFile("testdata/bad/base.yaml"); err == nil {
		f.Add(strings.Replace(string(b), "scenario: mini.yaml", "scenario: ../mini.yaml", 1))
		for _, c := range corpustest.Read(f, "testdata/bad/bad.tsv") {
			doc := strings.Replace(string(b), c.Old, c.New, 1)
			f.Add(strings.Replace(doc, "scenario: mini.yaml", "scenario: ../mini.yaml", 1))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := Parse("testdata/bad/fuzz.yaml", []byte(s))
		if err != nil || len(spec.includeNames) > 0 {
			return
		}
		if p, err := NewPlan(spec); err == nil {
			p.CheckSize(0)
		}
	})
}
