package schema_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/negsim/negsim/experiment"
	"github.com/negsim/negsim/models"
)

// The schemas as shipped in docs/schema (cmd/negsim's TestSchemaGolden keeps
// them equal to what negsim schema prints).
const (
	scenarioSchema   = "../docs/schema/scenario.schema.json"
	experimentSchema = "../docs/schema/experiment.schema.json"
)

func compile(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.NewCompiler().Compile(path)
	require.NoError(t, err, path)
	return s
}

// instance turns a YAML tree into the values a JSON validator reads, as an
// editor's YAML extension does: mapping keys as strings, numbers as numbers.
func instance(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		return instance(n.Content[0])
	case yaml.AliasNode:
		return instance(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := instance(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			v, err := instance(c)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	}
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		return n.Value == "true", nil
	case "!!int":
		if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return v, nil
		}
		return strconv.ParseUint(n.Value, 0, 64)
	case "!!float":
		var f float64
		err := n.Decode(&f)
		return f, err
	}
	return n.Value, nil
}

func parseInstance(t *testing.T, data []byte) any {
	t.Helper()
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &doc))
	v, err := instance(&doc)
	require.NoError(t, err)
	return v
}

// shipped lists the shipped scenario and experiment files, with the schema
// each must name in its first line.
func shipped(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for pattern, schema := range map[string]string{
		"../models/*.yaml":       scenarioSchema,
		"../models/games/*.yaml": scenarioSchema,
		"../experiments/*.yaml":  experimentSchema,
	} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, m, pattern)
		for _, f := range m {
			files[f] = schema
		}
	}
	return files
}

// Every shipped scenario and experiment file validates against its schema,
// loads, names its schema in a yaml-language-server modeline and states
// schema_version 1.
func TestShippedFilesValidate(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{scenarioSchema: compile(t, scenarioSchema), experimentSchema: compile(t, experimentSchema)}
	for f, sc := range shipped(t) {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.NoError(t, schemas[sc].Validate(parseInstance(t, data)), f)
		if sc == scenarioSchema {
			_, err = models.Load(f)
		} else {
			_, err = experiment.Load(f)
		}
		assert.NoError(t, err, f)
		rel, err := filepath.Rel(filepath.Dir(f), sc)
		require.NoError(t, err)
		first, _, _ := strings.Cut(string(data), "\n")
		assert.Equal(t, "# yaml-language-server: $schema="+filepath.ToSlash(rel), first, f)
		assert.Contains(t, "\n"+string(data), "\nschema_version: 1\n", f)
	}
}

// Type errors and unknown fields are refused by the schema and by the
// loader alike. Each case replaces one line of a small valid file.
func TestSchemaRefusesTypeErrors(t *testing.T) {
	scenario, err := os.ReadFile("../experiment/testdata/mini.yaml")
	require.NoError(t, err)
	exp := []byte("name: e\nscenario: ../experiment/testdata/mini.yaml\nvariants: [base]\nn: 100\nseed: 3\nlevel: 0.9\nfigures: [variants]\n")
	for _, c := range []struct {
		what     string
		file     []byte
		old, new string
	}{
		{"scenario", scenario, "horizon: 12", "horizon: twelve"},
		{"scenario", scenario, "horizon: 12", "horizon: 2.5"},
		{"scenario", scenario, "horizon: 12", "horizon: [12]"},
		{"scenario", scenario, "horizon: 12", "horizon: 12\nschema_version: 2"},
		{"scenario", scenario, "horizon: 12", "horizon: 12\nhorizon_months: 12"},
		{"scenario", scenario, "name: mini", "name: [a, b]"},
		{"scenario", scenario, "label: Mediator", "label: {a: b}"},
		{"scenario", scenario, "rule: probit", "rule: fuzzy"},
		{"scenario", scenario, "rule: probit", "rule: 3"},
		{"scenario", scenario, "power: {value: 2, assumption: stronger}", "power: {value: two, assumption: stronger}"},
		{"scenario", scenario, "power: {value: 2, assumption: stronger}", "power: {uniform: [1, 2, 3], assumption: stronger}"},
		{"scenario", scenario, "power: {value: 2, assumption: stronger}", "power: {value: 2, uniform: [1, 3], assumption: stronger}"},
		{"scenario", scenario, "power: {value: 2, assumption: stronger}", "power: {value: 2, assumtion: stronger}"},
		{"scenario", scenario, "power: {value: 2, assumption: stronger}", "power: [2]"},
		{"scenario", scenario, "anchors: {0: none ceded, 100: all ceded}", "anchors: [none, all]"},
		{"scenario", scenario, "anchors: {0: none ceded, 100: all ceded}", "anchors: {low: none ceded}"},
		{"scenario", scenario, "example.txt: An example source", "example.txt: [An example source]"},
		{"experiment", exp, "n: 100", "n: 1.5"},
		{"experiment", exp, "n: 100", "n: many"},
		{"experiment", exp, "seed: 3", "seed: -3"},
		{"experiment", exp, "level: 0.9", "level: high"},
		{"experiment", exp, "variants: [base]", "variants: 7"},
		{"experiment", exp, "variants: [base]", "variants: some"},
		{"experiment", exp, "figures: [variants]", "figures: [pie]"},
		{"experiment", exp, "name: e", "name: e\nschema_version: 2"},
		{"experiment", exp, "name: e", "name: e\nreplicates: 5"},
		{"experiment", exp, "n: 100", "n: 100\nfixed: {param: a, value: 1}"},
	} {
		name := fmt.Sprintf("%s %s -> %s", c.what, c.old, c.new)
		require.Equal(t, 1, strings.Count(string(c.file), c.old), name)
		data := []byte(strings.Replace(string(c.file), c.old, c.new, 1))
		path := scenarioSchema
		if c.what == "experiment" {
			path = experimentSchema
		}
		assert.Error(t, compile(t, path).Validate(parseInstance(t, data)), "the schema accepts %s", name)
		if c.what == "scenario" {
			_, err = models.Parse("test.yaml", data)
		} else {
			_, err = experiment.Parse("test.yaml", data)
		}
		assert.Error(t, err, "the loader accepts %s", name)
	}
	// The unmodified files are valid.
	assert.NoError(t, compile(t, scenarioSchema).Validate(parseInstance(t, scenario)))
	assert.NoError(t, compile(t, experimentSchema).Validate(parseInstance(t, exp)))
}

