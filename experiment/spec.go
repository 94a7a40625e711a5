package experiment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/negsim/negsim/limitread"
	"github.com/negsim/negsim/models"
)

// Figure names an experiment may ask for, in the order they are drawn.
var FigureNames = []string{"variants", "byround", "forecast", "sweep", "heatmap", "tornado", "convergence", "difference", "decompose", "sobol", "morris", "verification"}

// Spec is a parsed experiment file.
type Spec struct {
	// File is the path the spec was read from.
	File string
	// Name names the experiment and its default output directory.
	Name string
	// Scenario is the scenario file's path, relative to the experiment
	// file's directory; empty means the embedded default scenario.
	Scenario string
	// AllPolicies means "variants: all": every policy variant of the
	// scenario, in file order.
	AllPolicies bool
	// Variants lists the cells to compare, before crossing with Readings.
	Variants []Variant
	// Readings, when set, crosses every variant v with each reading r as
	// the variant "v+r".
	Readings []string
	// N is the number of replicates per cell.
	N int
	// Seed is the master seed.
	Seed uint64
	// Level is the confidence level of every interval.
	Level float64
	// Outcomes restricts the reported outcomes; empty reports all.
	Outcomes []string
	// Fixed pins parameters in every cell.
	Fixed []Fix
	// Sweep varies one parameter; Sweep2 varies two (a heatmap).
	Sweep  *Axis
	Sweep2 *[2]Axis
	// Sensitivity asks for a one-at-a-time sensitivity analysis.
	Sensitivity *Sensitivity
	// Difference lists pairs of variants whose difference in each outcome's
	// probability is estimated.
	Difference []Pair
	// Decompose asks for a paired one-at-a-time decomposition of the gap
	// between two readings of one variant.
	Decompose *Decompose
	// Design is a factorial, Latin-hypercube, Sobol or Morris design over
	// parameters of one variant.
	Design *Design
	// Binned estimates first-order indices from the variant cells' own
	// replicates.
	Binned *Binned
	// Convergence lists increasing replicate counts at which the first
	// variant's estimates are reported.
	Convergence []int
	// Verification runs the engine against closed-form games.
	Verification bool
	// Figures lists the figures to draw.
	Figures []string
	// Includes are other experiments run along with this one, each into
	// its own subdirectory.
	Includes []*Spec

	lines map[string]int // line of each top-level field, for later checks
	// sha256 is the hash of the bytes parsed, for manifests and cache keys.
	sha256 string
	// figuresDefault is set when the file lists no figures: every figure
	// the experiment has data for is drawn, forecast included when a
	// variant cell has a bdm table (known only to the plan).
	figuresDefault bool
	includeNames   []include
}

// Variant is one cell of the comparison: a scenario variant (names joined
// by "+") with some parameters pinned, reported under Label.
type Variant struct {
	Label   string
	Variant string
	Fixed   []Fix
	Line    int
}

// Fix pins every parameter whose dotted path matches Param (where * matches
// any run of characters) at Value.
type Fix struct {
	Param string
	Value float64
	Line  int
}

// Axis is one swept parameter and the values it takes.
type Axis struct {
	Param  string
	Label  string
	Values []float64
	Line   int
}

// Name returns the axis's label, or its parameter path.
func (a Axis) Name() string {
	if a.Label != "" {
		return a.Label
	}
	return a.Param
}

// Sensitivity is a one-at-a-time sensitivity analysis: each uncertain
// parameter of Variant pinned at its low and at its high bound.
type Sensitivity struct {
	Variant string
	Outcome string
	// Params lists the parameter paths to vary; nil means every uncertain
	// parameter.
	Params []string
	// N overrides the spec's N for the sensitivity cells when positive.
	N    int
	Line int
}

