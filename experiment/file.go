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
	SchemaVersion int `yaml:"schema_version"`
	// Name names the experiment and its default output directory
	// (results/NAME); required.
	Name string `yaml:"name"`
	// Scenario is the scenario file's path, relative to this file's
	// directory; empty means the embedded default scenario.
	Scenario string `yaml:"scenario"`
	// Variants lists the cells to compare: variant names (a+b combines them)
	// or labelled cells {name, variant, fixed}; or all, every policy variant
	// of the scenario in file order.
	Variants allOr[nameOr[fileVariant]] `yaml:"variants"`
	// Readings, when set, crosses every variant v with each reading r as the
	// variant v+r.
	Readings []string `yaml:"readings"`
	// N is the number of replicates per cell, in [1, 1e8].
	N int `yaml:"n"`
	// Seed is the master seed; 1 when absent.
	Seed uint64 `yaml:"seed"`
	// Level is the confidence level of every interval, in (0, 1); 0.95 when
	// absent.
	Level float64 `yaml:"level"`
	// Outcomes restricts the reported outcomes; absent reports all.
	Outcomes []string `yaml:"outcomes"`
	// Fixed pins parameters in every cell.
	Fixed []fileFix `yaml:"fixed"`
	// Sweep varies one parameter over a list of values or a grid (figure
	// sweep).
	Sweep *fileAxis `yaml:"sweep"`
	// Sweep2 varies two parameters, x and y, over every combination of their
	// values (heatmap.csv, figure heatmap).
	Sweep2 *struct {
		// X is the first of the two levers.
		X fileAxis `yaml:"x"`
		// Y is the second lever; every x value is crossed with every y value.
		Y fileAxis `yaml:"y"`
	} `yaml:"sweep2"`
	// Sensitivity asks for a one-at-a-time sensitivity analysis: each
	// uncertain parameter of one variant pinned at its low and at its high
	// bound (figure tornado).
	Sensitivity *struct {
		// Variant is the cell analysed: the label of a listed variant, or a
		// scenario variant's name; absent, the first listed variant.
		Variant string `yaml:"variant"`
		// Outcome is the outcome analysed; ceasefire when absent.
		Outcome string `yaml:"outcome"`
		// Params lists the parameter paths to vary, or all (the default):
		// every uncertain parameter.
		Params allOr[string] `yaml:"params"`
		// N overrides the experiment's n for the sensitivity cells.
		N int `yaml:"n"`
	} `yaml:"sensitivity"`
	// Difference lists pairs of variants whose difference in each outcome's
	// probability, P(a) − P(b), is estimated.
	Difference []struct {
		// A and B are the labels of the two cells compared: P(a) − P(b).
		A string `yaml:"a"`
		B string `yaml:"b"`
		// Paired runs both cells on the same random numbers, replicate by
		// replicate, and reports Newcombe's paired interval; otherwise the
		// cells are independent samples.
		Paired bool `yaml:"paired"`
	} `yaml:"difference"`
	// Decompose asks for a paired one-at-a-time decomposition of the gap
	// between two readings of one variant, parameter by parameter
	// (decompose.csv).
	Decompose *struct {
		// Variant is the policy variant (base or absent for the scenario as
		// written); From and To are the readings compared, variant+from
		// against variant+to.
		Variant string `yaml:"variant"`
		From    string `yaml:"from"`
		To      string `yaml:"to"`
		// Outcomes are the outcomes decomposed; absent means every reported
		// outcome.
		Outcomes []string `yaml:"outcomes"`
		// N overrides the experiment's n for the decomposition's runs.
		N int `yaml:"n"`
	} `yaml:"decompose"`
	// Design is a factorial, Latin-hypercube (lhs), Sobol or Morris design
	// over parameters of one variant (design.csv).
	Design *struct {
		// Type is factorial, lhs, sobol or morris.
		Type string `yaml:"type"`
		// Variant is the cell the design runs on; absent means base.
		Variant string `yaml:"variant"`
		// Levers are a factorial design's axes: every combination of their
		// values is a point. A lever's param may be a pattern (* matches any
		// run of characters); every matching parameter takes the value.
		Levers []fileAxis `yaml:"levers"`
		// Params are the patterns of the uncertain parameters an lhs, sobol
		// or morris design samples, each over its own distribution; all (the
		// default) means every uncertain parameter.
		Params allOr[string] `yaml:"params"`
		// Groups, when given, are the factors of a sobol or morris design:
		// named lists of patterns, each group moved (or resampled) as one.
		Groups []struct {
			// Name names the group, one factor of the design.
			Name string `yaml:"name"`
			// Params are the patterns of the group's parameters (* matches
			// any run of characters).
			Params []string `yaml:"params"`
		} `yaml:"groups"`
		// N is the number of points of an lhs design, the base sample size of
		// a sobol design (a power of two at least max(16, k); N·(k+2) points
		// for k factors) and the number of trajectories of a morris design
		// (r·(k+1) points).
		N int `yaml:"n"`
		// Levels is the number of grid levels of a morris design (even); 4
		// when absent.
		Levels int `yaml:"levels"`
		// Replicates is the number of replicates run at every point;
		// required.
		Replicates int `yaml:"replicates"`
		// Seed seeds the design's own draws: the Latin hypercube, the Sobol
		// shift, the Morris trajectories and the bootstrap of the indices; 1
		// when absent.
		Seed uint64 `yaml:"seed"`
		// Bootstrap is the number of bootstrap resamples of the indices; 500
		// when absent.
		Bootstrap int `yaml:"bootstrap"`
	} `yaml:"design"`
	// Binned estimates first-order sensitivity indices from the variant
	// cells' own replicates, with no extra runs (binned.csv).
	Binned *struct {
		// Bins is the number of equal-probability bins of each parameter (2
		// to 1000); 20 when absent.
		Bins int `yaml:"bins"`
		// Params are the patterns of the parameters binned, or all (the
		// default): every uncertain parameter.
		Params allOr[string] `yaml:"params"`
	} `yaml:"binned"`
	// Convergence lists increasing replicate counts, the last at most n, at
	// which the first variant's estimates are reported.
	Convergence []int `yaml:"convergence"`
	// Verification runs the engine against closed-form games
	// (verification.csv).
	Verification bool `yaml:"verification"`
	// Figures lists the figures to draw; absent, every figure the experiment
	// has data for.
	Figures []string `yaml:"figures"`
	// Includes lists other experiment files run along with this one, each
	// into its own directory named after it.
	Includes []string `yaml:"includes"`
}

