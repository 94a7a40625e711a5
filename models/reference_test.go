package models_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
)

// TestReferenceProvenance breaks the reference of base's reservation one way
// at a time. The derived numbers come from models/references: 1 of the 5
// peace-settlement referendums passed, so derive beta gives Beta(2, 5) and
// beta-complement Beta(5, 2); the yes shares run from 0.2417 (Greek
// Cypriots) to 0.9439 (Ireland, 1998).
func TestReferenceProvenance(t *testing.T) {
	const old = "reservation: {uniform: [0.3, 0.5], assumption: range}"
	for _, c := range []struct {
		name, new string
		want      string // substring of the error; "" means valid
	}{
		{"beta", "reservation: {beta: [2, 5], reference: {class: peace-settlement-referendums, derive: beta}}", ""},
		{"beta within 1e-9", "reservation: {beta: [2.0000000001, 5], reference: {class: peace-settlement-referendums, derive: beta}}", ""},
		{"beta-complement", "reservation: {beta: [5, 2], reference: {class: peace-settlement-referendums, derive: beta-complement, note: why}}", ""},
		{"range", "reservation: {uniform: [0.2417, 0.9439], reference: {class: peace-referendum-yes-shares, derive: range}}", ""},
		{"scaled range", "reservation: {uniform: [0.12085, 0.47195], reference: {class: peace-referendum-yes-shares, derive: range, scale: 0.5}}", ""},
		{"deviation", "reservation: {uniform: [0.3, 0.5], reference: {class: peace-settlement-referendums, derive: beta, deviation: narrower because}}", ""},
		{"unknown class", "reservation: {beta: [2, 5], reference: {class: nato-ratifications, derive: beta}}",
			`actors.a.tables.tab.reservation.reference.class: unknown reference class "nato-ratifications"; known: `},
		{"no class", "reservation: {beta: [2, 5], reference: {derive: beta}}", "reference.class: is required"},
		{"no derive", "reservation: {beta: [2, 5], reference: {class: peace-settlement-referendums}}", "reference.derive: is required: one of range"},
		{"bad derive", "reservation: {beta: [2, 5], reference: {class: peace-settlement-referendums, derive: mean}}", `derive "mean" is not one of`},
		{"wrong derived values", "reservation: {beta: [2, 4], reference: {class: peace-settlement-referendums, derive: beta}}",
			"actors.a.tables.tab.reservation: gives beta[2, 4], but class peace-settlement-referendums derives beta[2, 5] (beta over 5 cases)"},
		{"missing deviation", "reservation: {uniform: [0.3, 0.5], reference: {class: peace-settlement-referendums, derive: beta, note: narrower}}",
			"give the derived distribution, or say why it differs in reference.deviation"},
		{"wrong kind", "reservation: {uniform: [0.3, 0.5], reference: {class: peace-settlement-referendums, derive: range}}", "needs a months or share class"},
		{"unknown excluded case", "reservation: {beta: [2, 5], reference: {class: peace-settlement-referendums, derive: beta, exclude: [bosnia-1995]}}", `has no case "bosnia-1995"`},
		{"shift on beta", "reservation: {beta: [2, 5], reference: {class: peace-settlement-referendums, derive: beta, shift: 1}}", "takes no shift or scale"},
		{"two provenances", "reservation: {beta: [2, 5], assumption: a, reference: {class: peace-settlement-referendums, derive: beta}}", "has more than one of source, assumption and reference"},
		{"unknown field", "reservation: {beta: [2, 5], reference: {class: peace-settlement-referendums, derive: beta, why: x}}", "why"},
		{"outside range", "reservation: {uniform: [0.2417, 1.9883], reference: {class: peace-referendum-yes-shares, derive: range, shift: 1, exclude: [cyprus-2004-greek-cypriots]}}",
			"gives uniform[0.2417, 1.9883], but class peace-referendum-yes-shares derives uniform[1.4721"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(base, old, c.new, 1)
			require.NotEqual(t, base, doc)
			_, err := models.Parse("t.yaml", []byte(doc))
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "t.yaml:")
		})
	}
}

// TestDurationsBeyondHorizon checks that a gate's delay and a block may
// exceed the horizon (base's is 12 rounds), which means "not within it",
// and stay non-negative and below MaxHorizon.
func TestDurationsBeyondHorizon(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"delay beyond horizon", "mediator: m, signatories: [a]}", "mediator: m, signatories: [a], opens: {delay: {value: 50, assumption: long}}}", ""},
		{"negative delay", "mediator: m, signatories: [a]}", "mediator: m, signatories: [a], opens: {delay: {value: -1, assumption: x}}}", "tables.tab.opens.delay: takes values in [-1, -1], allowed range is [0, 100000]"},
		{"block beyond horizon", "field: reservation, shift: {value: -0.1, assumption: a}", "field: block, shift: {value: 50, assumption: long}", ""},
		{"block too long", "field: reservation, shift: {value: -0.1, assumption: a}", "field: block, shift: {value: 200000, assumption: long}", "allowed range is [0, 100000]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(base, c.old, c.new, 1)
			require.NotEqual(t, base, doc)
			if c.new != "" && strings.Contains(c.new, "field: block") {
				doc = strings.Replace(doc, "actor: a, table: tab, field: block", "table: tab, field: block", 1)
			}
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
