package figures

import (
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	out := os.Getenv("FIGURES_OUT")
	if out == "" {
		t.Skip()
	}
	c := Caption{N: 2000, Seed: 1, ScenarioSHA256: "3f2a9c1b7d04e5f6a7b8", Name: "fixture"}
	br, err := ReadByRound("testdata/fixture/byround.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := ByRound(br, c, out+"/byround"); err != nil {
		t.Fatal(err)
	}
	sw, err := ReadSweep("testdata/fixture/sweep.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := Sweep(sw, c, out+"/sweep"); err != nil {
		t.Fatal(err)
	}
	cv, err := ReadConvergence("testdata/fixture/convergence.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := Convergence(cv, c, out+"/convergence"); err != nil {
		t.Fatal(err)
	}
}

func TestScratch2(t *testing.T) {
	out := os.Getenv("FIGURES_OUT")
	if out == "" {
		t.Skip()
	}
	c := Caption{N: 2000, Seed: 1, ScenarioSHA256: "3f2a9c1b7d04e5f6a7b8", Name: "fixture"}
	for _, n := range []string{"summary", "summary_many"} {
		rows, err := ReadSummary("testdata/fixture/" + n + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		if err := Variants(rows, c, out+"/"+n); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScratch3(t *testing.T) {
	out := os.Getenv("FIGURES_OUT")
	if out == "" {
		t.Skip()
	}
	c := Caption{N: 2000, Seed: 1, ScenarioSHA256: "3f2a9c1b7d04e5f6a7b8", Name: "fixture"}
	rows, err := ReadHeatmap("testdata/fixture/heatmap.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := Heatmap(rows, c, out+"/heatmap"); err != nil {
		t.Fatal(err)
	}
}

func TestScratch4(t *testing.T) {
	out := os.Getenv("FIGURES_OUT")
	if out == "" {
		t.Skip()
	}
	c := Caption{N: 2000, Seed: 1, ScenarioSHA256: "3f2a9c1b7d04e5f6a7b8", Name: "fixture"}
	s, err := ReadSensitivity("testdata/fixture/sensitivity.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := Tornado(s, c, out+"/tornado"); err != nil {
		t.Fatal(err)
	}
	d, err := ReadDifference("testdata/fixture/difference.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := Difference(d, c, out+"/difference"); err != nil {
		t.Fatal(err)
	}
	v, err := ReadVerification("testdata/fixture/verification.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := Verification(v, c, out+"/verification"); err != nil {
		t.Fatal(err)
	}
}