// allOr is the word "all" or a non-empty list.
type allOr[T any] []T

// nameOr is a bare name (a string) or the mapping T.
type nameOr[T any] struct{ V T }

type fileVariant struct {
	// Name is the label the cell is reported under; required.
	Name string `yaml:"name"`
	// Variant is the scenario variant the cell runs (names joined by +
	// combine).
	Variant string `yaml:"variant"`
	// Fixed pins parameters in this cell.
	Fixed []fileFix `yaml:"fixed"`
}

type fileFix struct {
	// Param is a dotted parameter path as negsim scenario lists it; * matches
	// any run of characters, and every matching parameter is pinned.
	Param string `yaml:"param"`
	// Value is the value the parameter is pinned at.
	Value float64 `yaml:"value"`
}

type fileAxis struct {
	// Param is the dotted path of the parameter, as negsim scenario lists it.
	Param string `yaml:"param"`
	// Label names the axis in tables and figures; absent, the parameter's
	// path.
	Label string `yaml:"label"`
	// Values are the values the parameter takes, a set; or give from, to and
	// steps.
	Values []float64 `yaml:"values"`
	// From and To are the first and last values of a grid of Steps evenly
	// spaced values (2 to 1000), given instead of Values.
	From  float64 `yaml:"from"`
	To    float64 `yaml:"to"`
	Steps int     `yaml:"steps"`
}

//go:generate go run ../internal/gendesc -pkg experiment

// JSONSchema returns the JSON Schema of experiment files (negsim schema
// experiment; docs/schema/). A file the schema refuses is refused by Parse
// too; Parse also checks the rules across fields.
func JSONSchema() *schema.Schema {
	r := schema.Reflector{Descriptions: fieldDocs}
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