// Decompose is a paired one-at-a-time decomposition of the gap between two
// readings: Variant+From against Variant+To, and Variant+From with each
// parameter whose distribution differs replaced, one at a time, by its
// distribution in Variant+To, every model run on Variant+From's random
// streams.
type Decompose struct {
	// Variant is the policy variant ("base" or empty for the scenario as
	// written); From and To are the readings compared.
	Variant, From, To string
	// Outcomes are the outcomes decomposed; empty means every reported
	// outcome.
	Outcomes []string
	// N overrides the spec's N when positive.
	N    int
	Line int
}

// label is the name of the variant+reading cell, as readings crosses
// them.
func (d *Decompose) label(reading string) string {
	if d.Variant == "" || d.Variant == "base" {
		return reading
	}
	return d.Variant + "+" + reading
}

// Pair is a difference P(A) − P(B) between two variant labels. A paired
// difference runs both cells on the same random streams, replicate by
// replicate, and reports Newcombe's paired interval; otherwise the two
// cells are independent samples and the interval is Newcombe's for
// independent proportions.
type Pair struct {
	A, B   string
	Paired bool
	Line   int
}

// Problem is one thing wrong with an experiment file; it is the scenario's
// Problem type, so that every command reports file, line, field and rule the
// same way.
type Problem = models.Problem

// Problems is every problem found in an experiment file.
type Problems = models.Problems

// Load reads and parses the experiment file at path, and the files it
// includes. It checks the file's structure and numbers; Plan checks it
// against the scenario. Every file is read once, through a size limit
// (MaxFileSize), however many experiments include it; a cycle of includes
// is refused, and so is an include tree that expands to more than
// MaxIncluded experiments.
func Load(path string) (*Spec, error) {
	l := &loader{done: map[string]*Spec{}, failed: map[string]bool{}}
	s, err := l.load(path, nil)
	if err != nil {
		return nil, err
	}
	if n := expanded(s, map[*Spec]int64{}); n > MaxIncluded {
		return nil, Problems{{File: path, Line: s.lines["includes"], Field: "includes",
			Msg: fmt.Sprintf("the includes expand to more than %d experiments (a file included along several paths counts once per path); allowed: at most %d", MaxIncluded, MaxIncluded)}}
	}
	return s, nil
}

// MaxFileSize bounds an experiment file: they are a few kilobytes, so a
// larger file is a wrong path.
const MaxFileSize = 1 << 20

// MaxIncluded bounds the experiments an include tree expands to, counting
// a file once per path that includes it (each is run into its own
// directory).
const MaxIncluded = 256

// loader loads each file of an include graph once.
type loader struct {
	done   map[string]*Spec // by cleaned absolute path
	failed map[string]bool
}

func (l *loader) load(path string, stack []string) (*Spec, error) {
	key, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	for _, s := range stack {
		if s == key {
			return nil, Problems{{File: path, Field: "includes", Msg: "includes itself through " + strings.Join(append(stack, key), " -> ")}}
		}
	}
	if s, ok := l.done[key]; ok {
		return s, nil
	}
	if l.failed[key] {
		return nil, Problems{} // reported where it was first loaded
	}
	s, err := l.read(path, key, stack)
	if err != nil {
		l.failed[key] = true
		return nil, err
	}
	l.done[key] = s
	return s, nil
}

