package sim_test

import (
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/negsim/negsim/agents"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// The schema audit (issue 9, item 1): every field of the scenario format
// either changes what the model does, shown by a mutation in behavioural, or
// is listed in reportingOnly with the reason the engine does not read it.
// TestSchemaComplete fails when a field of models.Scenario is in neither
// table, so a new field cannot slip in untested.

// schemaReplicates is the number of replicates behind a fingerprint. Every
// mutation below changes the fingerprint of the first few hundred
// replicates already; 2000 leaves a wide margin, and the whole audit runs in
// about 3 s (go test ./sim -run Schema).
const schemaReplicates = 2000

// reportingOnly lists the fields the engine does not read: sim.Compile and
// a State see the same model whatever their values. Each entry gives the
// reason, where the documentation says so (empty: it does not say so), and
// a mutation that TestSchemaReportingOnly checks leaves the behaviour
// unchanged.
var reportingOnly = []struct {
	path, reason, stated string
	fixture, variant     string
	mut                  []string
}{
	{path: "actors.*.tables.*.indifferent", reason: "declares to the validator that an actor with no position on its table's issues is meant to be indifferent (utility 1 for every package, as without the flag); the engine never reads it",
		stated:  "models/scenario.go (Stance.Indifferent)",
		fixture: "mediated.yaml", mut: []string{"  v:\n    label: V\n    power: {value: 1, assumption: t}\n", "  v:\n    label: V\n    power: {value: 1, assumption: t}\n    tables: {main: {indifferent: true}}\n"}},
	{path: "schema_version", reason: "the version of the file format; the loader refuses a file of another version before reading it",
		stated:  "docs/SCENARIO-FORMAT.md (schema_version)",
		fixture: "mediated.yaml", mut: []string{"name: schema-mediated", "schema_version: 1\nname: schema-mediated"}},
	{path: "name", reason: "names the scenario in listings and manifests",
		fixture: "mediated.yaml", mut: []string{"name: schema-mediated", "name: renamed"}},
	{path: "description", reason: "a line of prose for listings",
		fixture: "mediated.yaml", mut: []string{"description: Fixture of the schema audit (every field, small numbers).", "description: other"}},
	{path: "default_variant", reason: "selects the variant negsim run and negsim scenario show; the engine compiles a resolved scenario",
		stated:  "models/scenario.go (DefaultVariant), docs/MODEL.md §4.1: what single-replicate commands show",
		fixture: "mediated.yaml", mut: []string{"default_variant: soft", "default_variant: plan"}},
	{path: "sources.*", reason: "titles of the cited documents; a parameter's source.seed must name one (validation only)",
		stated:  "docs/MODEL.md §1.2: provenance is printed by negsim scenario",
		fixture: "mediated.yaml", mut: []string{"example.txt: An example source", "example.txt: A retitled source"}},
	{path: "actors.*.label", reason: "display name in traces and tables",
		fixture: "mediated.yaml", mut: []string{"label: Mediator", "label: Broker"}},
	{path: "issues.*.label", reason: "display name in traces and tables",
		fixture: "mediated.yaml", mut: []string{"label: Land", "label: Territory"}},
	{path: "issues.*.anchors", reason: "labels points of the 0–100 scale for readers",
		fixture: "mediated.yaml", mut: []string{"anchors: {0: none ceded, 100: all ceded}", "anchors: {0: nothing, 50: half, 100: everything}"}},
	{path: "tables.*.label", reason: "display name in traces and tables",
		fixture: "mediated.yaml", mut: []string{"label: Main table", "label: Core table"}},
	{path: "institutions.*.label", reason: "display name in traces and tables",
		fixture: "mediated.yaml", mut: []string{"label: Council,", "label: Security council,"}},
	{path: "institutions.*.groups.*.label", reason: "display name of a referendum group in traces",
		fixture: "mediated.yaml", mut: []string{"label: Residents,", "label: Inhabitants,"}},
	{path: "linkages.*.label", reason: "display name in traces",
		fixture: "mediated.yaml", mut: []string{"label: A main deal softens B at the interim table", "label: soft"}},
	{path: "shocks.*.label", reason: "display name in traces",
		fixture: "mediated.yaml", mut: []string{"label: Crisis,", "label: Emergency,"}},
	{path: "outcomes.*.label", reason: "display name in summaries and figures",
		fixture: "mediated.yaml", mut: []string{"label: Main deal,", "label: Deal,"}},
	{path: "variants.*.label", reason: "display name of a variant in summaries and figures",
		fixture: "mediated.yaml", variant: "soft", mut: []string{"label: Soft B", "label: Softer B"}},
	{path: "variants.*.description", reason: "a line of prose for listings",
		fixture: "mediated.yaml", variant: "soft", mut: []string{"description: B is less demanding", "description: other"}},
	{path: "variants.*.kind", reason: "classifies a variant as policy or reading for listings and for the policy × reading combinations negsim validate resolves; Resolve ignores it",
		fixture: "mediated.yaml", variant: "soft", mut: []string{"kind: reading", "kind: policy"}},
	{path: "variants.*.source.seed", reason: "provenance of a variant (validated against sources)",
		fixture: "mediated.yaml", variant: "plan", mut: []string{"source: {seed: example.txt, quote: plan quote}", "source: {seed: other.txt, quote: plan quote}"}},
	{path: "variants.*.source.quote", reason: "provenance of a variant",
		fixture: "mediated.yaml", variant: "plan", mut: []string{"quote: plan quote", "quote: another quote"}},
	{path: "variants.*.assumption", reason: "provenance of a variant",
		fixture: "mediated.yaml", variant: "soft", mut: []string{"assumption: soft reading", "assumption: another reading"}},
}

// ignoredHere lists fields that the documentation says a configuration
// does not read; TestSchemaIgnoredHere checks that the mutation, applied
// after setup, leaves the behaviour unchanged.
var ignoredHere = []struct {
	name, stated string
	fixture      string
	setup, mut   []string
}{
	{name: "noise under rule threshold", stated: "docs/SCENARIO-FORMAT.md (noise: required for logit and probit), docs/MODEL.md §3.3: the threshold rule ignores it",
		fixture: "mediated.yaml", setup: []string{"rule: logit", "rule: threshold"},
		mut: []string{"noise: {value: 0.05, assumption: a noise}", "noise: {value: 0.5, assumption: a noise}"}},
	{name: "discount at a mediated table", stated: "docs/SCENARIO-FORMAT.md: discount, games",
		fixture: "mediated.yaml", mut: []string{"bonus: {value: 0.02, assumption: a bonus}", "bonus: {value: 0.02, assumption: a bonus}\n        discount: {value: 0.5, assumption: t}"}},
	{name: "power at an alternating table", stated: "docs/MODEL.md §6.1 (alternating: the players propose in turn; power recognises only legislative and majority proposers)",
		fixture: "games.yaml", mut: []string{"power: {value: 1, assumption: unused by the alternating protocol}\n    positions: {share_a", "power: {value: 7, assumption: unused by the alternating protocol}\n    positions: {share_a"}},
	{name: "discount of a tactic player", stated: "docs/SCENARIO-FORMAT.md, docs/MODEL.md §6.1: strategy tactic plays the time-dependent tactic",
		fixture: "games.yaml", mut: []string{"discount: {value: 0.9, assumption: read only by spe}", "discount: {value: 0.2, assumption: read only by spe}"}},
}

// schemaCase is one mutation of a behavioural field. The fixture, with
// setup applied, is the baseline; mut is applied on top of it. Both must
// validate, and the fingerprints of their replicates must differ. exact,
// when set, checks the change against a number derived by hand. bug, when
// set, names an engine bug that makes the mutation change nothing: the case
// is skipped while the bug lasts and fails once it is fixed, so that the
// note is removed.
type schemaCase struct {
	path, name       string
	fixture, variant string
	setup, mut       []string
	exact            func(t *testing.T, before, after *sim.Model)
	bug              string
}

// med and game shorten the table below.
func med(path string, mut ...string) schemaCase {
	return schemaCase{path: path, fixture: "mediated.yaml", mut: mut}
}

func game(path string, mut ...string) schemaCase {
	return schemaCase{path: path, fixture: "games.yaml", mut: mut}
}

func (c schemaCase) named(n string) schemaCase { c.name = n; return c }
func (c schemaCase) with(setup ...string) schemaCase {
	c.setup = setup
	return c
}
func (c schemaCase) check(f func(t *testing.T, before, after *sim.Model)) schemaCase {
	c.exact = f
	return c
}

// schemaProposer always offers 30 on every issue: the proposer a
// mediator's stance names by `proposer`.
type schemaProposer struct{}

func (schemaProposer) Propose(_ *agents.Draft, out []float64) {
	for k := range out {
		out[k] = 30
	}
}

func behavioural() []schemaCase {
	cs := []schemaCase{
		med("horizon", "horizon: 12", "horizon: 10").check(checkHorizon),

		med("actors.*.power", "power: {value: 2, assumption: stronger}", "power: {value: 0.5, assumption: weaker}"),
		med("actors.*.positions.*.ideal", "ideal: {value: 0, assumption: a land}", "ideal: {value: 30, assumption: a land}"),
		med("actors.*.positions.*.salience", "salience: {value: 0.5, assumption: b guard}", "salience: {value: 1, assumption: b guard}"),
		med("actors.*.positions.*.min", "min: {value: 10, assumption: a guard floor}", "min: {value: 60, assumption: a guard floor}"),
		med("actors.*.positions.*.max", "max: {value: 70, assumption: a red line}", "max: {value: 40, assumption: a red line}"),
		med("actors.*.tables.*.reservation", "reservation: {value: 0.7, assumption: a start}", "reservation: {value: 0.6, assumption: a start}"),
		med("actors.*.tables.*.reservation_end", "reservation_end: {value: 0.4, assumption: a end}", "reservation_end: {value: 0.2, assumption: a end}"),
		med("actors.*.tables.*.concession.e", "e: {value: 0.5, assumption: a Boulware}", "e: {value: 3, assumption: a Boulware}"),
		med("actors.*.tables.*.concession.k", "k: {value: 0.1, assumption: a k}", "k: {value: 0.6, assumption: a k}"),
		med("actors.*.tables.*.concession.k", "k: {value: 0.1, assumption: med k}", "k: {value: 0.6, assumption: med k}").named("mediator"),
		med("actors.*.tables.*.max_concession", "max_concession: {value: 0.9, assumption: t}", "max_concession: {value: 0.3, assumption: t}"),
		med("actors.*.tables.*.noise", "noise: {value: 0.05, assumption: a noise}", "noise: {value: 0.3, assumption: a noise}"),
		med("actors.*.tables.*.rule", "rule: logit", "rule: probit").named("probit"),
		med("actors.*.tables.*.rule", "rule: logit", "rule: threshold").named("threshold"),
		med("actors.*.tables.*.bonus", "bonus: {value: 0.02, assumption: a bonus}", "bonus: {value: 0.1, assumption: a bonus}").check(checkBonus),
		med("actors.*.tables.*.proposer", "proposer: conceding", "proposer: schema-fixed-30").check(checkProposer),
		// An expected-utility mediator weighs a breakdown it values at 0.9
		// (above any deal's worth to it in this fixture) against one at 0.
		med("actors.*.tables.*.breakdown", "breakdown: {value: 0, assumption: t}", "breakdown: {value: 0.9, assumption: t}").
			with("main: {concession: {e: {value: 1, assumption: t}, k: {value: 0.1, assumption: med k}}, max_concession: {value: 0.9, assumption: t}, proposer: conceding}",
				"main: {max_concession: {value: 0.9, assumption: t}, proposer: expected-utility, breakdown: {value: 0, assumption: t}}"),
		game("actors.*.tables.*.discount", "discount: {value: 0.8, assumption: d_b}", "discount: {value: 0.5, assumption: d_b}").named("responder").
			check(checkPie(92, 95)),
		game("actors.*.tables.*.discount", "discount: {value: 0.9, assumption: d_a}", "discount: {value: 0.5, assumption: d_a}").named("proposer").
			check(checkPie(92, 60)),
		game("actors.*.tables.*.strategy", "strategy: tactic\n        discount", "strategy: spe\n        discount"),
		game("actors.*.tables.*.pmin", "pmin: {value: 0, assumption: d pmin}", "pmin: {value: 0.3, assumption: d pmin}").check(checkDuel(100*5.0/9, math.NaN())),
		game("actors.*.tables.*.pmax", "pmax: {value: 1, assumption: c pmax}", "pmax: {value: 0.8, assumption: c pmax}").check(checkDuel(100*5.0/9, 100*0.8*5/9)),

		med("tables.*.clock", "opens: {after: [{event: agreed, table: interim}], delay: {value: 1, assumption: final delay}}",
			"opens: {after: [{event: agreed, table: interim}], delay: {value: 1, assumption: final delay}}\n    clock: opened"),
		med("issues.*.table", "guard: {label: Guarantees, table: main", "guard: {label: Guarantees, table: interim"),
		med("issues.*.status_quo", "status_quo: {value: 20, assumption: status quo}", "status_quo: {value: 50, assumption: status quo}").check(checkStatusQuo),

		game("tables.*.protocol", "pie: {protocol: alternating, players: [a, b]}", "pie: {protocol: legislative, players: [a, b], quota: 2}"),
		med("tables.*.mediator", "mediator: med\n    signatories: [a, b]\n    ratify: [council", "mediator: c\n    signatories: [a, b]\n    ratify: [council"),
		med("tables.*.signatories", "signatories: [a, b]\n    ratify: [council, vote]", "signatories: [a]\n    ratify: [council, vote]"),
		med("tables.*.ratify", "ratify: [council, vote]", "ratify: [vote]"),
		med("tables.*.opens.delay", "delay: {value: 1, assumption: final delay}", "delay: {value: 3, assumption: final delay}").check(checkDelay),
		med("tables.*.disabled", "disabled: false", "disabled: true"),
		med("tables.*.demand_gain", "demand_gain: {value: 0.2, assumption: t}", "demand_gain: {value: 2, assumption: t}"),
		game("tables.*.players", "players: [a, b]", "players: [b, a]").check(checkPlayers),
		game("tables.*.quota", "quota: 2", "quota: 3").check(checkQuota),
		// The prospect shift of gloom follows the deferral to its new issue.
		med("tables.*.defers[*].issue", "- issue: status", "- issue: land",
			"{table: interim, issue: status,", "{table: interim, issue: land,"),
		med("tables.*.defers[*].weight", "weight: {value: 0.5, assumption: deferral weight}", "weight: {value: 1, assumption: deferral weight}"),
		med("tables.*.defers[*].prospect", "prospect: {value: 50, assumption: deferral prospect}", "prospect: {value: 90, assumption: deferral prospect}"),
		med("tables.*.defers[*].beliefs.*", "beliefs: {a: {value: 30, assumption: a belief}}", "beliefs: {a: {value: 80, assumption: a belief}}"),

		// A referendum becomes a veto institution of its one member c.
		med("institutions.*.kind", "{label: Referendum, kind: referendum, pass: {value: 0.7, assumption: vote pass}, electorate: a, slope: {value: 4, assumption: vote slope}}",
			"{label: Referendum, kind: veto, members: [c]}").named("referendum to veto").
			with("{institution: vote, field: pass,", "{institution: poll, group: displaced, field: pass,"),
		// docs/SCENARIO-FORMAT.md and docs/MODEL.md §3.7: veto is "the same
		// without silence": the club with silence on must lose its silence
		// procedure when it becomes a veto institution.
		// A veto is consensus without silence (docs/MODEL.md §3.7); the
		// validator refuses silence on a veto institution, so the mutation
		// removes the procedure with the kind.
		med("institutions.*.kind", "kind: consensus\n    members: [c, v]\n    silence: true\n    silence_prob: {c: {value: 0.6, assumption: club c silence}}\n",
			"kind: veto\n    members: [c, v]\n", "      - {actor: c, institution: club, field: silence, shift: {value: 0.2, assumption: t}}\n", "").named("consensus to veto"),
		med("institutions.*.members", "members: [c, v], yes_prob: {v: {value: 0.9", "members: [v], yes_prob: {v: {value: 0.9"),
		med("institutions.*.silence", "silence: true\n    silence_prob: {c: {value: 0.6, assumption: club c silence}}\n", "silence: false\n",
			"      - {actor: c, institution: club, field: silence, shift: {value: 0.2, assumption: t}}\n", ""),
		med("institutions.*.silence_prob.*", "silence_prob: {c: {value: 0.6", "silence_prob: {c: {value: 0.1"),
		med("institutions.*.yes_prob.*", "yes_prob: {v: {value: 0.9", "yes_prob: {v: {value: 0.4"),
		med("institutions.*.pass", "pass: {value: 0.7, assumption: vote pass}", "pass: {value: 0.3, assumption: vote pass}"),
		med("institutions.*.electorate", "electorate: a, slope", "electorate: b, slope"),
		med("institutions.*.slope", "slope: {value: 4, assumption: vote slope}", "slope: {value: 20, assumption: vote slope}"),
		med("institutions.*.groups.*.share", "share: {value: 3, assumption: residents share}", "share: {value: 1, assumption: residents share}"),
		med("institutions.*.groups.*.yes", "yes: {uniform: [0.3, 0.7], assumption: residents yes}", "yes: {uniform: [0.5, 0.9], assumption: residents yes}"),
		med("institutions.*.groups.*.electorate", "electorate: b, slope: {value: 2", "electorate: a, slope: {value: 2"),
		med("institutions.*.groups.*.slope", "slope: {value: 2, assumption: displaced slope}", "slope: {value: 20, assumption: displaced slope}"),
		med("institutions.*.threshold", "threshold: 0.5", "threshold: 0.55"),

		med("linkages.*.prob", "prob: {value: 0.2, assumption: hard prob}", "prob: {value: 0.6, assumption: hard prob}"),
		med("linkages.*.repeat", "repeat: true\n    prob", "repeat: false\n    prob"),
		med("linkages.*.effects[*].actor", "- {actor: b, table: interim, field: reservation", "- {actor: a, table: interim, field: reservation"),
		med("linkages.*.effects[*].table", "- {actor: b, table: interim, field: reservation", "- {actor: b, table: final, field: reservation"),
		med("linkages.*.effects[*].issue", "- {actor: a, issue: guard, field: ideal", "- {actor: a, issue: land, field: ideal"),
		med("linkages.*.effects[*].institution", "- {actor: v, institution: club, field: yes", "- {actor: v, institution: council, field: yes"),
		med("linkages.*.effects[*].group", "group: residents, field: pass, shift: {value: 0.05", "group: displaced, field: pass, shift: {value: 0.05"),
		med("linkages.*.effects[*].field", "table: interim, field: reservation, shift: {value: -0.1", "table: interim, field: bonus, shift: {value: -0.1"),
		med("linkages.*.effects[*].shift", "shift: {value: -0.1, assumption: soft shift}", "shift: {value: -0.3, assumption: soft shift}"),

		med("shocks.*.per_round", "per_round: {value: 0.1, assumption: crisis rate}", "per_round: {value: 0.4, assumption: crisis rate}"),
		med("shocks.*.from", "from: 1, to: 8", "from: 4, to: 8").check(checkShockWindow(4, 8)),
		med("shocks.*.to", "from: 1, to: 8", "from: 1, to: 3").check(checkShockWindow(1, 3)),
		med("shocks.*.to", "from: 1, to: 8", "from: 0, to: 0").named("zero is round 0 alone").check(checkShockWindow(0, 0)),
		med("shocks.*.to", "from: 1, to: 8}", "from: 1}").named("absent is the last round").check(checkShockWindow(1, 11)),

		med("outcomes.*.table", "deal: {label: Main deal, table: main}", "deal: {label: Main deal, table: interim}"),
		med("outcomes.*.issue", "table: main, issue: land, min: 50", "table: main, issue: guard, min: 50"),
		med("outcomes.*.min", "issue: land, min: 50, max: 90", "issue: land, min: 58, max: 90").check(checkBigLand(58, 90)),
		med("outcomes.*.max", "issue: land, min: 50, max: 90", "issue: land, min: 50, max: 58").check(checkBigLand(50, 58)),
		med("outcomes.*.conditions[*].issue", "[{issue: admin, min: 40", "[{issue: land, min: 40"),
		med("outcomes.*.conditions[*].min", "[{issue: admin, min: 40", "[{issue: admin, min: 55"),
		med("outcomes.*.conditions[*].max", "min: 40, max: 80}", "min: 40, max: 58}"),

		// Each kind of effect is read: its shift changes the behaviour
		// (docs/MODEL.md §3.6, the table of fields).
		med("linkages.*.effects[*].shift", "field: bonus, shift: {value: 0.02", "field: bonus, shift: {value: 0.1").named("bonus"),
		med("linkages.*.effects[*].shift", "field: ideal, shift: {value: -20", "field: ideal, shift: {value: 0").named("ideal"),
		med("linkages.*.effects[*].shift", "field: salience, shift: {value: -0.3", "field: salience, shift: {value: 0").named("salience"),
		med("linkages.*.effects[*].shift", "field: yes, shift: {value: -0.3", "field: yes, shift: {value: 0").named("yes"),
		med("linkages.*.effects[*].shift", "field: silence, shift: {value: 0.2", "field: silence, shift: {value: 0").named("silence"),
		med("linkages.*.effects[*].shift", "group: residents, field: pass, shift: {value: 0.05", "group: residents, field: pass, shift: {value: 0.3").named("group pass"),
		med("linkages.*.effects[*].shift", "{institution: vote, field: pass, shift: {value: -0.1", "{institution: vote, field: pass, shift: {value: 0").named("pass"),
		med("linkages.*.effects[*].shift", "field: prospect, shift: {value: 10", "field: prospect, shift: {value: 0").named("prospect"),
		med("linkages.*.effects[*].shift", "shift: {value: 1, assumption: block shift}", "shift: {value: 4, assumption: block shift}").named("block"),

		{path: "variants.*.extends", fixture: "mediated.yaml", variant: "plan", mut: []string{"extends: [soft]", "extends: []"}},
		{path: "variants.*.patch", fixture: "mediated.yaml", variant: "soft", mut: []string{"reservation: {value: 0.6, assumption: softer}", "reservation: {value: 0.5, assumption: softer}"}},
	}
	return append(cs, eventRefCases()...)
}

func (c schemaCase) bugged(why string) schemaCase { c.bug = why; return c }

// eventRefCases mutates each field of an event reference in each place the
// format takes one: a table's gate, and a linkage's when, if and unless.
// setup first writes a reference of the right kind into the slot (the
// probes of the fixture), the mutation then changes one field of it.
func eventRefCases() []schemaCase {
	slots := []struct{ path, prefix, ref, suffix string }{
		{"tables.*.opens.after[*]", "after: [", "{event: agreed, table: interim}", "]"},
		{"linkages.*.when", "rewrites\n    when: ", "{event: opened, table: final}", ""},
		{"linkages.*.if[*]", "if: [", "{event: opened, table: main}", "]"},
		{"linkages.*.unless[*]", "unless: [", "{event: agreed, table: final}", "]"},
	}
	fields := []struct{ field, from, to string }{
		{"event", "{event: agreed, table: interim}", "{event: rejected, table: interim}"},
		{"table", "{event: agreed, table: interim}", "{event: agreed, table: main}"},
		{"shock", "{event: shock, shock: crisis}", "{event: shock, shock: storm}"},
		{"institution", "{event: vetoed, table: main, institution: council}", "{event: vetoed, table: main, institution: vote}"},
		{"linkage", "{event: linked, linkage: hard}", "{event: linked, linkage: soft}"},
	}
	var cs []schemaCase
	for _, s := range slots {
		for _, f := range fields {
			c := med(s.path+"."+f.field, s.prefix+f.from+s.suffix, s.prefix+f.to+s.suffix)
			cs = append(cs, c.with(s.prefix+s.ref+s.suffix, s.prefix+f.from+s.suffix))
		}
	}
	return cs
}

// TestSchemaComplete checks that every field of the scenario format is in
// exactly one of reportingOnly and behavioural.
func TestSchemaComplete(t *testing.T) {
	fields := schemaFields()
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	report := map[string]bool{}
	for _, r := range reportingOnly {
		if report[r.path] {
			t.Errorf("%s is listed twice in reportingOnly", r.path)
		}
		report[r.path] = true
		if r.reason == "" {
			t.Errorf("reportingOnly %s: give the reason the engine does not read it", r.path)
		}
	}
	behave := map[string]bool{}
	for _, c := range behavioural() {
		behave[c.path] = true
	}
	for _, f := range fields {
		switch {
		case report[f] && behave[f]:
			t.Errorf("%s is in both reportingOnly and behavioural; keep it in one", f)
		case !report[f] && !behave[f]:
			t.Errorf("schema field %s has no test: add a mutation that changes the model's behaviour to behavioural() in sim/schema_test.go, "+
				"or, if the engine does not read it, an entry with its reason to reportingOnly (and say so in docs/SCENARIO-FORMAT.md)", f)
		}
	}
	for _, m := range []map[string]bool{report, behave} {
		for p := range m {
			if !known[p] {
				t.Errorf("%s is not a field of models.Scenario (any more): remove it from the tables of sim/schema_test.go", p)
			}
		}
	}
}

// TestSchemaFields pins the enumeration on a few paths the brief names,
// so that a change in how paths are spelled shows here first.
func TestSchemaFields(t *testing.T) {
	fields := schemaFields()
	for _, want := range []string{"tables.*.demand_gain", "tables.*.defers[*].weight", "institutions.*.groups.*.yes",
		"actors.*.tables.*.noise", "linkages.*.effects[*].group", "outcomes.*.conditions[*].min", "shocks.*.to",
		"tables.*.opens.after[*].institution", "variants.*.patch", "sources.*", "tables.*.signatories"} {
		if i := sort.SearchStrings(fields, want); i == len(fields) || fields[i] != want {
			t.Errorf("schemaFields lacks %s", want)
		}
	}
	t.Logf("%d fields: %d reporting-only, %d behavioural", len(fields), len(reportingOnly), len(fields)-len(reportingOnly))
	var unstated []string
	for _, r := range reportingOnly {
		if r.stated == "" {
			unstated = append(unstated, r.path)
		}
	}
	t.Logf("reporting-only fields the documentation does not call reporting-only: %s", strings.Join(unstated, ", "))
}

func TestSchemaBehavioural(t *testing.T) {
	agents.RegisterProposer("schema-fixed-30", schemaProposer{})
	for _, c := range behavioural() {
		name := c.path
		if c.name != "" {
			name += "/" + c.name
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := schemaEdit(t, schemaFixture(t, c.fixture), c.setup)
			mutated := schemaEdit(t, base, c.mut)
			before := schemaModel(t, c.fixture, base, c.variant)
			after := schemaModel(t, c.fixture, mutated, c.variant)
			changed := schemaCachedFingerprint(base, c.variant, before) != schemaCachedFingerprint(mutated, c.variant, after)
			switch {
			case c.bug != "" && !changed:
				t.Skip("engine bug: " + c.bug)
			case c.bug != "":
				t.Fatalf("the mutation %q now changes the behaviour: the bug is fixed, remove its note from sim/schema_test.go", c.mut)
			case !changed:
				t.Fatalf("%s: replacing %q with %q in testdata/schema/%s changes nothing in %d replicates: the engine ignores the field",
					c.path, c.mut[0], c.mut[1], c.fixture, schemaReplicates)
			}
			if c.exact != nil {
				c.exact(t, before, after)
			}
		})
	}
}

