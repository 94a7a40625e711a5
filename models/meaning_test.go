package models_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
)

// meaningBase is a valid scenario with two mediated tables (the second
// gated on the first and ratified by a consensus institution), a linkage
// with if/unless conditions, a shock window, red lines and two variants.
// The cases of TestMeaning break its meaning one thing at a time.
const meaningBase = `name: m
horizon: 12
sources:
  s.txt: A source
actors:
  med:
    power: {value: 1, assumption: a}
    positions:
      x: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}
    tables:
      tab: {concession: {e: {value: 1, assumption: a}}}
      late: {concession: {e: {value: 1, assumption: a}}}
  kyiv:
    power: {value: 1, assumption: a}
    positions:
      x: {ideal: {value: 0, assumption: a}, salience: {value: 1, assumption: a}, min: {value: 10, assumption: a}, max: {value: 90, assumption: a}}
      y: {ideal: {value: 0, assumption: a}, salience: {value: 1, assumption: a}}
    tables:
      tab: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}
      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}
  moscow:
    power: {value: 1, assumption: a}
    positions:
      x: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}
      y: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}
    tables:
      tab: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}
      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}
  madrid:
    power: {value: 1, assumption: a}
    positions:
      y: {ideal: {value: 50, assumption: a}, salience: {value: 0.5, assumption: a}}
    tables:
      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: a}}
  y: {table: late, status_quo: {value: 0, assumption: a}}
tables:
  tab:
    protocol: mediated
    mediator: med
    signatories: [kyiv, moscow]
  late:
    protocol: mediated
    mediator: med
    signatories: [kyiv, moscow]
    ratify: [nac]
    opens:
      after: [{event: agreed, table: tab}]
institutions:
  nac: {kind: consensus, members: [madrid, med], yes_prob: {med: {value: 0.9, assumption: a}}}
linkages:
  l:
    when: {event: agreed, table: tab}
    if: [{event: shock, shock: crisis}]
    unless: [{event: linked, linkage: hard}]
    effects:
      - {actor: kyiv, table: late, field: reservation, shift: {value: -0.1, assumption: a}}
  hard:
    when: {event: start}
    prob: {value: 0.3, assumption: a}
shocks:
  crisis: {per_round: {value: 0.1, assumption: a}, from: 0, to: 5}
outcomes:
  deal: {table: tab}
  split: {table: tab, issue: x, min: 20, max: 80}
variants:
  v: {kind: policy, assumption: a, patch: {actors: {kyiv: {tables: {tab: {reservation: {value: 0.4, assumption: a}}}}}}}
  w: {kind: reading, assumption: a, extends: [v]}
`

// meaningCase replaces old by new in a base document. A case with a field
// must be rejected with a message "FILE:LINE: FIELD: ..." holding want,
// where LINE is the line of the first occurrence of at in the mutated
// document (of new when at is empty). A case without a field must load,
// and every variant must resolve.
type meaningCase struct {
	name     string
	old, new string
	at       string
	field    string
	want     string
}

