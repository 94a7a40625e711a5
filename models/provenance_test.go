package models

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// seedsDir returns the directory of the source articles the default
// scenario cites: $NEGSIM_SEEDS if set, else ../shared/seeds next to the
// repository (filepath.Join("..", "..", "shared", "seeds") from models/).
func seedsDir() string {
	if d := os.Getenv("NEGSIM_SEEDS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "seeds")
}

// minQuoteWords is the shortest quote a source may give: a clause that
// states a claim, not a phrase ("beyond the").
const minQuoteWords = 8

func TestDefaultLoads(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	require.Equal(t, DefaultName, s.File)
	require.Equal(t, DefaultBytes(), s.Raw())
	require.Equal(t, 36, s.Horizon)
	for _, id := range []string{"washington", "moscow", "kyiv", "belgrade", "pristina", "madrid", "athens", "bucharest", "bratislava", "beijing", "brussels"} {
		require.GreaterOrEqual(t, s.Actors.Index(id), 0, "actor %s", id)
	}
	for _, id := range wantOutcomes {
		require.GreaterOrEqual(t, s.Outcomes.Index(id), 0, "outcome %s", id)
	}
}

// The outcome ids are part of the command-line interface too: experiment
// files name them.
var wantOutcomes = []string{
	"ceasefire", "ceasefire_1244", "ceasefire_partition", "peacekeepers_mandated", "guarantees_agreed",
	"final_status_agreed", "association_signed", "normalization_codified", "serbia_deal",
	"serbia_nato_commitment", "kosovo_pfp", "kosovo_pathway", "kosovo_invited",
	"recognized_athens", "recognized_bucharest", "recognized_bratislava", "recognized_madrid",
	"bdm_status_frozen", "bdm_status_partition", "bdm_serbia_west", "bdm_serbia_commitment",
}

// The variant ids are part of the command-line interface: experiment files
// and documentation name them.
var wantPolicies = []string{
	"status-quo", "full-plan", "1244-only", "balkan-offers-only", "plan-plus-pressure",
	"kosovo-only", "uae-recognition", "crisis-package", "economic-normalization", "both-sides",
	"serbian-perspective", "partition", "phased-reintegration", "no-us-pressure",
	"russian-counter-escalation", "no-silence",
}

var wantReadings = []string{"advocate", "sceptic"}

// wantModels are the variants of kind model: a model family or decision
// rule, combined as policy+model+reading.
var wantModels = []string{"eu-mediator", "bdm-forecast"}

func TestDefaultVariantsResolve(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	require.ElementsMatch(t, wantPolicies, s.VariantNames("policy"))
	require.ElementsMatch(t, wantReadings, s.VariantNames("reading"))
	require.ElementsMatch(t, wantModels, s.VariantNames("model"))

	names := append([]string{"base"}, s.Variants.Keys...)
	for _, p := range s.VariantNames("policy") {
		for _, mv := range s.VariantNames("model") {
			names = append(names, p+"+"+mv)
		}
		for _, r := range s.VariantNames("reading") {
			names = append(names, p+"+"+r)
			for _, mv := range s.VariantNames("model") {
				names = append(names, p+"+"+mv+"+"+r)
			}
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			v := s.Variants.Get(name)
			if v != nil {
				require.NotEmpty(t, strings.TrimSpace(v.Label), "label")
				require.NotEmpty(t, strings.TrimSpace(v.Description), "description")
				require.True(t, v.Source != nil || strings.TrimSpace(v.Assumption) != "", "source or assumption")
			}
			r, err := s.Resolve(name)
			require.NoError(t, err)
			require.NotNil(t, r)
		})
	}
}

// TestDefaultReadingsDiffer guards against a reading patch that silently
// leaves the base untouched: the two readings must resolve to different
// parameter sets.
func TestDefaultReadingsDiffer(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	adv, err := s.Resolve("advocate")
	require.NoError(t, err)
	scep, err := s.Resolve("sceptic")
	require.NoError(t, err)
	a := adv.Linkages.Get("maximalist_moscow").Prob
	b := scep.Linkages.Get("maximalist_moscow").Prob
	require.NotNil(t, a)
	require.NotNil(t, b)
	require.Less(t, a.Mean(), b.Mean(), "P(maximalist Moscow): advocate below sceptic")
	sa := adv.Institutions.Get("nac_pathway").SilenceProb.Get("madrid")
	sb := scep.Institutions.Get("nac_pathway").SilenceProb.Get("madrid")
	require.Greater(t, sa.Mean(), sb.Mean(), "Spain's silence: advocate above sceptic")
	ga := adv.Actors.Get("moscow").Positions.Get("security_guarantees").Max
	gb := scep.Actors.Get("moscow").Positions.Get("security_guarantees").Max
	require.Greater(t, ga.Mean(), gb.Mean(), "Moscow's strongest tolerated guarantee: advocate above sceptic")
	// The readings patch the contested parameters on the package and on the
	// staged tables alike.
	require.Equal(t, ga.Args, adv.Actors.Get("moscow").Positions.Get("package_guarantees").Max.Args)
	require.Equal(t, gb.Args, scep.Actors.Get("moscow").Positions.Get("package_guarantees").Max.Args)
}

