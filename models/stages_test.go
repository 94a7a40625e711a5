package models_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
)

// staged is a valid two-stage scenario: table interim defers issue y, which
// the final table settles; the final table is ratified by a grouped
// referendum and a veto.
const staged = `name: staged
horizon: 12
sources:
  s.txt: A source
actors:
  m:
    power: {value: 1, assumption: a}
    positions:
      x: {ideal: {value: 50, assumption: a}, salience: {value: 1, assumption: a}}
      y: {ideal: {value: 50, assumption: a}, salience: {value: 1, assumption: a}}
    tables:
      interim: {concession: {e: {value: 1, assumption: a}}}
      final: {concession: {e: {value: 1, assumption: a}}}
  a:
    power: {value: 1, assumption: a}
    positions:
      x: {ideal: {value: 0, assumption: a}, salience: {value: 1, assumption: a}}
      y: {ideal: {value: 0, assumption: a}, salience: {value: 1, assumption: a}}
    tables:
      interim: {reservation: {value: 0.5, assumption: a}, noise: {uniform: [0.002, 0.03], assumption: a}}
      final: {reservation: {value: 0.5, assumption: a}, noise: {value: 0.01, assumption: a}}
issues:
  x: {table: interim, status_quo: {value: 0, assumption: a}}
  y: {table: final, status_quo: {value: 0, assumption: a}}
tables:
  interim:
    protocol: mediated
    mediator: m
    signatories: [a]
    defers:
      - {issue: y, weight: {value: 0.5, assumption: a}, prospect: {value: 40, assumption: a}, beliefs: {a: {value: 30, assumption: a}}}
  final:
    protocol: mediated
    mediator: m
    signatories: [a]
    ratify: [vote, council]
    opens: {after: [{event: agreed, table: interim}], delay: {value: 3, assumption: a}}
institutions:
  vote:
    kind: referendum
    threshold: 0.5
    groups:
      residents: {share: {value: 3, assumption: a}, yes: {value: 0.5, assumption: a}}
      displaced: {share: {value: 1, assumption: a}, yes: {value: 0.6, assumption: a}, electorate: a, slope: {value: 2, assumption: a}}
  council: {kind: veto, members: [m], yes_prob: {m: {value: 1, assumption: a}}}
linkages:
  l:
    when: {event: vetoed, table: final, institution: vote}
    effects:
      - {institution: vote, group: displaced, field: pass, shift: {value: 0.1, assumption: a}}
      - {table: interim, issue: y, actor: a, field: prospect, shift: {value: -10, assumption: a}}
shocks:
  s: {per_round: {value: 0.1, assumption: a}, from: 0, to: 0}
outcomes:
  interim_1244: {table: interim, conditions: [{issue: x, min: 20}, {issue: y, max: 0}]}
`

func TestStagedValid(t *testing.T) {
	s, err := models.Parse("t.yaml", []byte(staged))
	require.NoError(t, err)
	require.NotNil(t, s.Shocks.Get("s").To)
	assert.Equal(t, 0, *s.Shocks.Get("s").To, "to: 0 is round 0, not the horizon")
	assert.Equal(t, "y", s.Tables.Get("interim").Defers[0].Issue)
	assert.Equal(t, []string{"residents", "displaced"}, s.Institutions.Get("vote").Groups.Keys)
}

