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
