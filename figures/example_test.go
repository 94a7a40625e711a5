package figures_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/negsim/negsim/figures"
)

// Draw the figure for a summary table, then every figure a result
// directory allows.
func Example() {
	dir, err := os.MkdirTemp("", "negsim-figures")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	rows, err := figures.ReadSummary("testdata/fixture/summary.csv")
	if err != nil {
		log.Fatal(err)
	}
	c := figures.Caption{N: 2000, Seed: 1, ScenarioSHA256: "3f2a9c1b7d04e5f6a7b8c9d0"}
	fmt.Println(c)
	if err := figures.Variants(rows, c, filepath.Join(dir, "variants")); err != nil {
		log.Fatal(err)
	}

	// DrawDir reads manifest.json and whichever CSV files exist.
	for _, name := range []string{"manifest.json", "sweep.csv", "difference.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata/fixture", name))
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	files, err := figures.DrawDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// N = 2000 per point · seed 1 · scenario 3f2a9c1b7d04
	// sweep.svg
	// sweep.png
	// difference.svg
	// difference.png
}
