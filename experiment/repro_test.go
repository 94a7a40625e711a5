package experiment_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/negsim/negsim/experiment"
)

// reproQuick are the shipped experiments cheap enough for every go test
// run (a few seconds together). The whole of experiments/all.yaml takes a
// few minutes on two cores: CI reproduces it as its own step by running the
// README's main command and comparing its output with results/ (.ci/run),
// and NEGSIM_REPRO=all runs every one of them here.
var reproQuick = []string{"us-pressure", "verification"}

// TestReproduce regenerates shipped experiments into a temporary directory
// and compares every CSV table and SVG figure with results/ byte for byte.
// When the scenario or the engine changes on purpose, regenerate results/
// with
//
//	go run ./cmd/negsim experiment experiments/all.yaml -o results
//
// and commit the new outputs with the change.
func TestReproduce(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("results/ were generated on amd64; floating-point output may differ on %s", runtime.GOARCH)
	}
	names := reproQuick
	if os.Getenv("NEGSIM_REPRO") == "all" {
		all, err := experiment.Load(filepath.Join("..", "experiments", "all.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		names = nil
		for _, inc := range all.Includes {
			names = append(names, inc.Name)
		}
	}
	if testing.Short() {
		names = []string{"verification"}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			spec, err := experiment.Load(filepath.Join("..", "experiments", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := experiment.NewPlan(spec)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := experiment.Run(ctx, p, experiment.Options{}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := experiment.WriteFiles(ctx, p, dir, "test"); err != nil {
				t.Fatal(err)
			}
			if _, err := experiment.Draw(p, dir); err != nil {
				t.Fatal(err)
			}
			want := filepath.Join("..", "results", name)
			compared := 0
			for _, pat := range []string{"*.csv", "*.svg"} {
				got, _ := filepath.Glob(filepath.Join(dir, pat))
				// design.csv is regenerated but not shipped (see
				// .ci/compare-results): the indices computed from it are.
				got = slices.DeleteFunc(got, func(f string) bool { return filepath.Base(f) == "design.csv" })
				ref, _ := filepath.Glob(filepath.Join(want, pat))
				if len(got) != len(ref) {
					t.Errorf("%s: regenerated %d %s files, results/ has %d", name, len(got), pat, len(ref))
				}
				for _, g := range got {
					base := filepath.Base(g)
					a, _ := os.ReadFile(g)
					b, err := os.ReadFile(filepath.Join(want, base))
					if err != nil {
						t.Errorf("%s/%s: %v", name, base, err)
						continue
					}
					compared++
					if !bytes.Equal(a, b) {
						t.Errorf("%s/%s differs from results/ (%s); regenerate results/ if the change is intended", name, base, firstDiff(a, b))
					}
				}
			}
			if compared == 0 {
				t.Errorf("%s: nothing compared", name)
			}
		})
	}
}

// firstDiff describes the first line where a and b differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + itoa(i+1) + ": got " + clip(la[i]) + ", want " + clip(lb[i])
		}
	}
	return "lengths differ"
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
