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

// seedsDir holds the source articles the default scenario cites; it lives
// outside the repository, next to it, and CI may not have it.
var seedsDir = filepath.Join("..", "..", "shared", "seeds")

func TestDefaultLoads(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	require.Equal(t, DefaultName, s.File)
	require.Equal(t, DefaultBytes(), s.Raw())
	require.Equal(t, 36, s.Horizon)
	for _, id := range []string{"washington", "moscow", "kyiv", "belgrade", "pristina", "madrid", "athens", "bucharest", "bratislava", "beijing", "brussels"} {
		require.GreaterOrEqual(t, s.Actors.Index(id), 0, "actor %s", id)
	}
	for _, id := range []string{"ceasefire", "serbia_nato_path", "kosovo_pathway", "kosovo_invited", "recognized_madrid", "recognized_athens", "recognized_bucharest", "recognized_bratislava", "association_signed", "kosovo_un_seat"} {
		require.GreaterOrEqual(t, s.Outcomes.Index(id), 0, "outcome %s", id)
	}
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

func TestDefaultVariantsResolve(t *testing.T) {
	s, err := Default()
	require.NoError(t, err)
	require.ElementsMatch(t, wantPolicies, s.VariantNames("policy"))
	require.ElementsMatch(t, wantReadings, s.VariantNames("reading"))

	names := append([]string{"base"}, s.Variants.Keys...)
	for _, p := range s.VariantNames("policy") {
		for _, r := range s.VariantNames("reading") {
			names = append(names, p+"+"+r)
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
	if _, err := os.Stat(seedsDir); err != nil {
		t.Skipf("seeds directory %s not found (%v); the quotes cannot be checked here", seedsDir, err)
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
		if !strings.Contains(text, normalize(c.quote)) {
			t.Errorf("%s:%d: quote not found verbatim in %s: %q", DefaultName, c.line, c.seed, c.quote)
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