// corpusRow is one row of a bad-input corpus (models/testdata/bad,
// experiment/testdata/bad): a mutation of the corpus's base.yaml and the
// message the loader must give.
type corpusRow struct{ name, old, new, want string }

func readCorpus(t *testing.T, path string) []corpusRow {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var rows []corpusRow
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 6, "%s:%d", path, i+1)
		for j := range f {
			f[j], err = strconv.Unquote(`"` + f[j] + `"`)
			require.NoError(t, err, "%s:%d", path, i+1)
		}
		rows = append(rows, corpusRow{f[0], f[1], f[2], f[5]})
	}
	return rows
}

// typeError tells the corpus rows whose message is about a field's name or
// the type of its value (what a schema can check) from those about ranges,
// references and rules across fields (what only the loader checks), and
// from messages about another file (a scenario an experiment names).
var typeError = regexp.MustCompile(`^(unknown field; allowed here|is [^;]*; want (a |true or false)|is [^;]*, not a whole number|must be (a string|a mapping|true or false|a list ))`)

// The schema refuses every type error of the bad-input corpora, as the
// loaders do (the corpora's own tests check the loaders' messages).
func TestSchemaRefusesCorpusTypeErrors(t *testing.T) {
	for _, c := range []struct{ corpus, schema string }{
		{"../models/testdata/bad/scenario.tsv", scenarioSchema},
		{"../experiment/testdata/bad/bad.tsv", experimentSchema},
	} {
		if _, err := os.Stat(c.corpus); err != nil {
			t.Logf("%s: not there, skipped", c.corpus)
			continue
		}
		base, err := os.ReadFile(filepath.Join(filepath.Dir(c.corpus), "base.yaml"))
		require.NoError(t, err)
		sc := compile(t, c.schema)
		n := 0
		for _, r := range readCorpus(t, c.corpus) {
			if !typeError.MatchString(r.want) {
				continue
			}
			n++
			data := strings.Replace(string(base), r.old, r.new, 1)
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
				continue // not YAML: no schema applies
			}
			v, err := instance(&doc)
			require.NoError(t, err, r.name)
			assert.Error(t, sc.Validate(v), "%s: the schema accepts %q (the loader says %q)", c.corpus, r.name, r.want)
		}
		assert.Positive(t, n, c.corpus)
		t.Logf("%s: the schema refuses all %d type errors", c.corpus, n)
	}
}

// describedProps walks a schema document and returns, for every property of
// every object in it, its path and its description ("" when it has none).
func describedProps(v any, path string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if props, ok := x["properties"].(map[string]any); ok {
			for name, p := range props {
				d, _ := p.(map[string]any)["description"].(string)
				out[path+"."+name] = d
			}
		}
		for k, c := range x {
			describedProps(c, path+"/"+k, out)
		}
	case []any:
		for i, c := range x {
			describedProps(c, path+"/"+strconv.Itoa(i), out)
		}
	}
}

// TestDescriptions: the properties of both schemas carry the comments of
// the Go fields they are reflected from (internal/gendesc), for editors'
// hover text; at least 90% of each schema's properties have one, and none
// reads like Go source.
func TestDescriptions(t *testing.T) {
	for _, c := range []struct {
		name string
		s    interface{ JSON() ([]byte, error) }
	}{{"scenario", models.JSONSchema()}, {"experiment", experiment.JSONSchema()}} {
		b, err := c.s.JSON()
		require.NoError(t, err)
		var doc any
		require.NoError(t, json.Unmarshal(b, &doc))
		props := map[string]string{}
		describedProps(doc, "#", props)
		var missing []string
		for path, d := range props {
			if d == "" {
				missing = append(missing, path)
				continue
			}
			assert.NotRegexp(t, `//|/\*|\bTODO\b|\n`, d, "%s: %s", c.name, path)
		}
		slices.Sort(missing)
		described := len(props) - len(missing)
		t.Logf("%s schema: %d of %d properties described; without: %v", c.name, described, len(props), missing)
		assert.GreaterOrEqual(t, 10*described, 9*len(props),
			"%s schema: %d of %d properties described, under 90%%; comment the Go fields of %v and run go generate ./models/ ./experiment/",
			c.name, described, len(props), missing)
	}
}
