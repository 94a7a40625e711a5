package verify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/negsim/negsim/verify"
)

// TestRun checks every row against its tolerance (see Row.Tolerance and
// docs/MODEL.md §6 for the sources of the closed forms) and that every
// game is present.
func TestRun(t *testing.T) {
	rows, err := verify.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for i, r := range rows {
		count[r.Game]++
		if !(r.AbsError <= r.Tolerance()) {
			t.Errorf("row %d %s %s=%g: engine %.12g, closed form %.12g, error %.3g above tolerance %.3g",
				i, r.Game, r.Param, r.X, r.Engine, r.ClosedForm, r.AbsError, r.Tolerance())
		}
	}
	for _, g := range []string{verify.RubinsteinShare, verify.RubinsteinFinite, verify.BFProposer, verify.BFPartner,
		verify.BFQuota, verify.TacticCrossing, verify.WeightedMedianGame} {
		if count[g] < 4 {
			t.Errorf("game %s has %d rows, want a grid of at least 4", g, count[g])
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := verify.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a cancelled context: error %v, want context.Canceled", err)
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	rows := []verify.Row{{Game: "g", Param: "p", X: 0.5, Engine: 0.25, ClosedForm: 0.25, AbsError: 0}}
	if err := verify.WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	want := "game,param,x,engine,closed_form,abs_error\ng,p,0.5,0.25,0.25,0\n"
	if b.String() != want {
		t.Errorf("WriteCSV wrote %q, want %q", b.String(), want)
	}
}

// Example runs the verification and reports, game by game, whether the
// engine met the tolerance at every grid point.
func Example() {
	rows, err := verify.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	var games []string
	n, ok := map[string]int{}, map[string]bool{}
	for _, r := range rows {
		if n[r.Game] == 0 {
			games = append(games, r.Game)
			ok[r.Game] = true
		}
		n[r.Game]++
		ok[r.Game] = ok[r.Game] && r.AbsError <= r.Tolerance()
	}
	for _, g := range games {
		fmt.Printf("%-16s %2d points, all within tolerance: %v\n", g, n[g], ok[g])
	}
	var b strings.Builder
	if err := verify.WriteCSV(&b, rows[:1]); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.SplitN(b.String(), "\n", 2)[0], "\n")
	// Output:
	// rubinstein-share 12 points, all within tolerance: true
	// rubinstein-finite 20 points, all within tolerance: true
	// bf-proposer      11 points, all within tolerance: true
	// bf-partner       11 points, all within tolerance: true
	// bf-quota          5 points, all within tolerance: true
	// tactic-crossing   9 points, all within tolerance: true
	// weighted-median  11 points, all within tolerance: true
	// game,param,x,engine,closed_form,abs_error
}
