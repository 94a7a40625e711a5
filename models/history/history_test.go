package history

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/negsim/negsim/figures"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/models/references"
	"github.com/negsim/negsim/sim"
)

var update = flag.Bool("update", false, "rewrite the scenario files and testdata/retrodiction.golden")

// N is the number of replicates of each round's batch, and Seed its seed.
const (
	N    = 20000
	Seed = 1
)

func TestScenarioFilesUpToDate(t *testing.T) {
	for _, r := range Rounds {
		want, err := Scenario(r)
		if err != nil {
			t.Fatal(err)
		}
		path := r.Case + ".yaml"
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./models/history -update writes it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the classes give; go test ./models/history -update rewrites it", path)
		}
	}
}

// observedMonths returns round r's observed invitation-to-membership time
// in months, from the class.
func observedMonths(t *testing.T, r Round) float64 {
	c, err := references.Lookup("nato-invitation-to-membership")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range c.Cases {
		if k.ID == r.Case {
			return k.Number()
		}
	}
	t.Fatalf("no case %q in nato-invitation-to-membership", r.Case)
	return 0
}

// Prediction is one round's retrodiction.
type Prediction struct {
	Round      Round
	Lo, Median float64 // 5% and 50% quantiles of the month of membership
	Hi         float64 // 95% quantile; +Inf when more than 5% never join
	PHold      float64 // share of replicates with a hold
	Observed   float64 // months, from the class
}

// Inside reports whether the observed time falls in the predicted 90%
// interval. A month m of the model stands for [m − ½, m + ½) of continuous
// time, since delays are rounded to whole months (docs/MODEL.md §3.5).
func (p Prediction) Inside() bool {
	return p.Observed >= p.Lo-0.5 && p.Observed < p.Hi+0.5
}

func predict(t *testing.T, r Round) Prediction {
	s, err := models.Load(r.Case + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	member := slices.Index(m.Outcomes, "member")
	consented := slices.Index(m.Outcomes, "consented")
	st := sim.NewState(m)
	rounds := make([]float64, N)
	held := 0
	for i := range rounds {
		res := st.Run(Seed, uint64(i), nil)
		rounds[i] = math.Inf(1)
		if k := res.OutcomeRound[member]; k >= 0 {
			rounds[i] = float64(k)
		}
		if res.OutcomeRound[consented] != 0 {
			held++
		}
	}
	slices.Sort(rounds)
	q := func(p float64) float64 { return rounds[int(math.Ceil(p*N))-1] }
	return Prediction{Round: r, Lo: q(0.05), Median: q(0.5), Hi: q(0.95), PHold: float64(held) / N, Observed: observedMonths(t, r)}
}

var figure = flag.Bool("figure", false, "write results/history/retrodiction.{svg,png}")

// TestRetrodiction runs every round's batch and compares the predicted 90%
// intervals with the observed times, and the whole table with
// testdata/retrodiction.golden (go test ./models/history -update rewrites
// it). It states the calibration and does not require every round inside:
// the golden file records which are, so a change in the machinery that
// moves a round in or out fails here and must be explained.
func TestRetrodiction(t *testing.T) {
	var preds []Prediction
	var b strings.Builder
	fmt.Fprintf(&b, "# Leave-one-out retrodiction of NATO accessions, N = %d per round, seed %d.\n", N, Seed)
	fmt.Fprintf(&b, "# case\tpredicted 5%%\tmedian\t95%% (months after the invitation)\tP(hold)\tobserved\tinside\n")
	inside := 0
	for _, r := range Rounds {
		p := predict(t, r)
		preds = append(preds, p)
		if p.Inside() {
			inside++
		}
		fmt.Fprintf(&b, "%s\t%g\t%g\t%g\t%.4f\t%.2f\t%v\n", r.Case, p.Lo, p.Median, p.Hi, p.PHold, p.Observed, p.Inside())
	}
	fmt.Fprintf(&b, "# calibration: %d of %d observed times inside the predicted 90%% interval\n", inside, len(Rounds))
	// The holds: the expected number of held rounds against the observed,
	// and the Brier score of P(hold) (0.25 is a coin's).
	expected, brier, held := 0.0, 0.0, 0
	for _, p := range preds {
		o := 0.0
		if p.Round.Held {
			o = 1
			held++
		}
		expected += p.PHold
		brier += (p.PHold - o) * (p.PHold - o)
	}
	fmt.Fprintf(&b, "# holds: %.2f expected, %d observed; Brier score of P(hold) %.3f\n", expected, held, brier/float64(len(preds)))
	t.Log("\n" + b.String())
	golden := filepath.Join("testdata", "retrodiction.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./models/history -update writes it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("retrodiction differs from %s:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
	if *figure {
		if err := writeFigure(preds); err != nil {
			t.Fatal(err)
		}
	}
}

// writeFigure draws the predicted intervals against the observed times to
// results/history/retrodiction.{svg,png}.
func writeFigure(preds []Prediction) error {
	rows := make([]figures.RetrodictionRow, len(preds))
	for i, p := range preds {
		rows[i] = figures.RetrodictionRow{Label: p.Round.Label, Lo: p.Lo, Median: p.Median, Hi: p.Hi,
			Observed: p.Observed, Inside: p.Inside(), Horizon: Horizon, IntervalFraction: 0.9}
	}
	dir := filepath.Join("..", "..", "results", "history")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := figures.Caption{N: N, Seed: Seed, Name: "models/history, leave-one-out over the reference classes"}
	return figures.Retrodiction(rows, "months from the invitation to membership", c, filepath.Join(dir, "retrodiction"))
}
