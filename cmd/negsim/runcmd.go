package main

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/negsim/negsim/sim"
)

func runRun(e *env, args []string) error {
	fs := newFlags(e, "run", "run [--scenario FILE] [--variant NAME] [--seed N] [--replicate I] [--trace] [--format text|json]",
		"negsim run --variant full-plan --seed 7 --trace")
	scenario := fs.String("scenario", "", "scenario YAML file (default: the embedded scenario)")
	variant := fs.String("variant", "", `variant to apply; join several with "+", e.g. full-plan+sceptic (default: the scenario's default_variant, else base)`)
	seed := fs.Uint64("seed", 1, "master seed")
	replicate := fs.Uint64("replicate", 0, "replicate index: replays replicate I of a batch with the same seed and variant")
	trace := fs.Bool("trace", false, "print the negotiation round by round")
	format := fs.String("format", "text", "output format: text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return usagef("--format is %q; allowed: text, json", *format)
	}
	_, s, m, err := loadModel(*scenario, *variant)
	if err != nil {
		return err
	}
	*variant = s.Variant
	st := sim.NewState(m)
	s1, s2 := sim.Stream(*seed, *variant, *replicate)
	if *format == "json" {
		var rec *recorder
		var tr sim.Tracer
		if *trace {
			rec = &recorder{m: m}
			tr = rec
		}
		res := st.Run(s1, s2, tr)
		out := jsonResult{Scenario: s.Name, ScenarioSHA256: s.SHA256(), Variant: *variant, Seed: *seed, Replicate: *replicate,
			Rounds: res.Rounds, Outcomes: map[string]*int{}, Final: map[string]float64{}, Params: map[string]float64{}}
		for i, o := range m.Outcomes {
			if r := res.OutcomeRound[i]; r >= 0 {
				out.Outcomes[o] = &r
			} else {
				out.Outcomes[o] = nil
			}
		}
		for i, is := range m.Issues {
			out.Final[is] = round6(res.Final[i])
		}
		for i, p := range m.ParamNames() {
			out.Params[p] = round6(res.Params[i])
		}
		if rec != nil {
			out.Trace = rec.steps
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(e.stdout, "negsim run: scenario %s (%s), variant %s, seed %d, replicate %d\n\n", s.Name, s.SHA256()[:12], *variant, *seed, *replicate)
	var tt *sim.TextTracer
	var tr sim.Tracer
	if *trace {
		tt = sim.NewTextTracer(m, e.stdout)
		tr = tt
	}
	res := st.Run(s1, s2, tr)
	if tt != nil {
		if err := tt.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "Outcomes after %d rounds:\n", res.Rounds)
	for i, o := range m.Outcomes {
		r := res.OutcomeRound[i]
		status := "not reached"
		if r >= 0 {
			status = fmt.Sprintf("reached in round %d", r)
		}
		fmt.Fprintf(e.stdout, "  %-24s %-46s %s\n", o, s.Outcomes.Vals[i].Label, status)
	}
	fmt.Fprintln(e.stdout, "\nFinal position on every issue (0-100):")
	for i, is := range m.Issues {
		fmt.Fprintf(e.stdout, "  %-24s %6.1f  %s\n", is, res.Final[i], s.Issues.Vals[i].Label)
	}
	return nil
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

type jsonResult struct {
	Scenario       string             `json:"scenario"`
	ScenarioSHA256 string             `json:"scenario_sha256"`
	Variant        string             `json:"variant"`
	Seed           uint64             `json:"seed"`
	Replicate      uint64             `json:"replicate"`
	Rounds         int                `json:"rounds"`
	Outcomes       map[string]*int    `json:"outcome_round"`
	Final          map[string]float64 `json:"final"`
	Params         map[string]float64 `json:"params"`
	Trace          []jsonStep         `json:"trace,omitempty"`
}

type jsonStep struct {
	Round       int       `json:"round"`
	Step        string    `json:"step"`
	Table       string    `json:"table,omitempty"`
	Actor       string    `json:"actor,omitempty"`
	Institution string    `json:"institution,omitempty"`
	Linkage     string    `json:"linkage,omitempty"`
	Shock       string    `json:"shock,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Accept      bool      `json:"accept"`
	Silent      bool      `json:"silent,omitempty"`
	U           float64   `json:"u,omitempty"`
	R           float64   `json:"r,omitempty"`
	P           float64   `json:"p,omitempty"`
	Offer       []float64 `json:"offer,omitempty"`
}

var stepNames = map[sim.TraceKind]string{sim.TraceOpened: "opened", sim.TraceOffer: "offer", sim.TraceResponse: "response",
	sim.TraceVote: "vote", sim.TraceDecision: "decision", sim.TraceAgreed: "agreed", sim.TraceLinkage: "linkage",
	sim.TraceShock: "shock", sim.TraceOutcome: "outcome", sim.TraceBDM: "bdm", sim.TraceHold: "hold"}

type recorder struct {
	m     *sim.Model
	steps []jsonStep
}

func pick(list []string, i int) string {
	if i < 0 {
		return ""
	}
	return list[i]
}

func (r *recorder) Trace(ev *sim.TraceEvent) {
	st := jsonStep{Round: ev.Round, Step: stepNames[ev.Kind], Table: pick(r.m.Tables, ev.Table), Actor: pick(r.m.Actors, ev.Actor),
		Institution: pick(r.m.Insts, ev.Institution), Linkage: pick(r.m.Links, ev.Linkage), Shock: pick(r.m.ShockIDs, ev.Shock),
		Outcome: pick(r.m.Outcomes, ev.Outcome), Accept: ev.Accept, Silent: ev.Silent, U: round6(ev.U), R: round6(ev.R), P: round6(ev.P)}
	for _, x := range ev.Offer {
		st.Offer = append(st.Offer, round6(x))
	}
	r.steps = append(r.steps, st)
}
