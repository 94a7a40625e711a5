package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/internal/corpustest"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// base is a minimal valid scenario that the bad-input cases break one field
// at a time.
const base = `name: t
horizon: 12
sources:
  s.txt: A source
actors:
  m:
    power: {value: 1, assumption: equal}
    positions:
      x: {ideal: {value: 100, assumption: a}, salience: {value: 1, assumption: a}}
    tables:
      tab: {concession: {e: {value: 1, assumption: linear}}}
  a:
    power: {value: 1, assumption: equal}
    positions:
      x: {ideal: {value: 0, assumption: a}, salience: {value: 0.5, source: {seed: s.txt, quote: q}}}
    tables:
      tab: {reservation: {uniform: [0.3, 0.5], assumption: range}, noise: {value: 0.05, assumption: test}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: none}}
tables:
  tab: {protocol: mediated, mediator: m, signatories: [a]}
linkages:
  l:
    when: {event: agreed, table: tab}
    effects: [{actor: a, table: tab, field: reservation, shift: {value: -0.1, assumption: a}}]
outcomes:
  deal: {table: tab}
variants:
  v: {kind: policy, assumption: test, patch: {actors: {a: {tables: {tab: {reservation: {value: 0.2, assumption: lower}}}}}}}
`

func TestParseValid(t *testing.T) {
	s, err := models.Parse("t.yaml", []byte(base))
	require.NoError(t, err)
	assert.Equal(t, []string{"m", "a"}, s.Actors.Keys)
	r, err := s.Resolve("v")
	require.NoError(t, err)
	assert.Equal(t, []float64{0.2}, r.Actors.Get("a").Tables.Get("tab").Reservation.Args)
	// The base is untouched by the overlay.
	assert.Equal(t, models.DistUniform, s.Actors.Get("a").Tables.Get("tab").Reservation.Dist)
}