func meaningCases() []meaningCase {
	return []meaningCase{
		// Integers are integers: a fractional count is refused, not truncated.
		{name: "fractional horizon", old: "horizon: 12", new: "horizon: 36.7", field: "horizon", want: "is 36.7, not a whole number; want a whole number (1 to 100000 rounds)"},
		{name: "fractional horizon just below", old: "horizon: 12", new: "horizon: 11.999", field: "horizon", want: "not a whole number; want a whole number (1 to 100000 rounds)"},
		{name: "huge horizon", old: "horizon: 12", new: "horizon: 1e30", field: "horizon", want: "is 1e30, not a whole number; want a whole number (1 to 100000 rounds)"},
		{name: "horizon .inf", old: "horizon: 12", new: "horizon: .inf", field: "horizon", want: "want a whole number (1 to 100000 rounds)"},
		{name: "horizon .nan", old: "horizon: 12", new: "horizon: .nan", field: "horizon", want: "want a whole number (1 to 100000 rounds)"},
		{name: "quoted horizon", old: "horizon: 12", new: `horizon: "12"`, field: "horizon", want: `is "12", a string; want a whole number (1 to 100000 rounds)`},
		{name: "boolean horizon", old: "horizon: 12", new: "horizon: true", field: "horizon", want: `is "true", a boolean; want a whole number`},
		{name: "list horizon", old: "horizon: 12", new: "horizon: [12]", field: "horizon", want: "is a list; want a whole number (1 to 100000 rounds)"},
		{name: "horizon too large an int", old: "horizon: 12", new: "horizon: 99999999999999999999", field: "horizon", want: "want a whole number (1 to 100000 rounds)"},
		{name: "horizon zero", old: "horizon: 12", new: "horizon: 0", field: "horizon", want: "is 0; allowed range is 1 to 100000 rounds"},
		{name: "horizon 12.0 is whole", old: "horizon: 12", new: "horizon: 12.0"},
		{name: "horizon 1.2e1 is whole", old: "horizon: 12", new: "horizon: 1.2e1"},
		{name: "horizon 0x0c", old: "horizon: 12", new: "horizon: 0x0c"},
		{name: "fractional shock from", old: "from: 0, to: 5", new: "from: 0.9, to: 5", at: "crisis:", field: "shocks.crisis.from", want: "is 0.9, not a whole number; want a whole number (a round, 0 to horizon-1)"},
		{name: "fractional shock to", old: "from: 0, to: 5", new: "from: 0, to: 2.9", at: "crisis:", field: "shocks.crisis.to", want: "is 2.9, not a whole number; want a whole number (a round, from to horizon-1)"},
		{name: "shock to before from", old: "from: 0, to: 5", new: "from: 6, to: 5", at: "crisis:", field: "shocks.crisis.to", want: "is 5; allowed range is from (6) to 11"},
		{name: "shock from past horizon", old: "from: 0, to: 5", new: "from: 12", at: "crisis:", field: "shocks.crisis.from", want: "is 12; allowed range is 0 to 11"},
		{name: "shock without to", old: "from: 0, to: 5", new: "from: 3"},
		{name: "fractional horizon in a patch", old: "patch: {actors", new: "patch: {horizon: 9.5, actors", at: "v: {kind", field: "variants.v.patch.horizon", want: "is 9.5, not a whole number"},
		{name: "fractional delay is fine (rounded)", old: "after: [{event: agreed, table: tab}]", new: "after: [{event: agreed, table: tab}]\n      delay: {value: 2.5, assumption: a}"},
		{name: "string threshold", old: "nac: {kind: consensus", new: "ref: {kind: referendum, threshold: high, groups: {g: {share: {value: 1, assumption: a}, yes: {value: 0.5, assumption: a}}}}\n  nac: {kind: consensus", field: "institutions.ref.threshold", want: `is "high", a string; want a number`},
		{name: "string in a distribution", old: "power: {value: 1, assumption: a}\n    positions:\n      x: {ideal: {value: 100", new: "power: {uniform: [0, high], assumption: a}\n    positions:\n      x: {ideal: {value: 100", field: "actors.med.power.uniform[1]", want: `is "high", a string; want a number`},
		{name: "mapping for a list", old: "signatories: [kyiv, moscow]\n  late", new: "signatories: {kyiv: 1}\n  late", field: "tables.tab.signatories", want: "is a mapping; want a list [a, b, ...]"},
		{name: "list for an id", old: "mediator: med\n    signatories: [kyiv, moscow]\n  late", new: "mediator: [med]\n    signatories: [kyiv, moscow]\n  late", field: "tables.tab.mediator", want: "is a list; want a single value"},
		{name: "number for a boolean", old: "    mediator: med\n    signatories: [kyiv, moscow]\n  late", new: "    disabled: 1\n    mediator: med\n    signatories: [kyiv, moscow]\n  late", field: "tables.tab.disabled", want: `is "1"; want true or false`},
		{name: "list for a mapping of ids", old: "outcomes:\n  deal: {table: tab}\n  split: {table: tab, issue: x, min: 20, max: 80}", new: "outcomes: [deal]", field: "outcomes", want: "is a list; want a mapping of id: entry"},

		// Every list of ids is a set.
		{name: "duplicate signatory", old: "signatories: [kyiv, moscow]\n  late", new: "signatories: [kyiv, moscow, kyiv]\n  late", field: "tables.tab.signatories[2]", want: `repeats "kyiv" (already tables.tab.signatories[0]); tables.tab.signatories is a set: name each signatory once`},
		{name: "duplicate signatory in block list", old: "signatories: [kyiv, moscow]\n  late", new: "signatories:\n      - kyiv\n      - moscow\n      - moscow\n  late", at: "      - moscow\n  late", field: "tables.tab.signatories[2]", want: `repeats "moscow" (already tables.tab.signatories[1])`},
		{name: "duplicate ratify", old: "ratify: [nac]", new: "ratify: [nac, nac]", field: "tables.late.ratify[1]", want: `repeats "nac" (already tables.late.ratify[0]); tables.late.ratify is a set: name each institution once`},
		{name: "duplicate member", old: "members: [madrid, med]", new: "members: [madrid, med, madrid]", field: "institutions.nac.members[2]", want: `duplicate member "madrid"`},
		{name: "duplicate opens.after event", old: "after: [{event: agreed, table: tab}]", new: "after: [{event: agreed, table: tab}, {event: agreed, table: tab}]", field: "tables.late.opens.after[1]", want: "repeats the event of tables.late.opens.after[0]; tables.late.opens.after is a set: name each event once"},
		{name: "duplicate if event", old: "if: [{event: shock, shock: crisis}]", new: "if: [{event: shock, shock: crisis}, {event: shock, shock: crisis}]", field: "linkages.l.if[1]", want: "repeats the event of linkages.l.if[0]; linkages.l.if is a set"},
		{name: "duplicate unless event", old: "unless: [{event: linked, linkage: hard}]", new: "unless: [{event: linked, linkage: hard}, {event: linked, linkage: hard}]", field: "linkages.l.unless[1]", want: "repeats the event of linkages.l.unless[0]"},
		{name: "same event in if and unless", old: "unless: [{event: linked, linkage: hard}]", new: "unless: [{event: shock, shock: crisis}]", at: "  l:", field: "linkages.l", want: "names the same event in if and unless: it could never act"},
		{name: "duplicate extends", old: "extends: [v]", new: "extends: [v, v]", field: "variants.w.extends[1]", want: `repeats "v" (already variants.w.extends[0])`},
		{name: "duplicate signatory from a patch", old: "patch: {actors", new: "patch: {tables: {tab: {signatories: [kyiv, kyiv]}}, actors", at: "v: {kind", field: "tables.tab.signatories[1]", want: `repeats "kyiv" (already tables.tab.signatories[0])`},
		{name: "distinct events are fine", old: "after: [{event: agreed, table: tab}]", new: "after: [{event: agreed, table: tab}, {event: opened, table: tab}]"},

		// Every interval is non-empty.
		{name: "outcome min above max", old: "min: 20, max: 80", new: "min: 60, max: 40", at: "split:", field: "outcomes.split", want: "min 60 is above max 40: the condition can never hold"},
		{name: "outcome min out of range", old: "min: 20, max: 80", new: "min: -5, max: 80", at: "split:", field: "outcomes.split.min", want: "is -5; allowed range is 0 to 100"},
		{name: "condition min above max", old: "split: {table: tab, issue: x, min: 20, max: 80}", new: "split: {table: tab, conditions: [{issue: y, min: 70, max: 30}]}", field: "outcomes.split.conditions[0]", want: "min 70 is above max 30: the condition can never hold"},
		{name: "outcome min equal max", old: "min: 20, max: 80", new: "min: 50, max: 50"},
		{name: "red lines crossed", old: "min: {value: 10, assumption: a}, max: {value: 90, assumption: a}", new: "min: {value: 70, assumption: a}, max: {value: 30, assumption: a}", at: "x: {ideal: {value: 0", field: "actors.kyiv.positions.x", want: "min can be as high as 70 and max as low as 30, so a replicate can draw red lines that no value of the issue satisfies; the highest possible min must be at or below the lowest possible max"},
		{name: "red line supports overlap", old: "min: {value: 10, assumption: a}, max: {value: 90, assumption: a}", new: "min: {uniform: [20, 60], assumption: a}, max: {uniform: [50, 90], assumption: a}", at: "x: {ideal: {value: 0", field: "actors.kyiv.positions.x", want: "min can be as high as 60 and max as low as 50"},
		{name: "red line triangular over beta-like", old: "min: {value: 10, assumption: a}, max: {value: 90, assumption: a}", new: "min: {triangular: [0, 10, 95], assumption: a}, max: {value: 90, assumption: a}", at: "x: {ideal: {value: 0", field: "actors.kyiv.positions.x", want: "min can be as high as 95 and max as low as 90"},
		{name: "red lines touch", old: "min: {value: 10, assumption: a}, max: {value: 90, assumption: a}", new: "min: {uniform: [20, 50], assumption: a}, max: {uniform: [50, 90], assumption: a}"},
		{name: "red lines crossed by a variant", old: "patch: {actors: {kyiv: {tables", new: "patch: {actors: {kyiv: {positions: {x: {max: {value: 5, assumption: a}}}, tables", at: "x: {ideal: {value: 0", field: "actors.kyiv.positions.x", want: "min can be as high as 10 and max as low as 5, so a replicate can draw red lines that no value of the issue satisfies; the highest possible min must be at or below the lowest possible max (with variant v)"},
		{name: "uniform reversed", old: "reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  moscow", new: "reservation: {uniform: [0.6, 0.4], assumption: a}, noise: {value: 0.05, assumption: a}}\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  moscow", field: "actors.kyiv.tables.tab.reservation", want: "uniform min 0.6 > max 0.4"},
		{name: "triangular mode outside", old: "salience: {value: 0.5, assumption: a}", new: "salience: {triangular: [0.2, 0.9, 0.5], assumption: a}", field: "actors.madrid.positions.y.salience", want: "triangular needs min <= mode <= max, got 0.2, 0.9, 0.5"},
		{name: "truncnormal empty", old: "salience: {value: 0.5, assumption: a}", new: "salience: {truncnormal: [0.5, 0.1, 0.6, 0.6], assumption: a}", field: "actors.madrid.positions.y.salience", want: "truncnormal min 0.6 must be < max 0.6"},

		// Every distribution's draws are finite and exact.
		{name: "beta shapes too small", old: "salience: {value: 0.5, assumption: a}", new: "salience: {beta: [0.001, 0.001], assumption: a}", field: "actors.madrid.positions.y.salience", want: "beta shapes 0.001, 0.001 sum to 0.002; they must sum to at least 0.04, or draws can be NaN"},
		{name: "beta shapes just too small", old: "salience: {value: 0.5, assumption: a}", new: "salience: {beta: [0.01, 0.01], assumption: a}", field: "actors.madrid.positions.y.salience", want: "sum to 0.02; they must sum to at least 0.04"},
		{name: "beta shape zero", old: "salience: {value: 0.5, assumption: a}", new: "salience: {beta: [0, 2], assumption: a}", field: "actors.madrid.positions.y.salience", want: "beta shapes must be > 0, got 0, 2"},
		{name: "beta at the minimum", old: "salience: {value: 0.5, assumption: a}", new: "salience: {beta: [0.02, 0.02], assumption: a}"},
		{name: "beta one small shape", old: "salience: {value: 0.5, assumption: a}", new: "salience: {beta: [0.001, 1], assumption: a}"},
		{name: "truncnormal in the far tail", old: "salience: {value: 0.5, assumption: a}", new: "salience: {truncnormal: [0, 0.05, 0.6, 1], assumption: a}", field: "actors.madrid.positions.y.salience", want: "it must hold at least 1e-09 (about 6 sd from the mean), or the sampler cannot draw from it"},
		{name: "truncnormal in the far lower tail", old: "salience: {value: 0.5, assumption: a}", new: "salience: {truncnormal: [5, 0.1, 0, 1], assumption: a}", field: "actors.madrid.positions.y.salience", want: "truncnormal [0, 1] holds 0 of the normal's probability (mean 5, sd 0.1)"},
		{name: "truncnormal a few sd out", old: "salience: {value: 0.5, assumption: a}", new: "salience: {truncnormal: [0, 0.1, 0.5, 1], assumption: a}"},
		{name: "bernoulli above 1", old: "prob: {value: 0.3, assumption: a}", new: "prob: {bernoulli: 1.5, assumption: a}", field: "linkages.hard.prob", want: "bernoulli p 1.5 outside [0, 1]"},

		// One document per file.
		{name: "second document", old: "  w: {kind: reading, assumption: a, extends: [v]}\n", new: "  w: {kind: reading, assumption: a, extends: [v]}\n---\nname: other\n", at: "---", want: "a second YAML document begins here (after ---); a scenario file holds one document"},
		{name: "invalid second document", old: "  w: {kind: reading, assumption: a, extends: [v]}\n", new: "  w: {kind: reading, assumption: a, extends: [v]}\n---\nname: [\n", at: "---", want: "a second YAML document begins here"},
		{name: "empty second document", old: "  w: {kind: reading, assumption: a, extends: [v]}\n", new: "  w: {kind: reading, assumption: a, extends: [v]}\n--- # nothing\n", at: "--- #", want: "a second YAML document begins here"},
		{name: "leading document marker", old: "name: m\n", new: "--- # the scenario\nname: m\n"},
		{name: "document end marker", old: "  w: {kind: reading, assumption: a, extends: [v]}\n", new: "  w: {kind: reading, assumption: a, extends: [v]}\n...\n"},

		// Aliases and merge keys are resolved before the schema check.
		{name: "anchors and merge keys", old: "  moscow:\n    power: {value: 1, assumption: a}\n    positions:\n      x: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}\n      y: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}\n    tables:\n      tab: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}",
			new: "  moscow:\n    power: &one {value: 1, assumption: a}\n    positions:\n      x: &far {ideal: {value: 100, assumption: a}, salience: *one}\n      y: *far\n    tables:\n      tab: &stance {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late:\n        <<: *stance\n        bonus: {value: 0.1, assumption: a}"},
		{name: "merge key overridden", old: "      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  madrid", new: "      late: {<<: *st, reservation: {value: 0.6, assumption: a}}\n  madrid", at: "", field: "", want: ""},
		{name: "merge of a list of mappings", old: "  x: {table: tab, status_quo: {value: 0, assumption: a}}\n  y: {table: late, status_quo: {value: 0, assumption: a}}", new: "  x: &ix {table: tab, status_quo: {value: 0, assumption: a}}\n  y: {<<: [{table: late}, *ix]}"},
		{name: "alias with an unknown key", old: "  x: {table: tab, status_quo: {value: 0, assumption: a}}\n  y: {table: late, status_quo: {value: 0, assumption: a}}", new: "  x: {table: tab, status_quo: {value: 0, assumption: a}}\n  y: {table: late, status_quo: {value: 0, assumption: a}}\nscratch: &ext {table: late, status_quo: {value: 0, assumption: a}, colour: red}\n", at: "scratch", field: "scratch", want: "unknown field; allowed here:"},
		{name: "merged key unknown where used", old: "      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  madrid", new: "      late: {<<: *pos, reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  madrid", at: "late: {<<: *pos", field: "actors.moscow.tables.late.ideal", want: "unknown field; allowed here: "},
		{name: "alias to a stance used as a position", old: "      y: {ideal: {value: 0, assumption: a}, salience: {value: 1, assumption: a}}\n    tables:\n      tab: {reservation", new: "      y: *kst\n    tables:\n      tab: {reservation", at: "y: *kst", field: "actors.kyiv.positions.y.concession", want: "unknown field; allowed here: ideal, max, min, salience (from the anchor &kst at line 11)"},
		{name: "merge of a scalar", old: "  y: {table: late, status_quo: {value: 0, assumption: a}}", new: "  y: {<<: 3, table: late, status_quo: {value: 0, assumption: a}}", want: "merge key << takes a mapping or a list of mappings (an alias to an anchored mapping), not a single value"},
		{name: "quoted << is a plain key", old: "  y: {table: late, status_quo: {value: 0, assumption: a}}", new: "  y: {'<<': {table: late}, table: late, status_quo: {value: 0, assumption: a}}", field: "issues.y.<<", want: "unknown field"},
		{name: "alias inside its own anchor", old: "  y: {table: late, status_quo: {value: 0, assumption: a}}", new: "  y: &self {table: late, status_quo: {value: 0, assumption: a}, more: [*self]}", want: "alias *self is used inside its own anchor"},
		{name: "alias in a variant patch", old: "  v: {kind: policy, assumption: a, patch: {actors: {kyiv: {tables: {tab: {reservation: {value: 0.4, assumption: a}}}}}}}\n", new: "  v: {kind: policy, assumption: a, patch: {actors: {kyiv: {tables: {tab: {reservation: &low {value: 0.4, assumption: a}}}}}}}\n  u: {kind: policy, assumption: a, patch: {actors: {moscow: {tables: {tab: {reservation: *low}}}}}}\n"},

		// A signatory or voter with no position on its table.
		{name: "signatory without positions", old: "  madrid:\n    power: {value: 1, assumption: a}\n    positions:\n      y: {ideal: {value: 50, assumption: a}, salience: {value: 0.5, assumption: a}}\n    tables:\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}",
			new: "  madrid:\n    power: {value: 1, assumption: a}\n    tables:\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      tab: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  pristina:\n    power: {value: 1, assumption: a}",
			at:  "ratify: [nac]", field: "tables.late.ratify[0]", want: "madrid votes in nac at late but has no position with salience above 0 on any of its issues (y) or the issues it defers, so its utility would be 1 for every package; give actors.madrid.positions, or set actors.madrid.tables.late.indifferent: true"},
		{name: "signatory with salience 0 only", old: "salience: {value: 0.5, assumption: a}", new: "salience: {value: 0, assumption: a}", at: "ratify: [nac]", field: "tables.late.ratify[0]", want: "madrid votes in nac at late but has no position with salience above 0"},
		{name: "mediated signatory without positions", old: "signatories: [kyiv, moscow]\n  late", new: "signatories: [kyiv, moscow, madrid]\n  late", at: "signatories: [kyiv, moscow, madrid]", field: "tables.tab.signatories[2]", want: "madrid signs at tab but has no actors.madrid.tables.tab.reservation"},
		{name: "indifferent voter", old: "    positions:\n      y: {ideal: {value: 50, assumption: a}, salience: {value: 0.5, assumption: a}}\n    tables:\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}",
			new: "    tables:\n      late: {indifferent: true, reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}"},
		{name: "indifferent with positions", old: "      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  madrid", new: "      late: {indifferent: true, reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  madrid", at: "indifferent", field: "actors.moscow.tables.late.indifferent", want: "is true but moscow has positions on y, issues of late: remove indifferent or the positions"},
	}
}

