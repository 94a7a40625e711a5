// Command replicates runs N replicates of one variant in a single goroutine
// and prints nothing but a checksum: the workload bench/instructions.sh
// measures under cachegrind, free of the batch runner's goroutines, progress
// reporting and output files.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

func main() {
	variant := pflag.String("variant", "full-plan", "variant of the scenario")
	scenario := pflag.String("scenario", "", "scenario file (default: the embedded scenario)")
	n := pflag.IntP("n", "n", 1000, "replicates")
	pflag.Parse()
	if err := run(*scenario, *variant, *n); err != nil {
		fmt.Fprintln(os.Stderr, "replicates:", err)
		os.Exit(1)
	}
}

func run(file, variant string, n int) error {
	s, err := models.Default()
	if file != "" {
		s, err = models.Load(file)
	}
	if err != nil {
		return err
	}
	if s, err = s.Resolve(variant); err != nil {
		return err
	}
	m, err := sim.Compile(s)
	if err != nil {
		return err
	}
	st := sim.NewState(m)
	sum := 0
	for i := range n {
		s1, s2 := sim.Stream(1, variant, uint64(i))
		res := st.Run(s1, s2, nil)
		for _, r := range res.OutcomeRound {
			sum += r
		}
	}
	fmt.Println(sum)
	return nil
}