func TestSchemaReportingOnly(t *testing.T) {
	for _, r := range reportingOnly {
		t.Run(r.path, func(t *testing.T) {
			t.Parallel()
			doc := schemaFixture(t, r.fixture)
			mutated := schemaEdit(t, doc, r.mut)
			before := schemaModel(t, r.fixture, doc, r.variant)
			after := schemaModel(t, r.fixture, mutated, r.variant)
			if schemaCachedFingerprint(doc, r.variant, before) != schemaCachedFingerprint(mutated, r.variant, after) {
				t.Fatalf("%s is listed as reporting-only, but replacing %q with %q in testdata/schema/%s changes the behaviour", r.path, r.mut[0], r.mut[1], r.fixture)
			}
		})
	}
}

func TestSchemaIgnoredHere(t *testing.T) {
	for _, c := range ignoredHere {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			base := schemaEdit(t, schemaFixture(t, c.fixture), c.setup)
			mutated := schemaEdit(t, base, c.mut)
			before := schemaModel(t, c.fixture, base, "")
			after := schemaModel(t, c.fixture, mutated, "")
			if schemaCachedFingerprint(base, "", before) != schemaCachedFingerprint(mutated, "", after) {
				t.Fatalf("%s: %s, yet replacing %q with %q in testdata/schema/%s changes the behaviour", c.name, c.stated, c.mut[0], c.mut[1], c.fixture)
			}
		})
	}
}