func lineOf(doc, s string) int {
	i := strings.Index(doc, s)
	if i < 0 {
		return 0
	}
	return 1 + strings.Count(doc[:i], "\n")
}

func TestMeaning(t *testing.T) {
	_, err := models.Parse("m.yaml", []byte(meaningBase))
	require.NoError(t, err, "the base must be valid")
	rejected, accepted := 0, 0
	for i, c := range meaningCases() {
		doc := strings.Replace(meaningBase, c.old, c.new, 1)
		require.NotEqual(t, meaningBase, doc, "case %d (%s) does not change the document", i, c.name)
		doc = withAnchors(c.name, doc)
		s, err := models.Parse("m.yaml", []byte(doc))
		if err == nil {
			for _, v := range s.VariantNames("") {
				if _, err = s.Resolve(v); err != nil {
					break
				}
			}
		}
		if c.want == "" {
			assert.NoError(t, err, "case %d (%s)", i, c.name)
			accepted++
			continue
		}
		if !assert.Error(t, err, "case %d (%s): accepted", i, c.name) {
			continue
		}
		rejected++
		at := c.at
		if at == "" {
			at = c.new
		}
		prefix := fmt.Sprintf("m.yaml:%d: ", lineOf(doc, at))
		if c.field != "" {
			prefix += c.field + ": "
		}
		found := false
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.HasPrefix(line, prefix) && strings.Contains(line, c.want) {
				found = true
			}
		}
		assert.True(t, found, "case %d (%s): want a line %q ... %q, got\n%v", i, c.name, prefix, c.want, err)
	}
	t.Logf("%d mutated inputs: %d rejected with file, line and field; %d accepted", rejected+accepted, rejected, accepted)
}

