package experiment

import (
	"reflect"
	"strings"

	"github.com/negsim/negsim/schema"
)

// SchemaVersion is the version of the experiment file format Parse reads.
// A file may state it as schema_version; a file stating another is refused.
const SchemaVersion = 1

// File is the layout of an experiment file, field by field, for its JSON
// Schema (JSONSchema). Parse reads a file node by node into a Spec, with
// rules across fields that a schema cannot state; TestFileMatchesParser
// checks that File and Parse accept the same field names everywhere.
type File struct {
	SchemaVersion int                        `yaml:"schema_version"`
	Name          string                     `yaml:"name"`
	Scenario      string                     `yaml:"scenario"`
	Variants      allOr[nameOr[fileVariant]] `yaml:"variants"`
	Readings      []string                   `yaml:"readings"`
	N             int                        `yaml:"n"`
	Seed          uint64                     `yaml:"seed"`
	Level         float64                    `yaml:"level"`
	Outcomes      []string                   `yaml:"outcomes"`
	Fixed         []fileFix                  `yaml:"fixed"`
	Sweep         *fileAxis                  `yaml:"sweep"`
	Sweep2        *struct {
		X fileAxis `yaml:"x"`
		Y fileAxis `yaml:"y"`
	} `yaml:"sweep2"`
	Sensitivity *struct {
		Variant string        `yaml:"variant"`
		Outcome string        `yaml:"outcome"`
		Params  allOr[string] `yaml:"params"`
		N       int           `yaml:"n"`
	} `yaml:"sensitivity"`
	Difference []struct {
		A      string `yaml:"a"`
		B      string `yaml:"b"`
		Paired bool   `yaml:"paired"`
	} `yaml:"difference"`
	Decompose *struct {
		Variant  string   `yaml:"variant"`
		From     string   `yaml:"from"`
		To       string   `yaml:"to"`
		Outcomes []string `yaml:"outcomes"`
		N        int      `yaml:"n"`
	} `yaml:"decompose"`
	Design *struct {
		Type    string        `yaml:"type"`
		Variant string        `yaml:"variant"`
		Levers  []fileAxis    `yaml:"levers"`
		Params  allOr[string] `yaml:"params"`
		Groups  []struct {
			Name   string   `yaml:"name"`
			Params []string `yaml:"params"`
		} `yaml:"groups"`
		N          int    `yaml:"n"`
		Levels     int    `yaml:"levels"`
		Replicates int    `yaml:"replicates"`
		Seed       uint64 `yaml:"seed"`
		Bootstrap  int    `yaml:"bootstrap"`
	} `yaml:"design"`
	Binned *struct {
		Bins   int           `yaml:"bins"`
		Params allOr[string] `yaml:"params"`
	} `yaml:"binned"`
	Convergence  []int    `yaml:"convergence"`
	Verification bool     `yaml:"verification"`
	Figures      []string `yaml:"figures"`
	Includes     []string `yaml:"includes"`
}

// allOr is the word "all" or a non-empty list.
type allOr[T any] []T

// nameOr is a bare name (a string) or the mapping T.
type nameOr[T any] struct{ V T }

type fileVariant struct {
	Name    string    `yaml:"name"`
	Variant string    `yaml:"variant"`
	Fixed   []fileFix `yaml:"fixed"`
}

type fileFix struct {
	Param string  `yaml:"param"`
	Value float64 `yaml:"value"`
}

type fileAxis struct {
	Param  string    `yaml:"param"`
	Label  string    `yaml:"label"`
	Values []float64 `yaml:"values"`
	From   float64   `yaml:"from"`
	To     float64   `yaml:"to"`
	Steps  int       `yaml:"steps"`
}

// JSONSchema returns the JSON Schema of experiment files (negsim schema
// experiment; docs/schema/). A file the schema refuses is refused by Parse
// too; Parse also checks the rules across fields.
func JSONSchema() *schema.Schema {
	var r schema.Reflector
	r.Hook(func(r *schema.Reflector, t reflect.Type) *schema.Schema {
		switch {
		case strings.HasPrefix(t.Name(), "allOr["):
			return &schema.Schema{AnyOf: []*schema.Schema{{Const: "all"},
				{Type: "array", MinItems: schema.Ptr(1), Items: r.Reflect(t.Elem())}}}
		case strings.HasPrefix(t.Name(), "nameOr["):
			return &schema.Schema{AnyOf: []*schema.Schema{{Type: "string"}, r.Reflect(t.Field(0).Type)}}
		case t.Kind() == reflect.Struct && t.Name() == "":
			return r.Struct(t) // a field's own mapping, inline
		}
		return nil
	})
	r.Enum(reflect.TypeFor[File](), "figures", FigureNames...)
	design, _ := reflect.TypeFor[File]().FieldByName("Design")
	r.Enum(design.Type.Elem(), "type", DesignFactorial, DesignLHS, DesignSobol, DesignMorris)
	s := r.Root(reflect.TypeFor[File](), "negsim experiment",
		"A negsim experiment file: variants to compare, sweeps, sensitivity analyses and designs over a scenario, and the figures to draw (README, Experiments and figures).")
	f := r.Def("File")
	f.Required = []string{"name"}
	f.Properties.Set("schema_version", &schema.Schema{
		Description: "the version of the experiment format; absent means 1",
		Type:        "integer", Const: SchemaVersion})
	f.Properties.Get("n").Minimum = schema.Ptr(1.0)
	return s
}