// schemaFields returns the dotted path of every field of the scenario
// format, sorted: map keys and list items are spelled *, a Param is one
// field, and so is a list of ids or a variant's patch.
func schemaFields() []string {
	var out []string
	schemaWalk(reflect.TypeFor[models.Scenario](), "", &out)
	sort.Strings(out)
	return out
}

func schemaWalk(t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch {
	case t == reflect.TypeFor[models.Param]() || t == reflect.TypeFor[yaml.Node]():
		*out = append(*out, path)
	case t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "Map["):
		vals, _ := t.FieldByName("Vals")
		schemaWalk(vals.Type.Elem(), join("*"), out)
	case t.Kind() == reflect.Struct:
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				schemaWalk(t.Field(i).Type, join(tag), out)
			}
		}
	case t.Kind() == reflect.Slice && schemaComposite(t.Elem()):
		schemaWalk(t.Elem(), path+"[*]", out)
	default: // a scalar, a list of ids, the anchors' map of labels
		*out = append(*out, path)
	}
}

// schemaComposite reports whether t has fields of its own.
func schemaComposite(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t != reflect.TypeFor[models.Param]() && t != reflect.TypeFor[yaml.Node]()
}

var schemaFiles sync.Map // file name -> contents

func schemaFixture(t *testing.T, name string) string {
	t.Helper()
	if s, ok := schemaFiles.Load(name); ok {
		return s.(string)
	}
	b, err := os.ReadFile("testdata/schema/" + name)
	if err != nil {
		t.Fatal(err)
	}
	schemaFiles.Store(name, string(b))
	return string(b)
}