// withAnchors defines the anchors that the alias cases use, on the lines
// they alias.
func withAnchors(name, doc string) string {
	switch name {
	case "merge key overridden":
		return strings.Replace(doc, "      tab: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late: {<<: *st", "      tab: &st {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late: {<<: *st", 1)
	case "alias to a stance used as a position":
		return strings.Replace(doc, "      tab: {concession: {e: {value: 1, assumption: a}}}", "      tab: &kst {concession: {e: {value: 1, assumption: a}}}", 1)
	case "merged key unknown where used":
		return strings.Replace(doc, "      x: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}\n      y: {ideal: {value: 100", "      x: &pos {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}\n      y: {ideal: {value: 100", 1)
	}
	return doc
}

// TestMergeKeysMeanWhatTheySay checks the values that merge keys produce:
// the mapping's own keys override merged ones.
func TestMergeKeysMeanWhatTheySay(t *testing.T) {
	doc := strings.Replace(meaningBase,
		"      tab: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n  moscow",
		"      tab: &st {reservation: {value: 0.5, assumption: a}, noise: {value: 0.05, assumption: a}}\n      late:\n        <<: *st\n        reservation: {value: 0.7, assumption: a}\n  moscow", 1)
	s, err := models.Parse("m.yaml", []byte(doc))
	require.NoError(t, err)
	late := s.Actors.Get("kyiv").Tables.Get("late")
	assert.Equal(t, []float64{0.7}, late.Reservation.Args, "the explicit key wins")
	assert.Equal(t, []float64{0.05}, late.Noise.Args, "the merged key is present")
	assert.Equal(t, lineOf(doc, "<<: *st"), late.Noise.Line, "a merged parameter has the line of its use")
	// A variant patches the merged stance like any other.
	r, err := s.Resolve("v")
	require.NoError(t, err)
	assert.Equal(t, []float64{0.4}, r.Actors.Get("kyiv").Tables.Get("tab").Reservation.Args)
}

