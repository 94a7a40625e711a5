// Command replicates runs N replicates of one variant in a single goroutine
// and prints nothing but a checksum: the workload bench/instructions.sh
// measures under cachegrind, free of the batch runner's goroutines, progress
// reporting and output files.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"os"

	"github.com/spf13/pflag"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

func main() {
	variant := pflag.String("variant", "full-plan", "variant of the scenario")
	scenario := pflag.String("scenario", "", "scenario file (default: the embedded scenario)")
	n := pflag.IntP("n", "n", 1000, "replicates")
	hash := pflag.Bool("hash", false, "print a hash of every result bit (outcome rounds, final values, parameters, rounds, below-reservation flags) instead of the checksum: a check that an optimisation is bit-identical")
	pflag.Parse()
	if err := run(*scenario, *variant, *n, *hash); err != nil {
		fmt.Fprintln(os.Stderr, "replicates:", err)
		os.Exit(1)
	}
}

func run(file, variant string, n int, hash bool) error {
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
	h := fnv.New64a()
	var b []byte
	for i := range n {
		s1, s2 := sim.Stream(1, variant, uint64(i))
		res := st.Run(s1, s2, nil)
		for _, r := range res.OutcomeRound {
			sum += r
		}
		if hash {
			b = appendResult(b[:0], res)
			h.Write(b)
		}
	}
	if hash {
		fmt.Printf("%016x\n", h.Sum64())
		return nil
	}
	fmt.Println(sum)
	return nil
}

// appendResult appends every bit of res to b.
func appendResult(b []byte, res *sim.Result) []byte {
	for _, r := range res.OutcomeRound {
		b = binary.LittleEndian.AppendUint64(b, uint64(r))
	}
	for _, xs := range [][]float64{res.Final, res.Params} {
		for _, x := range xs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		}
	}
	for _, below := range res.BelowReservation {
		if below {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return binary.LittleEndian.AppendUint64(b, uint64(res.Rounds))
}