func (l *loader) read(path, key string, stack []string) (*Spec, error) {
	b, err := limitread.ReadFile(path, MaxFileSize)
	if err != nil {
		var tl *limitread.TooLarge
		if errors.As(err, &tl) {
			return nil, Problems{{File: path, Msg: strings.TrimPrefix(tl.Error(), path+" ") + " in an experiment file"}}
		}
		return nil, err
	}
	s, err := Parse(path, b)
	if err != nil {
		return nil, err
	}
	var ps Problems
	for _, inc := range s.includeNames {
		p := inc.name
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		sub, err := l.load(p, append(stack, key))
		if err != nil {
			if sp, ok := err.(Problems); ok {
				ps = append(ps, sp...)
				if len(sp) == 0 {
					ps = append(ps, Problem{File: path, Line: inc.line, Field: "includes", Msg: p + " has problems (reported above)"})
				}
				continue
			}
			ps = append(ps, Problem{File: path, Line: inc.line, Field: "includes", Msg: err.Error()})
			continue
		}
		s.Includes = append(s.Includes, sub)
	}
	seen := map[string]bool{}
	for _, sub := range s.Includes {
		if seen[sub.Name] {
			ps = append(ps, Problem{File: path, Line: s.lines["includes"], Field: "includes", Msg: fmt.Sprintf("two included experiments are named %q; their output directories would collide", sub.Name)})
		}
		seen[sub.Name] = true
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return s, nil
}

// expanded counts the experiments s stands for, itself and its includes
// once per path, saturating just above MaxIncluded.
func expanded(s *Spec, memo map[*Spec]int64) int64 {
	if n, ok := memo[s]; ok {
		return n
	}
	n := int64(1)
	for _, sub := range s.Includes {
		n = min(n+expanded(sub, memo), MaxIncluded+1)
	}
	memo[s] = n
	return n
}

type include struct {
	name string
	line int
}

// parser collects the problems of one file.
type parser struct {
	file string
	ps   Problems
}

func (p *parser) add(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.ps = append(p.ps, Problem{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// fields checks that n is a mapping whose keys are all in allowed, and
// returns its values by key.
func (p *parser) fields(n *yaml.Node, field string, allowed ...string) map[string]*yaml.Node {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		p.add(n, field, "must be a mapping with fields %s", strings.Join(allowed, ", "))
		return nil
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		f := join(field, k.Value)
		switch {
		case !ok:
			s := append([]string(nil), allowed...)
			sort.Strings(s)
			p.add(k, f, "unknown field; allowed here: %s", strings.Join(s, ", "))
		case out[k.Value] != nil:
			p.add(k, f, "given twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func (p *parser) str(n *yaml.Node, field string) string {
	if n.Kind != yaml.ScalarNode {
		p.add(n, field, "must be a string")
		return ""
	}
	return n.Value
}

// quoted reports a quoted scalar: "300" is a string, not a number.
func quoted(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
}

// set reports an empty list, or a name listed twice, in a list that is a
// set.
func (p *parser) set(n *yaml.Node, field string, names []string) {
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		p.add(n, field, "is empty; list at least one or leave the field out")
	}
	seen := map[string]int{}
	for i, x := range names {
		if j, ok := seen[x]; ok {
			p.add(n.Content[i], fmt.Sprintf("%s[%d]", field, i), "repeats %q (already %s[%d]); %s is a set", x, field, j, field)
			continue
		}
		seen[x] = i
	}
}

// secondDocument returns the line of the first document marker (---) after
// the first document's content, or 0.
func secondDocument(data []byte) int {
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(data)), "\n")
	content := false
	for i, l := range lines {
		if l == "---" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "---\t") {
			if content {
				return i + 1
			}
			continue
		}
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			content = true
		}
	}
	return 0
}

func (p *parser) strs(n *yaml.Node, field string) []string {
	if n.Kind != yaml.SequenceNode {
		p.add(n, field, "must be a list of strings")
		return nil
	}
	var out []string
	for i, c := range n.Content {
		out = append(out, p.str(c, fmt.Sprintf("%s[%d]", field, i)))
	}
	return out
}

func (p *parser) int(n *yaml.Node, field string, lo, hi int) int {
	if quoted(n) {
		p.add(n, field, "is %q, a quoted string; want an integer in [%d, %d] without quotes", n.Value, lo, hi)
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil && n.Kind == yaml.ScalarNode {
		// A whole number in exponent or decimal notation (2e2, 200.0).
		if f, ferr := strconv.ParseFloat(n.Value, 64); ferr == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			v, err = int(f), nil
		}
	}
	if n.Kind != yaml.ScalarNode || err != nil {
		p.add(n, field, "must be an integer in [%d, %d], got %q", lo, hi, n.Value)
		return 0
	}
	if v < lo || v > hi {
		p.add(n, field, "must be in [%d, %d], got %d", lo, hi, v)
	}
	return v
}

func (p *parser) float(n *yaml.Node, field string) float64 {
	if quoted(n) {
		p.add(n, field, "is %q, a quoted string; want a number without quotes", n.Value)
		return math.NaN()
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.add(n, field, "must be a finite number, got %q", n.Value)
		return math.NaN()
	}
	return v
}

func (p *parser) bool(n *yaml.Node, field string) bool {
	var v bool
	if n.Kind != yaml.ScalarNode || n.Decode(&v) != nil {
		p.add(n, field, "must be true or false, got %q", n.Value)
	}
	return v
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlProblem turns a YAML syntax error into a Problem with its line.
func yamlProblem(name string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.Replace(msg, m[0], "", 1)
	}
	return Problem{File: name, Line: line, Msg: msg}
}

// maxN bounds replicate counts, so that a typo does not run for days.
const maxN = 100_000_000

// Parse parses an experiment file's bytes; name is used in error messages.
// Included files are not read (Load reads them).
func Parse(name string, data []byte) (*Spec, error) {
	if pr := textProblem(name, data); pr != nil {
		return nil, Problems{*pr}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, Problems{yamlProblem(name, err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, Problems{{File: name, Msg: "empty experiment file; it needs at least name"}}
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		return nil, Problems{{File: name, Line: secondDocument(data), Msg: "a second YAML document begins here (after ---); an experiment file holds one document"}}
	}
	resolveAliases(&doc, map[*yaml.Node]bool{})
	p := &parser{file: name}
	s := p.spec(doc.Content[0])
	if len(p.ps) == 0 {
		s.checkSize(p)
	}
	if len(p.ps) > 0 {
		return nil, p.ps
	}
	s.File = name
	h := sha256.Sum256(data)
	s.sha256 = hex.EncodeToString(h[:])
	return s, nil
}

// fileSHA256 returns the SHA-256 of the bytes the spec was parsed from
// (read again, through the size limit, for a Spec not made by Parse).
func (s *Spec) fileSHA256() string {
	if s.sha256 == "" {
		raw, _ := limitread.ReadFile(s.File, MaxFileSize)
		h := sha256.Sum256(raw)
		return hex.EncodeToString(h[:])
	}
	return s.sha256
}

func (p *parser) spec(root *yaml.Node) *Spec {
	s := &Spec{Level: 0.95, Seed: 1, lines: map[string]int{}}
	f := p.fields(root, "", "schema_version", "name", "scenario", "variants", "readings", "n", "seed", "level", "outcomes", "fixed",
		"sweep", "sweep2", "sensitivity", "difference", "decompose", "design", "binned", "convergence", "verification", "figures", "includes")
	if f == nil {
		return s
	}
	for k, v := range f {
		s.lines[k] = v.Line
	}
	if n := f["schema_version"]; n != nil && (n.Kind != yaml.ScalarNode || n.Value != strconv.Itoa(SchemaVersion)) {
		p.add(n, "schema_version", "is %q; this negsim reads experiment files of schema_version %d", n.Value, SchemaVersion)
	}
	if n := f["name"]; n == nil {
		p.add(root, "name", "is required: it names the experiment and its output directory")
	} else {
		s.Name = p.str(n, "name")
		if s.Name != "" && (strings.ContainsAny(s.Name, `/\ `) || s.Name == "." || s.Name == "..") {
			p.add(n, "name", "must be a plain directory name without spaces or slashes, got %q", s.Name)
		}
	}
	if n := f["scenario"]; n != nil {
		s.Scenario = p.str(n, "scenario")
	}
	if n := f["variants"]; n != nil {
		p.variants(s, n)
	}
	if n := f["readings"]; n != nil {
		s.Readings = p.strs(n, "readings")
		if len(s.Readings) == 0 && n.Kind == yaml.SequenceNode {
			p.add(n, "readings", "is empty; list at least one reading or leave the field out")
		}
	}
	if n := f["n"]; n != nil {
		s.N = p.int(n, "n", 1, maxN)
	}
	if n := f["seed"]; n != nil {
		v, err := strconv.ParseUint(n.Value, 10, 64)
		switch {
		case quoted(n):
			p.add(n, "seed", "is %q, a quoted string; want an integer in [0, 2^64-1] without quotes", n.Value)
		case n.Kind != yaml.ScalarNode || err != nil:
			p.add(n, "seed", "must be an integer in [0, 2^64-1], got %q", n.Value)
		}
		s.Seed = v
	}
	if n := f["level"]; n != nil {
		s.Level = p.float(n, "level")
		if !(s.Level > 0 && s.Level < 1) && !math.IsNaN(s.Level) {
			p.add(n, "level", "must be in (0, 1), e.g. 0.95, got %v", s.Level)
		}
	}
	if n := f["outcomes"]; n != nil {
		s.Outcomes = p.strs(n, "outcomes")
		p.set(n, "outcomes", s.Outcomes)
	}
	if n := f["fixed"]; n != nil {
		s.Fixed = p.fixes(n, "fixed")
	}
	if n := f["sweep"]; n != nil {
		a := p.axis(n, "sweep")
		s.Sweep = &a
	}
	if n := f["sweep2"]; n != nil {
		g := p.fields(n, "sweep2", "x", "y")
		if g != nil {
			if g["x"] == nil || g["y"] == nil {
				p.add(n, "sweep2", "needs both x and y axes, each {param, values} or {param, from, to, steps}")
			} else {
				s.Sweep2 = &[2]Axis{p.axis(g["x"], "sweep2.x"), p.axis(g["y"], "sweep2.y")}
			}
		}
	}
	if n := f["sensitivity"]; n != nil {
		s.Sensitivity = p.sensitivity(n)
	}
	if n := f["difference"]; n != nil {
		if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			p.add(n, "difference", "must be a non-empty list of {a: variant, b: variant}")
		} else {
			for i, c := range n.Content {
				fd := fmt.Sprintf("difference[%d]", i)
				g := p.fields(c, fd, "a", "b", "paired")
				if g == nil {
					continue
				}
				if g["a"] == nil || g["b"] == nil {
					p.add(c, fd, "needs both a and b")
					continue
				}
				pair := Pair{A: p.str(g["a"], fd+".a"), B: p.str(g["b"], fd+".b"), Line: c.Line}
				if g["paired"] != nil {
					pair.Paired = p.bool(g["paired"], fd+".paired")
				}
				if pair.A == pair.B {
					p.add(c, fd, "compares %s with itself: the difference is 0 by construction", pair.A)
				}
				for j, o := range s.Difference {
					if o.A == pair.A && o.B == pair.B && o.Paired == pair.Paired {
						p.add(c, fd, "repeats difference[%d]; list each pair once", j)
					}
				}
				s.Difference = append(s.Difference, pair)
			}
		}
	}
	if n := f["decompose"]; n != nil {
		s.Decompose = p.decompose(n)
	}
	if n := f["design"]; n != nil {
		s.Design = p.design(n)
	}
	if n := f["binned"]; n != nil {
		s.Binned = p.binned(n)
	}
	if n := f["convergence"]; n != nil {
		if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			p.add(n, "convergence", "must be a non-empty list of increasing replicate counts, e.g. [100, 1000, 10000]")
		} else {
			for i, c := range n.Content {
				v := p.int(c, fmt.Sprintf("convergence[%d]", i), 1, maxN)
				if len(s.Convergence) > 0 && v <= s.Convergence[len(s.Convergence)-1] {
					p.add(c, fmt.Sprintf("convergence[%d]", i), "must be greater than the previous count %d", s.Convergence[len(s.Convergence)-1])
				}
				s.Convergence = append(s.Convergence, v)
			}
		}
	}
	if n := f["verification"]; n != nil {
		s.Verification = p.bool(n, "verification")
	}
	if n := f["includes"]; n != nil {
		for i, name := range p.strs(n, "includes") {
			s.includeNames = append(s.includeNames, include{name, n.Content[i].Line})
		}
	}
	p.figures(s, f["figures"], root)
	p.coherence(s, f, root)
	return s
}

func (p *parser) variants(s *Spec, n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		if n.Value != "all" {
			p.add(n, "variants", `must be "all" (every policy variant) or a list of variant names, got %q`, n.Value)
		}
		s.AllPolicies = true
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n, "variants", `must be "all" or a list of variants (names, or {name, variant, fixed})`)
		return
	}
	if len(n.Content) == 0 {
		p.add(n, "variants", "is empty; list at least one variant")
	}
	for i, c := range n.Content {
		fd := fmt.Sprintf("variants[%d]", i)
		if c.Kind == yaml.ScalarNode {
			if c.Value == "" {
				p.add(c, fd, "empty variant name (use base for the unmodified scenario)")
			}
			s.Variants = append(s.Variants, Variant{Label: c.Value, Variant: c.Value, Line: c.Line})
			continue
		}
		g := p.fields(c, fd, "name", "variant", "fixed")
		if g == nil {
			continue
		}
		v := Variant{Line: c.Line, Variant: "base"}
		if g["name"] == nil {
			p.add(c, fd, "needs name, the label it is reported under")
		} else {
			v.Label = p.str(g["name"], fd+".name")
		}
		if g["variant"] != nil {
			v.Variant = p.str(g["variant"], fd+".variant")
		}
		if g["fixed"] != nil {
			v.Fixed = p.fixes(g["fixed"], fd+".fixed")
		}
		s.Variants = append(s.Variants, v)
	}
}

