package schema

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type leaf struct {
	Name  string             `yaml:"name"`
	Count int                `yaml:"count"`
	Seed  uint64             `yaml:"seed"`
	Rate  *float64           `yaml:"rate"`
	On    bool               `yaml:"on"`
	Tags  []string           `yaml:"tags"`
	Pair  [2]float64         `yaml:"pair"`
	Marks map[float64]string `yaml:"marks"`
	Skip  string             `yaml:"-"`
	Plain string             // no tag: not in the file
	Any   any                `yaml:"any"`
	next  *leaf
}

type tree struct {
	Kids []tree `yaml:"kids"`
	Leaf *leaf  `yaml:"leaf"`
}

// Each Go type maps to the JSON Schema the package doc promises; the
// expected values are written out by hand from draft 2020-12's keywords.
func TestReflect(t *testing.T) {
	var r Reflector
	r.Enum(reflect.TypeFor[leaf](), "name", "a", "b")
	r.Enum(reflect.TypeFor[leaf](), "tags", "x")
	root := r.Root(reflect.TypeFor[tree](), "t", "d")
	got, err := root.JSON()
	require.NoError(t, err)
	want := `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$ref": "#/$defs/tree",
  "title": "t",
  "description": "d",
  "$defs": {
    "tree": {
      "type": "object",
      "properties": {
        "kids": {
          "type": "array",
          "items": {
            "$ref": "#/$defs/tree"
          }
        },
        "leaf": {
          "anyOf": [
            {
              "$ref": "#/$defs/leaf"
            },
            {
              "type": "null"
            }
          ]
        }
      },
      "additionalProperties": false
    },
    "leaf": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string",
          "enum": [
            "a",
            "b"
          ]
        },
        "count": {
          "type": "integer"
        },
        "seed": {
          "type": "integer",
          "minimum": 0
        },
        "rate": {
          "anyOf": [
            {
              "type": "number"
            },
            {
              "type": "null"
            }
          ]
        },
        "on": {
          "type": "boolean"
        },
        "tags": {
          "type": "array",
          "items": {
            "type": "string",
            "enum": [
              "x"
            ]
          }
        },
        "pair": {
          "type": "array",
          "items": {
            "type": "number"
          },
          "minItems": 2,
          "maxItems": 2
        },
        "marks": {
          "type": "object",
          "propertyNames": {
            "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"
          },
          "additionalProperties": {
            "type": "string"
          }
        },
        "any": {}
      },
      "additionalProperties": false
    }
  }
}
`
	assert.Equal(t, want, string(got))
}

// A hook replaces the default rule for the types it handles, and Define
// returns the same reference for a type met twice.
func TestHookAndDefine(t *testing.T) {
	type id string
	var r Reflector
	calls := 0
	r.Hook(func(r *Reflector, t reflect.Type) *Schema {
		if t != reflect.TypeFor[id]() {
			return nil
		}
		return r.Define("ID", t, func() *Schema { calls++; return &Schema{Type: "string", Pattern: "^[a-z]+$"} })
	})
	a, b := r.Reflect(reflect.TypeFor[id]()), r.Reflect(reflect.TypeFor[[]id]())
	assert.Equal(t, "#/$defs/ID", a.Ref)
	assert.Equal(t, "#/$defs/ID", b.Items.Ref)
	assert.Equal(t, 1, calls, "the definition is built once")
	assert.Equal(t, "^[a-z]+$", r.Def("ID").Pattern)
	assert.Panics(t, func() { r.Define("ID", reflect.TypeFor[int](), func() *Schema { return &Schema{} }) }, "two types under one name")
}

func TestFalse(t *testing.T) {
	b, err := False().MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, "false", string(b))
	b, err = (&Schema{}).MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, "{}", string(b), "the zero Schema accepts anything")
}

type described struct {
	Plain string `yaml:"plain"`
	Ref   *leaf  `yaml:"ref"`
	Inner *struct {
		X int `yaml:"x"`
	} `yaml:"inner"`
	Bare int `yaml:"bare"`
}

// Descriptions are set by "Type.Field" key, next to a $ref (which stays)
// and around a nullable field's anyOf; a field of an anonymous struct is
// keyed by its parent field's key.
func TestDescriptions(t *testing.T) {
	r := Reflector{Descriptions: map[string]string{
		"described.Plain":   "a plain field",
		"described.Ref":     "a reference",
		"described.Inner":   "inner mapping",
		"described.Inner.X": "inside",
	}}
	r.Hook(func(r *Reflector, t reflect.Type) *Schema {
		if t.Kind() == reflect.Struct && t.Name() == "" {
			return r.Struct(t)
		}
		return nil
	})
	r.Root(reflect.TypeFor[described](), "", "")
	d := r.Def("described")
	assert.Equal(t, "a plain field", d.Properties.Get("plain").Description)
	ref := d.Properties.Get("ref")
	assert.Equal(t, "a reference", ref.Description)
	assert.Equal(t, "#/$defs/leaf", ref.AnyOf[0].Ref)
	inner := d.Properties.Get("inner")
	assert.Equal(t, "inner mapping", inner.Description)
	assert.Equal(t, "inside", inner.AnyOf[0].Properties.Get("x").Description)
	assert.Empty(t, d.Properties.Get("bare").Description)
}
