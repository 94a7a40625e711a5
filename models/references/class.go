package references

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// Units a class's cases are measured in.
const (
	UnitMonths  = "months"  // from start to end, in months of 365.25/12 days
	UnitShare   = "share"   // a value in [0, 1], e.g. a yes share
	UnitOutcome = "outcome" // true or false
)

// Derivation methods: how a parameter's distribution follows from the cases.
const (
	// DeriveRange is uniform[min, max] of the values.
	DeriveRange = "range"
	// DeriveTriangular is triangular[min, median, max] of the values.
	DeriveTriangular = "triangular"
	// DeriveBeta is the Beta(1 + k, 1 + n − k) posterior of the share of
	// true outcomes under a uniform prior: k true of n cases.
	DeriveBeta = "beta"
	// DeriveBetaComplement is Beta(1 + n − k, 1 + k), the posterior of the
	// share of false outcomes.
	DeriveBetaComplement = "beta-complement"
)

// Methods lists the derivation methods.
var Methods = []string{DeriveRange, DeriveTriangular, DeriveBeta, DeriveBetaComplement}

// DaysPerMonth is the mean length of a month of the Gregorian calendar, the
// unit in which durations between dates are given.
const DaysPerMonth = 365.25 / 12

// Citation points to the public record of a fact: a page's address, its
// title, and, where it helps, a short passage that states the fact.
type Citation struct {
	URL   string `yaml:"url"`
	Title string `yaml:"title"`
	Quote string `yaml:"quote"`
}

// Case is one past event of a class. A months class gives start and end
// (dates as YYYY-MM-DD), a share class a value, an outcome class an outcome
// or a count of like trials.
type Case struct {
	ID        string     `yaml:"id"`
	Label     string     `yaml:"label"`
	Start     string     `yaml:"start"`
	End       string     `yaml:"end"`
	Value     *float64   `yaml:"value"`
	Outcome   *bool      `yaml:"outcome"`
	Count     *Count     `yaml:"count"`
	Note      string     `yaml:"note"`
	Citations []Citation `yaml:"citations"`
}

// Count is a case made of n like trials, true of which had a true outcome
// (for example, the allies of one accession round and how many of them
// held it up).
type Count struct {
	N    int `yaml:"n"`
	True int `yaml:"true"`
}

// Unverified records a candidate case or fact left out because no fetched
// page stated it.
type Unverified struct {
	What string `yaml:"what"`
	Why  string `yaml:"why"`
}

// Class is a reference class: what it counts, its cases, and what was left
// out.
type Class struct {
	Name        string       `yaml:"-"` // the file name without .yaml
	File        string       `yaml:"-"`
	Title       string       `yaml:"title"`
	Unit        string       `yaml:"unit"`
	Measures    string       `yaml:"measures"` // what a case's value or outcome is
	Cases       []Case       `yaml:"cases"`
	Unverified  []Unverified `yaml:"unverified"`
	Description string       `yaml:"description"`
}