func (p *parser) fixes(n *yaml.Node, field string) []Fix {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		p.add(n, field, "must be a non-empty list of {param: dotted.path, value: number}")
		return nil
	}
	var out []Fix
	for i, c := range n.Content {
		fd := fmt.Sprintf("%s[%d]", field, i)
		g := p.fields(c, fd, "param", "value")
		if g == nil {
			continue
		}
		if g["param"] == nil || g["value"] == nil {
			p.add(c, fd, "needs both param and value")
			continue
		}
		f := Fix{Param: p.str(g["param"], fd+".param"), Value: p.float(g["value"], fd+".value"), Line: c.Line}
		for j, o := range out {
			if o.Param == f.Param {
				p.add(c, fd+".param", "pins %s again (already %s[%d]); pin each parameter once", f.Param, field, j)
			}
		}
		out = append(out, f)
	}
	return out
}

// maxSteps bounds a sweep's grid.
const maxSteps = 1000

func (p *parser) axis(n *yaml.Node, field string) Axis {
	a := Axis{Line: n.Line}
	g := p.fields(n, field, "param", "label", "values", "from", "to", "steps")
	if g == nil {
		return a
	}
	if g["param"] == nil {
		p.add(n, field, "needs param, a dotted parameter path from negsim scenario")
	} else {
		a.Param = p.str(g["param"], field+".param")
	}
	if g["label"] != nil {
		a.Label = p.str(g["label"], field+".label")
	}
	grid := g["from"] != nil || g["to"] != nil || g["steps"] != nil
	switch {
	case g["values"] != nil && grid:
		p.add(n, field, "give either values or from, to and steps, not both")
	case g["values"] != nil:
		v := g["values"]
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			p.add(v, field+".values", "must be a non-empty list of numbers")
			break
		}
		for i, c := range v.Content {
			x := p.float(c, fmt.Sprintf("%s.values[%d]", field, i))
			for j, y := range a.Values {
				if x == y {
					p.add(c, fmt.Sprintf("%s.values[%d]", field, i), "repeats %g (already values[%d]); a sweep's values are a set", x, j)
					break
				}
			}
			a.Values = append(a.Values, x)
		}
	case grid:
		if g["from"] == nil || g["to"] == nil || g["steps"] == nil {
			p.add(n, field, "a grid needs all of from, to and steps")
			break
		}
		from, to := p.float(g["from"], field+".from"), p.float(g["to"], field+".to")
		steps := p.int(g["steps"], field+".steps", 2, maxSteps)
		if steps >= 2 && !math.IsNaN(from) && !math.IsNaN(to) {
			if from >= to {
				p.add(g["to"], field+".to", "must be greater than from (%g), got %g", from, to)
			}
			for i := range steps {
				// Round to a billionth of the range, so that
				// a grid through 0 gives 0 and not 2.8e-17, and -0.1 is -0.1.
				v := from + (to-from)*float64(i)/float64(steps-1)
				digits := max(0, int(math.Ceil(-math.Log10((to-from)*1e-9))))
				v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', digits, 64), 64)
				if v == 0 {
					v = 0 // not -0
				}
				a.Values = append(a.Values, v)
			}
		}
	default:
		p.add(n, field, "is empty: give values: [...] or from, to and steps")
	}
	return a
}