// TestDefaultStages checks the structure issue 9 asks for: under the status
// quo one package and no stages; under the 1244 policies the stages and no
// package, with the ceasefire outcome on the interim agreement, which defers
// the final status; the Balkan tables in seed 001's order.
func TestDefaultStages(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	stages := []string{"ukraine_interim", "ukraine_peacekeeping", "ukraine_guarantees", "donbas_final"}
	base, err := s.Resolve("status-quo")
	require.NoError(t, err)
	require.False(t, base.Tables.Get("ukraine_package").Disabled)
	for _, id := range stages {
		require.True(t, base.Tables.Get(id).Disabled, "%s under the status quo", id)
	}
	require.Equal(t, "ukraine_package", base.Outcomes.Get("ceasefire").Table)
	for _, p := range []string{"1244-only", "full-plan", "plan-plus-pressure", "phased-reintegration", "russian-counter-escalation", "no-silence"} {
		for _, r := range append([]string{""}, wantReadings...) {
			name := p
			if r != "" {
				name += "+" + r
			}
			v, err := s.Resolve(name)
			require.NoError(t, err)
			require.True(t, v.Tables.Get("ukraine_package").Disabled, name)
			for _, id := range stages {
				require.False(t, v.Tables.Get(id).Disabled, "%s: %s", name, id)
			}
			require.Equal(t, "ukraine_interim", v.Outcomes.Get("ceasefire").Table, name)
		}
	}
	interim := s.Tables.Get("ukraine_interim")
	var deferred []string
	for _, d := range interim.Defers {
		deferred = append(deferred, d.Issue)
	}
	require.Contains(t, deferred, "donbas_status")
	require.Contains(t, interim.Ratify, "unsc_donbas")
	require.ElementsMatch(t, []string{"washington", "moscow", "beijing"}, s.Institutions.Get("unsc_donbas").Members)
	for _, id := range []string{"ukraine_peacekeeping", "ukraine_guarantees", "donbas_final"} {
		require.Equal(t, "ukraine_interim", s.Tables.Get(id).Opens.After[0].Table, id)
	}
	require.Equal(t, []string{"donbas_referendum", "ua_referendum"}, s.Tables.Get("donbas_final").Ratify)
	require.GreaterOrEqual(t, s.Institutions.Get("donbas_referendum").Groups.Index("displaced"), 0)
	// Balkans: the pathway and Greek recognition open on the signing.
	for _, id := range []string{"kosovo_pathway", "recognition_athens", "recognition_bucharest", "recognition_bratislava", "recognition_madrid"} {
		o := s.Tables.Get(id).Opens
		require.NotNil(t, o, id)
		require.Equal(t, "normalization", o.After[0].Table, id)
	}
	require.Nil(t, s.Tables.Get("recognition_athens").Opens.Delay, "Greek recognition follows the signing at once")
}

var (
	spaces     = regexp.MustCompile(`\s+`)
	typography = strings.NewReplacer(
		"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'",
		"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`,
		"\u2013", "-", "\u2014", "-", "\u2012", "-", "\u2011", "-", "\u2010", "-", "\u2212", "-",
		"\u00a0", " ", "\u2026", "...",
	)
)

// normalize maps typographic quotes, apostrophes and dashes to ASCII and
// collapses whitespace, so that a quote typed in ASCII matches the seed.
func normalize(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(typography.Replace(s), " "))
}

// citation is one {seed, quote} mapping found in the scenario file.
type citation struct {
	line        int
	seed, quote string
}

// citations walks a YAML tree and returns every mapping with both a seed
// and a quote key: parameter sources, variant sources and any other.
func citations(n *yaml.Node) []citation {
	var out []citation
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			var c citation
			for i := 0; i+1 < len(n.Content); i += 2 {
				switch n.Content[i].Value {
				case "seed":
					c.seed = n.Content[i+1].Value
				case "quote":
					c.quote = n.Content[i+1].Value
				}
			}
			if c.seed != "" && c.quote != "" {
				c.line = n.Line
				out = append(out, c)
			}
		}
		for _, k := range n.Content {
			walk(k)
		}
	}
	walk(n)
	return out
}