func TestParseProblems(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		want           []string // substrings of the error
	}{
		{"missing field", "horizon: 12\n", "", []string{"t.yaml: horizon: is required: the number of rounds (1 to"}},
		{"unknown field", "name: t\n", "name: t\nhorizn: 3\n", []string{"t.yaml:2: horizn: unknown field; allowed here:"}},
		{"unknown actor in linkage", "actor: a, table: tab, field", "actor: zz, table: tab, field", []string{`linkages.l.effects[0].actor: unknown actor "zz"; known: m, a`}},
		{"unknown issue", "x: {table: tab, status_quo", "y: {table: tab, status_quo", []string{`actors.m.positions.x: unknown issue "x"`}},
		{"salience above 1", "salience: {value: 1, assumption: a}", "salience: {value: 1.5, assumption: a}", []string{":9: actors.m.positions.x.salience: takes values in [1.5, 1.5], allowed range is [0, 1]"}},
		{"min > max", "uniform: [0.3, 0.5]", "uniform: [0.5, 0.3]", []string{"uniform min 0.5 > max 0.3"}},
		{"NaN", "value: 100, assumption: a}", "value: .nan, assumption: a}", []string{"numbers must be finite"}},
		{"Inf", "value: 100, assumption: a}", "value: .inf, assumption: a}", []string{"numbers must be finite"}},
		{"duplicate id", "  a:\n    power", "  m:\n    power", []string{`duplicate id "m"`}},
		{"yaml syntax", "tables:\n  tab: {", "tables:\n  tab: {{", []string{"t.yaml:"}},
		{"no provenance", "{value: 1, assumption: equal}", "{value: 1}", []string{"has neither source nor assumption"}},
		{"bare number", "power: {value: 1, assumption: equal}", "power: 1", []string{"has neither source nor assumption"}},
		{"unlisted seed", "seed: s.txt", "seed: other.txt", []string{`"other.txt" is not listed under sources`}},
		{"two distributions", "{uniform: [0.3, 0.5], assumption", "{uniform: [0.3, 0.5], value: 1, assumption", []string{"more than one distribution"}},
		{"bad protocol", "protocol: mediated", "protocol: auction", []string{"tables.tab.protocol: is \"auction\"; allowed: mediated"}},
		{"signatory without reservation", "signatories: [a]", "signatories: [m]", []string{"m signs at tab but has no actors.m.tables.tab.reservation"}},
		{"bad event", "event: agreed", "event: exploded", []string{"linkages.l.when.event: is \"exploded\"; allowed:"}},
		{"unknown linkage in event", "when: {event: agreed, table: tab}", "when: {event: linked, linkage: zz}", []string{`linkages.l.when.linkage: unknown linkage "zz"; known: l`}},
		{"bad condition", "    effects: [{actor", "    unless: [{event: shock, shock: none}]\n    effects: [{actor", []string{`linkages.l.unless[0].shock: unknown shock "none"`}},
		{"bad effect field", "field: reservation", "field: mood", []string{"field: is \"mood\"; allowed:"}},
		{"bad variant patch field", "patch: {actors", "patch: {actorz", []string{"variants.v.patch.actorz: unknown field"}},
		{"unknown variant kind", "kind: policy", "kind: fancy", []string{"variants.v.kind: is \"fancy\""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(base, c.old, c.new, 1)
			require.NotEqual(t, base, doc, "case does not change the document")
			_, err := models.Parse("t.yaml", []byte(doc))
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestParseFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.yaml", nil, "is empty"},
		{"blank.yaml", []byte("  \n\n"), "is empty"},
		{"binary.yaml", []byte{0x7f, 'E', 'L', 'F', 0, 1, 2}, "is binary"},
		{"huge.yaml", make([]byte, models.MaxFileSize+1), "may be at most"},
		{"list.yaml", []byte("- a\n- b\n"), "top level must be a mapping"},
	} {
		p := filepath.Join(dir, c.name)
		require.NoError(t, os.WriteFile(p, c.data, 0o644))
		_, err := models.Load(p)
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), p, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}
	_, err := models.Load(filepath.Join(dir, "absent.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestResolveErrors(t *testing.T) {
	s, err := models.Parse("t.yaml", []byte(base))
	require.NoError(t, err)
	_, err = s.Resolve("nope")
	assert.ErrorContains(t, err, `unknown variant "nope"; known: v`)
	bad := strings.Replace(base, "patch: {actors: {a: {tables: {tab: {reservation: {value: 0.2", "patch: {actors: {a: {tables: {tab: {reservation: {value: 7", 1)
	s, err = models.Parse("t.yaml", []byte(bad))
	require.NoError(t, err) // the patch is only checked when applied
	_, err = s.Resolve("v")
	assert.ErrorContains(t, err, "allowed range is [-1, 2] (with variant v)")
}

// FuzzParse checks that no input makes negsim panic from parsing to
// running: a file that parses is resolved under every variant, compiled,
// and run for a few replicates. The seed corpus holds the bad-input
// corpus (testdata/bad/scenario.tsv) applied to its base.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("name: [\n"))
	f.Add([]byte("actors: {a: {power: {beta: [0, 0]}}}"))
	f.Add([]byte("variants: {v: {kind: policy, extends: [v], patch: 3}}"))
	if b, err := os.ReadFile("testdata/bad/base.yaml"); err == nil {
		f.Add(b)
		for _, c := range corpustest.Read(f, "testdata/bad/scenario.tsv") {
			f.Add([]byte(strings.Replace(string(b), c.Old, c.New, 1)))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := models.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, v := range append([]string{"base"}, s.Variants.Keys...) {
			r, err := s.Resolve(v)
			if err != nil {
				continue
			}
			m, err := sim.Compile(r)
			if err != nil {
				continue
			}
			st := sim.NewState(m)
			for i := range uint64(3) {
				st.Run(7, i, nil)
			}
		}
	})
}