func (p *parser) sensitivity(n *yaml.Node) *Sensitivity {
	se := &Sensitivity{Line: n.Line, Outcome: "ceasefire"}
	g := p.fields(n, "sensitivity", "variant", "outcome", "params", "n")
	if g == nil {
		return se
	}
	if g["variant"] != nil {
		se.Variant = p.str(g["variant"], "sensitivity.variant")
	}
	if g["outcome"] != nil {
		se.Outcome = p.str(g["outcome"], "sensitivity.outcome")
	}
	if g["n"] != nil {
		se.N = p.int(g["n"], "sensitivity.n", 1, maxN)
	}
	if v := g["params"]; v != nil {
		se.Params = p.params(v, "sensitivity.params", "paths")
	}
	return se
}

func (p *parser) decompose(n *yaml.Node) *Decompose {
	d := &Decompose{Line: n.Line}
	g := p.fields(n, "decompose", "variant", "from", "to", "outcomes", "n")
	if g == nil {
		return d
	}
	if g["variant"] != nil {
		d.Variant = p.str(g["variant"], "decompose.variant")
	}
	for _, k := range []string{"from", "to"} {
		if g[k] == nil {
			p.add(n, "decompose."+k, "is required: name the reading the gap runs %s", k)
			continue
		}
		v := p.str(g[k], "decompose."+k)
		if k == "from" {
			d.From = v
		} else {
			d.To = v
		}
	}
	if d.From != "" && d.From == d.To {
		p.add(g["to"], "decompose.to", "is the same reading as from (%q); there is no gap to decompose", d.From)
	}
	if v := g["outcomes"]; v != nil {
		d.Outcomes = p.strs(v, "decompose.outcomes")
		if len(d.Outcomes) == 0 && v.Kind == yaml.SequenceNode {
			p.add(v, "decompose.outcomes", "is empty; list at least one outcome or leave the field out")
		}
	}
	if g["n"] != nil {
		d.N = p.int(g["n"], "decompose.n", 1, maxN)
	}
	return d
}

