// Command pgo writes the CPU profile that go build uses to optimize negsim
// (profile-guided optimization: cmd/negsim/default.pgo, read by go build
// and go run with their default -pgo=auto). It runs four experiments that
// together exercise what the main command spends its time on (every
// variant, the one-at-a-time sensitivity, the Sobol design and the model
// comparison with the expected-utility mediator and BDM) in this process,
// without writing their output, and profiles them:
//
//	go run ./bench/pgo -o cmd/negsim/default.pgo
//
// The profile changes how the compiler inlines and lays out code, never a
// result: every output is the same bit for bit with -pgo=off.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/spf13/pflag"

	"github.com/negsim/negsim/experiment"
)

// profiled are the experiments whose run is profiled, relative to the
// repository root.
var profiled = []string{
	"experiments/variants.yaml",
	"experiments/sensitivity.yaml",
	"experiments/global-sensitivity.yaml",
	"experiments/models.yaml",
}

func main() {
	out := pflag.StringP("out", "o", "cmd/negsim/default.pgo", "profile to write")
	pflag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "pgo:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	var plans []*experiment.Plan
	for _, f := range profiled {
		spec, err := experiment.Load(f)
		if err != nil {
			return err
		}
		p, err := experiment.NewPlan(spec)
		if err != nil {
			return err
		}
		plans = append(plans, p)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".default.pgo-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := pprof.StartCPUProfile(tmp); err != nil {
		tmp.Close()
		return err
	}
	for _, p := range plans {
		if err := experiment.Run(context.Background(), p, experiment.Options{}); err != nil {
			pprof.StopCPUProfile()
			tmp.Close()
			return fmt.Errorf("%s: %w", p.Spec.File, err)
		}
	}
	pprof.StopCPUProfile()
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