// schemaEdit applies old, new replacement pairs to doc; each old must occur
// exactly once, so that a drifting fixture fails loudly.
func schemaEdit(t *testing.T, doc string, pairs []string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(doc, pairs[i]); n != 1 {
			t.Fatalf("%q occurs %d times in the fixture, want exactly once", pairs[i], n)
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return doc
}

func schemaModel(t *testing.T, file, doc, variant string) *sim.Model {
	t.Helper()
	s, err := models.Parse(file, []byte(doc))
	if err != nil {
		t.Fatalf("the validator rejects the document: %v", err)
	}
	if variant != "" {
		if s, err = s.Resolve(variant); err != nil {
			t.Fatalf("variant %s: %v", variant, err)
		}
	}
	m, err := sim.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// schemaHash is a Tracer that folds what a replicate does into a hash: the tables that open, every package offered, every yes and no,
// silence and decision, every agreement and outcome. It leaves out the
// utilities, reservations and probabilities behind the decisions, and the
// linkage and shock events themselves, so that a field counts as behavioural
// only if it changes a decision or a package, not if it changes a number
// the trace prints.
type schemaHash struct{ h uint64 }

func (h *schemaHash) word(x uint64) {
	// FNV-1a on whole words, then a splitmix64 step so that every bit of x
	// reaches every bit of the hash.
	h.h = (h.h ^ x) * 1099511628211
	h.h ^= h.h >> 31
}

func (h *schemaHash) Trace(e *sim.TraceEvent) {
	if e.Kind == sim.TraceLinkage || e.Kind == sim.TraceShock {
		return
	}
	h.word(uint64(e.Kind))
	h.word(uint64(e.Round))
	h.word(uint64(e.Table + 1))
	h.word(uint64(e.Actor + 1))
	h.word(uint64(e.Institution + 1))
	h.word(uint64(e.Outcome + 1))
	h.word(uint64(e.Group + 1))
	if e.Group < 0 { // a group's Accept only compares its own yes share with the threshold
		h.word(schemaBool(e.Accept))
	}
	h.word(schemaBool(e.Silent))
	for _, x := range e.Offer {
		h.word(math.Float64bits(x))
	}
}

func schemaBool(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// schemaFingerprint hashes schemaReplicates replicates of m on fixed
// streams, with each replicate's rounds, outcome rounds, below-reservation
// flags and final issue values (not its parameter draws).
func schemaFingerprint(m *sim.Model) uint64 {
	st := sim.NewState(m)
	h := &schemaHash{h: 14695981039346656037}
	for i := range uint64(schemaReplicates) {
		s1, s2 := sim.Stream(1, "schema", i)
		r := st.Run(s1, s2, h)
		h.word(uint64(r.Rounds))
		for k, o := range r.OutcomeRound {
			h.word(uint64(o + 1))
			h.word(schemaBool(r.BelowReservation[k]))
		}
		for _, x := range r.Final {
			h.word(math.Float64bits(x))
		}
	}
	return h.h
}

var schemaPrints sync.Map // variant + "\x00" + document -> fingerprint

// schemaCachedFingerprint is schemaFingerprint of m, the model of doc under
// variant, computed once per document: most cases share their baseline.
func schemaCachedFingerprint(doc, variant string, m *sim.Model) uint64 {
	key := variant + "\x00" + doc
	if h, ok := schemaPrints.Load(key); ok {
		return h.(uint64)
	}
	h := schemaFingerprint(m)
	schemaPrints.Store(key, h)
	return h
}

// schemaEvents records the events of one replicate.
type schemaEvents []sim.TraceEvent

func (r *schemaEvents) Trace(e *sim.TraceEvent) {
	c := *e
	c.Offer = append([]float64(nil), e.Offer...)
	*r = append(*r, c)
}

// schemaEach runs n replicates of m on the fixed streams and calls f with
// each one's result and events.
func schemaEach(m *sim.Model, n int, f func(i int, r *sim.Result, evs schemaEvents)) {
	st := sim.NewState(m)
	for i := range uint64(n) {
		s1, s2 := sim.Stream(1, "schema", i)
		var evs schemaEvents
		f(int(i), st.Run(s1, s2, &evs), evs)
	}
}

func schemaIndex(t *testing.T, ids []string, id string) int {
	t.Helper()
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	t.Fatalf("no %q in %v", id, ids)
	return -1
}

// checkHorizon: the horizon is the number of rounds (docs/MODEL.md §1.3):
// no replicate runs past 10 after, and some ran all 12 before.
func checkHorizon(t *testing.T, before, after *sim.Model) {
	longest := func(m *sim.Model) int {
		n := 0
		schemaEach(m, 200, func(_ int, r *sim.Result, _ schemaEvents) { n = max(n, r.Rounds) })
		return n
	}
	if b, a := longest(before), longest(after); b != 12 || a != 10 {
		t.Errorf("longest replicate: %d rounds before, %d after; want 12 and 10", b, a)
	}
}

// checkBonus: a's bonus at main is added to its utility (docs/MODEL.md
// §3.1), and the round-0 draft does not depend on it, so a's first response
// carries a utility exactly 0.1 − 0.02 = 0.08 higher.
func checkBonus(t *testing.T, before, after *sim.Model) {
	a := schemaIndex(t, before.Actors, "a")
	first := func(m *sim.Model) (u []float64) {
		schemaEach(m, 50, func(_ int, _ *sim.Result, evs schemaEvents) {
			for _, e := range evs {
				if e.Kind == sim.TraceResponse && e.Actor == a {
					u = append(u, e.U)
					return
				}
			}
		})
		return u
	}
	ub, ua := first(before), first(after)
	for i := range ub {
		if d := ua[i] - ub[i]; math.Abs(d-0.08) > 1e-12 {
			t.Fatalf("replicate %d: utility rises by %v, want 0.08", i, d)
		}
	}
}

// checkProposer: a registered drafting rule replaces the conceding
// mediator, so every main deal settles at its package, 30 on each issue.
func checkProposer(t *testing.T, _, after *sim.Model) {
	deal, land, guard := schemaIndex(t, after.Outcomes, "deal"), schemaIndex(t, after.Issues, "land"), schemaIndex(t, after.Issues, "guard")
	n := 0
	schemaEach(after, 500, func(i int, r *sim.Result, _ schemaEvents) {
		if r.OutcomeRound[deal] >= 0 {
			n++
			if r.Final[land] != 30 || r.Final[guard] != 30 {
				t.Errorf("replicate %d: main settled at land %v, guard %v; want 30, 30", i, r.Final[land], r.Final[guard])
			}
		}
	})
	if n == 0 {
		t.Error("no main deal in 500 replicates: the check needs some")
	}
}

// checkPie returns a check of a's share of the pie. With horizon T = 3 and
// a proposing first, backward induction gives a 1 − d_b(1 − d_a) (in round
// 2 a keeps all, in round 1 b offers a d_a, in round 0 a offers b d_b(1 −
// d_a)); with d_a = d_b = d it is (1 − (−d)³)/(1 + d), docs/MODEL.md §6.2.
func checkPie(before, after float64) func(t *testing.T, b, a *sim.Model) {
	return func(t *testing.T, b, a *sim.Model) {
		for _, c := range []struct {
			m    *sim.Model
			want float64
		}{{b, before}, {a, after}} {
			i := schemaIndex(t, c.m.Issues, "share_a")
			schemaEach(c.m, 1, func(_ int, r *sim.Result, _ schemaEvents) {
				if math.Abs(r.Final[i]-c.want) > 1e-9 {
					t.Errorf("share of a: %v, want %v", r.Final[i], c.want)
				}
			})
		}
	}
}

// checkPlayers: the first player listed proposes first; with b first, b
// gets 1 − d_a(1 − d_b) = 1 − 0.9·0.2 = 0.82 and a 0.18 (see checkPie).
func checkPlayers(t *testing.T, before, after *sim.Model) {
	checkPie(92, 18)(t, before, after)
}

// checkDuel returns a check of c's share of the duel between the Boulware
// tactic c (target Pmax_c(1 − t²)) and the linear tactic d (target Pmin_d +
// (1 − Pmin_d)(1 − t)), t = r/3: c proposes in rounds 0 and 2, d in round 1.
// In round 2 c keeps 5/9 of Pmax_c and d accepts iff the rest covers its
// target, 1/3 with Pmin_d = 0 (agreement), 0.3 + 0.7/3 = 0.533 > 4/9 with
// Pmin_d = 0.3 (no agreement, NaN). Rounds 0 and 1 fail in every case.
func checkDuel(before, after float64) func(t *testing.T, b, a *sim.Model) {
	return func(t *testing.T, b, a *sim.Model) {
		for _, c := range []struct {
			m    *sim.Model
			want float64
		}{{b, before}, {a, after}} {
			o, i := schemaIndex(t, c.m.Outcomes, "duel"), schemaIndex(t, c.m.Issues, "share_c")
			schemaEach(c.m, 1, func(_ int, r *sim.Result, _ schemaEvents) {
				switch {
				case math.IsNaN(c.want) && r.OutcomeRound[o] != -1:
					t.Errorf("the duel agreed in round %d, want no agreement", r.OutcomeRound[o])
				case !math.IsNaN(c.want) && (r.OutcomeRound[o] != 2 || math.Abs(r.Final[i]-c.want) > 1e-9):
					t.Errorf("the duel agreed in round %d on %v for c, want round 2 and %v", r.OutcomeRound[o], r.Final[i], c.want)
				}
			})
		}
	}
}

// checkQuota: in the stationary equilibrium of Baron & Ferejohn (1989) the
// proposer keeps 1 − d(q − 1)/n: 1 − 0.9/3 = 0.7 with q = 2, 1 − 1.8/3 = 0.4
// with q = 3 (docs/MODEL.md §6.2).
func checkQuota(t *testing.T, before, after *sim.Model) {
	for _, c := range []struct {
		m    *sim.Model
		want float64
	}{{before, 70}, {after, 40}} {
		schemaEach(c.m, 20, func(i int, r *sim.Result, _ schemaEvents) {
			top := 0.0
			for _, id := range []string{"s1", "s2", "s3"} {
				top = max(top, r.Final[schemaIndex(t, c.m.Issues, id)])
			}
			if math.Abs(top-c.want) > 1e-9 {
				t.Errorf("replicate %d: the proposer keeps %v, want %v", i, top, c.want)
			}
		})
	}
}

// checkStatusQuo: an issue keeps its status quo until its table agrees
// (docs/MODEL.md §1.2).
func checkStatusQuo(t *testing.T, _, after *sim.Model) {
	o, i := schemaIndex(t, after.Outcomes, "final"), schemaIndex(t, after.Issues, "status")
	schemaEach(after, 500, func(k int, r *sim.Result, _ schemaEvents) {
		if r.OutcomeRound[o] < 0 && r.Final[i] != 50 {
			t.Errorf("replicate %d: final table not agreed, status %v, want the status quo 50", k, r.Final[i])
		}
	})
}

// checkDelay: a gated table opens delay rounds after its last event
// (docs/MODEL.md §3.5): the final table opens 3 rounds after the interim
// agreement, or not within the horizon.
func checkDelay(t *testing.T, _, after *sim.Model) {
	interim, final := schemaIndex(t, after.Tables, "interim"), schemaIndex(t, after.Tables, "final")
	opened := 0
	schemaEach(after, 500, func(k int, _ *sim.Result, evs schemaEvents) {
		agreed, open := -1, -1
		for _, e := range evs {
			switch {
			case e.Kind == sim.TraceAgreed && e.Table == interim:
				agreed = e.Round
			case e.Kind == sim.TraceOpened && e.Table == final:
				open = e.Round
			}
		}
		want := -1
		if agreed >= 0 && agreed+3 < after.Horizon {
			want = agreed + 3
			opened++
		}
		if open != want {
			t.Errorf("replicate %d: interim agreed in round %d, final opened in round %d, want %d", k, agreed, open, want)
		}
	})
	if opened == 0 {
		t.Error("the final table never opened in 500 replicates: the check needs some")
	}
}

// checkShockWindow returns a check that the crisis happens only in rounds
// from..to inclusive (docs/MODEL.md §1.2), and in each of them in some
// replicate.
func checkShockWindow(from, to int) func(t *testing.T, _, after *sim.Model) {
	return func(t *testing.T, _, after *sim.Model) {
		crisis := schemaIndex(t, after.ShockIDs, "crisis")
		seen := map[int]bool{}
		schemaEach(after, 500, func(k int, _ *sim.Result, evs schemaEvents) {
			for _, e := range evs {
				if e.Kind == sim.TraceShock && e.Shock == crisis {
					seen[e.Round] = true
					if e.Round < from || e.Round > to {
						t.Errorf("replicate %d: crisis in round %d, outside %d..%d", k, e.Round, from, to)
					}
				}
			}
		})
		for r := from; r <= to; r++ {
			if !seen[r] {
				t.Errorf("no crisis in round %d in 500 replicates", r)
			}
		}
	}
}

// checkBigLand returns a check of the outcome big_land: reached exactly when
// the main deal is, with land in [lo, hi] (docs/MODEL.md §3.8).
func checkBigLand(lo, hi float64) func(t *testing.T, _, after *sim.Model) {
	return func(t *testing.T, _, after *sim.Model) {
		deal, big, land := schemaIndex(t, after.Outcomes, "deal"), schemaIndex(t, after.Outcomes, "big_land"), schemaIndex(t, after.Issues, "land")
		schemaEach(after, 500, func(k int, r *sim.Result, _ schemaEvents) {
			want := -1
			if x := r.Final[land]; r.OutcomeRound[deal] >= 0 && x >= lo && x <= hi {
				want = r.OutcomeRound[deal]
			}
			if r.OutcomeRound[big] != want {
				t.Errorf("replicate %d: big_land in round %d with land %v, want %d", k, r.OutcomeRound[big], r.Final[land], want)
			}
		})
	}
}

// TestSchemaFixtureRates guards the fixture's tuning: every outcome is
// reached in some replicates and missed in others, so that a mutation has
// something to change.
func TestSchemaFixtureRates(t *testing.T) {
	for _, f := range []string{"mediated.yaml", "games.yaml"} {
		m := schemaModel(t, f, schemaFixture(t, f), "")
		hits := make([]int, len(m.Outcomes))
		schemaEach(m, schemaReplicates, func(_ int, r *sim.Result, _ schemaEvents) {
			for k, o := range r.OutcomeRound {
				if o >= 0 {
					hits[k]++
				}
			}
		})
		for k, id := range m.Outcomes {
			t.Logf("%s %s: %d of %d", f, id, hits[k], schemaReplicates)
			if f == "mediated.yaml" && (hits[k] == 0 || hits[k] == schemaReplicates) {
				t.Errorf("%s: outcome %s reached in %d of %d replicates; tune the fixture so that it is sometimes reached and sometimes not",
					f, id, hits[k], schemaReplicates)
			}
		}
	}

}
