package models

import (
	"reflect"
	"strings"

	"github.com/negsim/negsim/schema"
)

// SchemaVersion is the version of the scenario format this package reads.
// A file may state it as schema_version; a file stating another is refused.
const SchemaVersion = 1

//go:generate go run ../internal/gendesc -pkg models

// JSONSchema returns the JSON Schema of scenario files, built from the Go
// types they are decoded into (negsim schema scenario; docs/schema/). A file
// the schema refuses is refused by Load too; the schema checks types, field
// names and allowed words, and the loader also every rule across fields.
func JSONSchema() *schema.Schema {
	r := schema.Reflector{Descriptions: fieldDocs}
	r.Hook(func(r *schema.Reflector, t reflect.Type) *schema.Schema {
		switch {
		case t == paramType:
			return r.Define("Param", t, paramSchema(r))
		case t == nodeType:
			// A variant's patch is a partial scenario, deep-merged
			// onto the base.
			return &schema.Schema{Ref: "#/$defs/Scenario"}
		case t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "Map["):
			vals, _ := t.FieldByName("Vals")
			return &schema.Schema{Type: "object", AdditionalProperties: r.Reflect(vals.Type.Elem())}
		}
		return nil
	})
	r.Enum(reflect.TypeFor[Stance](), "rule", AcceptRules...)
	r.Enum(reflect.TypeFor[Stance](), "strategy", Strategies...)
	r.Enum(reflect.TypeFor[Table](), "protocol", Protocols...)
	r.Enum(reflect.TypeFor[Table](), "clock", Clocks...)
	r.Enum(reflect.TypeFor[Institution](), "kind", InstitutionKinds...)
	r.Enum(reflect.TypeFor[EventRef](), "event", EventKinds...)
	r.Enum(reflect.TypeFor[Effect](), "field", EffectFields...)
	r.Enum(reflect.TypeFor[Variant](), "kind", VariantKinds...)
	s := r.Root(reflect.TypeFor[Scenario](), "negsim scenario",
		"A negsim scenario file: actors, issues, tables, institutions, linkages, shocks, outcomes and variants (docs/SCENARIO-FORMAT.md).")
	r.Def("Scenario").Properties.Set("schema_version", &schema.Schema{
		Description: "the version of the scenario format; absent means 1",
		Type:        "integer", Const: SchemaVersion})
	return s
}

// paramSchema gives a parameter's file form: a mapping with exactly one
// distribution key, its arguments, and its provenance.
func paramSchema(r *schema.Reflector) func() *schema.Schema {
	return func() *schema.Schema {
		s := r.Struct(reflect.TypeFor[paramYAML]())
		s.Description = "a number drawn once per replicate: exactly one of " +
			strings.Join([]string{DistConst, DistUniform, DistTriangular, DistBeta, DistTruncNormal, DistBernoulli}, ", ") +
			", with its provenance"
		for _, d := range []string{DistUniform, DistTriangular, DistBeta, DistTruncNormal} {
			p := s.Properties.Get(d)
			p.MinItems, p.MaxItems = schema.Ptr(distArity[d]), schema.Ptr(distArity[d])
		}
		for _, d := range []string{DistConst, DistUniform, DistTriangular, DistBeta, DistTruncNormal, DistBernoulli} {
			s.OneOf = append(s.OneOf, &schema.Schema{Required: []string{d}})
		}
		return s
	}
}
