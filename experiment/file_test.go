package experiment

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestFileMatchesParser checks that File, from which the JSON Schema is
// built, has the fields Parse accepts, at every level: for each mapping of
// File it writes an experiment with an unknown key there, and compares the
// list of allowed fields in Parse's message with File's.
func TestFileMatchesParser(t *testing.T) {
	var walk func(t reflect.Type, at []any)
	checked := 0
	walk = func(typ reflect.Type, at []any) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch {
		case strings.HasPrefix(typ.Name(), "allOr["), typ.Kind() == reflect.Slice:
			walk(typ.Elem(), append(at, 0))
			return
		case strings.HasPrefix(typ.Name(), "nameOr["):
			walk(typ.Field(0).Type, at)
			return
		case typ.Kind() != reflect.Struct:
			return
		}
		var want []string
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
			want = append(want, name)
			walk(typ.Field(i).Type, append(append([]any(nil), at...), name))
		}
		sort.Strings(want)
		// Build {at[0]: {at[1]: [{... {zz_unknown: 1}}]}}.
		var doc any = map[string]any{"zz_unknown": 1}
		for i := len(at) - 1; i >= 0; i-- {
			k, ok := at[i].(string)
			switch {
			case ok && (k == "x" || k == "y") && i > 0 && at[i-1] == "sweep2":
				// sweep2 reads its axes only when both are there.
				doc = map[string]any{"x": doc, "y": doc}
			case ok:
				doc = map[string]any{k: doc}
			default:
				doc = []any{doc}
			}
		}
		data, err := yaml.Marshal(doc)
		require.NoError(t, err)
		_, err = Parse("test.yaml", data)
		var found bool
		for _, p := range asProblems(err) {
			if before, list, ok := strings.Cut(p.Msg, "unknown field; allowed here: "); ok && before == "" && strings.HasSuffix(p.Field, "zz_unknown") {
				found = true
				assert.Equal(t, want, strings.Split(list, ", "), "fields at %v", at)
			}
		}
		assert.True(t, found, "no unknown-field message at %v for:\n%s\n%v", at, data, err)
		checked++
	}
	walk(reflect.TypeFor[File](), nil)
	// File's mappings: the top level, variants, fixed (twice), sweep,
	// sweep2 and its two axes, sensitivity, difference, decompose,
	// design, its levers and groups, binned.
	assert.Equal(t, 15, checked)
}

func asProblems(err error) Problems {
	ps, _ := err.(Problems)
	return ps
}
