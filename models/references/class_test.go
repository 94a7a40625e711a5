package references

import (
	"math"
	"strings"
	"testing"
)

func TestShippedClassesParse(t *testing.T) {
	names := Names()
	if len(names) < 5 {
		t.Fatalf("got %d shipped classes (%v), want at least 5", len(names), names)
	}
	for _, n := range names {
		if _, err := Lookup(n); err != nil {
			t.Errorf("Lookup(%q): %v", n, err)
		}
	}
}

// TestDeriveShipped checks the distributions the shipped classes give
// against values worked out by hand from the dates and counts in the files.
func TestDeriveShipped(t *testing.T) {
	for i, tc := range []struct {
		class string
		d     Derivation
		dist  string
		args  []float64
	}{
		// Finland: 2022-06-29 to 2023-04-04 is 279 days = 9.1663 months;
		// North Macedonia: 2018-07-11 to 2020-03-27 is 625 days = 20.5339.
		{"nato-invitation-to-membership", Derivation{Method: DeriveRange, Scale: 1}, "uniform", []float64{279 / DaysPerMonth, 625 / DaysPerMonth}},
		// Leaving Finland out, Croatia and Albania (363 days) is the shortest.
		{"nato-invitation-to-membership", Derivation{Method: DeriveRange, Scale: 1, Exclude: []string{"finland"}}, "uniform", []float64{363 / DaysPerMonth, 625 / DaysPerMonth}},
		// 36 − months: [36 − 20.5339, 36 − 9.1663].
		{"nato-invitation-to-membership", Derivation{Method: DeriveRange, Scale: -1, Shift: 36}, "uniform", []float64{36 - 625/DaysPerMonth, 36 - 279/DaysPerMonth}},
		// Holds: Hungary-Finland 313 days, Turkey-Sweden 615, Greece 3751;
		// the median of five is Turkey-Sweden.
		{"nato-single-ally-holds", Derivation{Method: DeriveTriangular, Scale: 1}, "triangular", []float64{313 / DaysPerMonth, 615 / DaysPerMonth, 3751 / DaysPerMonth}},
		// 371 of 376 ally-candidate pairs without a hold: Beta(372, 6).
		{"nato-ally-holds-frequency", Derivation{Method: DeriveBeta, Scale: 1}, "beta", []float64{372, 6}},
		// 1 of 5 referendums passed: Beta(2, 5); the complement Beta(5, 2).
		{"peace-settlement-referendums", Derivation{Method: DeriveBeta, Scale: 1}, "beta", []float64{2, 5}},
		{"peace-settlement-referendums", Derivation{Method: DeriveBetaComplement, Scale: 1}, "beta", []float64{5, 2}},
		// No EU holdout recognized Kosovo after any of three triggers:
		// 0 of 15, Beta(1, 16).
		{"kosovo-eu-holdout-recognitions", Derivation{Method: DeriveBeta, Scale: 1}, "beta", []float64{1, 16}},
		// Seven yes shares; the median is the Turkish Cypriots' 0.6491.
		{"peace-referendum-yes-shares", Derivation{Method: DeriveTriangular, Scale: 1}, "triangular", []float64{0.2417, 0.6491, 0.9439}},
	} {
		c, err := Lookup(tc.class)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got, err := c.Derive(tc.d)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got.Dist != tc.dist || len(got.Args) != len(tc.args) {
			t.Fatalf("case %d: got %s%v, want %s%v", i, got.Dist, got.Args, tc.dist, tc.args)
		}
		for j := range tc.args {
			if math.Abs(got.Args[j]-tc.args[j]) > 1e-9 {
				t.Errorf("case %d: arg %d = %.12g, want %.12g", i, j, got.Args[j], tc.args[j])
			}
		}
	}
}

const okClass = `
title: t
unit: months
measures: m
cases:
  - id: a
    label: A
    start: 2020-01-01
    end: 2020-03-01
    citations: [{url: "https://example.org/a", title: "A"}]
  - id: b
    label: B
    start: 2020-01-01
    end: 2021-01-01
    citations: [{url: "https://example.org/b", title: "B"}]
`

func TestParseBad(t *testing.T) {
	for i, tc := range []struct {
		name, yaml, want string
	}{
		{"x.yaml", "title: t\nunit: years\nmeasures: m\ncases: []\n", "unit: \"years\" is not one of"},
		{"x.yaml", "title: t\nunit: months\nmeasures: m\n", "cases: is required"},
		{"x.yaml", strings.Replace(okClass, "end: 2020-03-01", "end: 2019-03-01", 1), "x.yaml:6: cases[0]: end 2019-03-01 is before start"},
		{"x.yaml", strings.Replace(okClass, "https://example.org/b", "ftp://example.org/b", 1), "x.yaml:15: cases[1].citations[0].url: \"ftp://example.org/b\" is not an http(s) address"},
		{"x.yaml", strings.Replace(okClass, "start: 2020-01-01", "start: 1 Jan 2020", 1), "is not a date YYYY-MM-DD"},
		{"x.yaml", strings.Replace(okClass, `citations: [{url: "https://example.org/a", title: "A"}]`, "citations: []", 1), "cite the public record"},
		{"x.yaml", strings.Replace(okClass, "https://example.org/a", "example.org/a", 1), "is not an http(s) address"},
		{"x.yaml", strings.Replace(okClass, "id: b", "id: a", 1), "\"a\" is given twice"},
		{"x.yaml", strings.Replace(okClass, "label: A", "label: A\n    value: 0.5", 1), "a months class takes start and end"},
		{"Bad_Name.yaml", okClass, "must be lower-case"},
		{"x.yaml", okClass + "colour: red\n", "field colour not found"},
		{"x.yaml", "title: t\nunit: outcome\nmeasures: m\ncases:\n  - {id: a, label: A, citations: [{url: 'https://e.org', title: T}]}\n", "outcome: is required"},
		{"x.yaml", "title: t\nunit: outcome\nmeasures: m\ncases:\n  - {id: a, label: A, count: {n: 3, true: 4}, citations: [{url: 'https://e.org', title: T}]}\n", "0 <= true <= n"},
		{"x.yaml", "title: t\nunit: share\nmeasures: m\ncases:\n  - {id: a, label: A, value: 1.5, citations: [{url: 'https://e.org', title: T}]}\n", "value: is required, in [0, 1]"},
	} {
		_, err := Parse(tc.name, []byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got error %v, want one containing %q", i, err, tc.want)
		}
		if err != nil && !strings.Contains(err.Error(), tc.name) {
			t.Errorf("case %d: error %v does not name the file %s", i, err, tc.name)
		}
	}
}

func TestDeriveBad(t *testing.T) {
	c, err := Parse("x.yaml", []byte(okClass))
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		d    Derivation
		want string
	}{
		{Derivation{Method: "median", Scale: 1}, "is not one of range"},
		{Derivation{Method: DeriveBeta, Scale: 1}, "needs an outcome class"},
		{Derivation{Method: DeriveRange, Scale: 0}, "scale must be finite and non-zero"},
		{Derivation{Method: DeriveRange, Scale: 1, Exclude: []string{"zz"}}, "has no case \"zz\""},
		{Derivation{Method: DeriveRange, Scale: 1, Exclude: []string{"a", "b"}}, "no case left"},
	} {
		_, err := c.Derive(tc.d)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got error %v, want one containing %q", i, err, tc.want)
		}
	}
	if _, err := Lookup("no-such-class"); err == nil || !strings.Contains(err.Error(), "known: ") {
		t.Errorf("Lookup of an unknown class: got %v, want an error listing the known classes", err)
	}
}