var (
	idRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Parse reads a class from a file's contents; name is the file name, whose
// base without .yaml names the class. Every problem is reported, each with
// the file and the field.
func Parse(name string, data []byte) (*Class, error) {
	var c Class
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c.File = name
	c.Name = strings.TrimSuffix(path.Base(name), ".yaml")
	var errs []error
	bad := func(field, format string, args ...any) {
		at := name
		if l := lineOf(&root, field); l > 0 {
			at = fmt.Sprintf("%s:%d", name, l)
		}
		errs = append(errs, fmt.Errorf("%s: %s: %s", at, field, fmt.Sprintf(format, args...)))
	}
	if !idRE.MatchString(c.Name) {
		bad("file name", "%q must be lower-case letters, digits and dashes", c.Name)
	}
	if strings.TrimSpace(c.Title) == "" {
		bad("title", "is required")
	}
	if strings.TrimSpace(c.Measures) == "" {
		bad("measures", "is required: say what a case's value or outcome is")
	}
	if !slices.Contains([]string{UnitMonths, UnitShare, UnitOutcome}, c.Unit) {
		bad("unit", "%q is not one of months, share, outcome", c.Unit)
	}
	if len(c.Cases) == 0 {
		bad("cases", "is required: a class needs at least one case")
	}
	seen := map[string]bool{}
	for i, k := range c.Cases {
		f := fmt.Sprintf("cases[%d]", i)
		switch {
		case !idRE.MatchString(k.ID):
			bad(f+".id", "%q must be lower-case letters, digits and dashes", k.ID)
		case seen[k.ID]:
			bad(f+".id", "%q is given twice", k.ID)
		}
		seen[k.ID] = true
		if strings.TrimSpace(k.Label) == "" {
			bad(f+".label", "is required")
		}
		if len(k.Citations) == 0 {
			bad(f+".citations", "is required: cite the public record of the case")
		}
		for j, ct := range k.Citations {
			if !strings.HasPrefix(ct.URL, "https://") && !strings.HasPrefix(ct.URL, "http://") {
				bad(fmt.Sprintf("%s.citations[%d].url", f, j), "%q is not an http(s) address", ct.URL)
			}
			if strings.TrimSpace(ct.Title) == "" {
				bad(fmt.Sprintf("%s.citations[%d].title", f, j), "is required")
			}
		}
		switch c.Unit {
		case UnitMonths:
			if k.Value != nil || k.Outcome != nil || k.Count != nil {
				bad(f, "a months class takes start and end, not value, outcome or count")
			}
			if _, err := k.months(); err != nil {
				bad(f, "%v", err)
			}
		case UnitShare:
			if k.Start != "" || k.End != "" || k.Outcome != nil || k.Count != nil {
				bad(f, "a share class takes value, not start, end, outcome or count")
			}
			if k.Value == nil || !(*k.Value >= 0 && *k.Value <= 1) {
				bad(f+".value", "is required, in [0, 1]")
			}
		case UnitOutcome:
			if k.Start != "" && !dateRE.MatchString(k.Start) {
				bad(f+".start", "%q is not a date YYYY-MM-DD", k.Start)
			}
			if k.End != "" || k.Value != nil {
				bad(f, "an outcome class takes outcome (and optionally start), not end or value")
			}
			switch {
			case k.Outcome == nil && k.Count == nil:
				bad(f+".outcome", "is required: true or false (or a count)")
			case k.Outcome != nil && k.Count != nil:
				bad(f, "gives both outcome and count; give one")
			case k.Count != nil && (k.Count.N < 1 || k.Count.True < 0 || k.Count.True > k.Count.N):
				bad(f+".count", "needs n >= 1 and 0 <= true <= n, got n %d, true %d", k.Count.N, k.Count.True)
			}
		}
	}
	for i, u := range c.Unverified {
		if strings.TrimSpace(u.What) == "" || strings.TrimSpace(u.Why) == "" {
			bad(fmt.Sprintf("unverified[%d]", i), "needs both what and why")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// lineOf returns the line of the deepest node a field path such as
// cases[2].citations[0].url reaches in the document, or 0.
func lineOf(doc *yaml.Node, field string) int {
	n, line := doc, 0
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, part := range strings.Split(field, ".") {
		key, idx, _ := strings.Cut(part, "[")
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
		if idx != "" {
			var j int
			if _, err := fmt.Sscanf(idx, "%d]", &j); err != nil || n.Kind != yaml.SequenceNode || j < 0 || j >= len(n.Content) {
				return line
			}
			n = n.Content[j]
			line = n.Line
		}
	}
	return line
}

func parseDate(s string) (time.Time, error) {
	if !dateRE.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
	}
	return time.Parse(time.DateOnly, s)
}

// months returns the case's duration in months.
func (k Case) months() (float64, error) {
	a, err := parseDate(k.Start)
	if err != nil {
		return 0, fmt.Errorf("start: %w", err)
	}
	b, err := parseDate(k.End)
	if err != nil {
		return 0, fmt.Errorf("end: %w", err)
	}
	if b.Before(a) {
		return 0, fmt.Errorf("end %s is before start %s", k.End, k.Start)
	}
	return b.Sub(a).Hours() / 24 / DaysPerMonth, nil
}

// Number returns the case's value: its duration in months, its share, 1 for
// a true outcome and 0 for a false one, or for a count the share of true
// trials.
func (k Case) Number() float64 {
	switch {
	case k.Outcome != nil:
		if *k.Outcome {
			return 1
		}
		return 0
	case k.Value != nil:
		return *k.Value
	case k.Count != nil:
		return float64(k.Count.True) / float64(k.Count.N)
	}
	m, _ := k.months()
	return m
}

// Derivation says how a parameter follows from a class: the method, the
// cases left out (for a leave-one-out retrodiction, or a case the note
// argues does not apply), and an affine map x·Scale + Shift applied to the
// values before a range or triangular is formed.
type Derivation struct {
	Method  string
	Exclude []string
	Shift   float64
	Scale   float64
}

// Derived is the distribution a derivation gives, with the cases it used.
type Derived struct {
	Dist string    // uniform, triangular or beta, as in a scenario parameter
	Args []float64 // the distribution's arguments
	N, K int       // cases used; for beta methods, the true outcomes among them
}

// Derive returns the distribution that d takes from the class.
func (c *Class) Derive(d Derivation) (Derived, error) {
	if !slices.Contains(Methods, d.Method) {
		return Derived{}, fmt.Errorf("derive %q is not one of %s", d.Method, strings.Join(Methods, ", "))
	}
	for _, id := range d.Exclude {
		if !slices.ContainsFunc(c.Cases, func(k Case) bool { return k.ID == id }) {
			return Derived{}, fmt.Errorf("exclude: class %s has no case %q (cases: %s)", c.Name, id, strings.Join(c.caseIDs(), ", "))
		}
	}
	var xs []float64
	n, k := 0, 0
	for _, cs := range c.Cases {
		if slices.Contains(d.Exclude, cs.ID) {
			continue
		}
		if cs.Count != nil {
			n, k = n+cs.Count.N, k+cs.Count.True
			continue
		}
		x := cs.Number()
		xs = append(xs, x)
		n++
		if c.Unit == UnitOutcome && x == 1 {
			k++
		}
	}
	if n == 0 {
		return Derived{}, fmt.Errorf("class %s has no case left after exclude", c.Name)
	}
	beta := d.Method == DeriveBeta || d.Method == DeriveBetaComplement
	switch {
	case beta && c.Unit != UnitOutcome:
		return Derived{}, fmt.Errorf("derive %s needs an outcome class; %s counts %s", d.Method, c.Name, c.Unit)
	case beta && (d.Shift != 0 || d.Scale != 1):
		return Derived{}, fmt.Errorf("derive %s takes no shift or scale", d.Method)
	case !beta && c.Unit == UnitOutcome:
		return Derived{}, fmt.Errorf("derive %s needs a months or share class; %s counts outcomes (use beta or beta-complement)", d.Method, c.Name)
	case d.Scale == 0 || math.IsNaN(d.Scale) || math.IsInf(d.Scale, 0) || math.IsNaN(d.Shift) || math.IsInf(d.Shift, 0):
		return Derived{}, fmt.Errorf("scale must be finite and non-zero and shift finite, got scale %g, shift %g", d.Scale, d.Shift)
	}
	switch d.Method {
	case DeriveBeta:
		return Derived{Dist: "beta", Args: []float64{float64(1 + k), float64(1 + n - k)}, N: n, K: k}, nil
	case DeriveBetaComplement:
		return Derived{Dist: "beta", Args: []float64{float64(1 + n - k), float64(1 + k)}, N: n, K: k}, nil
	}
	for i := range xs {
		xs[i] = xs[i]*d.Scale + d.Shift
	}
	n = len(xs)
	sort.Float64s(xs)
	lo, hi := xs[0], xs[n-1]
	if d.Method == DeriveRange {
		return Derived{Dist: "uniform", Args: []float64{lo, hi}, N: n}, nil
	}
	med := xs[n/2]
	if n%2 == 0 {
		med = (xs[n/2-1] + xs[n/2]) / 2
	}
	return Derived{Dist: "triangular", Args: []float64{lo, med, hi}, N: n}, nil
}

func (c *Class) caseIDs() []string {
	ids := make([]string, len(c.Cases))
	for i, k := range c.Cases {
		ids[i] = k.ID
	}
	return ids
}

//go:embed *.yaml
var shipped embed.FS

var (
	loadOnce sync.Once
	classes  map[string]*Class
	loadErr  error
)

func load() {
	classes = map[string]*Class{}
	entries, err := shipped.ReadDir(".")
	if err != nil {
		loadErr = err
		return
	}
	var errs []error
	for _, e := range entries {
		data, err := shipped.ReadFile(e.Name())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c, err := Parse("models/references/"+e.Name(), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		classes[c.Name] = c
	}
	loadErr = errors.Join(errs...)
}

// Lookup returns the shipped class of that name, or an error naming the
// known classes. An error in a shipped class file is returned by every call.
func Lookup(name string) (*Class, error) {
	loadOnce.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	c, ok := classes[name]
	if !ok {
		return nil, fmt.Errorf("unknown reference class %q; known: %s", name, strings.Join(Names(), ", "))
	}
	return c, nil
}

// Names returns the names of the shipped classes, sorted.
func Names() []string {
	loadOnce.Do(load)
	names := make([]string, 0, len(classes))
	for n := range classes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