// TestAliasBomb checks that nested aliases cannot expand a small file
// without bound.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("name: *a11\n")
	start := time.Now()
	_, err := models.Parse("bomb.yaml", []byte(b.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aliases expand to more than")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestLineEndings checks that CRLF and CR-only line endings and a UTF-8
// byte order mark load, with the same lines in messages.
func TestLineEndings(t *testing.T) {
	bad := strings.Replace(meaningBase, "horizon: 12", "horizon: 36.7", 1)
	for _, c := range []struct {
		name string
		conv func(string) string
	}{
		{"LF", func(s string) string { return s }},
		{"CRLF", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
		{"CR", func(s string) string { return strings.ReplaceAll(s, "\n", "\r") }},
		{"BOM", func(s string) string { return "\ufeff" + s }},
		{"BOM CRLF", func(s string) string { return "\ufeff" + strings.ReplaceAll(s, "\n", "\r\n") }},
	} {
		s, err := models.Parse("m.yaml", []byte(c.conv(meaningBase)))
		if assert.NoError(t, err, c.name) {
			assert.Equal(t, 12, s.Horizon, c.name)
			assert.Equal(t, []string{"med", "kyiv", "moscow", "madrid"}, s.Actors.Keys, c.name)
			assert.Equal(t, lineOf(meaningBase, "  madrid:"), s.Actors.Line("madrid"), c.name)
		}
		_, err = models.Parse("m.yaml", []byte(c.conv(bad)))
		assert.ErrorContains(t, err, "m.yaml:2: horizon: is 36.7", c.name)
	}
}

// TestLargeValidFile checks that a valid file close to MaxFileSize loads.
func TestLargeValidFile(t *testing.T) {
	var b strings.Builder
	b.WriteString(meaningBase)
	b.WriteString("# padding follows\n")
	for i := 0; b.Len() < models.MaxFileSize-200; i++ {
		fmt.Fprintf(&b, "# %08d a comment line that makes the file large without changing what it means\n", i)
	}
	data := []byte(b.String())
	require.Less(t, len(data), models.MaxFileSize)
	p := filepath.Join(t.TempDir(), "large.yaml")
	require.NoError(t, os.WriteFile(p, data, 0o644))
	start := time.Now()
	s, err := models.Load(p)
	require.NoError(t, err)
	assert.Equal(t, "m", s.Name)
	assert.Less(t, time.Since(start), 10*time.Second)

	// Many entries rather than comments.
	doc := strings.Replace(meaningBase, "sources:\n  s.txt: A source\n", "", 1)
	var src strings.Builder
	src.WriteString("sources:\n  s.txt: A source\n")
	for i := 0; src.Len() < models.MaxFileSize/2; i++ {
		fmt.Fprintf(&src, "  extra_%06d.txt: Another source, listed but not cited\n", i)
	}
	doc = strings.Replace(doc, "horizon: 12\n", "horizon: 12\n"+src.String(), 1)
	s, err = models.Parse("many.yaml", []byte(doc))
	require.NoError(t, err)
	assert.Greater(t, s.Sources.Len(), 10000)
}

// TestLoadBoundedWhateverTheFile checks that a character device and a FIFO
// are read through the size limit: neither reports a useful size.
func TestLoadBoundedWhateverTheFile(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err == nil {
		start := time.Now()
		_, err := models.Load("/dev/zero")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "/dev/zero: is a character device that gave more than 4194304 bytes (reading stopped there); a scenario may be at most 4194304 bytes")
		assert.Less(t, time.Since(start), 5*time.Second)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		chunk := bytes.Repeat([]byte("# an endless stream\n"), 4096)
		for {
			if _, err := w.Write(chunk); err != nil {
				return // the reader closed the pipe
			}
		}
	}()
	_, err := models.Load(fifo)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a named pipe that gave more than")
	<-done

	// A FIFO holding a valid scenario loads.
	fifo2 := filepath.Join(dir, "ok.yaml")
	require.NoError(t, syscall.Mkfifo(fifo2, 0o600))
	go func() {
		w, err := os.OpenFile(fifo2, os.O_WRONLY, 0)
		if err == nil {
			w.Write([]byte(meaningBase))
			w.Close()
		}
	}()
	s, err := models.Load(fifo2)
	require.NoError(t, err)
	assert.Equal(t, "m", s.Name)
}

// TestDrawsFinite samples every distribution at the extremes that
// validation allows and finds no NaN or Inf, and no draw outside the
// support.
func TestDrawsFinite(t *testing.T) {
	min := models.MinBetaShapeSum
	for i, p := range []models.Param{
		{Dist: models.DistConst, Args: []float64{-1e9}},
		{Dist: models.DistConst, Args: []float64{1e9}},
		{Dist: models.DistUniform, Args: []float64{-1e9, 1e9}},
		{Dist: models.DistUniform, Args: []float64{0, 0}},
		{Dist: models.DistTriangular, Args: []float64{-1e9, -1e9, 1e9}},
		{Dist: models.DistTriangular, Args: []float64{-1e9, 1e9, 1e9}},
		{Dist: models.DistTriangular, Args: []float64{5, 5, 5}},
		{Dist: models.DistBeta, Args: []float64{min / 2, min / 2}},
		{Dist: models.DistBeta, Args: []float64{1e-9, min}},
		{Dist: models.DistBeta, Args: []float64{min, 1e-9}},
		{Dist: models.DistBeta, Args: []float64{1e-300, 1}},
		{Dist: models.DistBeta, Args: []float64{1e300, 1e300}},
		{Dist: models.DistBeta, Args: []float64{1e300, 1e-300}},
		// truncnormal intervals holding about MinTruncMass, in each tail.
		{Dist: models.DistTruncNormal, Args: []float64{0, 1, 5.99, 100}},
		{Dist: models.DistTruncNormal, Args: []float64{0, 1, -100, -5.99}},
		{Dist: models.DistTruncNormal, Args: []float64{0, 1e9, -1e9, 1e9}},
		{Dist: models.DistTruncNormal, Args: []float64{0, 1e-300, -1e9, 1e9}},
		{Dist: models.DistTruncNormal, Args: []float64{1e9, 1, 1e9 - 1e-6, 1e9}},
		{Dist: models.DistBernoulli, Args: []float64{0}},
		{Dist: models.DistBernoulli, Args: []float64{1}},
	} {
		p.Set, p.Assumption = true, "extreme"
		_, err := models.Parse("d.yaml", []byte(strings.Replace(meaningBase, "salience: {value: 0.5, assumption: a}", "salience: "+paramYAML(p), 1)))
		// Only the range of the field the distribution is put in may fail.
		if err != nil {
			for _, l := range strings.Split(err.Error(), "\n") {
				if strings.Contains(l, "actors.madrid.positions.y.salience: ") && !strings.Contains(l, "allowed range is [0, 1]") {
					t.Errorf("case %d (%v): not a valid distribution: %v", i, p, l)
				}
			}
		}
		lo, hi := p.Bounds()
		r := rand.New(rand.NewPCG(uint64(i), 99))
		bad := 0
		for range 200000 {
			x := p.Sample(r)
			if math.IsNaN(x) || math.IsInf(x, 0) || x < lo || x > hi {
				bad++
			}
		}
		assert.Zero(t, bad, "case %d (%v): draws that are not finite or outside [%g, %g]", i, p, lo, hi)
		if m := p.Mean(); math.IsNaN(m) || m < lo || m > hi {
			t.Errorf("case %d (%v): mean %g outside [%g, %g]", i, p, m, lo, hi)
		}
	}
}

// TestBetaBelowMinimumDrawsNaN records the measurement behind
// MinBetaShapeSum: below it the sampler's draws are NaN at a rate that a
// batch meets.
func TestBetaBelowMinimumDrawsNaN(t *testing.T) {
	p := models.Param{Dist: models.DistBeta, Args: []float64{0.001, 0.001}, Set: true}
	r := rand.New(rand.NewPCG(1, 2))
	nan := 0
	for range 100000 {
		if math.IsNaN(p.Sample(r)) {
			nan++
		}
	}
	// About 22.5% (225,388 of 1,000,000 draws with this seed).
	assert.InDelta(t, 0.225, float64(nan)/100000, 0.01)
}

// TestTruncNormalMean checks the nominal value of a truncated normal: the
// mean of the truncated distribution, inside its interval.
func TestTruncNormalMean(t *testing.T) {
	p := models.Param{Dist: models.DistTruncNormal, Args: []float64{0, 1, 0, math.Inf(1)}, Set: true}
	// The half-normal's mean is sqrt(2/pi).
	assert.InDelta(t, math.Sqrt(2/math.Pi), p.Mean(), 1e-12)
	p.Args = []float64{50, 10, 0, 20}
	assert.True(t, p.Mean() > 0 && p.Mean() < 20, "mean %g", p.Mean())
}

func paramYAML(p models.Param) string {
	if p.Dist == models.DistConst || p.Dist == models.DistBernoulli {
		return fmt.Sprintf("{%s: %g, assumption: extreme}", p.Dist, p.Args[0])
	}
	parts := make([]string, len(p.Args))
	for i, a := range p.Args {
		parts[i] = fmt.Sprintf("%g", a)
	}
	return fmt.Sprintf("{%s: [%s], assumption: extreme}", p.Dist, strings.Join(parts, ", "))
}