func (p *parser) figures(s *Spec, n, root *yaml.Node) {
	if n == nil {
		// Default: every figure the experiment has data for.
		s.figuresDefault = true
		if s.AllPolicies || len(s.Variants) > 0 {
			s.Figures = append(s.Figures, "variants")
		}
		for _, x := range []struct {
			on   bool
			name string
		}{{s.Sweep != nil, "sweep"}, {s.Sweep2 != nil, "heatmap"}, {s.Sensitivity != nil, "tornado"},
			{len(s.Convergence) > 0, "convergence"}, {len(s.Difference) > 0, "difference"}, {s.Decompose != nil, "decompose"},
			{s.Design != nil && s.Design.Type == DesignSobol, "sobol"}, {s.Design != nil && s.Design.Type == DesignMorris, "morris"},
			{s.Verification, "verification"}} {
			if x.on {
				s.Figures = append(s.Figures, x.name)
			}
		}
		return
	}
	for i, name := range p.strs(n, "figures") {
		c := n.Content[i]
		fd := fmt.Sprintf("figures[%d]", i)
		need, what := true, ""
		switch name {
		case "variants", "byround", "forecast":
			need, what = s.AllPolicies || len(s.Variants) > 0, "variants"
		case "sweep":
			need, what = s.Sweep != nil, "sweep"
		case "heatmap":
			need, what = s.Sweep2 != nil, "sweep2"
		case "tornado":
			need, what = s.Sensitivity != nil, "sensitivity"
		case "convergence":
			need, what = len(s.Convergence) > 0, "convergence"
		case "difference":
			need, what = len(s.Difference) > 0, "difference"
		case "decompose":
			need, what = s.Decompose != nil, "decompose"
		case "sobol":
			need, what = s.Design != nil && s.Design.Type == DesignSobol, "design: {type: sobol}"
		case "morris":
			need, what = s.Design != nil && s.Design.Type == DesignMorris, "design: {type: morris}"
		case "verification":
			need, what = s.Verification, "verification: true"
		default:
			p.add(c, fd, "unknown figure %q; allowed: %s", name, strings.Join(FigureNames, ", "))
			continue
		}
		if !need {
			p.add(c, fd, "figure %s needs %s in the experiment", name, what)
		}
		for _, f := range s.Figures {
			if f == name {
				p.add(c, fd, "figure %s listed twice", name)
			}
		}
		s.Figures = append(s.Figures, name)
	}
}