func TestStagedProblems(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		want           string
	}{
		{"noise required", "{reservation: {value: 0.5, assumption: a}, noise: {value: 0.01, assumption: a}}", "{reservation: {value: 0.5, assumption: a}}",
			"tables.final.signatories[0]: a decides at final by a logit rule but has no actors.a.tables.final.noise"},
		{"threshold needs no noise", "{reservation: {value: 0.5, assumption: a}, noise: {value: 0.01, assumption: a}}", "{reservation: {value: 0.5, assumption: a}, rule: threshold}", ""},
		{"defer own issue", "- {issue: y, weight", "- {issue: x, weight", "tables.interim.defers[0].issue: x is an issue of interim itself"},
		{"defer weight range", "weight: {value: 0.5", "weight: {value: 1.5", "tables.interim.defers[0].weight"},
		{"belief of unknown actor", "beliefs: {a: {value: 30", "beliefs: {zz: {value: 30", `tables.interim.defers[0].beliefs.zz: unknown actor "zz"`},
		{"pass and groups", "kind: referendum\n", "kind: referendum\n    pass: {value: 0.5, assumption: a}\n", "institutions.vote.pass: and groups are exclusive"},
		{"threshold range", "threshold: 0.5", "threshold: 1", "institutions.vote.threshold: is 1; allowed range is strictly between 0 and 1"},
		{"group share positive", "share: {value: 3,", "share: {value: 0,", "institutions.vote.groups.residents.share"},
		{"electorate without slope", ", electorate: a, slope: {value: 2, assumption: a}}", ", electorate: a}", "institutions.vote.groups.displaced: electorate and slope go together"},
		{"pass effect needs group", "{institution: vote, group: displaced, field: pass", "{institution: vote, field: pass", "linkages.l.effects[0].group: is required: vote is a grouped referendum"},
		{"unknown group", "group: displaced, field: pass", "group: refugees, field: pass", `linkages.l.effects[0].group: unknown group "refugees"`},
		{"prospect without deferral", "{table: interim, issue: y, actor: a, field: prospect", "{table: final, issue: y, actor: a, field: prospect", "table final does not defer issue y"},
		{"veto by a non-ratifier", "institution: vote}", "institution: other}\n", `linkages.l.when.institution: unknown institution "other"`},
		{"institution on agreed", "when: {event: vetoed, table: final, institution: vote}", "when: {event: agreed, table: final, institution: vote}", "is only meaningful for a vetoed event"},
		{"shock to beyond horizon", "from: 0, to: 0", "from: 0, to: 12", "shocks.s.to: is 12; allowed range is from (0) to 11"},
		{"shock to before from", "from: 0, to: 0", "from: 3, to: 2", "shocks.s.to: is 2; allowed range is from (3) to 11"},
		{"condition min above max", "{issue: x, min: 20}", "{issue: x, min: 20, max: 10}", "outcomes.interim_1244.conditions[0]: min 20 is above max 10"},
		{"empty condition", "{issue: y, max: 0}", "{issue: y}", "outcomes.interim_1244.conditions[1]: gives neither min nor max"},
		{"unknown condition issue", "{issue: x, min: 20}", "{issue: z, min: 20}", `outcomes.interim_1244.conditions[0].issue: unknown issue "z"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(staged, c.old, c.new, 1)
			require.NotEqual(t, staged, doc, "case does not change the document")
			_, err := models.Parse("t.yaml", []byte(doc))
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// A vetoed event may only name an institution that ratifies its table.
func TestVetoedInstitutionMustRatify(t *testing.T) {
	doc := strings.Replace(staged, "ratify: [vote, council]", "ratify: [council]", 1)
	_, err := models.Parse("t.yaml", []byte(doc))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "linkages.l.when.institution: vote does not ratify table final")
}

// Composing two variants that set the same field is refused: the later
// would silently win (full-plan+sceptic+advocate used to mean full-plan+
// advocate). Variants that change different things compose, and a part may
// repeat what another part's ancestor sets.
func TestComposedOverlaps(t *testing.T) {
	s, err := models.Default()
	require.NoError(t, err)
	_, err = s.Resolve("full-plan+sceptic+advocate")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "(sceptic, then advocate)")
	assert.Contains(t, err.Error(), "compose variants that change different things")
	for _, ok := range []string{"full-plan+sceptic", "full-plan+eu-mediator+advocate", "full-plan+bdm-forecast+sceptic"} {
		_, err := s.Resolve(ok)
		assert.NoError(t, err, ok)
		assert.Empty(t, s.Overlaps(ok), ok)
	}
	assert.Empty(t, s.Overlaps("full-plan+plan-plus-pressure"), "plan-plus-pressure extends full-plan: the shared settings come from one variant")
}