func TestDefaultQuotesAppearInSeeds(t *testing.T) {
	seedsDir := seedsDir()
	if _, err := os.Stat(seedsDir); err != nil {
		t.Skipf("seeds directory %s not found (%v): set NEGSIM_SEEDS to the directory of the seed articles to check the quotes", seedsDir, err)
	}
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(DefaultBytes(), &doc))
	cs := citations(&doc)
	require.NotEmpty(t, cs, "the default scenario cites no quote")

	s, err := Default()
	require.NoError(t, err)
	for _, seed := range s.Sources.Keys {
		_, err := os.Stat(filepath.Join(seedsDir, seed))
		require.NoError(t, err, "source %s is listed but not in %s", seed, seedsDir)
	}
	seeds := map[string]string{}
	for _, c := range cs {
		require.GreaterOrEqual(t, s.Sources.Index(c.seed), 0, "line %d: seed %s not listed under sources", c.line, c.seed)
		text, ok := seeds[c.seed]
		if !ok {
			b, err := os.ReadFile(filepath.Join(seedsDir, c.seed))
			require.NoError(t, err, "line %d", c.line)
			text = normalize(string(b))
			seeds[c.seed] = text
		}
		// Report every missing quote, not just the first, and not the
		// whole seed text.
		if n := len(strings.Fields(normalize(c.quote))); n < minQuoteWords {
			t.Errorf("%s:%d: quote has %d words, fewer than %d: cite a clause that states the claim, or make the parameter an assumption: %q", DefaultName, c.line, n, minQuoteWords, c.quote)
		}
		if !strings.Contains(text, normalize(c.quote)) {
			t.Errorf("%s:%d: quote not found verbatim in %s: %q", DefaultName, c.line, c.seed, c.quote)
		}
	}
}

// TestDefaultQuotesAreClauses needs no seeds: every quote in the scenario
// has at least minQuoteWords words.
func TestDefaultQuotesAreClauses(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(DefaultBytes(), &doc))
	for _, c := range citations(&doc) {
		if n := len(strings.Fields(normalize(c.quote))); n < minQuoteWords {
			t.Errorf("%s:%d: quote has %d words, fewer than %d: %q", DefaultName, c.line, n, minQuoteWords, c.quote)
		}
	}
}

// outsideDoc matches a reference to a document that is not in the
// repository: the design notes' "Extraction" and its section numbers.
var outsideDoc = regexp.MustCompile(`(?i)extraction|\bsec\. `)

// TestDefaultCitesNothingOutside fails on any mention, in a comment or a
// string, of a document outside the repository.
func TestDefaultCitesNothingOutside(t *testing.T) {
	for i, line := range strings.Split(string(DefaultBytes()), "\n") {
		if m := outsideDoc.FindString(line); m != "" {
			t.Errorf("%s:%d: cites %q, a document outside the repository: cite a seed by its file name or state the assumption", DefaultName, i+1, m)
		}
	}
}

// TestDefaultStancesHaveNoise checks that every stance with a logit or probit
// rule in the default scenario and in every variant states its decision noise
// as an uncertain parameter whose range reaches near zero.
func TestDefaultStancesHaveNoise(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	names := append([]string{"base"}, s.Variants.Keys...)
	for _, name := range names {
		r, err := s.Resolve(name)
		require.NoError(t, err)
		for i, a := range r.Actors.Keys {
			act := &r.Actors.Vals[i]
			for j, tb := range act.Tables.Keys {
				st := &act.Tables.Vals[j]
				if st.Reservation == nil || st.Rule == "threshold" {
					continue
				}
				require.NotNil(t, st.Noise, "%s: actors.%s.tables.%s: no noise", name, a, tb)
				require.NotEmpty(t, st.Noise.Assumption, "%s: actors.%s.tables.%s.noise: no assumption", name, a, tb)
				require.Equal(t, DistUniform, st.Noise.Dist, "%s: actors.%s.tables.%s.noise is not an uncertain range", name, a, tb)
				require.LessOrEqual(t, st.Noise.Args[0], 0.002, "%s: actors.%s.tables.%s.noise does not reach near zero", name, a, tb)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Spain\u2019s  \u201csilence\u201d", `Spain's "silence"`},
		{"0\u20136 months \u2014 now", "0-6 months - now"},
		{"a\n\tb", "a b"},
	}
	for i, c := range cases {
		require.Equal(t, c.want, normalize(c.in), "case %d", i)
	}
}

// TestDefaultReferencesHaveNotes checks that every reference of the default
// scenario says, in its note, why the class applies to the parameter; the
// validator checks the numbers, not the fit.
func TestDefaultReferencesHaveNotes(t *testing.T) {
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal(DefaultBytes(), &root))
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k, v := n.Content[i], n.Content[i+1]; k.Value == "reference" && v.Kind == yaml.MappingNode {
					var r Reference
					require.NoError(t, v.Decode(&r))
					require.NotEmpty(t, strings.TrimSpace(r.Note), "line %d: reference to %s has no note", k.Line, r.Class)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
}