// coherence checks what no single field can.
func (p *parser) coherence(s *Spec, f map[string]*yaml.Node, root *yaml.Node) {
	hasVariants := s.AllPolicies || len(s.Variants) > 0
	for _, k := range []string{"sweep", "sweep2", "sensitivity", "difference", "convergence", "readings", "outcomes", "fixed", "binned"} {
		standalone := k == "sensitivity" && s.Sensitivity != nil && s.Sensitivity.Variant != "" ||
			(k == "fixed" || k == "outcomes") && (s.Decompose != nil || s.Design != nil)
		if f[k] != nil && !hasVariants && !standalone {
			p.add(f[k], k, "needs variants to apply to")
		}
	}
	needN := hasVariants || s.Sensitivity != nil || s.Decompose != nil && s.Decompose.N == 0
	if needN && f["n"] == nil {
		p.add(root, "n", "is required: the number of replicates per cell, in [1, %d]", maxN)
	}
	if k := len(s.Convergence); k > 0 && s.N > 0 && s.Convergence[k-1] > s.N {
		p.add(f["convergence"], "convergence", "the last count %d exceeds n = %d; the estimates at each count are prefixes of the n replicates", s.Convergence[k-1], s.N)
	}
	if !hasVariants && !s.Verification && s.Sensitivity == nil && s.Decompose == nil && s.Design == nil && f["includes"] == nil {
		p.add(root, "", "the experiment runs nothing: give variants, decompose, design, verification: true or includes")
	}
	if s.AllPolicies && len(s.Difference) > 0 {
		// Labels of "all" are only known with the scenario; Plan checks them.
		return
	}
	labels := map[string]bool{}
	for _, v := range s.Variants {
		if labels[v.Label] && v.Label != "" {
			p.add(f["variants"], "variants", "label %q used twice", v.Label)
		}
		labels[v.Label] = true
	}
	for i, d := range s.Difference {
		for _, x := range []string{d.A, d.B} {
			if x == "" {
				continue
			}
			if !labels[x] && !labels[strings.SplitN(x, "+", 2)[0]] {
				p.add(f["difference"], fmt.Sprintf("difference[%d]", i), "%q is not one of the experiment's variants (%s)", x, strings.Join(sortedKeys(labels), ", "))
			}
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// params reads a params field: "all" (nil) or a non-empty list of parameter
// paths or patterns; what names them in the message.
func (p *parser) params(v *yaml.Node, field, what string) []string {
	switch {
	case v.Kind == yaml.ScalarNode && v.Value == "all":
		return nil
	case v.Kind == yaml.SequenceNode && len(v.Content) > 0:
		return p.strs(v, field)
	}
	p.add(v, field, `must be "all" or a non-empty list of parameter %s`, what)
	return nil
}
